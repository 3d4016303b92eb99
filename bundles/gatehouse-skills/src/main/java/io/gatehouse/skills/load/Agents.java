package io.gatehouse.skills.load;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.gatehouse.support.agent.AgentFolders;

/**
 * The agents as far as skills care: id, workspace folder and skill filter ({@code agents.list[].skills}
 * over {@code agents.defaults.skills}), read from the config in force. Ids compare normalised as routing
 * and the agent turn normalise them.
 *
 * @param list      the listed agents (a single {@code main} with the defaults when none is listed)
 * @param defaultId the default agent (first with {@code default: true}, else the first listed, else main)
 * @param defaults  settings of an agent that is not listed
 */
public record Agents(List<Agent> list, String defaultId, Agent defaults) {

    /**
     * @param id        normalised id
     * @param workspace the workspace folder, or null
     * @param filter    skill names the agent may use, or null for all
     */
    public record Agent(String id, Path workspace, List<String> filter) {
        public String workspaceKey() {
            return workspace == null ? null : workspace.toString();
        }
    }

    public static Agents of(Map<String, Object> config, Path home) {
        Map<?, ?> agents = config.get("agents") instanceof Map<?, ?> m ? m : Map.of();
        Map<String, Object> defaults = new LinkedHashMap<>();
        if (agents.get("defaults") instanceof Map<?, ?> d) {
            d.forEach((k, v) -> defaults.put(String.valueOf(k), v));
        }
        List<Agent> list = new ArrayList<>();
        String chosen = null;
        if (agents.get("list") instanceof List<?> l) {
            for (Object o : l) {
                if (o instanceof Map<?, ?> a && a.get("id") instanceof String rawId && !rawId.isBlank()) {
                    Map<String, Object> merged = new LinkedHashMap<>(defaults);
                    a.forEach((k, v) -> merged.put(String.valueOf(k), v));
                    String id = AgentFolders.name(rawId);
                    if (list.stream().anyMatch(x -> x.id().equals(id))) {
                        continue;
                    }
                    list.add(agent(id, merged, home));
                    if (chosen == null && Boolean.TRUE.equals(a.get("default"))) {
                        chosen = id;
                    }
                }
            }
        }
        Agent dflt = agent("main", defaults, home);
        if (list.isEmpty()) {
            list.add(dflt);
        }
        return new Agents(List.copyOf(list), chosen != null ? chosen : list.get(0).id(), dflt);
    }

    private static Agent agent(String id, Map<String, Object> s, Path home) {
        List<String> filter = s.get("skills") instanceof List<?> ? Settings.strings(s.get("skills")) : null;
        return new Agent(id, workspace(s.get("workspace"), home), filter == null ? null : List.copyOf(filter));
    }

    /** As the agent turn resolves it: {@code ~} is the user's home, a relative path is under the gateway home. */
    static Path workspace(Object w, Path home) {
        if (!(w instanceof String s) || s.isBlank()) {
            return null;
        }
        return resolvePath(s.trim(), home);
    }

    public static Path resolvePath(String s, Path home) {
        if (s.equals("~") || s.startsWith("~/")) {
            return Path.of(System.getProperty("user.home"), s.length() > 2 ? s.substring(2) : "").toAbsolutePath().normalize();
        }
        Path p = Path.of(s);
        return (p.isAbsolute() ? p : home.resolve(p)).toAbsolutePath().normalize();
    }

    /** The agent's settings: a listed agent, else the defaults under the given id. */
    public Agent get(String agentId) {
        String id = AgentFolders.name(agentId);
        for (Agent a : list) {
            if (a.id().equals(id)) {
                return a;
            }
        }
        return new Agent(id, defaults.workspace(), defaults.filter());
    }

    public boolean isListed(String agentId) {
        String id = AgentFolders.name(agentId);
        return list.stream().anyMatch(a -> a.id().equals(id));
    }
}
