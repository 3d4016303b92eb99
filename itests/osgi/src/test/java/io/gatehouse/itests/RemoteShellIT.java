package io.gatehouse.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.service.ServiceExtension;

import io.gatehouse.api.config.ConfigService;
import io.gatehouse.itests.support.Gatehouse;
import io.gatehouse.itests.support.LauncherServices;
import io.gatehouse.itests.support.LauncherServicesExtension;
import io.gatehouse.itests.support.Shell;
import io.gatehouse.support.shell.ShellProtocol;

/** The remote shell protocol on the admin socket (the server side of bin/gatehouse shell). */
@ExtendWith(LauncherServicesExtension.class)
@ExtendWith(ServiceExtension.class)
class RemoteShellIT {
    static final Set<String> CORE = Set.of("io.gatehouse.watch", "io.gatehouse.config", "io.gatehouse.routing", "io.gatehouse.agents",
            "io.gatehouse.channels", "io.gatehouse.logging", "io.gatehouse.http",
            "io.gatehouse.gateway", "io.gatehouse.shell", "io.gatehouse.plugins", "io.gatehouse.skills");

    @InjectService(timeout = 30_000)
    ConfigService config;

    @BeforeAll
    static void gatewayUp(LauncherServices launcher) {
        Gatehouse.awaitHealthy(launcher); // every core component, the shell included, is active
    }

    private static ShellProtocol.Result shell(LauncherServices launcher, String token, String command) throws Exception {
        return Shell.run(launcher.adminSocket().port(), token, command);
    }

    @Test
    @SuppressWarnings("unchecked")
    void statusJson(LauncherServices launcher) throws Exception {
        ShellProtocol.Result r = shell(launcher, launcher.adminToken(), "gateway:status --json");
        assertEquals(0, r.exit(), r::toString);
        Map<String, Object> s = Gatehouse.json(r.out());

        assertEquals("ok", s.get("status"), r::toString);
        assertTrue(s.get("uptimeMs") instanceof Number n && n.longValue() >= 0, r::toString);
        assertEquals(0, ((Number) s.get("restarts")).intValue(), r::toString);
        assertEquals(config.current().hash(), s.get("configHash"));
        assertEquals("127.0.0.1:" + launcher.gatewaySocket().port(), s.get("listen"));
        List<Map<String, Object>> bundles = (List<Map<String, Object>>) s.get("bundles");
        Map<String, Map<String, Object>> bySymbolicName = bundles.stream()
                .collect(Collectors.toMap(b -> (String) b.get("symbolicName"), b -> b));
        assertTrue(bySymbolicName.keySet().containsAll(CORE), () -> "bundles: " + bySymbolicName.keySet());
        for (String bsn : CORE) {
            Map<String, Object> b = bySymbolicName.get(bsn);
            assertEquals("core", b.get("role"), b::toString);
            assertEquals("active", b.get("state"), b::toString);
        }
        List<Map<String, Object>> shellComponents = (List<Map<String, Object>>) bySymbolicName.get("io.gatehouse.shell")
                .get("components");
        assertTrue(shellComponents.stream().anyMatch(c -> "io.gatehouse.shell.RemoteShellServer".equals(c.get("name"))
                && "active".equals(c.get("state"))), shellComponents::toString);
    }

    @Test
    void wrongTokenIsDenied(LauncherServices launcher) throws Exception {
        ShellProtocol.Result r = shell(launcher, "not-" + launcher.adminToken(), "gateway:status --json");
        assertEquals(4, r.exit(), r::toString);
        assertEquals("", r.out(), r::toString);
        assertTrue(r.err().contains("access denied"), r::toString);
    }

    @Test
    void unknownCommandFailsOnTheErrorStream(LauncherServices launcher) throws Exception {
        ShellProtocol.Result r = shell(launcher, launcher.adminToken(), "itest:nosuchcommand");
        assertEquals(1, r.exit(), r::toString);
        assertEquals("", r.out(), r::toString);
        assertTrue(r.err().startsWith("Error: ") && r.err().contains("nosuchcommand"), r::toString);
    }

    @Test
    void restartAsksTheLauncher(LauncherServices launcher) throws Exception {
        int before = launcher.launcher().restartRequests().size();
        ShellProtocol.Result r = shell(launcher, launcher.adminToken(), "gateway:restart because");
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("requested: because"), r::toString);
        List<String> requests = launcher.launcher().restartRequests();
        assertEquals(before + 1, requests.size(), requests::toString);
        assertEquals("because", requests.get(requests.size() - 1));
    }
}
