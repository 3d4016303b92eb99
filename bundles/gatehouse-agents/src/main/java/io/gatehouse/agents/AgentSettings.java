package io.gatehouse.agents;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.gatehouse.api.config.ConfigSnapshot;
import io.gatehouse.support.agent.AgentFolders;

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
 * @param providerMaxConcurrent {@code models.providers.<ref>.maxConcurrent}: model requests in flight to
 *                       that provider (0: no cap)
 */
record AgentSettings(String agentId, Map<String, Object> agent, String providerRef, String providerType,
        Map<String, Object> options, int providerMaxConcurrent) {
    static final String DEFAULT_PROVIDER = "echo";
    static final int DEFAULT_HISTORY = 20;
    static final int DEFAULT_MEMORY = 5;
    static final int DEFAULT_TOOL_ROUNDS = 8;
    static final long DEFAULT_TOOL_TIMEOUT_MS = 60_000;
    static final long DEFAULT_TURN_TIMEOUT_MS = 600_000;

    static AgentSettings of(ConfigSnapshot config, String agentId) {
        Map<String, Object> agent = new LinkedHashMap<>();
        if (config.get("agents.defaults").orElse(null) instanceof Map<?, ?> d) {
            putAll(agent, d);
        }
        if (config.get("agents.list").orElse(null) instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof Map<?, ?> a && a.get("id") instanceof String id && AgentFolders.name(id).equals(agentId)) {
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
        int providerCap = intOf(options.remove("maxConcurrent"), 0);
        options.putAll(agentOptions);
        String providerType = type instanceof String t && !t.isBlank() ? t.trim() : ref;
        // read-only: one instance serves every turn of the agent until the config changes (AgentGateway.settings)
        return new AgentSettings(agentId, java.util.Collections.unmodifiableMap(agent), ref, providerType,
                java.util.Collections.unmodifiableMap(options), providerCap);
    }

    /** {@code models.providers.<ref>.maxConcurrent} in the config (0: no cap). */
    static int providerLimit(ConfigSnapshot config, String ref) {
        return config.get("models.providers").orElse(null) instanceof Map<?, ?> providers
                && providers.get(ref) instanceof Map<?, ?> p ? intOf(p.get("maxConcurrent"), 0) : 0;
    }

    /** {@code maxConcurrent} of the agent (its {@code agents.list} entry over {@code agents.defaults}; 0: no cap). */
    static int agentLimit(ConfigSnapshot config, String agentId) {
        Object v = config.get("agents.defaults.maxConcurrent").orElse(null);
        if (config.get("agents.list").orElse(null) instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof Map<?, ?> a && a.get("id") instanceof String id && AgentFolders.name(id).equals(agentId)) {
                    if (a.containsKey("maxConcurrent")) {
                        v = a.get("maxConcurrent");
                    }
                    break;
                }
            }
        }
        return intOf(v, 0);
    }

    /** Turns of this agent that may run at once ({@code maxConcurrent}; 0: no cap). */
    int maxConcurrent() {
        return intOf(agent.get("maxConcurrent"), 0);
    }

    /** Model requests a turn may make for tool calls before it must answer ({@code maxToolRounds}). */
    int maxToolRounds() {
        return intOf(agent.get("maxToolRounds"), DEFAULT_TOOL_ROUNDS);
    }

    long toolTimeoutMs() {
        return longOf(agent.get("toolTimeoutMs"), DEFAULT_TOOL_TIMEOUT_MS);
    }

    /** The longest a turn may take from its arrival, waits included ({@code turnTimeoutMs}; 0: none). */
    long turnTimeoutMs() {
        return longOf(agent.get("turnTimeoutMs"), DEFAULT_TURN_TIMEOUT_MS);
    }

    /**
     * Whether the agent may use the tool: {@code tools} absent or {@code true}: every registered tool;
     * {@code false}: none; a list: the tools it names; an object (the reference's tool policy):
     * {@code allow} (absent: all) minus {@code deny}. Names may end in {@code *} (a prefix: {@code "canvas.*"}).
     */
    boolean toolAllowed(String name) {
        Object t = agent.get("tools");
        if (t == null || Boolean.TRUE.equals(t)) {
            return true;
        }
        if (t instanceof List<?> list) {
            return matches(list, name);
        }
        if (t instanceof Map<?, ?> policy) {
            boolean allowed = !(policy.get("allow") instanceof List<?> allow) || matches(allow, name);
            return allowed && !(policy.get("deny") instanceof List<?> deny && matches(deny, name));
        }
        return false;
    }

    private static boolean matches(List<?> patterns, String name) {
        for (Object o : patterns) {
            String p = String.valueOf(o);
            if (p.equals(name) || p.equals("*") || (p.endsWith("*") && name.startsWith(p.substring(0, p.length() - 1)))) {
                return true;
            }
        }
        return false;
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

    private static long longOf(Object o, long dflt) {
        return o instanceof Number n ? Math.max(0, n.longValue()) : dflt;
    }
}
