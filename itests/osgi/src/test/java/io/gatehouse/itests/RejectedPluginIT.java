package io.gatehouse.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.BundleContext;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.junit5.context.BundleContextExtension;

import com.fasterxml.jackson.core.type.TypeReference;

import io.gatehouse.itests.support.Gatehouse;
import io.gatehouse.itests.support.LauncherServices;
import io.gatehouse.itests.support.LauncherServicesExtension;
import io.gatehouse.itests.support.Poll;
import io.gatehouse.itests.support.Shell;
import io.gatehouse.support.shell.ShellProtocol;

/** A rejected artifact is listed until it is dealt with, and plugins:uninstall deals with it (it was never installed). */
@ExtendWith(LauncherServicesExtension.class)
@ExtendWith(BundleContextExtension.class)
class RejectedPluginIT {
    private static final TypeReference<List<Map<String, Object>>> ROWS = new TypeReference<>() {
    };

    @InjectBundleContext
    BundleContext context;
    LauncherServices launcher;

    @BeforeEach
    void setUp(LauncherServices launcher) {
        this.launcher = launcher;
        Gatehouse.awaitHealthy(launcher);
        Poll.until("plugins:list answers", () -> shell("plugins:list").exit() == 0);
        launcher.launcher().clearRestartRequests();
    }

    private ShellProtocol.Result shell(String command) throws Exception {
        return Shell.run(launcher.adminSocket().port(), launcher.adminToken(), command);
    }

    private List<Map<String, Object>> list() throws Exception {
        ShellProtocol.Result r = shell("plugins:list --json");
        assertEquals(0, r.exit(), r::toString);
        return Gatehouse.JSON.readValue(r.out(), ROWS);
    }

    @Test
    void uninstallingARejectedArtifactDropsItWithoutARestart() throws Exception {
        Path notes = Files.writeString(Files.createDirectories(Path.of(context.getProperty("gatehouse.home"), "rejected-it"))
                .resolve("rejected-it-notes.jar"), "these are notes, not a bundle");
        ShellProtocol.Result install = shell("plugins:install " + notes);
        assertEquals(1, install.exit(), install.toString());
        Map<String, Object> row = list().stream().filter(r -> "rejected".equals(r.get("state"))
                && ("file:" + notes.toAbsolutePath().normalize()).equals(r.get("source"))).findFirst().orElseThrow();
        String id = String.valueOf(row.get("id"));

        ShellProtocol.Result info = shell("plugins:info " + id);
        assertEquals(0, info.exit(), info.toString());
        assertFalse(info.out().contains("Rejection[") || info.out().contains("={"), info.out());
        assertTrue(info.out().contains("reason: ") && info.out().contains("rejected:"), info.out());

        ShellProtocol.Result uninstall = shell("plugins:uninstall " + id);
        assertEquals(0, uninstall.exit(), uninstall.toString());
        assertTrue(uninstall.out().contains("never installed"), uninstall.out());
        List<Map<String, Object>> after = list();
        assertTrue(after.stream().noneMatch(r -> String.valueOf(r.get("source")).endsWith("rejected-it-notes.jar")),
                uninstall.out() + "\n" + after);
        assertEquals(List.of(), launcher.launcher().restartRequests());
        ShellProtocol.Result again = shell("plugins:uninstall " + id);
        assertEquals(1, again.exit(), again.toString());
        assertTrue(again.err().contains("unknown plugin"), again.err());
    }
}
