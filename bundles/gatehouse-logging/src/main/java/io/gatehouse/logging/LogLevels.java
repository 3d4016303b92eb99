package io.gatehouse.logging;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;

/**
 * Applies the {@code logging} config section to logback:
 *
 * <pre>
 * logging: { level: "info", levels: { "io.gatehouse.routing": "debug" } }
 * </pre>
 *
 * Loggers named in a previous section and absent from the new one go back to inheriting.
 */
final class LogLevels {
    static final String DEFAULT_LEVEL = "info";
    private static final Set<String> NAMES = Set.of("trace", "debug", "info", "warn", "error", "off");

    private final LoggerContext context;
    private final Set<String> touched = new HashSet<>();

    LogLevels(LoggerContext context) {
        this.context = context;
    }

    /**
     * @return a description of the levels in force, for the log
     * @throws IllegalArgumentException naming the field and the bad value; nothing is changed then
     */
    synchronized String apply(Map<String, Object> section) {
        String root = level("logging.level", section.getOrDefault("level", DEFAULT_LEVEL));
        Map<String, String> perLogger = new LinkedHashMap<>();
        Object levels = section.get("levels");
        if (levels instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                perLogger.put(String.valueOf(e.getKey()), level("logging.levels." + e.getKey(), e.getValue()));
            }
        } else if (levels != null) {
            throw new IllegalArgumentException("logging.levels: expected an object of logger name to level");
        }
        context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(Level.toLevel(root));
        for (String name : touched) {
            if (!perLogger.containsKey(name)) {
                context.getLogger(name).setLevel(null);
            }
        }
        touched.clear();
        perLogger.forEach((name, lvl) -> {
            context.getLogger(name).setLevel(Level.toLevel(lvl));
            touched.add(name);
        });
        return "root=" + root + (perLogger.isEmpty() ? "" : " " + perLogger);
    }

    private static String level(String field, Object value) {
        String v = String.valueOf(value).trim().toLowerCase(Locale.ROOT);
        if ("warning".equals(v)) {
            v = "warn";
        }
        if (!NAMES.contains(v)) {
            throw new IllegalArgumentException(field + ": unknown level '" + value + "' (expected one of " + NAMES + ")");
        }
        return v;
    }
}
