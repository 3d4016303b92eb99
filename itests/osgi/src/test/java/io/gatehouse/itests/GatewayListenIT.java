package io.gatehouse.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.service.ServiceExtension;

import io.gatehouse.api.config.ConfigService;
import io.gatehouse.itests.support.ConfigFile;
import io.gatehouse.itests.support.Gatehouse;
import io.gatehouse.itests.support.Http;
import io.gatehouse.itests.support.LauncherServices;
import io.gatehouse.itests.support.LauncherServicesExtension;
import io.gatehouse.itests.support.Poll;
import io.gatehouse.itests.support.Shell;
import io.gatehouse.support.shell.ShellProtocol;

/**
 * The gateway socket follows the config in force, in place (issue cases 3, 4 and 7): a port change
 * moves it without a framework restart, a move to a port in use fails the edit and the status says
 * where it listens and why, and a retry applies once the port is free; on the same port a bind change
 * closes the old socket first.
 */
@ExtendWith(LauncherServicesExtension.class)
@ExtendWith(ServiceExtension.class)
class GatewayListenIT {
    static final Duration APPLY = Duration.ofSeconds(10);

    @InjectService(timeout = 30_000)
    ConfigService config;

    ConfigFile configFile;
    Path file;

    @BeforeEach
    void setUp(LauncherServices launcher) throws Exception {
        configFile = ConfigFile.of(GatewayListenIT.class, ".restore.tmp");
        file = configFile.path();
        Gatehouse.awaitHealthy(launcher);
    }

    @AfterEach
    void restore(LauncherServices launcher) throws Exception {
        // the original names loopback and port 0 (any port): the socket stays on loopback where it is
        configFile.restore(config, () -> launcher.gatewaySocket().address().getAddress().isLoopbackAddress());
        Gatehouse.awaitHealthy(launcher);
    }

    private static ShellProtocol.Result shell(LauncherServices launcher, String command) throws Exception {
        return Shell.run(launcher.adminSocket().port(), launcher.adminToken(), command);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> status(LauncherServices launcher) throws Exception {
        ShellProtocol.Result r = shell(launcher, "gateway:status --json");
        assertEquals(0, r.exit(), r::toString);
        return new com.fasterxml.jackson.databind.ObjectMapper().readValue(r.out(), Map.class);
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void aPortChangeMovesTheSocketInPlaceWithoutARestart(LauncherServices launcher) throws Exception {
        int restarts = launcher.launcher().restartRequests().size();
        int to = freePort();
        ShellProtocol.Result set = shell(launcher, "config:set gateway.port " + to);
        assertEquals(0, set.exit(), set::toString);
        assertEquals(to, launcher.gatewaySocket().port(), "moved when config:set returned");
        assertEquals(200, Http.get(to, "/healthz").status());
        assertEquals(restarts, launcher.launcher().restartRequests().size(), "no framework restart");
        Map<String, Object> s = status(launcher);
        assertEquals("127.0.0.1:" + to, s.get("listen"));
        assertEquals(null, s.get("listenProblem"));
        assertEquals("ok", s.get("status"), s::toString);

        // two changes in quick succession end on the last one, whatever happened in between
        int a = freePort();
        int b = freePort();
        Files.writeString(file, configFile.original().replace("port: 0", "port: " + a));
        Files.writeString(file, configFile.original().replace("port: 0", "port: " + b));
        Poll.until("on the last port", APPLY, () -> launcher.gatewaySocket().port(), p -> p == b);
        Poll.until("status agrees", APPLY, () -> status(launcher), x -> ("127.0.0.1:" + b).equals(x.get("listen"))
                && x.get("listenProblem") == null);
    }

    /** Case 7: a move that fails is not reported as success, and the status says where it listens and why. */
    @Test
    void aMoveToAPortInUseFailsTheEditAndStatusSaysWhy(LauncherServices launcher) throws Exception {
        int before = launcher.gatewaySocket().port();
        int taken;
        try (ServerSocket blocker = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            taken = blocker.getLocalPort();
            ShellProtocol.Result set = shell(launcher, "config:set gateway.port " + taken);
            assertNotEquals(0, set.exit(), "a failed move reported as success: " + set);
            assertTrue(set.err().contains("cannot listen on 127.0.0.1:" + taken), set.err());
            assertEquals(before, launcher.gatewaySocket().port(), "still where it was");
            assertEquals(200, Http.get(before, "/healthz").status(), "and serving");
            Map<String, Object> s = status(launcher);
            assertEquals("degraded", s.get("status"), s::toString);
            assertEquals("127.0.0.1:" + before, s.get("listen"));
            assertEquals("127.0.0.1:" + taken, s.get("listenConfigured"));
            assertTrue(String.valueOf(s.get("listenProblem")).contains("cannot listen on 127.0.0.1:" + taken), s::toString);
        }
        // the port is free now: gateway:reload retries (the file did not change)
        ShellProtocol.Result reload = shell(launcher, "gateway:reload");
        assertEquals(0, reload.exit(), reload::toString);
        Poll.until("moved on the retry", APPLY, () -> launcher.gatewaySocket().port(), p -> p == taken);
        Poll.until("status ok again", APPLY, () -> status(launcher), x -> "ok".equals(x.get("status")));
    }

    /** Case 3: lan to loopback on the same port closes the old socket first (it failed against itself before). */
    @Test
    void aBindChangeOnTheSamePortIsApplied(LauncherServices launcher) throws Exception {
        int port = freePort();
        Files.writeString(file, "{ gateway: { bind: 'lan', port: " + port + ", auth: { token: 'itest-token' } } }");
        Poll.until("on all interfaces", APPLY, () -> launcher.gatewaySocket().address(),
                a -> a.getPort() == port && a.getAddress().isAnyLocalAddress());
        Files.writeString(file, "{ gateway: { bind: 'loopback', port: " + port + " } }");
        Poll.until("on loopback, same port", APPLY, () -> launcher.gatewaySocket().address(),
                a -> a.getPort() == port && a.getAddress().isLoopbackAddress());
        Map<String, Object> s = Poll.until("status agrees", APPLY, () -> status(launcher),
                x -> ("127.0.0.1:" + port).equals(x.get("listen")) && x.get("listenProblem") == null);
        assertEquals("ok", s.get("status"), s::toString);
        assertEquals(200, Http.get(port, "/healthz").status());
    }

    /** Case 11: beyond loopback without a token the config is rejected; the socket stays. */
    @Test
    void lanWithoutATokenIsRejected(LauncherServices launcher) throws Exception {
        int before = launcher.gatewaySocket().port();
        Files.writeString(file, "{\n  gateway: { bind: 'lan', port: " + before + " },\n}\n");
        var error = Poll.until("rejected", APPLY, () -> config.lastError().orElse(null), e -> e != null);
        assertEquals("gateway.bind", error.path(), error::toString);
        assertTrue(error.reason().contains("without gateway.auth.token"), error::toString);
        assertEquals(2, error.line(), error::toString);
        assertTrue(launcher.gatewaySocket().address().getAddress().isLoopbackAddress());
    }
}
