package io.gatehouse.agents;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.gatehouse.agents.session.SessionStore;

/** {@code sessions:list [agent]} and {@code sessions:show <key>}. */
@Component(service = SessionCommands.class, property = {
        "osgi.command.scope=sessions",
        "osgi.command.function=list",
        "osgi.command.function=show"})
public final class SessionCommands {
    private final SessionStore store;
    private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Activate
    public SessionCommands(@Reference SessionStore store) {
        this.store = store;
    }

    @Descriptor("List the sessions of every agent: key, agent, messages, last update")
    public String list(
            @Descriptor("print JSON for scripts") @Parameter(names = "--json", absentValue = "false", presentValue = "true") boolean asJson)
            throws IOException {
        return list(asJson, null);
    }

    @Descriptor("List the sessions of one agent: key, agent, messages, last update")
    public String list(
            @Descriptor("print JSON for scripts") @Parameter(names = "--json", absentValue = "false", presentValue = "true") boolean asJson,
            @Descriptor("agent id") String agent) throws IOException {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (SessionStore.Entry e : store.list(agent)) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("key", e.key());
            r.put("agent", e.agentId());
            r.put("messages", e.messages());
            r.put("created", e.created());
            r.put("updated", e.updated());
            r.put("file", store.sessionsDir(e.agentId()).resolve(e.file()).toString());
            rows.add(r);
        }
        if (asJson) {
            return json.writeValueAsString(rows);
        }
        StringBuilder b = new StringBuilder();
        b.append(String.format("%-48s %-16s %8s  %s%n", "key", "agent", "messages", "updated"));
        for (Map<String, Object> r : rows) {
            b.append(String.format("%-48s %-16s %8s  %s%n", r.get("key"), r.get("agent"), r.get("messages"),
                    Instant.ofEpochMilli((Long) r.get("updated"))));
        }
        if (rows.isEmpty()) {
            b.append(agent == null ? "(no sessions)\n" : "(no sessions of agent " + agent + ")\n");
        }
        return b.toString();
    }

    @Descriptor("Show the transcript of a session")
    public String show(
            @Descriptor("print JSON for scripts") @Parameter(names = "--json", absentValue = "false", presentValue = "true") boolean asJson,
            @Descriptor("session key, e.g. agent:main:main") String key) throws IOException {
        SessionStore.Entry e = store.find(key);
        if (e == null) {
            throw new IllegalArgumentException("no session " + key + " (sessions:list shows the keys)");
        }
        List<Map<String, Object>> lines = store.read(e.agentId(), key);
        if (asJson) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("key", key);
            doc.put("agent", e.agentId());
            doc.put("file", store.sessionsDir(e.agentId()).resolve(e.file()).toString());
            doc.put("messages", lines);
            return json.writeValueAsString(doc);
        }
        StringBuilder b = new StringBuilder();
        b.append("session ").append(key).append(" (agent ").append(e.agentId()).append(", ").append(lines.size())
                .append(" lines)\n");
        for (Map<String, Object> l : lines) {
            Object ts = l.get("ts");
            b.append(ts instanceof Number n ? Instant.ofEpochMilli(n.longValue()).toString() : "-").append("  ")
                    .append(String.format("%-9s", l.get("role"))).append(' ').append(l.get("content")).append('\n');
        }
        return b.toString();
    }
}
