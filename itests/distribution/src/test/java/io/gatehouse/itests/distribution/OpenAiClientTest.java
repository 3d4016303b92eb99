package io.gatehouse.itests.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

/** The OpenAI-compatible channel of the launched distribution, driven by the official {@code openai} npm package. */
class OpenAiClientTest {
    private static final Duration CLIENT_TIME = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @BeforeEach
    void clientsInstalled() {
        NodeClient.assumeInstalled("openai");
    }

    @Test
    void theOfficialClientListsModelsChatsAndStreamsWithTheGatewayToken() throws Exception {
        String token = "test-token-" + Long.toHexString(System.nanoTime());
        Path home = Files.createDirectory(dir.resolve("home"));
        Path work = Files.createDirectory(dir.resolve("work"));
        try (Gateway g = Gateway.copyInto(home)) {
            int port = Gateway.freePort();
            g.writeConfig("{ gateway: { bind: 'loopback', port: " + port + ", auth: { token: '" + token + "' } } }");
            Gateway.Result start = g.cli("start");
            assertEquals(0, start.exit(), start.toString());
            g.awaitHealthy(Duration.ofSeconds(30));
            assertEquals(port, g.listen().getPort());
            String baseUrl = "http://127.0.0.1:" + port + "/v1";

            Gateway.Result r = NodeClient.run(work, CLIENT_TIME, "openai-client.mjs", baseUrl, token, "alice");
            assertEquals(0, r.exit(), r.toString());
            JsonNode out = Gateway.JSON.readTree(r.out());
            assertTrue(out.path("models").isArray() && !out.path("models").isEmpty(), "models: " + out);
            assertEquals("echo: hello from the openai package", out.path("text").asText(), out.toString());
            assertEquals("echo: stream this please", out.path("streamed").asText(), out.toString());
            assertTrue(out.path("chunks").asInt() > 1, "the reply came as more than one chunk: " + out);

            // The same client with a wrong token gets the 401 as an error and exits non-zero.
            Gateway.Result wrong = NodeClient.run(work, CLIENT_TIME, "openai-client.mjs", baseUrl, token + "-wrong", "alice");
            assertNotEquals(0, wrong.exit(), wrong.toString());
            assertTrue(wrong.err().contains("401"), wrong.toString());
            assertEquals("", wrong.out().trim(), "nothing answered without the token: " + wrong);

            // The session holds both turns of alice, and nothing from the refused client.
            List<JsonNode> user = userMessages(g, "openai");
            List<String> texts = new ArrayList<>();
            for (JsonNode m : user) {
                assertEquals("direct:alice", m.path("peer").asText(), m.toString());
                texts.add(m.path("content").asText());
            }
            assertEquals(List.of("hello from the openai package", "stream this please"), texts);
        }
    }

    /** The user messages of {@code channel} in every session, read through {@code sessions:list} and {@code sessions:show}. */
    static List<JsonNode> userMessages(Gateway g, String channel) throws Exception {
        Gateway.Result list = g.cli("shell", "sessions:list --json");
        assertEquals(0, list.exit(), list.toString());
        JsonNode sessions = Gateway.JSON.readTree(list.out());
        assertTrue(sessions.isArray() && !sessions.isEmpty(), "a session was recorded: " + list.out());
        List<JsonNode> found = new ArrayList<>();
        for (JsonNode s : sessions) {
            Gateway.Result show = g.cli("shell", "sessions:show --json " + s.path("key").asText());
            assertEquals(0, show.exit(), show.toString());
            JsonNode messages = Gateway.JSON.readTree(show.out()).path("messages");
            assertEquals(s.path("messages").asInt(), messages.size(), "sessions:list counts the transcript: " + s);
            for (JsonNode m : messages) {
                if ("user".equals(m.path("role").asText()) && channel.equals(m.path("channel").asText())) {
                    found.add(m);
                }
            }
        }
        return found;
    }
}
