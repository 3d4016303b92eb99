package io.gatehouse.agents.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/** The provider against a real HTTP server on 127.0.0.1 that speaks OpenAI's chat completions wire format. */
class OpenAiCompatibleProviderTest {
    static final ObjectMapper JSON = new ObjectMapper();
    HttpServer server;
    final List<Map<String, Object>> requests = new CopyOnWriteArrayList<>();
    final List<String> auth = new CopyOnWriteArrayList<>();
    final AtomicInteger failuresLeft = new AtomicInteger();
    final AtomicInteger failStatus = new AtomicInteger(500);
    final CountDownLatch release = new CountDownLatch(1);
    volatile boolean hang;
    final OpenAiCompatibleProvider provider = new OpenAiCompatibleProvider();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/v1/chat/completions", this::handle);
        server.start();
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.stop(0);
    }

    @SuppressWarnings("unchecked")
    private void handle(HttpExchange ex) throws IOException {
        Map<String, Object> body = JSON.readValue(ex.getRequestBody(), Map.class);
        requests.add(body);
        auth.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
        if (hang) {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (failuresLeft.getAndDecrement() > 0) {
            byte[] err = "{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}".getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(failStatus.get(), err.length);
            ex.getResponseBody().write(err);
            ex.close();
            return;
        }
        List<Map<String, Object>> messages = (List<Map<String, Object>>) body.get("messages");
        String last = String.valueOf(messages.get(messages.size() - 1).get("content"));
        String reply = "you said " + last;
        if (Boolean.TRUE.equals(body.get("stream"))) {
            ex.getResponseHeaders().add("Content-Type", "text/event-stream");
            ex.sendResponseHeaders(200, 0);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(": keep-alive comment\n\n".getBytes(StandardCharsets.UTF_8));
                o.write(("data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
                        + "\"delta\":{\"role\":\"assistant\"},\"finish_reason\":null}]}\n\n").getBytes(StandardCharsets.UTF_8));
                for (String piece : List.of("you ", "said ", last)) {
                    o.write(("data: " + JSON.writeValueAsString(Map.of("id", "c1", "object", "chat.completion.chunk",
                            "choices", List.of(Map.of("index", 0, "delta", Map.of("content", piece))))) + "\n\n")
                            .getBytes(StandardCharsets.UTF_8));
                    o.flush();
                }
                Map<String, Object> stop = new HashMap<>();
                stop.put("index", 0);
                stop.put("delta", Map.of());
                stop.put("finish_reason", "stop");
                o.write(("data: " + JSON.writeValueAsString(Map.of("choices", List.of(stop))) + "\n\ndata: [DONE]\n\n")
                        .getBytes(StandardCharsets.UTF_8));
            }
        } else {
            byte[] out = JSON.writeValueAsBytes(Map.of("id", "c2", "object", "chat.completion", "choices",
                    List.of(Map.of("index", 0, "message", Map.of("role", "assistant", "content", reply), "finish_reason", "stop"))));
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, out.length);
            ex.getResponseBody().write(out);
            ex.close();
        }
    }

    Map<String, Object> options(Object... kv) {
        Map<String, Object> m = new HashMap<>();
        m.put("baseUrl", "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/");
        m.put("model", "test-model");
        m.put("retryBackoffMs", 10);
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    static final List<Map<String, String>> PROMPT = List.of(Map.of("role", "system", "content", "be brief"),
            Map.of("role", "user", "content", "hello"));

    @Test
    void streamsServerSentEvents() throws Exception {
        List<String> deltas = new ArrayList<>();
        String reply = provider.complete(PROMPT, options("apiKey", "sk-test", "temperature", 0.2, "maxTokens", 64), deltas::add);
        assertEquals("you said hello", reply);
        assertEquals(List.of("you ", "said ", "hello"), deltas);
        Map<String, Object> req = requests.get(0);
        assertEquals("test-model", req.get("model"));
        assertEquals(true, req.get("stream"));
        assertEquals(0.2, req.get("temperature"));
        assertEquals(64, req.get("max_tokens"));
        assertEquals(PROMPT, req.get("messages"));
        assertEquals("Bearer sk-test", auth.get(0));
    }

    @Test
    void nonStreamingFallback() throws Exception {
        List<String> deltas = new ArrayList<>();
        assertEquals("you said hello", provider.complete(PROMPT, options("stream", false), deltas::add));
        assertEquals(List.of("you said hello"), deltas);
        assertEquals(false, requests.get(0).get("stream"));
        assertEquals("null", auth.get(0), "no key configured: no Authorization header");
    }

    @Test
    void retriesA500ThenSucceeds() throws Exception {
        failuresLeft.set(1);
        List<String> deltas = new ArrayList<>();
        assertEquals("you said hello", provider.complete(PROMPT, options(), deltas::add));
        assertEquals(2, requests.size());
        assertEquals(List.of("you ", "said ", "hello"), deltas, "nothing of the failed attempt streamed");
    }

    @Test
    void retriesAreBoundedAndTheErrorIsClear() {
        failuresLeft.set(100);
        failStatus.set(503);
        Exception e = assertThrows(IOException.class, () -> provider.complete(PROMPT, options("maxRetries", 2), d -> { }));
        assertEquals(3, requests.size());
        assertTrue(e.getMessage().contains("HTTP 503") && e.getMessage().contains("overloaded")
                && e.getMessage().contains("after 3 attempts"), e.getMessage());
    }

    @Test
    void aClientErrorIsNotRetried() {
        failuresLeft.set(1);
        failStatus.set(401);
        Exception e = assertThrows(IOException.class, () -> provider.complete(PROMPT, options(), d -> { }));
        assertEquals(1, requests.size());
        assertTrue(e.getMessage().contains("HTTP 401"), e.getMessage());
    }

    @Test
    void timesOut() {
        hang = true;
        long t0 = System.nanoTime();
        Exception e = assertThrows(IOException.class, () -> provider.complete(PROMPT, options("timeoutMs", 300), d -> { }));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(e.getMessage().contains("within 300 ms"), e.getMessage());
        assertTrue(ms < 10_000, "took " + ms + " ms");
        assertEquals(1, requests.size(), "a timeout is not retried");
    }

    @Test
    void connectionRefusedIsRetriedThenReported() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Map<String, Object> o = options("baseUrl", "http://127.0.0.1:" + port + "/v1", "maxRetries", 1);
        Exception e = assertThrows(IOException.class, () -> provider.complete(PROMPT, o, d -> { }));
        assertTrue(e.getMessage().startsWith("cannot reach http://127.0.0.1:" + port) && e.getMessage().contains("after 2 attempts"),
                e.getMessage());
    }

    /** A password written into baseUrl reaches no error (the caller adds the provider's name, the log and the client take the message). */
    @Test
    void urlCredentialsAreInNoError() throws Exception {
        int port = server.getAddress().getPort();
        failuresLeft.set(100);
        failStatus.set(503);
        Exception e = assertThrows(IOException.class, () -> provider.complete(PROMPT,
                options("baseUrl", "http://alice:pw-in-url@127.0.0.1:" + port + "/v1", "maxRetries", 1), d -> { }));
        assertTrue(e.getMessage().contains("HTTP 503 from http://127.0.0.1:" + port + "/v1/chat/completions"), e.getMessage());
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        List<String> messages = new ArrayList<>(List.of(" -> " + e.getMessage()));
        for (String url : List.of("http://alice:pw-in-url@127.0.0.1:" + closed + "/v1", "http://alice:pw-in-url@ho st/v1",
                "http://alice:pw-in-url@bad_host/v1", "ftp://alice:pw-in-url@127.0.0.1/v1", "alice:pw-in-url@127.0.0.1/v1")) {
            Exception x = assertThrows(Exception.class, () -> provider.complete(PROMPT, options("baseUrl", url, "maxRetries", 0), d -> { }));
            for (Throwable t = x; t != null; t = t.getCause()) {
                messages.add(url + " -> " + t);
            }
        }
        for (String m : messages) {
            assertFalse(m.substring(m.indexOf(" -> ") + 1).contains("pw-in-url"), m);
        }
        assertEquals("http://127.0.0.1:8080/v1/chat/completions", OpenAiCompatibleProvider.redacted(
                java.net.URI.create("http://u:p@127.0.0.1:8080/v1/chat/completions?key=abc")).toString());
    }

    @Test
    void missingKeyVariableIsNamed() {
        Exception e = assertThrows(IllegalStateException.class,
                () -> provider.complete(PROMPT, options("apiKeyEnv", "GATEHOUSE_TEST_NO_SUCH_VARIABLE"), d -> { }));
        assertTrue(e.getMessage().contains("GATEHOUSE_TEST_NO_SUCH_VARIABLE"), e.getMessage());
    }

    @Test
    void echoStreamsItsReplyInPieces() {
        List<String> deltas = new ArrayList<>();
        String reply = new EchoProvider().complete(PROMPT, Map.of(), deltas::add);
        assertEquals("echo: hello", reply);
        assertEquals(reply, String.join("", deltas));
        assertTrue(deltas.size() > 1, deltas::toString);
        List<String> longer = new ArrayList<>();
        new EchoProvider().complete(List.of(Map.of("role", "user", "content", "the quick brown fox jumps")), Map.of(), longer::add);
        assertEquals(3, longer.size(), longer::toString);
    }
}
