package io.gatehouse.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.junit5.context.BundleContextExtension;

import io.gatehouse.itests.support.Gatehouse;
import io.gatehouse.itests.support.LauncherServices;
import io.gatehouse.itests.support.LauncherServicesExtension;
import io.gatehouse.itests.support.PluginJars;
import io.gatehouse.itests.support.Poll;
import io.gatehouse.itests.support.Shell;
import io.gatehouse.itests.support.TestPluginStore;
import io.gatehouse.launcher.api.StoredPlugin;
import io.gatehouse.support.shell.ShellProtocol;

/**
 * A plugin's code changes only with a framework restart, whatever the door: Gogo's felix:install,
 * felix:update and felix:uninstall are refused with the plugins:* command to use, and a change made
 * through the framework API by anyone else asks the launcher for a restart.
 */
@ExtendWith(LauncherServicesExtension.class)
@ExtendWith(BundleContextExtension.class)
class BundleCodeDoorsIT {
    @InjectBundleContext
    BundleContext context;

    private LauncherServices launcher;
    private TestPluginStore store;
    private Path work;

    @BeforeEach
    void setUp(LauncherServices launcher) throws Exception {
        this.launcher = launcher;
        Gatehouse.awaitHealthy(launcher);
        store = launcher.pluginStore();
        store.clear();
        work = Files.createDirectories(Path.of(context.getProperty("gatehouse.home"), "code-doors-it"));
        Poll.until("felix:update is guarded", () -> shell("felix:update 0").toString(), r -> r.contains("gateway:restart"));
        launcher.launcher().clearRestartRequests();
    }

    @AfterEach
    void tearDown() throws Exception {
        for (Bundle b : context.getBundles()) {
            if (b.getSymbolicName() != null && b.getSymbolicName().startsWith("com.example.itest.doors")) {
                b.uninstall();
            }
        }
        store.clear();
        launcher.launcher().clearRestartRequests();
    }

    private ShellProtocol.Result shell(String command) throws Exception {
        return Shell.run(launcher.adminSocket().port(), launcher.adminToken(), command);
    }

    /** A plugin as the launcher leaves it: staged, running and installed from the store. */
    private Bundle plugin(String id) throws Exception {
        Path jar = PluginJars.write(work.resolve(id + ".jar"), PluginJars.plugin(id, "1.0.0"));
        StoredPlugin p = store.stage(id, "1.0.0", "sha-" + id, "file:" + jar, List.of(jar));
        store.putInstalled(p);
        Bundle b = context.installBundle(StoredPlugin.location(p.jars().get(0)));
        b.start();
        return b;
    }

    @Test
    void felixUpdateAndUninstallOfAPluginAreRefusedWithThePluginsCommand() throws Exception {
        Bundle b = plugin("doors-a");
        long modified = b.getLastModified();

        ShellProtocol.Result update = shell("felix:update " + b.getBundleId());
        assertEquals(1, update.exit(), update.toString());
        assertTrue(update.err().contains("plugins:update doors-a"), update.err());

        ShellProtocol.Result uninstall = shell("felix:uninstall " + b.getBundleId());
        assertEquals(1, uninstall.exit(), uninstall.toString());
        assertTrue(uninstall.err().contains("plugins:uninstall doors-a") && uninstall.err().contains("plugins:disable doors-a"),
                uninstall.err());

        assertEquals(Bundle.ACTIVE, b.getState(), "the plugin still runs");
        assertEquals(modified, b.getLastModified(), "its code was not replaced");
        assertEquals(List.of(), launcher.launcher().restartRequests());
    }

    @Test
    void felixInstallIsRefusedWithPluginsInstall() throws Exception {
        Path jar = PluginJars.write(work.resolve("doors-b.jar"), PluginJars.plugin("doors-b", "1.0.0"));
        ShellProtocol.Result install = shell("felix:install " + jar.toUri());
        assertEquals(1, install.exit(), install.toString());
        assertTrue(install.err().contains("plugins:install " + jar.toUri()), install.err());
        for (Bundle b : context.getBundles()) {
            assertTrue(!"com.example.itest.doors.b".equals(b.getSymbolicName()), "installed anyway: " + b);
        }
        ShellProtocol.Result core = shell("felix:update io.gatehouse.config");
        assertEquals(1, core.exit(), core.toString());
        assertTrue(core.err().contains("part of the gateway"), core.err());
    }

    @Test
    void aPluginChangedThroughTheFrameworkApiEndsInARestart() throws Exception {
        Bundle a = plugin("doors-c");
        a.update();
        List<String> reasons = Poll.until("restart requested", () -> launcher.launcher().restartRequests(), r -> r.size() == 1);
        assertTrue(reasons.get(0).contains("plugin doors-c") && reasons.get(0).contains("updated"), reasons.toString());

        a.uninstall();
        reasons = Poll.until("restart requested", () -> launcher.launcher().restartRequests(), r -> r.size() == 2);
        assertTrue(reasons.get(1).contains("uninstalled"), reasons.toString());

        Path jar = PluginJars.write(work.resolve("doors-d.jar"), PluginJars.plugin("doors-d", "1.0.0"));
        Bundle d = context.installBundle(jar.toUri().toString());
        reasons = Poll.until("restart requested", () -> launcher.launcher().restartRequests(), r -> r.size() == 3);
        assertTrue(reasons.get(2).contains("installed"), reasons.toString());
        d.uninstall();
        assertNull(context.getBundle(jar.toUri().toString()));
    }
}
