package io.gatehouse.agents;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.gatehouse.agents.session.SessionFiles;
import io.gatehouse.api.config.ConfigSnapshot;

/**
 * What one turn reads from the config in force: the agent's entry of {@code agents.list} (over
 * {@code agents.defaults}) and the model it uses. Built per turn, never kept.
 *
 * @param agentId        the agent id routing gave
 * @param agent          the agent's settings: {@code agents.defaults} with the agent's entry over it
 * @param providerRef    the provider named by the model ({@code echo}, {@code openai}, ...): a key of
 *                       {@code models.providers} or a provider service id
 * @param providerType   the provider service id ({@code models.providers.<ref>.type}, else the ref)
 * @param options        provider options: {@code models.providers.<ref>} with the agent's model settings over it
 */
record AgentSettings(String agentId, Map<String, Object> agent, String providerRef, String providerType,
        Map<String, Object> options) {
    static final String DEFAULT_PROVIDER = "echo";
    static final int DEFAULT_HISTORY = 20;
    static final int DEFAULT_MEMORY = 5;

    static AgentSettings of(ConfigSnapshot config, String agentId) {
        Map<String, Object> agent = new LinkedHashMap<>();
        if (config.get("agents.defaults").orElse(null) instanceof Map<?, ?> d) {
            putAll(agent, d);
        }
        if (config.get("agents.list").orElse(null) instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof Map<?, ?> a && a.get("id") instanceof String id && SessionFiles.agentDir(id).equals(agentId)) {
                    putAll(agent, a);
                    break;
                }
            }
        }
        Object model = agent.get("model");
        String ref;
        Map<String, Object> agentOptions = new LinkedHashMap<>();
        if (model instanceof String s && !s.isBlank()) {
            int slash = s.indexOf('/');
            ref = (slash < 0 ? s : s.substring(0, slash)).trim();
            if (slash >= 0 && slash < s.length() - 1) {
                agentOptions.put("model", s.substring(slash + 1).trim());
            }
        } else if (model instanceof Map<?, ?> m) {
            putAll(agentOptions, m);
            Object p = agentOptions.remove("provider");
            ref = p instanceof String s && !s.isBlank() ? s.trim() : DEFAULT_PROVIDER;
        } else {
            ref = DEFAULT_PROVIDER;
        }
        Map<String, Object> options = new LinkedHashMap<>();
        if (config.get("models.providers").orElse(null) instanceof Map<?, ?> providers
                && providers.get(ref) instanceof Map<?, ?> p) {
            putAll(options, p);
        }
        Object type = options.remove("type");
        options.putAll(agentOptions);
        String providerType = type instanceof String t && !t.isBlank() ? t.trim() : ref;
        return new AgentSettings(agentId, agent, ref, providerType, options);
    }

    private static void putAll(Map<String, Object> into, Map<?, ?> from) {
        from.forEach((k, v) -> into.put(String.valueOf(k), v));
    }

    /** The model name a reply reports: the configured model, else the provider. */
    String modelName() {
        return options.get("model") instanceof String m && !m.isBlank() ? m : providerRef;
    }

    int historyLimit() {
        return intOf(agent.get("historyLimit"), DEFAULT_HISTORY);
    }

    int memoryResults() {
        return intOf(agent.get("memoryResults"), DEFAULT_MEMORY);
    }

    /** The workspace folder: {@code ~} is the user's home, a relative path is under {@code home}. */
    Path workspace(Path home) {
        if (!(agent.get("workspace") instanceof String w) || w.isBlank()) {
            return null;
        }
        String s = w.trim();
        if (s.equals("~") || s.startsWith("~/")) {
            return Path.of(System.getProperty("user.home"), s.length() > 2 ? s.substring(2) : "").normalize();
        }
        Path p = Path.of(s);
        return (p.isAbsolute() ? p : home.resolve(p)).normalize();
    }

    private static int intOf(Object o, int dflt) {
        return o instanceof Number n ? Math.max(0, n.intValue()) : dflt;
    }
}
