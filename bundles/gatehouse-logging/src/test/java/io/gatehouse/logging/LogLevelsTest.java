package io.gatehouse.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;

class LogLevelsTest {
    private final LoggerContext context = new LoggerContext();
    private final LogLevels levels = new LogLevels(context);

    @Test
    void appliesRootAndPerLoggerLevels() {
        levels.apply(Map.of("level", "warn", "levels", Map.of("io.gatehouse.routing", "debug")));
        assertEquals(Level.WARN, context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getLevel());
        assertEquals(Level.DEBUG, context.getLogger("io.gatehouse.routing").getLevel());
        assertTrue(context.getLogger("io.gatehouse.routing.Index").isDebugEnabled());
    }

    @Test
    void loggersDroppedFromConfigInheritAgain() {
        levels.apply(Map.of("levels", Map.of("a.b", "trace")));
        levels.apply(Map.of("level", "error"));
        assertNull(context.getLogger("a.b").getLevel());
        assertEquals(Level.ERROR, context.getLogger("a.b").getEffectiveLevel());
    }

    @Test
    void defaultsToInfo() {
        levels.apply(Map.of());
        assertEquals(Level.INFO, context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getLevel());
    }

    @Test
    void badLevelNamesTheFieldAndChangesNothing() {
        levels.apply(Map.of("level", "info", "levels", Map.of("a", "debug")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> levels.apply(Map.of("level", "error", "levels", Map.of("a", "loud"))));
        assertTrue(e.getMessage().startsWith("logging.levels.a: unknown level 'loud'"), e.getMessage());
        assertEquals(Level.INFO, context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getLevel());
        assertEquals(Level.DEBUG, context.getLogger("a").getLevel());
        assertThrows(IllegalArgumentException.class, () -> levels.apply(Map.of("levels", "debug")));
    }
}
