package io.gatehouse.memory.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

/** The /v1/embeddings client against a loopback server: batching, order, normalisation, errors without secrets. */
class OpenAiEmbeddingsTest {
    HttpServer server;
    final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    final List<String> auth = new CopyOnWriteArrayList<>();
    volatile int status = 200;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/embeddings", x -> {
            JsonNode rq = new ObjectMapper().readTree(x.getRequestBody());
            requests.add(rq);
            auth.add(x.getRequestHeaders().getFirst("Authorization") + "|" + x.getRequestHeaders().getFirst("X-Team"));
            StringBuilder b = new StringBuilder();
            if (status == 200) {
                b.append("{\"data\":[");
                // answered in reverse order, with index: the client must put them back in order
                for (int i = rq.get("input").size() - 1; i >= 0; i--) {
                    b.append("{\"index\":").append(i).append(",\"embedding\":[").append(rq.get("input").get(i).asText().length())
                            .append(",0,0]}").append(i > 0 ? "," : "");
                }
                b.append("]}");
            } else {
                b.append("{\"error\":{\"message\":\"Incorrect API key provided\"}}");
            }
            byte[] out = b.toString().getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(status, out.length);
            x.getResponseBody().write(out);
            x.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    OpenAiEmbeddings client(int batch) {
        return new OpenAiEmbeddings("http://127.0.0.1:" + server.getAddress().getPort() + "/v1", "text-embedding-3-small",
                "sk-test-secret", Map.of("X-Team", "memory"), 5_000, batch);
    }

    @Test
    void batchesKeepOrderAndNormalise() throws Exception {
        List<float[]> v = client(2).embed(List.of("a", "bb", "ccc"));
        assertEquals(3, v.size());
        assertEquals(2, requests.size(), "two batches of at most 2");
        assertEquals("text-embedding-3-small", requests.get(0).get("model").asText());
        for (float[] x : v) {
            assertEquals(1f, x[0], 1e-6, "unit length");
        }
        assertEquals("Bearer sk-test-secret|memory", auth.get(0));
        assertEquals("openai:text-embedding-3-small@http://127.0.0.1:" + server.getAddress().getPort() + "/v1", client(1).key());
    }

    @Test
    void anErrorNamesTheEndpointAndStatusNeverTheKey() {
        status = 401;
        IOException e = assertThrows(IOException.class, () -> client(8).embed(List.of("x")));
        assertTrue(e.getMessage().contains("HTTP 401") && e.getMessage().contains("/v1/embeddings"), e.getMessage());
        assertTrue(e.getMessage().contains("Incorrect API key provided"), e.getMessage());
        assertFalse(e.getMessage().contains("sk-test-secret"), e.getMessage());
        assertFalse(e.getMessage().contains("memory"), e.getMessage());
    }

    /** A password in baseUrl reaches no error, and not the embedder key that memory status shows and the index keeps. */
    @Test
    void urlCredentialsAreInNoErrorAndNotInTheKey() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        OpenAiEmbeddings closed = new OpenAiEmbeddings("http://alice:pw-mem-1@127.0.0.1:" + port + "/v1", "m", "sk-test-secret", Map.of(),
                2_000, 8);
        IOException e = assertThrows(IOException.class, () -> closed.embed(List.of("x")));
        assertTrue(e.getMessage().contains("http://127.0.0.1:" + port + "/v1/embeddings"), e.getMessage());
        assertFalse(e.getMessage().contains("pw-mem-1") || closed.key().contains("pw-mem-1"), e.getMessage() + " / " + closed.key());
        status = 401;
        OpenAiEmbeddings refused = new OpenAiEmbeddings("http://alice:pw-mem-1@127.0.0.1:" + server.getAddress().getPort() + "/v1",
                "m", "sk-test-secret", Map.of(), 2_000, 8);
        IOException r = assertThrows(IOException.class, () -> refused.embed(List.of("x")));
        assertFalse(r.getMessage().contains("pw-mem-1"), r.getMessage());
        assertEquals("openai:m@http://127.0.0.1:9/v1/", OpenAiEmbeddings.keyOf("m", "http://alice:p@ss@127.0.0.1:9/v1/"));
        assertEquals("openai:m@https://api.openai.com/v1", OpenAiEmbeddings.keyOf("m", "https://api.openai.com/v1"), "unchanged without user-info");
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> new OpenAiEmbeddings("http://alice:pw-mem-1@ho st/v1", "m", null, Map.of(), 2_000, 8));
        assertFalse(bad.getMessage().contains("pw-mem-1"), bad.getMessage());
    }

    @Test
    void anUnreachableEndpointIsAClearError() {
        OpenAiEmbeddings c = new OpenAiEmbeddings("http://127.0.0.1:1/v1", "m", "sk-test-secret", Map.of(), 2_000, 8);
        IOException e = assertThrows(IOException.class, () -> c.embed(List.of("x")));
        assertTrue(e.getMessage().startsWith("embedding request to http://127.0.0.1:1/v1/embeddings failed"), e.getMessage());
        assertFalse(e.getMessage().contains("sk-test-secret"));
    }
}
