package io.gatehouse.launcher.api;

import java.util.Collection;
import java.util.Dictionary;
import java.util.Map;

/**
 * Which plugins run: the rule the launcher applies at framework start and the plugins bundle applies
 * in process, so both always agree. A plugin runs unless {@code plugins.entries.<id>.enabled} is
 * {@code false}, or {@code plugins.allow} is non-empty and does not name it.
 */
public final class PluginPolicy {
    /** Manifest header: the bundle's role; {@code plugin} marks a built-in plugin of a boot feature. */
    public static final String ROLE_HEADER = "Gatehouse-Role";
    public static final String ROLE_PLUGIN = "plugin";
    /** Manifest header: the plugin id, when it is not the Bundle-SymbolicName. */
    public static final String ID_HEADER = "Gatehouse-Plugin-Id";

    /** Why a plugin does not run, or {@link #RUN}. */
    public enum Decision {
        RUN, DISABLED_BY_CONFIG, NOT_ALLOWED
    }

    private PluginPolicy() {
    }

    /** The plugin id a manifest gives: {@code Gatehouse-Plugin-Id}, else the Bundle-SymbolicName without directives. */
    public static String pluginId(Dictionary<String, String> headers) {
        String id = headers.get(ID_HEADER);
        if (id == null || id.isBlank()) {
            id = headers.get("Bundle-SymbolicName");
        }
        if (id == null) {
            return null;
        }
        int semi = id.indexOf(';');
        return (semi < 0 ? id : id.substring(0, semi)).trim();
    }

    /**
     * Decides for plugin {@code id} given the config's {@code plugins} section (may be null).
     */
    public static Decision decide(Object pluginsSection, String id) {
        if (!(pluginsSection instanceof Map<?, ?> plugins)) {
            return Decision.RUN;
        }
        if (plugins.get("entries") instanceof Map<?, ?> entries && entries.get(id) instanceof Map<?, ?> entry
                && Boolean.FALSE.equals(entry.get("enabled"))) {
            return Decision.DISABLED_BY_CONFIG;
        }
        if (plugins.get("allow") instanceof Collection<?> allow && !allow.isEmpty()
                && allow.stream().noneMatch(a -> id.equals(String.valueOf(a).trim()))) {
            return Decision.NOT_ALLOWED;
        }
        return Decision.RUN;
    }

    /** For operators: why a plugin with this decision does not run, or null when it runs. */
    public static String explain(Decision decision, String id) {
        String key = id.matches("[A-Za-z0-9_-]+") ? id : "\"" + id + "\"";
        return switch (decision) {
            case RUN -> null;
            case DISABLED_BY_CONFIG -> "disabled: plugins.entries." + key + ".enabled is false";
            case NOT_ALLOWED -> "not started: \"" + id + "\" is not in plugins.allow";
        };
    }
}
