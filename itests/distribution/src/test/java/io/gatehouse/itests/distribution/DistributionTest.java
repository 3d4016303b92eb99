package io.gatehouse.itests.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

/** The built distribution, launched as separate processes and driven through bin/gatehouse. */
class DistributionTest {
    static final Duration START = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void foregroundRunServesHealthzAndStatusThenStopsGracefully() throws Exception {
        try (Gateway g = Gateway.copyInto(dir)) {
            Process run = g.runInForeground();
            g.awaitHealthy(START);

            Gateway.Result text = g.cli("shell", "gateway:status");
            assertEquals(0, text.exit(), text.toString());
            assertTrue(text.out().contains("status        ok"), text.out());
            assertTrue(text.out().contains("io.gatehouse.gateway"), text.out());

            JsonNode status = g.status();
            assertEquals("ok", status.path("status").asText());
            assertEquals(0, status.path("restarts").asInt());
            assertTrue(status.path("uptimeMs").asLong() > 0);
            assertEquals(64, status.path("configHash").asText().length());
            assertEquals("127.0.0.1:" + g.listen().getPort(), status.path("listen").asText());
            assertTrue(status.path("bundles").isArray() && status.path("bundles").size() >= 5, status.toString());
            for (JsonNode b : status.path("bundles")) {
                assertEquals("active", b.path("state").asText(), b.toString());
            }

            Path token = g.home.resolve("data/admin.token");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(token)));
            assertTrue(g.log().contains("gateway ready on 127.0.0.1:" + g.listen().getPort()), "log file is written");

            InetSocketAddress address = g.listen();
            Gateway.Result stop = g.cli("stop");
            assertEquals(0, stop.exit(), stop.toString());
            assertTrue(run.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, run.exitValue(), "SIGTERM is a graceful stop with status 0");
            assertFalse(Files.exists(g.home.resolve("data/run/gatehouse.pid")));
            assertFalse(Files.exists(g.home.resolve("data/run/gateway.listen")));
            assertThrows(ConnectException.class, () -> new Socket().connect(address, 2000), "port closed after stop");
            assertEquals(3, g.cli("status").exit(), "status says not running");
        }
    }

    @Test
    void frameworkRestartRefusesNoConnectionAndFailsNoRequest() throws Exception {
        try (Gateway g = Gateway.copyInto(dir)) {
            Gateway.Result start = g.cli("start");
            assertEquals(0, start.exit(), start.toString());
            assertTrue(start.out().contains("gatehouse started"), start.out());
            assertEquals(0, g.cli("status").exit());

            try (LoadLoop load = new LoadLoop(g.listen())) {
                Gateway.await(Duration.ofSeconds(10), () -> load.ok.get() >= 20, "load before the restart");
                Gateway.Result restart = g.cli("shell", "gateway:restart", "dist-test");
                assertEquals(0, restart.exit(), restart.toString());
                assertTrue(restart.out().contains("framework restart #1 requested: dist-test"), restart.out());
                Gateway.await(Duration.ofSeconds(30), () -> restarts(g) == 1, "restart counter 1");
                int after = load.ok.get();
                Gateway.await(Duration.ofSeconds(10), () -> load.ok.get() >= after + 20, "load after the restart");
                load.close();
                assertEquals(0, load.refused.get(), "refused connections: " + load);
                assertEquals(0, load.failed.get(), "failed requests: " + load);
            }
            assertEquals(200, g.healthz());
            JsonNode status = g.status();
            assertEquals(1, status.path("restarts").asInt());
            assertEquals("dist-test", status.path("lastRestartReason").asText());
            assertTrue(status.path("frameworkUptimeMs").asLong() < status.path("uptimeMs").asLong());
            assertTrue(g.log().contains("framework restart 1"), "restart logged");

            Gateway.Result stop = g.cli("stop");
            assertEquals(0, stop.exit(), stop.toString());
        }
    }

    @Test
    void restartRequestsAreCoalesced() throws Exception {
        try (Gateway g = Gateway.copyInto(dir)) {
            assertEquals(0, g.cli("start").exit());
            // Several requests in one command line: all before the restart begins, so one restart serves them.
            Gateway.Result r = g.cli("shell", "gateway:restart a ; gateway:restart b ; gateway:restart c");
            assertEquals(0, r.exit(), r.toString());
            Gateway.await(Duration.ofSeconds(30), () -> restarts(g) >= 1 && g.healthz() == 200, "restart done");
            JsonNode status = g.status();
            assertEquals(1, status.path("restarts").asInt(), status.toString());
            assertEquals("a; b; c", status.path("lastRestartReason").asText());
        }
    }

    @Test
    void changedPortMovesTheSocketAtTheRestart() throws Exception {
        try (Gateway g = Gateway.copyInto(dir)) {
            assertEquals(0, g.cli("start").exit());
            InetSocketAddress before = g.listen();
            int newPort = Gateway.freePort();
            g.writeConfig("{ gateway: { bind: 'loopback', port: " + newPort + " } }");
            assertEquals(0, g.cli("shell", "gateway:restart", "port change").exit());
            Gateway.await(Duration.ofSeconds(30), () -> {
                try {
                    return g.listen().getPort() == newPort && g.healthz() == 200;
                } catch (Exception e) {
                    return false;
                }
            }, "gateway on the new port");
            assertNotEquals(before.getPort(), newPort);
            assertThrows(ConnectException.class, () -> new Socket().connect(before, 2000), "old port closed");
            assertEquals("127.0.0.1:" + newPort, g.status().path("listen").asText());
        }
    }

    @Test
    void shellFailuresExitNonZero() throws Exception {
        try (Gateway g = Gateway.copyInto(dir)) {
            assertEquals(3, g.cli("shell", "gateway:status").exit(), "not running yet");
            assertEquals(0, g.cli("start").exit());

            Gateway.Result unknown = g.cli("shell", "nosuch:command");
            assertEquals(1, unknown.exit(), unknown.toString());
            assertTrue(unknown.err().contains("nosuch:command"), unknown.err());

            Gateway.Result usage = g.cli("shell");
            assertEquals(2, usage.exit(), usage.toString());

            Path token = g.home.resolve("data/admin.token");
            String real = Files.readString(token);
            Files.writeString(token, "0".repeat(64) + "\n");
            Gateway.Result denied = g.cli("shell", "gateway:status");
            Files.writeString(token, real);
            assertEquals(4, denied.exit(), denied.toString());
            assertTrue(denied.err().contains("access denied"), denied.err());
            assertEquals(0, g.cli("shell", "gateway:status").exit(), "the real token still works");
        }
    }

    @Test
    void startFailsWithFileLineAndColumnOnABrokenConfig() throws Exception {
        try (Gateway g = Gateway.copyInto(dir)) {
            g.writeConfig("{\n  gateway: {\n    port: 1234\n    bind: 'loopback'\n  }\n}\n");
            Gateway.Result start = g.cli("start");
            assertEquals(1, start.exit(), start.toString());
            assertTrue(start.err().contains("gatehouse.json:4:"), start.err());
            assertEquals(3, g.cli("status").exit());
        }
    }

    @Test
    void busyPortIsReportedAndNothingRuns() throws Exception {
        try (Gateway g = Gateway.copyInto(dir); java.net.ServerSocket squatter = new java.net.ServerSocket()) {
            squatter.bind(new InetSocketAddress("127.0.0.1", 0));
            g.writeConfig("{ gateway: { port: " + squatter.getLocalPort() + " } }");
            Gateway.Result start = g.cli("start");
            assertEquals(1, start.exit(), start.toString());
            assertTrue(start.err().contains("cannot listen on 127.0.0.1:" + squatter.getLocalPort()), start.err());
        }
    }

    @Test
    void editedConfigAppliesLogLevelsLiveAndABrokenEditKeepsTheLastGoodConfig() throws Exception {
        try (Gateway g = Gateway.copyInto(dir)) {
            assertEquals(0, g.cli("start").exit());
            int port = g.listen().getPort();
            String hashBefore = g.status().path("configHash").asText();

            // The gateway section as copyInto wrote it: only logging changes, so nothing restarts.
            g.writeConfig("{ gateway: { bind: 'loopback', port: " + port + ", reload: { deferralTimeoutMs: 10000 } },"
                    + " logging: { level: 'debug', levels: { 'io.gatehouse.x': 'trace' } } }");
            Gateway.await(Duration.ofSeconds(10), () -> logContains(g, "log levels: root=debug {io.gatehouse.x=trace}"),
                    "new levels applied without a restart");
            String hashAfter = g.status().path("configHash").asText();
            assertNotEquals(hashBefore, hashAfter);

            // Written in place, truncated: the gateway keeps running on the last good config and says why.
            Files.writeString(g.home.resolve("etc/gatehouse.json"), "{\n  logging: { level: 'error' \n");
            Gateway.await(Duration.ofSeconds(10), () -> logContains(g, "config reload skipped (invalid config): "),
                    "rejection logged");
            JsonNode status = g.status();
            assertEquals(hashAfter, status.path("configHash").asText(), "last good config stays in force");
            assertTrue(status.path("configError").asText().contains("gatehouse.json:3:"), status.toString());
            assertEquals(0, status.path("restarts").asInt(), "no restart for a logging change");
            assertEquals(200, g.healthz());
        }
    }

    private static boolean logContains(Gateway g, String text) {
        try {
            return g.log().contains(text);
        } catch (Exception e) {
            return false;
        }
    }

    private static int restarts(Gateway g) {
        try {
            return g.status().path("restarts").asInt();
        } catch (Exception e) {
            return -1;
        }
    }
}
