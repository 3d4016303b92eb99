package io.gatehouse.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceRegistration;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.service.ServiceExtension;

import io.gatehouse.api.config.ConfigException;
import io.gatehouse.api.config.ConfigReloadEvent;
import io.gatehouse.api.config.ConfigService;
import io.gatehouse.api.config.ReloadHandler;
import io.gatehouse.api.config.ReloadRule;
import io.gatehouse.api.config.schema.Shape;
import io.gatehouse.itests.support.ConfigFile;
import io.gatehouse.itests.support.LauncherServices;
import io.gatehouse.itests.support.LauncherServicesExtension;
import io.gatehouse.itests.support.Shell;
import io.gatehouse.itests.support.TestSections;
import io.gatehouse.support.shell.ShellProtocol;

/**
 * A hot reload action that fails with credentials in its message (a channel whose Bot API URL carries
 * its token, a provider URL with a password): config:set, config:history and the recorded event say
 * that it failed, never the credentials.
 */
@ExtendWith(LauncherServicesExtension.class)
@ExtendWith(ServiceExtension.class)
class ReloadFailureSecretsIT {
    static final String TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0";

    @InjectService(timeout = 30_000)
    ConfigService config;

    ConfigFile configFile;
    final List<ServiceRegistration<?>> registrations = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        BundleContext ctx = FrameworkUtil.getBundle(ReloadFailureSecretsIT.class).getBundleContext();
        configFile = ConfigFile.of(ReloadFailureSecretsIT.class, ".secretfail-restore.tmp");
        registrations.add(TestSections.register(ReloadFailureSecretsIT.class, "secretfail", Shape.object().open(),
                ReloadRule.hot("secretfail", "restart-secretfail")));
        Hashtable<String, Object> handlerProps = new Hashtable<>();
        handlerProps.put(ReloadHandler.ACTIONS, new String[] {"restart-secretfail"});
        registrations.add(ctx.registerService(ReloadHandler.class, (action, plan, snapshot) -> {
            throw new IllegalStateException("HTTP 401 from https://api.telegram.org/bot" + TOKEN
                    + "/getMe; also http://alice:pw-in-url@127.0.0.1:9/v1");
        }, handlerProps));
    }

    @AfterEach
    void restore() throws Exception {
        registrations.forEach(ServiceRegistration::unregister);
        configFile.restore(config, () -> config.current().get("secretfail").isEmpty());
    }

    @Test
    void aFailedActionSaysSoWithoutCredentials(LauncherServices launcher) throws Exception {
        List<String> shown = new ArrayList<>();
        try {
            ConfigReloadEvent e = config.set("secretfail.x", 1, "itest");
            shown.add(String.valueOf(e));
        } catch (ConfigException e) {
            shown.add(e.getMessage() + " " + e.error());
        }
        ShellProtocol.Result set = Shell.run(launcher.adminSocket().port(), launcher.adminToken(), "config:set secretfail.x 2");
        assertTrue(set.exit() != 0, "config:set fails when an action failed: " + set);
        shown.add(set.out() + set.err());
        ShellProtocol.Result history = Shell.run(launcher.adminSocket().port(), launcher.adminToken(), "config:history --json");
        assertEquals(0, history.exit(), history.toString());
        shown.add(history.out());
        config.history().forEach(ev -> shown.add(String.valueOf(ev)));
        String all = String.join("\n", shown);
        assertTrue(set.err().contains("applied, but restart-secretfail") || set.out().contains("applied, but restart-secretfail"),
                set.toString());
        assertTrue(all.contains("api.telegram.org/bot<redacted>/getMe"), all);
        assertFalse(all.contains(TOKEN) || all.contains("AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0") || all.contains("pw-in-url"), all);
    }
}
