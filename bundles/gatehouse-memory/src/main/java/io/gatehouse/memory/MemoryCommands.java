package io.gatehouse.memory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.gatehouse.api.memory.MemorySearch;
import io.gatehouse.support.agent.AgentFolders;

/** {@code memory:status}, {@code memory:search}, {@code memory:sync}. */
@Component(service = MemoryCommands.class, property = {
        "osgi.command.scope=memory",
        "osgi.command.function=status",
        "osgi.command.function=search",
        "osgi.command.function=sync"})
public final class MemoryCommands {
    private final MemoryService memory;
    private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Activate
    public MemoryCommands(@Reference MemoryService memory) {
        this.memory = memory;
    }

    @Descriptor("Memory index of every agent: files, chunks, dirty files, last sync, model, progress of a running sync")
    public String status(
            @Descriptor("print JSON for scripts") @Parameter(names = "--json", absentValue = "false", presentValue = "true") boolean asJson,
            @Descriptor("only this agent") @Parameter(names = "--agent", absentValue = "") String agent) throws Exception {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (AgentMemory m : memory.agents()) {
            if (agent.isEmpty() || m.agentId.equals(AgentFolders.name(agent))) {
                rows.add(m.status());
            }
        }
        if (!agent.isEmpty() && rows.isEmpty()) {
            throw new IllegalArgumentException("no agent \"" + agent + "\" has a memory (memory:status lists them)");
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("model", memory.modelStatus());
        doc.put("agents", rows);
        if (asJson) {
            return json.writeValueAsString(doc);
        }
        StringBuilder b = new StringBuilder();
        Map<String, Object> model = memory.modelStatus();
        b.append("embeddings: ").append(model.get("embedder")).append(" (").append(model.get("state")).append(")\n");
        for (Map<String, Object> r : rows) {
            b.append("agent ").append(r.get("agent")).append(": ");
            if (!Boolean.TRUE.equals(r.get("enabled"))) {
                b.append("disabled (memorySearch.enabled is false)\n");
                continue;
            }
            b.append(r.get("files")).append(" files, ").append(r.get("chunks")).append(" chunks");
            if (r.get("pendingEmbeddings") instanceof Integer p && p > 0) {
                b.append(" (").append(p).append(" awaiting embeddings)");
            }
            b.append(", dirty ").append(r.get("dirty"));
            if (Boolean.TRUE.equals(r.get("rebuilding"))) {
                b.append(", rebuilding");
            }
            b.append('\n');
            b.append("  workspace ").append(r.get("workspace") == null ? "(none configured)" : r.get("workspace"))
                    .append(", sources ").append(r.get("sources")).append('\n');
            b.append("  index ").append(r.get("index")).append('\n');
            if (r.get("progress") instanceof Map<?, ?> p) {
                b.append("  syncing: ").append(p.get("phase").equals("embed") ? "embedding " : "indexing ").append(p.get("done"))
                        .append('/').append(p.get("total")).append(p.get("phase").equals("embed") ? " chunks" : " files")
                        .append(" (").append(p.get("perSecond")).append(" per s)\n");
            }
            if (r.get("lastSync") instanceof Map<?, ?> l) {
                b.append("  last sync ").append(Instant.ofEpochMilli((Long) l.get("at"))).append(" (").append(l.get("reason"))
                        .append("): ").append(l.get("indexed")).append(" indexed, ").append(l.get("removed")).append(" removed, ")
                        .append(l.get("embedded")).append(" embedded in ").append(l.get("ms")).append(" ms");
                if (l.get("error") != null) {
                    b.append(", error: ").append(l.get("error"));
                }
                b.append('\n');
            }
            if (r.get("error") != null) {
                b.append("  error: ").append(r.get("error")).append('\n');
            }
        }
        if (rows.isEmpty()) {
            b.append("(no agents)\n");
        }
        return b.toString();
    }

    @Descriptor("Search an agent's memory by meaning and by words")
    public String search(
            @Descriptor("print JSON for scripts") @Parameter(names = "--json", absentValue = "false", presentValue = "true") boolean asJson,
            @Descriptor("agent id (default main)") @Parameter(names = "--agent", absentValue = "main") String agent,
            @Descriptor("most hits (default memorySearch.query.maxResults)") @Parameter(names = "--limit", absentValue = "0") int limit,
            @Descriptor("what to look for") String... words) throws Exception {
        String query = String.join(" ", words).strip();
        if (query.isEmpty()) {
            throw new IllegalArgumentException("memory:search needs a query, e.g. memory:search what did we decide about backups");
        }
        if (memory.agent(agent) == null) {
            throw new IllegalArgumentException("no agent \"" + agent + "\" has a memory (memory:status lists them)");
        }
        long t0 = System.nanoTime();
        MemorySearch.Result r = memory.query(agent, query, limit);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        if (asJson) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("agent", AgentFolders.name(agent));
            doc.put("query", query);
            doc.put("stale", r.stale());
            doc.put("ms", ms);
            List<Map<String, Object>> hits = new ArrayList<>();
            for (MemorySearch.Hit h : r.hits()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("path", h.path());
                m.put("startLine", h.startLine());
                m.put("endLine", h.endLine());
                m.put("score", Math.round(h.score() * 10000) / 10000.0);
                m.put("source", h.source());
                m.put("snippet", h.snippet());
                hits.add(m);
            }
            doc.put("hits", hits);
            return json.writeValueAsString(doc);
        }
        StringBuilder b = new StringBuilder();
        for (MemorySearch.Hit h : r.hits()) {
            b.append(String.format("%.3f  %s:%d-%d  [%s]%n", h.score(), h.path(), h.startLine(), h.endLine(), h.source()));
            String snippet = h.snippet().strip().replace("\n", "\n      ");
            b.append("      ").append(snippet.length() > 300 ? snippet.substring(0, 300) + "..." : snippet).append('\n');
        }
        if (r.hits().isEmpty()) {
            b.append("(no hits)\n");
        }
        if (r.stale()) {
            b.append("(stale: recent changes are still being indexed)\n");
        }
        return b.toString();
    }

    @Descriptor("Bring an agent's memory index up to date now (every agent when none is named) and report what changed")
    public String sync(
            @Descriptor("re-read and re-chunk every file, not only the changed ones") @Parameter(names = "--force", absentValue = "false", presentValue = "true") boolean force,
            @Descriptor("print JSON for scripts") @Parameter(names = "--json", absentValue = "false", presentValue = "true") boolean asJson,
            @Descriptor("only this agent") @Parameter(names = "--agent", absentValue = "") String agent,
            @Descriptor("return at once; the sync goes on in the background") @Parameter(names = "--background", absentValue = "false", presentValue = "true") boolean background)
            throws Exception {
        List<String> ids = new ArrayList<>();
        if (agent.isEmpty()) {
            memory.agents().forEach(m -> ids.add(m.agentId));
        } else {
            ids.add(agent);
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        StringBuilder b = new StringBuilder();
        List<String> failures = new ArrayList<>();
        for (String id : ids) {
            var f = memory.sync(id, force);
            if (background) {
                b.append("agent ").append(id).append(": sync started (memory:status shows its progress)\n");
                continue;
            }
            AgentMemory.SyncReport r;
            try {
                r = f.get(1, TimeUnit.HOURS);
            } catch (ExecutionException e) {
                throw new IllegalStateException("memory sync of agent " + id + " failed: " + e.getCause().getMessage());
            } catch (TimeoutException e) {
                throw new IllegalStateException("memory sync of agent " + id + " still runs after an hour");
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("agent", id);
            m.put("scanned", r.scanned());
            m.put("indexed", r.changed());
            m.put("removed", r.deleted());
            m.put("embedded", r.embedded());
            m.put("rebuilt", r.rebuilt());
            m.put("ms", r.ms());
            m.put("error", r.error());
            rows.add(m);
            b.append("agent ").append(id).append(": ").append(r.scanned()).append(" files scanned, ").append(r.changed())
                    .append(" indexed, ").append(r.deleted()).append(" removed, ").append(r.embedded()).append(" chunks embedded")
                    .append(r.rebuilt() ? ", new index swapped in" : "").append(" in ").append(r.ms()).append(" ms");
            if (r.error() != null) {
                b.append(": ").append(r.error());
                failures.add(id + ": " + r.error());
            }
            b.append('\n');
        }
        if (!failures.isEmpty() && !asJson) {
            throw new IllegalStateException(b.toString().strip());
        }
        return asJson && !background ? json.writeValueAsString(rows) : b.toString();
    }
}
