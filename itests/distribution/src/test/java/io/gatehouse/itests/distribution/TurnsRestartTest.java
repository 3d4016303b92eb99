package io.gatehouse.itests.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A framework restart while 1,000 turns wait for a slow model (it answers only once the drain has begun):
 * the drain lets every one of them finish,
 * none is lost and none answered twice (one model request, one reply, one transcript exchange per
 * message), and the new framework answers afterwards.
 */
class TurnsRestartTest {
    static final int TURNS = 1000;
    static final long MODEL_DELAY_MS = 500;

    @TempDir
    Path dir;
    HttpServer model;
    ScheduledExecutorService later;
    final AtomicInteger modelRequests = new AtomicInteger();
    final AtomicInteger modelInFlight = new AtomicInteger();
    final Map<String, Integer> asked = new ConcurrentHashMap<>();
    /** The model answers nobody until this completes (then each after {@link #MODEL_DELAY_MS}). */
    final CompletableFuture<Void> release = new CompletableFuture<>();

    /**
     * An OpenAI-compatible model that answers {@code mock: <message>} once released, after a delay, holding no
     * thread meanwhile.
     */
    @BeforeEach
    void startModel() throws IOException {
        later = Executors.newScheduledThreadPool(2);
        model = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 4096);
        model.setExecutor(Executors.newFixedThreadPool(4));
        model.createContext("/v1/chat/completions", this::answer);
        model.start();
    }

    @AfterEach
    void stopModel() {
        release.complete(null);
        model.stop(0);
        later.shutdownNow();
    }

    private void answer(HttpExchange ex) throws IOException {
        JsonNode body = Gateway.JSON.readTree(ex.getRequestBody().readAllBytes());
        JsonNode messages = body.path("messages");
        String last = messages.get(messages.size() - 1).path("content").asText();
        modelRequests.incrementAndGet();
        modelInFlight.incrementAndGet();
        asked.merge(last, 1, Integer::sum);
        release.thenRun(() -> later.schedule(() -> {
            try {
                byte[] out = Gateway.JSON.writeValueAsBytes(Map.of("choices", List.of(Map.of("index", 0,
                        "message", Map.of("role", "assistant", "content", "mock: " + last), "finish_reason", "stop"))));
                ex.getResponseHeaders().add("Content-Type", "application/json");
                ex.sendResponseHeaders(200, out.length);
                try (OutputStream o = ex.getResponseBody()) {
                    o.write(out);
                }
            } catch (IOException e) {
                // the gateway went away
            } finally {
                modelInFlight.decrementAndGet();
                ex.close();
            }
        }, MODEL_DELAY_MS, TimeUnit.MILLISECONDS));
    }

    @Test
    void aRestartDuringAThousandWaitingTurnsLosesNoneAndAnswersNoneTwice() throws Exception {
        try (Gateway g = Gateway.copyInto(dir)) {
            int port = Gateway.freePort();
            g.writeConfig("{ gateway: { bind: 'loopback', port: " + port + ", reload: { deferralTimeoutMs: 30000 } },"
                    + " session: { dmScope: 'per-channel-peer' },"
                    + " models: { providers: { slow: { type: 'openai-compatible', baseUrl: 'http://127.0.0.1:"
                    + model.getAddress().getPort() + "/v1', model: 'slow', stream: false, maxRetries: 0 } } },"
                    + " agents: { defaults: { model: 'slow/slow' } } }");
            Gateway.Result start = g.cli("start");
            assertEquals(0, start.exit(), start.toString());

            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(30))
                    .executor(Executors.newFixedThreadPool(2)).build();
            URI chat = URI.create("http://127.0.0.1:" + g.listen().getPort() + "/v1/chat/completions");
            List<CompletableFuture<HttpResponse<String>>> replies = new ArrayList<>();
            for (int i = 0; i < TURNS; i++) {
                String body = "{\"messages\":[{\"role\":\"user\",\"content\":\"turn " + i + "\"}]}";
                // the timeout runs from the send: it spans the build-up, the restart and the drain (bounded below)
                replies.add(http.sendAsync(HttpRequest.newBuilder(chat).timeout(Duration.ofSeconds(300))
                        .header("Content-Type", "application/json").header("X-Gatehouse-Peer", "direct:waiter-" + i)
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()));
            }
            Gateway.await(Duration.ofSeconds(60), () -> modelInFlight.get() == TURNS, TURNS + " turns waiting for the model");

            Gateway.Result restart = g.cli("shell", "gateway:restart", "turns-test");
            assertEquals(0, restart.exit(), restart.toString());
            // the drain has begun (the launcher waits for the turns): now the model answers
            Gateway.await(Duration.ofSeconds(30), () -> g.logContains("drain: " + TURNS + " agent turn(s) running"),
                    "the drain waiting for the " + TURNS + " turns");
            release.complete(null);

            int ok = 0;
            for (int i = 0; i < TURNS; i++) {
                HttpResponse<String> r = replies.get(i).get(90, TimeUnit.SECONDS);
                assertEquals(200, r.statusCode(), "turn " + i + ": " + r.body());
                assertEquals("mock: turn " + i, Gateway.JSON.readTree(r.body()).path("choices").path(0).path("message")
                        .path("content").asText());
                ok++;
            }
            assertEquals(TURNS, ok);
            Gateway.await(Duration.ofSeconds(60), () -> restarts(g) == 1, "the restart done");
            assertEquals(TURNS, modelRequests.get(), "one model request per message: none repeated");
            assertTrue(asked.values().stream().allMatch(n -> n == 1), "a message asked twice: " + asked);

            // every session: the message and its one reply, nothing twice
            Path sessions = g.home.resolve("data/agents/main/sessions");
            for (int i = 0; i < TURNS; i++) {
                Path f = sessions.resolve("agent.main.openai.direct.waiter-" + i + ".jsonl");
                List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
                assertEquals(2, lines.size(), f + ": " + lines);
                assertTrue(lines.get(0).contains("\"role\":\"user\"") && lines.get(1).contains("\"role\":\"assistant\""), lines.toString());
            }

            // the new framework answers
            HttpResponse<String> after = http.send(HttpRequest.newBuilder(chat).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json").header("X-Gatehouse-Peer", "direct:after")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"messages\":[{\"role\":\"user\",\"content\":\"after\"}]}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, after.statusCode(), after.body());
            assertTrue(g.log().contains("framework restart 1"), "restart logged");
            assertEquals(0, g.cli("stop").exit());
        }
    }

    private static int restarts(Gateway g) {
        try {
            return g.status().path("restarts").asInt();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
