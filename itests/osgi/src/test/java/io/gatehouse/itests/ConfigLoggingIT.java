package io.gatehouse.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceReference;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.service.ServiceExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.gatehouse.api.config.ConfigError;
import io.gatehouse.api.config.ConfigException;
import io.gatehouse.api.config.ConfigService;
import io.gatehouse.api.config.ConfigSnapshot;
import io.gatehouse.itests.support.LauncherServicesExtension;
import io.gatehouse.itests.support.Poll;

/** Config reloads and the logging section applied to logback at run time. */
@ExtendWith(LauncherServicesExtension.class)
@ExtendWith(ServiceExtension.class)
class ConfigLoggingIT {
    static final String TEST_LOGGER = "io.gatehouse.test";
    /** A logger no config names: it follows the root level. */
    static final String OTHER_LOGGER = "io.gatehouse.itest.other";

    static final String DEBUG_TRACE = """
            // written by ConfigLoggingIT
            {
              gateway: { bind: "loopback", port: 0 },
              logging: {
                level: "debug",
                levels: { "io.gatehouse.test": "trace", "org.eclipse.jetty": "warn" },
              },
            }
            """;

    static Path file;
    static String original;

    @InjectService(timeout = 30_000)
    ConfigService config;

    @BeforeAll
    static void rememberTheConfig() throws Exception {
        BundleContext ctx = FrameworkUtil.getBundle(ConfigLoggingIT.class).getBundleContext();
        file = Path.of(ctx.getProperty("gatehouse.config"));
        original = Files.readString(file, StandardCharsets.UTF_8);
    }

    @AfterEach
    void restoreTheConfig() throws Exception {
        Files.writeString(file, original, StandardCharsets.UTF_8);
        config.reload();
        Poll.until(TEST_LOGGER + " back to inheriting info", () -> !logger(TEST_LOGGER).isDebugEnabled()
                && logger(OTHER_LOGGER).isInfoEnabled() && !logger(OTHER_LOGGER).isDebugEnabled());
    }

    @AfterAll
    static void forget() {
        file = null;
        original = null;
    }

    private static Logger logger(String name) {
        return LoggerFactory.getLogger(name);
    }

    /** The hash property consumers react to (DS updated callbacks). */
    private static String hashProperty() {
        BundleContext ctx = FrameworkUtil.getBundle(ConfigLoggingIT.class).getBundleContext();
        ServiceReference<ConfigService> ref = ctx.getServiceReference(ConfigService.class);
        return (String) ref.getProperty(ConfigService.HASH);
    }

    private void write(String text) throws Exception {
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    @Test
    void currentHashIsTheServiceProperty() {
        assertEquals(file.toAbsolutePath(), config.current().source());
        assertEquals(config.current().hash(), hashProperty());
    }

    @Test
    void reloadPutsTheNewConfigInForce() throws Exception {
        String before = config.current().hash();

        write(DEBUG_TRACE);
        ConfigSnapshot reloaded = config.reload();

        assertNotEquals(before, reloaded.hash());
        assertSame(reloaded, config.current());
        assertEquals(reloaded.hash(), hashProperty());
        assertEquals("debug", reloaded.get("logging.level").orElseThrow());
        assertTrue(config.lastError().isEmpty(), () -> config.lastError().toString());
    }

    @Test
    void reloadAppliesTheLoggingSection() throws Exception {
        assertTrue(!logger(TEST_LOGGER).isTraceEnabled() && !logger(OTHER_LOGGER).isDebugEnabled(),
                "the test config starts at info");

        write(DEBUG_TRACE);
        ConfigSnapshot reloaded = config.reload();

        assertEquals(reloaded.hash(), hashProperty(), "consumers are told about the reloaded config");
        Poll.until("logback levels root=debug, " + TEST_LOGGER + "=trace",
                () -> logger(TEST_LOGGER).isTraceEnabled() && logger(OTHER_LOGGER).isDebugEnabled()
                        && !logger(OTHER_LOGGER).isTraceEnabled());
    }

    @Test
    void invalidFileKeepsThePreviousConfig() throws Exception {
        ConfigSnapshot before = config.current();
        String propertyBefore = hashProperty();

        write("{ logging: { level: \"debug\", }"); // truncated: the outer object never closes
        ConfigException e = assertThrows(ConfigException.class, config::reload);

        ConfigError error = e.error();
        assertTrue(error.line() > 0, error::toString);
        assertTrue(error.column() > 0, error::toString);
        assertEquals(file.toAbsolutePath(), error.file().toAbsolutePath());
        assertSame(before, config.current());
        assertEquals(propertyBefore, hashProperty());
        assertEquals(error, config.lastError().orElseThrow());
        assertTrue(!logger(OTHER_LOGGER).isDebugEnabled(), "a rejected config changed the log levels");
    }

    @Test
    void invalidLevelLeavesTheLevelsUnchanged() throws Exception {
        write(DEBUG_TRACE);
        config.reload();
        Poll.until(TEST_LOGGER + "=trace", () -> logger(TEST_LOGGER).isTraceEnabled() && logger(OTHER_LOGGER).isDebugEnabled());

        write("""
                { logging: { level: "error", levels: { "io.gatehouse.test": "loud" } } }
                """);
        // Valid JSON with a bad level: the pipeline's validation refuses it, naming the field.
        ConfigException e = assertThrows(ConfigException.class, config::reload);
        assertEquals("logging.levels." + TEST_LOGGER, e.error().path());
        assertTrue(e.error().reason().contains("loud"), e.error().toString());
        assertTrue(logger(TEST_LOGGER).isTraceEnabled(), TEST_LOGGER + " lost its trace level");
        assertTrue(logger(OTHER_LOGGER).isDebugEnabled(), "the root level changed");
    }
}
