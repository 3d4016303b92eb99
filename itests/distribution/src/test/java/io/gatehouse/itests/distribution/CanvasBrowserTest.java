package io.gatehouse.itests.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The canvas of the launched distribution in a real browser: playwright-core drives the system Chromium
 * ({@code src/test/node/canvas-browser.mjs}), which opens a canvas page, rewrites its file and watches the open
 * page show the new content by itself. A missing Chromium or Node skips these tests, or fails them with
 * {@code CI=true}.
 */
class CanvasBrowserTest {
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    @BeforeEach
    void browserInstalled() {
        NodeClient.require(Files.isExecutable(WebChatBrowserTest.CHROMIUM),
                "no Chromium at " + WebChatBrowserTest.CHROMIUM + " (.ci/run installs it)");
        NodeClient.assumeInstalled("playwright-core");
    }

    private static JsonNode runBrowser(Path work, Map<String, Object> cfg) throws Exception {
        Gateway.Result r = NodeClient.run(work, Duration.ofSeconds(180), "canvas-browser.mjs", Gateway.JSON.writeValueAsString(cfg));
        assertEquals(0, r.exit(), r.toString());
        return Gateway.JSON.readTree(r.out()).path("results");
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aPageReloadsOnRewriteOnceForABurstAndNeverTorn() throws Exception {
        Path home = Files.createDirectory(dir.resolve("home"));
        Path work = Files.createDirectory(dir.resolve("work"));
        Path screenshot = work.resolve("canvas.png");
        try (Gateway g = Gateway.copyInto(home)) {
            Gateway.Result start = g.cli("start");
            assertEquals(0, start.exit(), start.toString());
            g.awaitHealthy(Duration.ofSeconds(30));
            int port = g.listen().getPort();
            Path canvas = home.resolve("data/canvas");
            assertTrue(Files.isRegularFile(canvas.resolve("index.html")), "the root and its index.html are created");
            Path page = Files.createDirectories(canvas.resolve("live")).resolve("index.html");

            JsonNode results = runBrowser(work, Map.of("url", "http://127.0.0.1:" + port + "/canvas/live/", "file", page.toString(),
                    "scenarios", List.of("live", "burst", "torn"), "screenshot", screenshot.toString()));

            assertEquals(1, results.path("live").path("reloads").asInt(), results.toString());
            JsonNode burst = results.path("burst");
            int reloads = burst.path("reloads").asInt();
            assertTrue(reloads >= 1 && reloads <= 3, "20 quick saves gave " + reloads + " reloads: " + burst);
            assertEquals(0, burst.path("reloadsAfterFinal").asInt(), "a current page is not reloaded again: " + burst);
            assertEquals(0, results.path("torn").path("tornLoads").asInt(), results.toString());
            assertTrue(Files.size(screenshot) > 2_000, "a real page in the screenshot");
            Path kept = NodeClient.CLIENTS.resolveSibling("screenshots").resolve("canvas.png");
            Files.createDirectories(kept.getParent());
            Files.copy(screenshot, kept, StandardCopyOption.REPLACE_EXISTING);

            // canvas:status tells what happened
            Gateway.Result status = g.cli("shell", "canvas:status", "--json");
            assertEquals(0, status.exit(), status.toString());
            JsonNode s = Gateway.JSON.readTree(status.out());
            assertEquals("on", s.path("liveReloadState").asText(), s.toString());
            assertTrue(s.path("broadcasts").asInt() >= 3, s.toString());
            assertFalse(s.path("lastBroadcast").isNull(), s.toString());

            // a canvasHost change in the file applies in place: no framework restart
            long restarts = g.status().path("restarts").asLong();
            g.writeConfig("{ gateway: { bind: 'loopback', port: " + port + " }, canvasHost: { liveReload: false } }");
            Gateway.await(Duration.ofSeconds(20), () -> {
                try {
                    return !get(port, "/canvas/live/").body().contains("data-gatehouse-canvas");
                } catch (Exception e) {
                    return false;
                }
            }, "the page served without the live-reload script");
            assertEquals(404, get(port, "/canvas-ws").statusCode());
            assertEquals(restarts, g.status().path("restarts").asLong(), "canvasHost changes never restart the framework");
        }
    }

    @Test
    void behindTheTokenThePageReconnectsAfterARestartAndStillLiveReloads() throws Exception {
        Path home = Files.createDirectory(dir.resolve("home"));
        Path work = Files.createDirectory(dir.resolve("work"));
        try (Gateway g = Gateway.copyInto(home)) {
            int port = Gateway.freePort();
            g.writeConfig("{ gateway: { bind: 'loopback', port: " + port
                    + ", auth: { token: 'canvas-browser-token' }, reload: { deferralTimeoutMs: 10000 } } }");
            Gateway.Result start = g.cli("start");
            assertEquals(0, start.exit(), start.toString());
            g.awaitHealthy(Duration.ofSeconds(30));
            assertEquals(401, get(port, "/canvas/").statusCode(), "the canvas is behind the gateway token");
            Path page = home.resolve("data/canvas/index.html");

            JsonNode results = runBrowser(work, Map.of("url", "http://127.0.0.1:" + port + "/canvas/?token=canvas-browser-token",
                    "file", page.toString(), "scenarios", List.of("live", "restart"),
                    "gatehouse", home.resolve("bin/gatehouse").toString(), "home", home.toString()));

            assertEquals(1, results.path("live").path("reloads").asInt(), results.toString());
            JsonNode restart = results.path("restart");
            assertEquals(0, restart.path("reloadsByRestart").asInt(), "reconnecting reloads nothing when nothing changed: " + restart);
            assertTrue(restart.path("latencyMs").asLong() >= 0, restart.toString());
            assertEquals(1, g.status().path("restarts").asInt(), "one framework restart happened");
            assertFalse(g.log().contains("canvas-browser-token"), "the token is never logged");
        }
    }
}
