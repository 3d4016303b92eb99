package io.gatehouse.skills.load;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Everything a snapshot is made from, at one moment: the config in force (its hash, the skills section,
 * the agents), the roots in precedence order and what each held, which binaries are on PATH. Immutable.
 *
 * <p>Its fingerprints cover every input: {@link #globalPrint()} the shared and plugin roots, the
 * settings, the agents (workspaces and filters), the config paths skills require, the binaries and
 * environment variables they require, the platform; {@link #workspacePrint(String)} a workspace's own
 * roots. A change of either is a new version.
 */
public final class Catalog {
    private final String configHash;
    private final Map<String, Object> config;
    private final Settings settings;
    private final Agents agents;
    private final List<Root> globalRoots;
    private final Map<String, List<Root>> workspaceRoots;
    private final Map<Root, RootScan> scans;
    private final Map<String, Boolean> bins;
    private final Eligibility eligibility;
    private final String globalPrint;
    private final Map<String, String> workspacePrints = new TreeMap<>();

    public Catalog(String configHash, Map<String, Object> config, Settings settings, Agents agents, List<Root> globalRoots,
            Map<String, List<Root>> workspaceRoots, Map<Root, RootScan> scans, Map<String, Boolean> bins,
            Map<String, String> env, String platform) {
        this.configHash = configHash;
        this.config = config;
        this.settings = settings;
        this.agents = agents;
        this.globalRoots = List.copyOf(globalRoots);
        this.workspaceRoots = Map.copyOf(workspaceRoots);
        this.scans = Map.copyOf(scans);
        this.bins = Map.copyOf(bins);
        this.eligibility = new Eligibility(platform, env, b -> Boolean.TRUE.equals(this.bins.get(b)), config);
        StringBuilder g = new StringBuilder("platform=").append(platform).append('\n');
        for (Root r : this.globalRoots) {
            printRoot(g, r);
        }
        g.append(settings.fingerprintText());
        for (Agents.Agent a : agents.list()) {
            g.append("agent ").append(a.id()).append(' ').append(a.workspace()).append(' ').append(a.filter()).append('\n');
        }
        g.append("default ").append(agents.defaultId()).append(' ').append(agents.defaults().workspace()).append(' ')
                .append(agents.defaults().filter()).append('\n');
        Set<String> configPaths = new TreeSet<>();
        Set<String> envNames = new TreeSet<>();
        for (RootScan s : this.scans.values()) {
            for (SkillEntry e : s.skills()) {
                configPaths.addAll(e.skill().meta().config());
                envNames.addAll(e.skill().meta().env());
            }
        }
        configPaths.forEach(p -> g.append("config ").append(p).append('=').append(Eligibility.configTruthy(config, p)).append('\n'));
        envNames.forEach(n -> g.append("env ").append(n).append('=').append(env.get(n) != null && !env.get(n).isEmpty()).append('\n'));
        new TreeMap<>(this.bins).forEach((b, on) -> g.append("bin ").append(b).append('=').append(on).append('\n'));
        this.globalPrint = RootScanner.hash(g.toString().getBytes(StandardCharsets.UTF_8));
        this.workspaceRoots.forEach((ws, roots) -> {
            StringBuilder w = new StringBuilder();
            roots.forEach(r -> printRoot(w, r));
            workspacePrints.put(ws, RootScanner.hash(w.toString().getBytes(StandardCharsets.UTF_8)));
        });
    }

    private void printRoot(StringBuilder b, Root r) {
        RootScan s = scans.get(r);
        // whether an empty root exists changes nothing an agent sees: not part of the print
        b.append("root ").append(r).append('\n');
        if (s != null) {
            s.skills().forEach(e -> b.append(e.location()).append(' ').append(e.hash()).append('\n'));
            s.problems().forEach(p -> b.append("problem ").append(p).append('\n'));
        }
    }

    public String configHash() {
        return configHash;
    }

    public Map<String, Object> config() {
        return config;
    }

    public Settings settings() {
        return settings;
    }

    public Agents agents() {
        return agents;
    }

    public List<Root> globalRoots() {
        return globalRoots;
    }

    public Map<String, List<Root>> workspaceRoots() {
        return workspaceRoots;
    }

    public RootScan scan(Root r) {
        return scans.get(r);
    }

    public Map<Root, RootScan> scans() {
        return scans;
    }

    public Map<String, Boolean> bins() {
        return bins;
    }

    public String globalPrint() {
        return globalPrint;
    }

    /** The fingerprint of a workspace's own roots, or null when no agent has that workspace. */
    public String workspacePrint(String workspace) {
        return workspacePrints.get(workspace);
    }

    public Set<String> workspaces() {
        return workspacePrints.keySet();
    }

    /** The roots an agent with this workspace loads from, in precedence order. */
    public List<Root> rootsFor(String workspace) {
        List<Root> out = new ArrayList<>(globalRoots);
        if (workspace != null) {
            out.addAll(workspaceRoots.getOrDefault(workspace, List.of()));
        }
        return out;
    }

    /** Every root: global, then each workspace's. */
    public List<Root> allRoots() {
        List<Root> out = new ArrayList<>(globalRoots);
        workspaceRoots.values().forEach(out::addAll);
        return out;
    }

    /**
     * A skill as an agent would get it.
     *
     * @param entry      the copy in force (from the root of highest precedence)
     * @param overridden copies of the same name it overrides, lowest precedence first
     * @param reasons    why it is not eligible (empty: eligible)
     * @param allowed    whether the agent's filter allows it
     */
    public record Resolved(SkillEntry entry, List<SkillEntry> overridden, List<String> reasons, boolean allowed) {
        public boolean eligible() {
            return reasons.isEmpty();
        }

        public boolean usable() {
            return reasons.isEmpty() && allowed;
        }
    }

    /** The agent's skills by name: later roots override earlier ones; with eligibility and filter. */
    public List<Resolved> resolve(Agents.Agent agent) {
        Map<String, List<SkillEntry>> byName = new LinkedHashMap<>();
        for (Root r : rootsFor(agent.workspaceKey())) {
            RootScan s = scans.get(r);
            if (s == null) {
                continue;
            }
            for (SkillEntry e : s.skills()) {
                byName.computeIfAbsent(e.name(), k -> new ArrayList<>()).add(e);
            }
        }
        List<Resolved> out = new ArrayList<>();
        for (List<SkillEntry> copies : byName.values()) {
            SkillEntry top = copies.get(copies.size() - 1);
            out.add(new Resolved(top, List.copyOf(copies.subList(0, copies.size() - 1)), eligibility.reasons(top, settings),
                    agent.filter() == null || agent.filter().contains(top.name())));
        }
        out.sort(Comparator.comparing(r -> r.entry().name()));
        return out;
    }

    public List<String> reasons(SkillEntry e) {
        return eligibility.reasons(e, settings);
    }
}
