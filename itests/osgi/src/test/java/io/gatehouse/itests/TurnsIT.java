package io.gatehouse.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceRegistration;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.service.ServiceExtension;

import com.fasterxml.jackson.databind.JsonNode;

import io.gatehouse.api.agent.TurnStats;
import io.gatehouse.api.config.ConfigService;
import io.gatehouse.itests.support.ConfigFile;
import io.gatehouse.itests.support.Gatehouse;
import io.gatehouse.itests.support.Http;
import io.gatehouse.itests.support.LauncherServices;
import io.gatehouse.itests.support.LauncherServicesExtension;
import io.gatehouse.itests.support.MockModelServlet;
import io.gatehouse.itests.support.Poll;
import io.gatehouse.itests.support.RawHttp;
import io.gatehouse.itests.support.Shell;
import io.gatehouse.support.shell.ShellProtocol;
import jakarta.servlet.Servlet;

/**
 * Turns that hold no thread while they wait, end to end: the openai channel, the agent runtime and the
 * openai-compatible provider against a slow mock model (served asynchronously by the same Jetty). 200
 * concurrent conversations finish in about one model delay (the old pool of 8 threads needed 25); a
 * provider's {@code maxConcurrent} holds; a full queue answers 429 (web chat: an error frame); a
 * client that goes away cancels its model request; a streamed response leaves its connection reusable.
 */
@ExtendWith(LauncherServicesExtension.class)
@ExtendWith(ServiceExtension.class)
class TurnsIT {
    static final MockModelServlet MODEL = new MockModelServlet();
    static ServiceRegistration<Servlet> registration;
    static HttpClient http;

    @InjectService(timeout = 30_000)
    ConfigService config;

    @InjectService(timeout = 30_000)
    TurnStats turns;

    ConfigFile configFile;
    int port;

    @BeforeAll
    static void up(LauncherServices launcher) {
        Gatehouse.awaitHealthy(launcher);
        BundleContext ctx = FrameworkUtil.getBundle(TurnsIT.class).getBundleContext();
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("osgi.http.whiteboard.servlet.pattern", MockModelServlet.PATH);
        props.put("osgi.http.whiteboard.servlet.name", "itest-mock-model");
        props.put("osgi.http.whiteboard.servlet.asyncSupported", true);
        registration = ctx.registerService(Servlet.class, MODEL, props);
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10))
                .executor(Executors.newFixedThreadPool(2)).build();
    }

    @AfterAll
    static void down() {
        MODEL.stop();
        if (registration != null) {
            registration.unregister();
        }
    }

    @BeforeEach
    void remember(LauncherServices launcher) throws Exception {
        BundleContext ctx = FrameworkUtil.getBundle(TurnsIT.class).getBundleContext();
        configFile = ConfigFile.of(TurnsIT.class, ".turns-restore.tmp");
        port = launcher.gatewaySocket().port();
        MODEL.reset();
    }

    @AfterEach
    void restore() throws Exception {
        MODEL.release.complete(null);
        Poll.until("no turn left", () -> turns.snapshot().running() + turns.snapshot().queued() == 0);
        configFile.restore(config, () -> config.current().get("models").isEmpty()
                && config.current().get("channels").isEmpty()
                && config.current().get("agents").isEmpty());
    }

    /** Every peer its own session; the agent on the mock model through the openai-compatible provider. */
    void mockModel(Map<String, Object> provider, Map<String, Object> agents) throws Exception {
        config.set("session", Map.of("dmScope", "per-channel-peer"), "itest");
        Map<String, Object> p = new java.util.LinkedHashMap<>(Map.of("type", "openai-compatible",
                "baseUrl", "http://127.0.0.1:" + port + "/itest-model/v1", "model", "slow", "maxRetries", 0));
        p.putAll(provider);
        config.set("models", Map.of("providers", Map.of("mock", p)), "itest");
        Map<String, Object> a = new java.util.LinkedHashMap<>(Map.of("defaults", Map.of("model", "mock/slow")));
        a.putAll(agents);
        config.set("agents", a, "itest");
    }

    CompletableFuture<HttpResponse<String>> chat(String peer, String text, boolean stream) {
        String body = "{\"model\":\"gatehouse\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}";
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json").header("X-Gatehouse-Peer", "direct:" + peer)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return http.sendAsync(req, HttpResponse.BodyHandlers.ofString());
    }

    static String content(HttpResponse<String> r) throws Exception {
        return Gatehouse.JSON.readTree(r.body()).path("choices").path(0).path("message").path("content").asText();
    }

    @Test
    void twoHundredConcurrentTurnsAreAllAtTheModelAtOnce() throws Exception {
        mockModel(Map.of("stream", true), Map.of());
        MODEL.hold = true; // the model answers nobody until all 200 are waiting for it: 8 turn threads never get there
        List<CompletableFuture<HttpResponse<String>>> replies = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            replies.add(chat("crowd-" + i, "hello " + i, i % 2 == 0));
        }
        Poll.until("200 model requests in flight at once", () -> MODEL.inFlight.get() == 200);
        TurnStats.Snapshot s = turns.snapshot();
        assertEquals(200, s.running(), s.toString());
        assertEquals(0, s.queued(), s.toString());
        MODEL.release.complete(null);
        for (int i = 0; i < 200; i++) {
            HttpResponse<String> r = replies.get(i).get(60, TimeUnit.SECONDS);
            assertEquals(200, r.statusCode(), r.body());
            assertTrue(r.body().contains(i % 2 == 0 ? "[DONE]" : "mock: hello " + i), r.body());
        }
        assertEquals(200, MODEL.requests.get());
    }

    @Test
    void twoHundredConcurrentTurnsFinishInAboutOneModelDelay() throws Exception {
        mockModel(Map.of("stream", true), Map.of());
        MODEL.delayMs = 2000;
        long t0 = System.nanoTime();
        List<CompletableFuture<HttpResponse<String>>> replies = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            replies.add(chat("delay-" + i, "hello " + i, false));
        }
        for (int i = 0; i < 200; i++) {
            HttpResponse<String> r = replies.get(i).get(60, TimeUnit.SECONDS);
            assertEquals(200, r.statusCode(), r.body());
            assertEquals("mock: hello " + i, content(r));
        }
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        // coarse on purpose (shared CI machines): one delay is 2 s; 8 turn threads needed 25 delays (50 s) and had
        // at most 8 requests at the model (how many overlap beyond that depends on how fast 200 arrive)
        assertTrue(ms < 30_000, "200 turns of a 2 s model took " + ms + " ms");
        assertTrue(MODEL.maxInFlight.get() > 50, "model requests overlapped: " + MODEL.maxInFlight.get());
    }

    @Test
    void aProvidersMaxConcurrentHoldsAndTurnsStatsShowsTheWait(LauncherServices launcher) throws Exception {
        mockModel(Map.of("maxConcurrent", 5, "stream", false), Map.of());
        MODEL.hold = true;
        List<CompletableFuture<HttpResponse<String>>> replies = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            replies.add(chat("capped-" + i, "capped " + i, i % 2 == 0));
        }
        Poll.until("5 requests at the model, 35 turns waiting for the provider", () -> MODEL.requests.get() == 5
                && turns.snapshot().providers().stream().anyMatch(g -> g.id().equals("mock") && g.waiting() == 35));
        TurnStats.Snapshot s = turns.snapshot();
        TurnStats.Gate mock = s.providers().stream().filter(g -> g.id().equals("mock")).findFirst().orElseThrow();
        assertEquals(5, mock.maxConcurrent());
        assertEquals(5, mock.inFlight());
        assertEquals(35, s.queued());

        ShellProtocol.Result stats = Shell.run(launcher.adminSocket().port(), launcher.adminToken(), "turns:stats --json");
        assertEquals(0, stats.exit(), stats.toString());
        JsonNode doc = Gatehouse.JSON.readTree(stats.out());
        assertEquals(35, doc.path("queued").asInt(), stats.out());
        assertEquals(35, doc.path("providers").path(0).path("waiting").asInt(), stats.out());
        ShellProtocol.Result text = Shell.run(launcher.adminSocket().port(), launcher.adminToken(), "turns:stats");
        assertTrue(text.out().contains("mock") && text.out().contains("oldest"), text.out());
        ShellProtocol.Result status = Shell.run(launcher.adminSocket().port(), launcher.adminToken(), "gateway:status --json");
        JsonNode st = Gatehouse.JSON.readTree(status.out());
        assertEquals(35, st.path("turns").path("queued").asInt(), status.out());
        assertEquals("mock", st.path("turns").path("providers").path(0).path("id").asText(), status.out());
        assertTrue(st.path("turns").path("oldestWaitMs").asLong() >= 0, status.out());

        MODEL.hold = false; // the waiting ones are answered at once when they get their slot
        MODEL.release.complete(null);
        for (int i = 0; i < 40; i++) {
            HttpResponse<String> r = replies.get(i).get(60, TimeUnit.SECONDS);
            assertEquals(200, r.statusCode(), r.body());
            assertTrue(r.body().contains("capped " + i), r.body());
        }
        assertEquals(40, MODEL.requests.get());
        assertEquals(5, MODEL.maxInFlight.get(), "never more than maxConcurrent requests at the model");
    }

    @Test
    void aFullQueueAnswers429WithRetryAfterAndWebchatAnErrorFrame() throws Exception {
        mockModel(Map.of("maxConcurrent", 1), Map.of("maxQueuedTurns", 5));
        MODEL.hold = true;
        List<CompletableFuture<HttpResponse<String>>> accepted = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            accepted.add(chat("full-" + i, "in " + i, false));
        }
        Poll.until("one turn at the model, five queued", () -> MODEL.requests.get() == 1 && turns.snapshot().queued() == 5);

        HttpResponse<String> refused = chat("full-x", "one too many", false).get(30, TimeUnit.SECONDS);
        assertEquals(429, refused.statusCode(), refused.body());
        assertTrue(refused.headers().firstValue("Retry-After").isPresent(), refused.headers().toString());
        assertTrue(Long.parseLong(refused.headers().firstValue("Retry-After").get()) >= 1);
        JsonNode err = Gatehouse.JSON.readTree(refused.body()).path("error");
        assertEquals("gateway_busy", err.path("code").asText(), refused.body());
        assertTrue(err.path("message").asText().contains("busy"), refused.body());
        HttpResponse<String> refusedStream = chat("full-y", "streamed too many", true).get(30, TimeUnit.SECONDS);
        assertEquals(429, refusedStream.statusCode(), "a stream that has not started is refused the same way");

        ChannelsIT.Frames frames = new ChannelsIT.Frames();
        WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws?session=itest-busy-1"), frames)
                .get(30, TimeUnit.SECONDS);
        try {
            assertEquals("ready", frames.next().path("type").asText());
            ws.sendText("{\"type\":\"message\",\"text\":\"hello?\"}", true).get(5, TimeUnit.SECONDS);
            JsonNode f = frames.next();
            assertEquals("error", f.path("type").asText(), f.toString());
            assertEquals("busy", f.path("code").asText(), f.toString());
            assertTrue(f.path("retryAfter").asLong() >= 1, f.toString());
        } finally {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }

        MODEL.hold = false;
        MODEL.release.complete(null);
        for (int i = 0; i < 6; i++) {
            assertEquals(200, accepted.get(i).get(60, TimeUnit.SECONDS).statusCode());
        }
        assertTrue(turns.snapshot().rejected() >= 3);
    }

    @Test
    void aStreamingClientThatGoesAwayCancelsItsTurnAndTheModelRequest(LauncherServices launcher) throws Exception {
        mockModel(Map.of(), Map.of());
        long starts = ChannelsIT.starts(ChannelsIT.channels(launcher), "openai");
        config.set("channels.openai", Map.of("keepAliveMs", 100), "itest"); // a stream that waits sends comments
        Poll.until("the openai channel restarted with keepAliveMs", () -> ChannelsIT.channels(launcher),
                l -> ChannelsIT.starts(l, "openai") > starts && "running".equals(ChannelsIT.state(l, "openai")));
        MODEL.hold = true;
        long cancelledBefore = turns.snapshot().cancelled();
        for (boolean stream : new boolean[] {true}) {
            int before = MODEL.requests.get();
            try (RawHttp c = new RawHttp(port)) {
                c.postJson("/v1/chat/completions", "{\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"bye\"}]}",
                        "X-Gatehouse-Peer: direct:leaver-" + stream);
                Poll.until("the request at the model", () -> MODEL.requests.get() == before + 1);
            } // the client closes its connection while the model thinks
        }
        Poll.until("the turn cancelled", () -> turns.snapshot().cancelled() == cancelledBefore + 1);
        assertEquals(0, turns.snapshot().running());
    }

    @Test
    void aClientTimeoutAnswers504AndCancelsTheTurn(LauncherServices launcher) throws Exception {
        // (that a cancelled turn aborts its model request: OpenAiCompatibleProviderTest; the answer comes
        // timeoutMs plus the channel's 10 s start wait after the request)
        mockModel(Map.of(), Map.of());
        long starts = ChannelsIT.starts(ChannelsIT.channels(launcher), "openai");
        config.set("channels.openai", Map.of("timeoutMs", 300), "itest");
        Poll.until("the openai channel restarted with timeoutMs", () -> ChannelsIT.channels(launcher),
                l -> ChannelsIT.starts(l, "openai") > starts && "running".equals(ChannelsIT.state(l, "openai")));
        MODEL.hold = true; // the model never answers by itself
        long cancelledBefore = turns.snapshot().cancelled();
        int before = MODEL.requests.get();
        CompletableFuture<HttpResponse<String>> r = chat("slowpoke", "still there?", false);
        Poll.until("the request at the model", () -> MODEL.requests.get() == before + 1);
        HttpResponse<String> timedOut = r.get(30, TimeUnit.SECONDS);
        assertEquals(504, timedOut.statusCode(), timedOut.body());
        assertEquals("timeout", Gatehouse.JSON.readTree(timedOut.body()).path("error").path("code").asText(), timedOut.body());
        // the turn is cancelled (recorded as cancelled, not as a provider failure), and no turn is left
        Poll.until("the turn cancelled", () -> turns.snapshot().cancelled() == cancelledBefore + 1);
        assertEquals(0, turns.snapshot().running());
    }

    @Test
    void aStreamedResponseLeavesTheConnectionReusable() throws Exception {
        // the echo agent (default config), then the slow streamed mock: reply written off the container thread
        try (RawHttp c = new RawHttp(port)) {
            for (int i = 0; i < 300; i++) {
                c.postJson("/v1/chat/completions", "{\"stream\":" + (i % 3 != 2) + ",\"messages\":[{\"role\":\"user\",\"content\":\"again " + i
                        + "\"}]}", "X-Gatehouse-Peer: direct:reuse");
                RawHttp.Response r = c.read();
                assertEquals(200, r.status(), r.body());
                assertNull(r.headers().get("connection"), "no Connection: close after response " + i + ": " + r.headers());
                assertTrue(r.body().contains(i % 3 != 2 ? "[DONE]" : "echo: again " + i), r.body());
            }
        }
        mockModel(Map.of("stream", true), Map.of());
        MODEL.delayMs = 20;
        try (RawHttp c = new RawHttp(port)) {
            for (int i = 0; i < 20; i++) {
                c.postJson("/v1/chat/completions", "{\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"slow " + i + "\"}]}",
                        "X-Gatehouse-Peer: direct:reuse-slow");
                RawHttp.Response r = c.read();
                assertEquals(200, r.status(), r.body());
                assertTrue(r.body().endsWith("data: [DONE]\n\n"), r.body());
                assertNull(r.headers().get("connection"), r.headers().toString());
            }
            assertFalse(c.closedWithin(200), "the connection stays open after the last streamed response");
        }
        assertEquals(200, Http.get(port, "/healthz").status());
    }
}
