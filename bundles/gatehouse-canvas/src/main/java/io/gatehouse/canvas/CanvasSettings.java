package io.gatehouse.canvas;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.gatehouse.api.config.ConfigSnapshot;

/**
 * What the canvas reads from the config in force ({@code canvasHost}, and the agents' workspaces for the
 * per-agent canvases). Built from a snapshot whenever the config changes; never kept past the next change.
 *
 * @param enabled       {@code canvasHost.enabled} (default true): false answers 404 under {@code /canvas/}
 * @param root          {@code canvasHost.root}, absolute (default {@code <data>/canvas})
 * @param liveReload    {@code canvasHost.liveReload} (default true)
 * @param advertisedUrl {@code canvasHost.advertisedUrl}: the URL users reach the canvas root at, ending in
 *                      {@code /}; null when not set
 * @param agents        agent id (as in URLs, normalised) to the agent's canvas folder {@code <workspace>/canvas},
 *                      for agents that have a workspace
 */
record CanvasSettings(boolean enabled, Path root, boolean liveReload, String advertisedUrl, Map<String, Path> agents) {

    static final String SECTION = "canvasHost";

    CanvasSettings {
        agents = Map.copyOf(agents);
    }

    /**
     * @param home the gateway home (relative paths are under it)
     * @param data the data folder (the default root is {@code <data>/canvas})
     */
    static CanvasSettings of(ConfigSnapshot config, Path home, Path data) {
        Map<String, Object> s = config.section(SECTION);
        boolean enabled = !(s.get("enabled") instanceof Boolean b) || b;
        boolean liveReload = !(s.get("liveReload") instanceof Boolean b2) || b2;
        Path root = s.get("root") instanceof String r && !r.isBlank() ? path(r, home) : data.resolve("canvas");
        String advertised = s.get("advertisedUrl") instanceof String u && !u.isBlank() ? withSlash(u.trim()) : null;
        return new CanvasSettings(enabled, root.toAbsolutePath().normalize(), liveReload, advertised,
                agentCanvases(config, home));
    }

    /** Agents with a workspace (their own or {@code agents.defaults.workspace}): id to {@code <workspace>/canvas}. */
    static Map<String, Path> agentCanvases(ConfigSnapshot config, Path home) {
        Object defaultsWs = config.get("agents.defaults").orElse(null) instanceof Map<?, ?> d ? d.get("workspace") : null;
        Map<String, Path> out = new LinkedHashMap<>();
        List<?> list = config.get("agents.list").orElse(null) instanceof List<?> l ? l : List.of();
        if (list.isEmpty()) {
            // the implicit default agent
            if (defaultsWs instanceof String w && !w.isBlank()) {
                try {
                    out.put("main", path(w, home).resolve("canvas"));
                } catch (java.nio.file.InvalidPathException e) {
                    // not a path on this system
                }
            }
            return out;
        }
        for (Object o : list) {
            if (!(o instanceof Map<?, ?> a) || !(a.get("id") instanceof String id)) {
                continue;
            }
            Object ws = a.get("workspace") instanceof String w && !w.isBlank() ? w : defaultsWs;
            String key = agentId(id);
            if (ws instanceof String w && !w.isBlank() && !key.isEmpty()) {
                try {
                    out.putIfAbsent(key, path(w, home).resolve("canvas"));
                } catch (java.nio.file.InvalidPathException e) {
                    // not a path on this system: the agent has no canvas (the agents bundle reports its workspace)
                }
            }
        }
        return out;
    }

    /** A configured path: {@code ~} is the user's home, a relative path is under {@code home} (as for workspaces). */
    static Path path(String value, Path home) {
        String s = value.trim();
        if (s.equals("~") || s.startsWith("~/")) {
            return Path.of(System.getProperty("user.home"), s.length() > 2 ? s.substring(2) : "").normalize();
        }
        Path p = Path.of(s);
        return (p.isAbsolute() ? p : home.resolve(p)).toAbsolutePath().normalize();
    }

    /** An agent id as URLs and folders use it: lower case; other characters than a-z 0-9 _ - become one dash. */
    static String agentId(String id) {
        String lowered = id == null ? "" : id.trim().toLowerCase(Locale.ROOT);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < lowered.length(); i++) {
            char c = lowered.charAt(i);
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-') {
                b.append(c);
            } else if (b.length() > 0 && b.charAt(b.length() - 1) != '-') {
                b.append('-');
            }
        }
        String out = b.toString().replaceAll("^-+|-+$", "");
        return out.length() > 64 ? out.substring(0, 64) : out;
    }

    private static String withSlash(String url) {
        return url.endsWith("/") ? url : url + "/";
    }
}
