package io.gatehouse.itests.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Agent memory in the built distribution: a note written into the workspace is in the context of the
 * echo agent's next turn (also after an in-process framework restart), and a kill -9 in the middle of a
 * sync loses nothing that was committed: the index opens, keeps what it had and finishes the rest.
 */
class MemoryTest {
    @TempDir
    Path dir;

    Path ws;

    Gateway gateway(int port) throws IOException {
        Gateway g = Gateway.copyInto(dir.resolve("home"));
        ws = dir.resolve("workspace");
        Files.createDirectories(ws.resolve("memory"));
        g.writeConfig("""
                {
                  gateway: { bind: 'loopback', port: %d, reload: { deferralTimeoutMs: 10000 } },
                  models: { providers: { context: { type: 'echo', echoSystem: true } } },
                  agents: { defaults: { workspace: '%s', model: 'context' } },
                }
                """.formatted(port, ws));
        return g;
    }

    static String chat(Gateway g, String text) throws Exception {
        String body = Gateway.JSON.writeValueAsString(java.util.Map.of("messages",
                List.of(java.util.Map.of("role", "user", "content", text)), "user", "memory-test"));
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + g.listen().getPort() + "/v1/chat/completions")).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return Gateway.JSON.readTree(r.body()).path("choices").path(0).path("message").path("content").asText();
    }

    static JsonNode memoryStatus(Gateway g) throws IOException {
        // over the admin socket, not a new JVM per poll: the kill test must see a short embed phase
        Gateway.Result r = g.shell("memory:status --json --agent main");
        if (r.exit() != 0) {
            throw new IllegalStateException("memory:status failed: " + r);
        }
        return Gateway.JSON.readTree(r.out()).path("agents").path(0);
    }

    @Test
    void aNoteWrittenToTheWorkspaceIsInTheEchoAgentsContext() throws Exception {
        try (Gateway g = gateway(Gateway.freePort())) {
            Files.writeString(ws.resolve("memory/deploys.md"),
                    "# Deploys\n\nDeploy freeze: no production deploys on Fridays after 15:00 (decided 2026-05-01).\n");
            assertEquals(0, g.cli("start").exit());
            g.awaitHealthy(Duration.ofSeconds(60));

            String[] reply = new String[1];
            Gateway.await(Duration.ofSeconds(60), () -> {
                reply[0] = ask(g, "may we deploy to production on friday afternoon?");
                return reply[0].contains("Deploy freeze");
            }, "the note in the turn's context");
            assertTrue(reply[0].contains("[system]") && reply[0].contains("memory/deploys.md"), reply[0]);

            // a note written now is in the very next turn: the search indexes the dirty file first
            Files.writeString(ws.resolve("memory/oncall.md"), "On-call rotation: Priya covers the week of the launch.\n");
            Gateway.await(Duration.ofSeconds(10), () -> ask(g, "who covers on-call during the launch week?").contains("Priya"),
                    "the new note in the context");

            // an in-process framework restart: the index is kept, the model loads in the new framework
            Gateway.Result restart = g.cli("shell", "gateway:restart memory-test");
            assertEquals(0, restart.exit(), restart.toString());
            Gateway.await(Duration.ofSeconds(60), () -> ask(g, "may we deploy to production on friday afternoon?")
                    .contains("Deploy freeze"), "the note in the context after the restart");
            JsonNode s = memoryStatus(g);
            assertEquals(2, s.path("files").asInt(), s.toString());
        }
    }

    static String ask(Gateway g, String text) {
        try {
            return chat(g, text);
        } catch (Exception e) {
            return "";
        }
    }

    @Test
    void aKillDuringASyncLosesNothingCommitted() throws Exception {
        int files = 100;
        try (Gateway g = gateway(Gateway.freePort())) {
            Random r = new Random(7);
            String[] words = ("gateway memory agent index search vector keyword chunk file sync model config reload "
                    + "channel route session transcript backup deploy freeze rotation launch").split(" ");
            for (int i = 0; i < files; i++) {
                StringBuilder b = new StringBuilder("# Note " + i + "\n\n");
                if (i == 17) {
                    // one short note unlike the others, for the search at the end (cosine with the query about
                    // 0.7, the others under 0.2): the nearest chunk must come back even when one is asked for.
                    // "Note 17" in the word salad came back by chance, its cosine near every other chunk's.
                    b.append("Kangaroo migration: the mob crosses the river in late spring; rangers count them at dawn.\n");
                }
                while (i != 17 && b.length() < 4096) {
                    b.append(words[r.nextInt(words.length)]).append(r.nextInt(12) == 0 ? ".\n" : " ");
                }
                Files.writeString(ws.resolve("memory/note-" + i + ".md"), b.toString());
            }
            assertEquals(0, g.cli("start").exit());
            g.awaitHealthy(Duration.ofSeconds(60));
            // killed while embedding, after some commits
            JsonNode during = poll(g, Duration.ofSeconds(120), s -> s.path("progress").path("phase").asText().equals("embed")
                    && s.path("pendingEmbeddings").asInt() > 0 && s.path("pendingEmbeddings").asInt() < s.path("chunks").asInt());
            String index = during.path("index").asText();
            int committedFiles = during.path("files").asInt();
            int pendingAtKill = during.path("pendingEmbeddings").asInt();
            int chunks = during.path("chunks").asInt();
            assertEquals(files, committedFiles, during.toString());
            long pid = Long.parseLong(Files.readString(g.home.resolve("data/run/gatehouse.pid")).strip());
            Process kill = new ProcessBuilder("kill", "-9", Long.toString(pid)).start();
            assertTrue(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0);
            Gateway.await(Duration.ofSeconds(20), () -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true), "the gateway gone");

            assertEquals(0, g.cli("start").exit());
            g.awaitHealthy(Duration.ofSeconds(60));
            JsonNode after = poll(g, Duration.ofSeconds(300), s -> s.path("pendingEmbeddings").asInt(-1) == 0
                    && !s.path("syncing").asBoolean() && s.path("lastSync").path("error").isNull());
            assertEquals(index, after.path("index").asText(), "the same index, not a rebuild: " + after);
            assertEquals(files, after.path("files").asInt(), after.toString());
            assertEquals(chunks, after.path("chunks").asInt(), after.toString());
            int embeddedAfter = after.path("lastSync").path("embedded").asInt();
            assertTrue(embeddedAfter <= pendingAtKill, "only what was not committed is embedded again: " + embeddedAfter + " > "
                    + pendingAtKill);
            try (Stream<Path> left = Files.list(g.home.resolve("data/memory/main"))) {
                List<String> names = left.map(p -> p.getFileName().toString()).sorted().toList();
                assertEquals(List.of("current", Path.of(index).getFileName().toString()), names, "no half-built index left");
            }
            try (Stream<Path> left = Files.list(g.home.resolve("data/memory/native"))) {
                assertFalse(left.anyMatch(p -> p.getFileName().toString().startsWith("load-")
                        && p.toFile().lastModified() < System.currentTimeMillis() - 120_000), "no native load folder left");
            }
            Gateway.Result search = g.cli("shell", "memory:search --json --limit 1 kangaroo migration across the river");
            assertEquals(0, search.exit(), search.toString());
            JsonNode hits = Gateway.JSON.readTree(search.out()).path("hits");
            assertEquals("memory/note-17.md", hits.path(0).path("path").asText(), search.out());
        }
    }

    static JsonNode poll(Gateway g, Duration within, java.util.function.Predicate<JsonNode> done) {
        JsonNode[] last = new JsonNode[1];
        try {
            Gateway.await(within, () -> {
                try {
                    last[0] = memoryStatus(g);
                    return done.test(last[0]);
                } catch (IOException | RuntimeException e) {
                    return false;
                }
            }, "memory status");
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; last status " + last[0], e);
        }
        return last[0];
    }
}
