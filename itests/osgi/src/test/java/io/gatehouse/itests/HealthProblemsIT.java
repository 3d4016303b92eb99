package io.gatehouse.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;

import io.gatehouse.itests.support.Gatehouse;
import io.gatehouse.itests.support.Http;
import io.gatehouse.itests.support.LauncherServices;
import io.gatehouse.itests.support.LauncherServicesExtension;
import io.gatehouse.itests.support.Poll;
import io.gatehouse.itests.support.Shell;
import io.gatehouse.support.shell.ShellProtocol;

/** /healthz reports a core component that lost a reference, and recovers when it is back. */
@ExtendWith(LauncherServicesExtension.class)
@ExtendWith(BundleContextExtension.class)
@ExtendWith(ServiceExtension.class)
class HealthProblemsIT {
    static final String SHELL_COMPONENT = "io.gatehouse.shell.RemoteShellServer";

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 30_000)
    ServiceComponentRuntime scr;

    @Test
    @SuppressWarnings("unchecked")
    void healthIs503WhileTheShellHasNoAdminSocket(LauncherServices launcher) throws Exception {
        int port = launcher.gatewaySocket().port();
        Gatehouse.awaitHealthy(launcher);

        launcher.unregisterAdminSocket();
        try {
            Http.Response r = Poll.until("GET /healthz = 503", () -> Http.get(port, "/healthz"), x -> x.status() == 503);
            Map<String, Object> body = Gatehouse.json(r.body());
            assertEquals("unavailable", body.get("status"), r::toString);
            List<String> problems = (List<String>) body.get("problems");
            assertTrue(problems.stream().anyMatch(p -> p.contains(SHELL_COMPONENT) && p.contains("unsatisfied-reference")),
                    () -> "problems do not name " + SHELL_COMPONENT + ": " + problems);
            assertEquals(ComponentConfigurationDTO.UNSATISFIED_REFERENCE, shellState());
        } finally {
            launcher.registerAdminSocket();
        }

        Http.Response back = Gatehouse.awaitHealthy(launcher);
        assertEquals(Map.of("status", "ok"), Gatehouse.json(back.body()));
        assertEquals(ComponentConfigurationDTO.ACTIVE, shellState());
        // The shell's accept thread was interrupted on deactivation: the admin socket must still be
        // open and serve the re-activated shell.
        assertTrue(launcher.adminSocket().isOpen(), "interrupting the shell closed the admin socket");
        ShellProtocol.Result status = Shell.run(launcher.adminSocket().port(), launcher.adminToken(), "gateway:status --json");
        assertEquals(0, status.exit(), status::toString);
    }

    private int shellState() {
        Bundle shell = null;
        for (Bundle b : context.getBundles()) {
            if ("io.gatehouse.shell".equals(b.getSymbolicName())) {
                shell = b;
            }
        }
        ComponentDescriptionDTO d = scr.getComponentDescriptionDTO(shell, SHELL_COMPONENT);
        var configs = scr.getComponentConfigurationDTOs(d);
        assertEquals(1, configs.size(), configs::toString);
        return configs.iterator().next().state;
    }
}
