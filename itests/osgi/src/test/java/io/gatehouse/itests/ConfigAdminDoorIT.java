package io.gatehouse.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Dictionary;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.service.ServiceExtension;

import io.gatehouse.api.config.ConfigReloadEvent;
import io.gatehouse.api.config.ConfigReloadListener;
import io.gatehouse.api.config.ConfigService;
import io.gatehouse.itests.support.LauncherServicesExtension;
import io.gatehouse.itests.support.Poll;

/**
 * The Config Admin door agrees with the file and the components whatever Config Admin is asked:
 * an edit back to an earlier value, and a deleted configuration.
 */
@ExtendWith(LauncherServicesExtension.class)
@ExtendWith(ServiceExtension.class)
class ConfigAdminDoorIT {
    static final Duration APPLY = Duration.ofSeconds(10);

    @InjectService(timeout = 30_000)
    ConfigService config;

    @InjectService(timeout = 30_000)
    ConfigurationAdmin configAdmin;

    Path file;
    String original;
    final List<ConfigReloadEvent> events = new CopyOnWriteArrayList<>();
    ServiceRegistration<ConfigReloadListener> listener;

    @BeforeEach
    void setUp() throws Exception {
        BundleContext ctx = FrameworkUtil.getBundle(ConfigAdminDoorIT.class).getBundleContext();
        file = Path.of(ctx.getProperty("gatehouse.config")).toAbsolutePath();
        original = Files.readString(file);
        // start from a known config, whatever an earlier test left in force
        write("// Config Admin door test\n{\n  gateway: { bind: \"loopback\", port: 0 },\n"
                + "  logging: {\n    level: \"info\",\n    levels: { \"org.eclipse.jetty\": \"warn\" },\n  },\n}\n");
        config.reload();
        Poll.until("the test's config in force", APPLY, () -> config.current().get("logging.level").orElse(null), "info"::equals);
        listener = ctx.registerService(ConfigReloadListener.class, events::add, null);
    }

    private void write(String text) throws Exception {
        Path tmp = file.resolveSibling(".config-admin-door.tmp");
        Files.writeString(tmp, text);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @AfterEach
    void restore() throws Exception {
        listener.unregister();
        write(original);
        config.reload();
        Poll.until("original config back in force", APPLY, () -> config.lastError().isEmpty()
                && config.current().get("logging.level").orElse("info").equals("info"), ok -> ok);
    }

    private Configuration logging() {
        return Poll.until("gatehouse.logging mirrored", APPLY, () -> configAdmin.getConfiguration("gatehouse.logging", "?"),
                c -> c.getProperties() != null && "info".equals(c.getProperties().get("level")));
    }

    @Test
    void anEditBackToTheValueLastMirroredIsAppliedToo() throws Exception {
        Configuration c = logging();
        Dictionary<String, Object> props = c.getProperties();
        props.put("level", "warn");
        c.update(props);
        Poll.until("warn written back", APPLY, () -> config.current().get("logging.level").orElse(null), "warn"::equals);

        // back to the value the bridge mirrored before the first edit
        props = c.getProperties();
        props.put("level", "info");
        c.update(props);
        Poll.until("info written back", APPLY, () -> config.current().get("logging.level").orElse(null), "info"::equals);
        assertTrue(Files.readString(file).contains("level: \"info\""), Files.readString(file));

        // and once more, so each direction is seen twice
        props = c.getProperties();
        props.put("level", "warn");
        c.update(props);
        Poll.until("warn written back again", APPLY, () -> config.current().get("logging.level").orElse(null), "warn"::equals);
        assertTrue(Files.readString(file).contains("level: \"warn\""), Files.readString(file));
        assertEquals("warn", configAdmin.getConfiguration("gatehouse.logging", "?").getProperties().get("level"));
    }

    @Test
    void deletingASectionsConfigurationKeepsTheFileAndRestoresTheMirror() throws Exception {
        Configuration c = logging();
        String before = Files.readString(file);
        c.delete();
        Configuration back = Poll.until("gatehouse.logging restored from the file", APPLY,
                () -> configAdmin.listConfigurations("(service.pid=gatehouse.logging)"),
                cs -> cs != null && cs.length == 1 && cs[0].getProperties() != null && "info".equals(cs[0].getProperties().get("level")))[0];
        assertEquals(before, Files.readString(file), "a Config Admin delete must not touch gatehouse.json");
        assertEquals("info", config.current().get("logging.level").orElseThrow());
        assertTrue(events.stream().noneMatch(e -> "config-admin".equals(e.source())), events.toString());
    }
}
