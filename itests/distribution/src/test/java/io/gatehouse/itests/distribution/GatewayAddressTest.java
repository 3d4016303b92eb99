package io.gatehouse.itests.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The gateway's address on the launched distribution (issue cases 1, 3, 4, 5, 7 and 11): what the
 * launcher binds at start and what the config in force names can never disagree for good, and every
 * refusal says why in one line.
 */
class GatewayAddressTest {
    static final Duration APPLY = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    /** Cases 1 and 11 at start: a typo or an open bind is refused with file:line:col, never a stack trace. */
    @Test
    void startRefusesABadAddressOrAnOpenBindInOneLine() throws Exception {
        try (Gateway g = Gateway.copyInto(dir)) {
            int port = Gateway.freePort();
            g.writeConfig("{\n  gateway: {\n    bind: 'loopbak',\n    port: " + port + ",\n  },\n}\n");
            Gateway.Result typo = g.cli("start");
            assertEquals(1, typo.exit(), typo.toString());
            assertTrue(typo.err().contains("gatehouse.json:3:11: gateway.bind: expected loopback, lan, all or an IP address, got"
                    + " \"loopbak\" (did you mean \"loopback\"?)"), typo.toString());
            assertFalse(typo.err().contains("Exception") || typo.err().contains("\tat "), "a stack trace: " + typo);

            g.writeConfig("{ gateway: { bind: 'lan', port: " + port + " } }");
            Gateway.Result open = g.cli("start");
            assertEquals(1, open.exit(), open.toString());
            assertTrue(open.err().contains("without gateway.auth.token"), open.toString());

            g.writeConfig("{ gateway: { bind: 'lan', port: " + port + ", auth: { mode: 'none' } } }");
            Gateway.Result explicit = g.cli("start");
            assertEquals(0, explicit.exit(), explicit.toString());
            assertEquals("0.0.0.0:" + port, g.fastStatus().path("listen").asText());
        }
    }

    /**
     * Cases 3, 4 and 7 while running: port changes move the socket in place and end on the last one (also
     * when they come during a restart), a bind change on the same port applies, and status agrees.
     */
    @Test
    void theSocketFollowsTheConfigInForceThroughQuickChangesAndRestarts() throws Exception {
        try (Gateway g = Gateway.copyInto(dir)) {
            int port = Gateway.freePort();
            g.writeConfig(config("lan", port));
            assertEquals(0, g.cli("start").exit());
            assertEquals("0.0.0.0:" + port, g.fastStatus().path("listen").asText());

            // case 3: lan -> loopback on the same port
            g.writeConfig(config("loopback", port));
            // the socket moves first, then the run file is written: status may show the move a moment before the file
            JsonNode s = await(g, "loopback on the same port, in status and the run file", x -> ("127.0.0.1:" + port).equals(
                    x.path("listen").asText()) && runFileSays(g, "127.0.0.1:" + port));
            assertEquals("ok", s.path("status").asText(), s.toString());

            // case 4: two port changes in quick succession, during a restart
            int a = Gateway.freePort();
            int b = Gateway.freePort();
            assertEquals(0, g.shell("gateway:restart hostile-test").exit());
            g.writeConfig(config("loopback", a));
            g.writeConfig(config("loopback", b));
            s = await(g, "the last port after the restart", x -> x.path("restarts").asInt() >= 1
                    && ("127.0.0.1:" + b).equals(x.path("listen").asText()) && x.path("listenProblem").isNull()
                    && runFileSays(g, "127.0.0.1:" + b));
            assertEquals("ok", s.path("status").asText(), s.toString());
            assertEquals(b, g.listen().getPort());
            assertEquals(200, g.healthz());

            // case 7: a move to a port in use fails the edit; status says where it listens and why
            try (java.net.ServerSocket blocker = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                Gateway.Result set = g.shell("config:set gateway.port " + blocker.getLocalPort());
                assertEquals(1, set.exit(), set.toString());
                assertTrue(set.err().contains("cannot listen on 127.0.0.1:" + blocker.getLocalPort()), set.toString());
                JsonNode degraded = g.fastStatus();
                assertEquals("degraded", degraded.path("status").asText(), degraded.toString());
                assertEquals("127.0.0.1:" + b, degraded.path("listen").asText());
                assertTrue(degraded.path("listenProblem").asText().contains("in use"), degraded.toString());
            }
            assertEquals(0, g.shell("gateway:reload").exit(), "retried once the port is free");
            await(g, "moved on the retry", x -> "ok".equals(x.path("status").asText()));
        }
    }

    /** Case 5: a file missing at start binds the address of the config the pipeline runs on (the last good one). */
    @Test
    void aMissingFileAtStartListensWhereTheLastGoodConfigSays() throws Exception {
        try (Gateway g = Gateway.copyInto(dir)) {
            int port = Gateway.freePort();
            g.writeConfig(config("loopback", port));
            assertEquals(0, g.cli("start").exit());
            assertEquals(0, g.cli("stop").exit());
            Files.delete(g.home.resolve("etc/gatehouse.json"));
            Gateway.Result start = g.cli("start");
            assertEquals(0, start.exit(), start.toString());
            JsonNode s = g.fastStatus();
            assertEquals("127.0.0.1:" + port, s.path("listen").asText(), "not the default port: " + s);
            assertTrue(s.path("listenProblem").isNull(), s.toString());
            assertTrue(s.path("configError").asText().contains("missing"), s.toString());
        }
    }

    private static String config(String bind, int port) {
        return "{ gateway: { bind: '" + bind + "', port: " + port + ", auth: { token: 'address-test' },"
                + " reload: { deferralTimeoutMs: 10000 } } }";
    }

    private static boolean runFileSays(Gateway g, String listen) {
        try {
            return listen.equals(Files.readString(g.home.resolve("data/run/gateway.listen")).trim());
        } catch (java.io.IOException e) {
            return false; // being replaced
        }
    }

    private static JsonNode await(Gateway g, String what, java.util.function.Predicate<JsonNode> done) throws Exception {
        long deadline = System.nanoTime() + APPLY.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            try {
                last = g.fastStatus();
                if (done.test(last)) {
                    return last;
                }
            } catch (java.io.IOException | IllegalStateException restarting) {
                // the shell is paused during a restart: try again
            }
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L); // poll interval against another process
        }
        throw new AssertionError("timed out waiting for " + what + "; last status: " + last);
    }
}
