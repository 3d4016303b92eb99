package io.gatehouse.skills;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.gatehouse.api.skills.SkillsSnapshot.Command;
import io.gatehouse.skills.load.Agents;
import io.gatehouse.skills.load.Catalog;
import io.gatehouse.skills.load.Eligibility;
import io.gatehouse.skills.load.Problem;
import io.gatehouse.skills.load.Root;
import io.gatehouse.skills.load.RootScan;
import io.gatehouse.skills.load.Settings;
import io.gatehouse.skills.load.SkillEntry;
import io.gatehouse.skills.load.SkillMeta;
import io.gatehouse.skills.load.SkillsEngine;

/**
 * {@code skills:list [agent]}, {@code skills:info <name>}, {@code skills:reload}, {@code skills:check [agent]},
 * each with {@code --json}. Secrets ({@code skills.entries.*.env} values, {@code apiKey}) are never shown,
 * only whether they are set. Failing commands throw (non-zero exit of {@code bin/gatehouse shell}).
 */
@Component(service = SkillsCommands.class, property = {
        "osgi.command.scope=skills",
        "osgi.command.function=list",
        "osgi.command.function=info",
        "osgi.command.function=reload",
        "osgi.command.function=check"})
public final class SkillsCommands {
    private final SkillsEngine engine;
    private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Activate
    public SkillsCommands(@Reference SkillsComponent skills) {
        this.engine = skills.engine();
    }

    @Descriptor("List an agent's skills (default: the default agent) with source, status (ready, ineligible with the reason,"
            + " disabled, not allowed), chat command and location; SKILL.md files that could not be loaded, with file:line:column")
    public String list(
            @Descriptor("print JSON for scripts") @Parameter(names = "--json", absentValue = "false", presentValue = "true") boolean asJson,
            @Descriptor("agent id") String... agent) throws JsonProcessingException {
        Map<String, Object> report = report(agentOf(agent), true);
        if (asJson) {
            return json.writeValueAsString(report);
        }
        StringBuilder b = new StringBuilder();
        b.append("skills of agent ").append(report.get("agent"));
        if (report.get("workspace") != null) {
            b.append(" (workspace ").append(report.get("workspace")).append(')');
        }
        b.append(", version ").append(report.get("version")).append('\n');
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"NAME", "SOURCE", "STATUS", "COMMAND", "DESCRIPTION"});
        for (Map<String, Object> s : skills(report)) {
            String status = String.valueOf(s.get("status"));
            if (s.get("reasons") instanceof List<?> r && !r.isEmpty()) {
                status += ": " + String.join("; ", r.stream().map(String::valueOf).toList());
            } else if ("not allowed".equals(status)) {
                status += " (agents.list[].skills)";
            }
            rows.add(new String[] {String.valueOf(s.get("name")), String.valueOf(s.get("source")), status,
                    s.get("command") == null ? "-" : "/" + s.get("command"), s.get("description") + "  [" + s.get("location") + "]"});
        }
        if (rows.size() == 1) {
            b.append("no skills\n");
        } else {
            table(b, rows);
        }
        problems(b, report);
        return b.toString();
    }

    @Descriptor("Show one skill as an agent gets it: description, source and location, the copies it overrides, requirements"
            + " and whether each is met, its skills.entries entry (secrets shown as set or not), chat command")
    public String info(
            @Descriptor("print JSON for scripts") @Parameter(names = "--json", absentValue = "false", presentValue = "true") boolean asJson,
            @Descriptor("agent whose view to use (default: the default agent)") @Parameter(names = "--agent", absentValue = "") String agent,
            @Descriptor("skill name") String name) throws JsonProcessingException {
        SkillsEngine.Published p = engine.fresh();
        Catalog c = p.catalog();
        Agents.Agent a = agent(c, agent.isEmpty() ? null : agent);
        Catalog.Resolved found = c.resolve(a).stream().filter(r -> r.entry().name().equals(name)).findFirst().orElse(null);
        SkillEntry entry = found != null ? found.entry() : null;
        if (entry == null) {
            for (RootScan sc : c.scans().values()) {
                for (SkillEntry e : sc.skills()) {
                    if (e.name().equals(name) && entry == null) {
                        entry = e;
                    }
                }
            }
        }
        if (entry == null) {
            throw new IllegalArgumentException("no skill named \"" + name + "\" (skills of agent " + a.id() + ": "
                    + String.join(", ", c.resolve(a).stream().map(r -> r.entry().name()).toList()) + ")");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", entry.name());
        m.put("description", entry.skill().description());
        m.put("agent", a.id());
        m.put("inAgentView", found != null);
        m.put("source", entry.root().kind().id());
        m.put("root", entry.root().label());
        m.put("location", entry.location());
        m.put("homepage", entry.skill().homepage());
        SkillMeta meta = entry.skill().meta();
        m.put("emoji", meta.emoji());
        m.put("skillKey", entry.skill().key());
        List<String> reasons = found != null ? found.reasons() : c.reasons(entry);
        m.put("status", status(reasons, found == null || found.allowed()));
        m.put("reasons", reasons);
        m.put("userInvocable", entry.skill().userInvocable());
        m.put("modelInvocable", !entry.skill().disableModelInvocation());
        m.put("command", command(a, entry.name()));
        if (entry.skill().commandDispatch() != null) {
            m.put("commandDispatch", entry.skill().commandDispatch() + (entry.skill().commandTool() == null ? "" : " " + entry.skill().commandTool()));
        }
        Map<String, Object> req = new LinkedHashMap<>();
        req.put("always", meta.always());
        req.put("os", meta.os());
        req.put("platform", engine.platform());
        Map<String, Boolean> bins = new LinkedHashMap<>();
        meta.bins().forEach(x -> bins.put(x, Boolean.TRUE.equals(c.bins().get(x))));
        req.put("bins", bins);
        Map<String, Boolean> anyBins = new LinkedHashMap<>();
        meta.anyBins().forEach(x -> anyBins.put(x, Boolean.TRUE.equals(c.bins().get(x))));
        req.put("anyBins", anyBins);
        Settings.Entry e = c.settings().entry(entry.skill().key());
        Map<String, Boolean> env = new LinkedHashMap<>();
        for (String n : meta.env()) {
            String v = System.getenv(n);
            env.put(n, (v != null && !v.isEmpty()) || (e != null && e.env().get(n) != null && !e.env().get(n).isEmpty())
                    || (e != null && e.apiKey() != null && n.equals(meta.primaryEnv())));
        }
        req.put("env", env);
        Map<String, Boolean> cfg = new LinkedHashMap<>();
        meta.config().forEach(x -> cfg.put(x, Eligibility.configTruthy(c.config(), x)));
        req.put("config", cfg);
        req.put("primaryEnv", meta.primaryEnv());
        m.put("requires", req);
        Map<String, Object> ent = new LinkedHashMap<>();
        if (e != null) {
            ent.put("enabled", e.enabled());
            ent.put("apiKey", e.apiKey() == null ? "(not set)" : "(set)");
            Map<String, String> ev = new TreeMap<>();
            e.env().keySet().forEach(k -> ev.put(k, "(set)"));
            ent.put("env", ev);
        }
        m.put("entry", e == null ? null : ent);
        m.put("overrides", found == null ? List.of() : found.overridden().stream().map(SkillEntry::location).toList());
        m.put("version", p.version(a.workspaceKey()));
        m.put("bodyChars", entry.skill().body().strip().length());
        if (asJson) {
            return json.writeValueAsString(m);
        }
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, Object> x : m.entrySet()) {
            Object v = x.getValue();
            if (v == null || (v instanceof Map<?, ?> mm && mm.isEmpty()) || (v instanceof List<?> l && l.isEmpty())) {
                continue;
            }
            b.append(x.getKey()).append(": ").append(v instanceof String s ? s : json.writeValueAsString(v).replaceAll("\\s*\\n\\s*", " "))
                    .append('\n');
        }
        return b.toString();
    }

    @Descriptor("Rebuild the skills from disk now (every root, every file read again), bump the version and fire a manual change event")
    public String reload(
            @Descriptor("print JSON for scripts") @Parameter(names = "--json", absentValue = "false", presentValue = "true") boolean asJson)
            throws JsonProcessingException {
        long started = System.nanoTime();
        SkillsEngine.Published p = engine.reload();
        double tookMs = (System.nanoTime() - started) / 1e6;
        Catalog c = p.catalog();
        int skills = 0;
        int problems = 0;
        for (RootScan sc : c.scans().values()) {
            skills += sc.skills().size();
            problems += sc.problems().size();
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", p.global());
        m.put("roots", c.scans().size());
        m.put("skills", skills);
        m.put("problems", problems);
        m.put("tookMs", Math.round(tookMs * 10) / 10.0);
        if (asJson) {
            return json.writeValueAsString(m);
        }
        return "skills reloaded: " + skills + " skills in " + c.scans().size() + " roots, " + problems + " problems; version "
                + p.global() + " (" + Math.round(tookMs) + " ms)";
    }

    @Descriptor("Eligibility report of an agent's skills (default: the default agent): ready, ineligible with every unmet"
            + " requirement (binaries, environment, config, os), disabled, not allowed; and files that could not be loaded")
    public String check(
            @Descriptor("print JSON for scripts") @Parameter(names = "--json", absentValue = "false", presentValue = "true") boolean asJson,
            @Descriptor("agent id") String... agent) throws JsonProcessingException {
        Map<String, Object> report = report(agentOf(agent), false);
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String s : List.of("ready", "ineligible", "disabled", "not allowed")) {
            counts.put(s, 0);
        }
        for (Map<String, Object> s : skills(report)) {
            counts.merge(String.valueOf(s.get("status")), 1, Integer::sum);
        }
        List<?> problems = (List<?>) report.get("problems");
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("agent", report.get("agent"));
        m.put("version", report.get("version"));
        m.put("platform", engine.platform());
        m.put("counts", counts);
        m.put("problemCount", problems.size());
        m.put("skills", report.get("skills"));
        m.put("problems", problems);
        if (asJson) {
            return json.writeValueAsString(m);
        }
        StringBuilder b = new StringBuilder();
        b.append("skills check for agent ").append(report.get("agent")).append(" (").append(engine.platform()).append("): ");
        counts.forEach((k, v) -> b.append(v).append(' ').append(k).append(", "));
        b.append(problems.size()).append(problems.size() == 1 ? " problem" : " problems").append('\n');
        for (Map<String, Object> s : skills(report)) {
            b.append("  ").append(String.format("%-11s", s.get("status"))).append(' ').append(s.get("name"));
            if (s.get("reasons") instanceof List<?> r && !r.isEmpty()) {
                b.append(": ").append(String.join("; ", r.stream().map(String::valueOf).toList()));
            }
            b.append('\n');
        }
        problems(b, report);
        return b.toString();
    }

    // ---------------------------------------------------------------------------------------------

    private static String agentOf(String[] agent) {
        if (agent.length > 1) {
            throw new IllegalArgumentException("at most one agent id, got " + agent.length);
        }
        return agent.length == 0 ? null : agent[0];
    }

    private static Agents.Agent agent(Catalog c, String agentId) {
        if (agentId == null) {
            return c.agents().get(c.agents().defaultId());
        }
        if (!c.agents().isListed(agentId)) {
            Object list = c.config().get("agents") instanceof Map<?, ?> m ? m.get("list") : null;
            if (list instanceof List<?> l && !l.isEmpty()) {
                throw new IllegalArgumentException("no agent \"" + agentId + "\" in agents.list (agents: "
                        + String.join(", ", c.agents().list().stream().map(Agents.Agent::id).toList()) + ")");
            }
        }
        return c.agents().get(agentId);
    }

    private String command(Agents.Agent a, String skill) {
        for (Command cmd : engine.view(a.id()).skills().commands()) {
            if (cmd.skillName().equals(skill)) {
                return cmd.name();
            }
        }
        return null;
    }

    private static String status(List<String> reasons, boolean allowed) {
        if (!reasons.isEmpty()) {
            return reasons.get(0).startsWith("disabled") || reasons.get(0).startsWith("not in skills.allowBundled") ? "disabled"
                    : "ineligible";
        }
        return allowed ? "ready" : "not allowed";
    }

    private Map<String, Object> report(String agentId, boolean withRoots) {
        SkillsEngine.Published p = engine.fresh();
        Catalog c = p.catalog();
        Agents.Agent a = agent(c, agentId);
        Map<String, String> commands = new LinkedHashMap<>();
        engine.view(a.id()).skills().commands().forEach(cmd -> commands.put(cmd.skillName(), cmd.name()));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("agent", a.id());
        m.put("workspace", a.workspaceKey());
        m.put("version", p.version(a.workspaceKey()));
        m.put("globalVersion", p.global());
        List<Map<String, Object>> skills = new ArrayList<>();
        for (Catalog.Resolved r : c.resolve(a)) {
            SkillEntry e = r.entry();
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("name", e.name());
            s.put("description", e.skill().description());
            s.put("source", e.root().kind().id());
            s.put("location", e.location());
            s.put("status", status(r.reasons(), r.allowed()));
            s.put("reasons", r.reasons());
            s.put("modelInvocable", !e.skill().disableModelInvocation());
            s.put("userInvocable", e.skill().userInvocable());
            s.put("command", commands.get(e.name()));
            s.put("emoji", e.skill().meta().emoji());
            s.put("overrides", r.overridden().stream().map(SkillEntry::location).toList());
            skills.add(s);
        }
        m.put("skills", skills);
        List<Map<String, Object>> problems = new ArrayList<>();
        List<Map<String, Object>> roots = new ArrayList<>();
        for (Root root : c.rootsFor(a.workspaceKey())) {
            RootScan sc = c.scan(root);
            if (sc == null) {
                continue;
            }
            for (Problem pr : sc.problems()) {
                Map<String, Object> x = new LinkedHashMap<>();
                x.put("file", pr.file());
                x.put("line", pr.line());
                x.put("column", pr.column());
                x.put("reason", pr.reason());
                problems.add(x);
            }
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("kind", root.kind().id());
            r.put("path", root.label());
            r.put("exists", sc.exists());
            r.put("skills", sc.skills().size());
            roots.add(r);
        }
        m.put("problems", problems);
        if (withRoots) {
            m.put("roots", roots);
            m.put("watches", engine.watchStatus());
            List<Map<String, Object>> events = new ArrayList<>();
            List<SkillsEngine.EventRecord> recent = engine.recentEvents();
            for (SkillsEngine.EventRecord ev : recent.subList(Math.max(0, recent.size() - 10), recent.size())) {
                Map<String, Object> x = new LinkedHashMap<>();
                x.put("workspaceDir", ev.event().workspaceDir());
                x.put("reason", ev.event().reason().id());
                x.put("changedPath", ev.event().changedPath());
                x.put("version", ev.event().version());
                x.put("firedAt", ev.firedAtMs());
                events.add(x);
            }
            m.put("events", events);
        }
        return m;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> skills(Map<String, Object> report) {
        return (List<Map<String, Object>>) report.get("skills");
    }

    private static void problems(StringBuilder b, Map<String, Object> report) {
        List<?> problems = (List<?>) report.get("problems");
        if (problems.isEmpty()) {
            return;
        }
        b.append("not loaded:\n");
        for (Object o : problems) {
            Map<?, ?> p = (Map<?, ?>) o;
            int line = ((Number) p.get("line")).intValue();
            int col = ((Number) p.get("column")).intValue();
            b.append("  ").append(p.get("file")).append(line > 0 ? ":" + line + (col > 0 ? ":" + col : "") : "").append(": ")
                    .append(p.get("reason")).append('\n');
        }
    }

    private static void table(StringBuilder b, List<String[]> rows) {
        int[] width = new int[4];
        for (String[] row : rows) {
            for (int i = 0; i < width.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            for (int i = 0; i < width.length; i++) {
                b.append(row[i]).append(" ".repeat(width[i] - row[i].length() + 2));
            }
            b.append(row[4]).append('\n');
        }
    }
}
