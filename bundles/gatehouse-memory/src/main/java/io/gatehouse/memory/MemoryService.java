package io.gatehouse.memory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.gatehouse.api.config.ConfigService;
import io.gatehouse.api.config.ConfigSnapshot;
import io.gatehouse.api.memory.MemorySearch;
import io.gatehouse.api.watch.FileWatchService;
import io.gatehouse.support.agent.AgentFolders;

/**
 * The memory of every configured agent ({@code agents.list}, else the default agent {@code main}), under
 * {@code data/memory/<agentId>/}. Reads {@code memorySearch} and the agents' workspaces from the config
 * in force, and again whenever the config hash changes: agents come and go, a changed scope re-indexes in
 * the background.
 */
@Component(service = {MemorySearch.class, MemoryService.class}, immediate = true)
public final class MemoryService implements MemorySearch, AgentMemory.Host {
    private static final Logger LOG = LoggerFactory.getLogger(MemoryService.class);

    private volatile ConfigService config;
    private FileWatchService watcher;
    private Path home;
    private Path dataDir;
    private Path memoryRoot;
    private volatile Embedders embedders;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "gatehouse-memory-timer");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, AgentMemory> agents = new LinkedHashMap<>();
    /**
     * A copy of {@link #agents} for searches, replaced after every change: each turn searches, and a lock
     * here made every turn of the gateway wait for the others.
     */
    private volatile Map<String, AgentMemory> searchable = Map.of();
    private String appliedHash;
    private boolean closed;

    @Reference
    void bindWatcher(FileWatchService w) {
        this.watcher = w;
    }

    @Reference(name = "config", updated = "configUpdated")
    void bindConfig(ConfigService c) {
        this.config = c;
    }

    /**
     * The config service's hash property changed: a reload was applied. Applied on the memory timer
     * thread, so the config pipeline (which calls this while it publishes) never waits for memory.
     */
    void configUpdated(ConfigService c) {
        this.config = c;
        if (embedders != null) {
            try {
                timer.execute(() -> apply(c.current()));
            } catch (java.util.concurrent.RejectedExecutionException stopping) {
                // deactivating
            }
        }
    }

    @Activate
    void activate(BundleContext context) {
        String data = context.getProperty("gatehouse.data");
        start(Path.of(data != null ? data : "data"));
    }

    /** Starts with the data folder (the activation, or a test that set the references itself). */
    void start(Path data) {
        start(data, null);
    }

    /** As {@link #start(Path)}, with another way to make embedders (the benchmark's). */
    void start(Path data, Embedders.Factory factory) {
        this.dataDir = data.toAbsolutePath().normalize();
        this.home = dataDir.getParent() != null ? dataDir.getParent() : Path.of("").toAbsolutePath();
        this.memoryRoot = dataDir.resolve("memory");
        this.embedders = factory == null ? new Embedders(memoryRoot) : new Embedders(memoryRoot, factory);
        apply(config.current());
    }

    /** Applies the config in force (idempotent per hash). */
    void apply(ConfigSnapshot snap) {
        List<AgentMemory> left = new ArrayList<>();
        synchronized (this) {
            applyLocked(snap, left);
        }
        left.forEach(AgentMemory::close);
    }

    private void applyLocked(ConfigSnapshot snap, List<AgentMemory> left) {
        if (closed || snap.hash().equals(appliedHash)) {
            return;
        }
        appliedHash = snap.hash();
        MemorySettings s = MemorySettings.of(snap.section(MemorySettings.SECTION));
        embedders.configure(s); // one model for every agent: the global section's (agents may only turn it off)
        Map<String, AgentMemory.Scope> wanted = scopes(snap, s);
        for (String id : new ArrayList<>(agents.keySet())) {
            if (!wanted.containsKey(id)) {
                LOG.info("memory {}: agent left the config; its index stays in {}", id, memoryRoot.resolve(id));
                left.add(agents.remove(id));
            }
        }
        wanted.forEach((id, scope) -> {
            AgentMemory m = agents.get(id);
            if (m == null) {
                m = new AgentMemory(id, memoryRoot.resolve(id), this, scope);
                agents.put(id, m);
                m.start();
            } else {
                m.reconfigure(scope);
            }
        });
        searchable = Map.copyOf(agents);
    }

    private Map<String, AgentMemory.Scope> scopes(ConfigSnapshot snap, MemorySettings s) {
        Map<String, Object> global = snap.section(MemorySettings.SECTION);
        Map<String, Object> defaults = snap.get("agents.defaults").orElse(null) instanceof Map<?, ?> d ? cast(d) : Map.of();
        Map<String, Map<String, Object>> list = new LinkedHashMap<>();
        if (snap.get("agents.list").orElse(null) instanceof List<?> l) {
            for (Object o : l) {
                if (o instanceof Map<?, ?> a && a.get("id") instanceof String id && !id.isBlank()) {
                    list.putIfAbsent(AgentFolders.name(id), cast(a));
                }
            }
        }
        if (list.isEmpty()) {
            list.put("main", Map.of());
        }
        List<Path> extra = new ArrayList<>();
        Map<String, AgentMemory.Scope> out = new LinkedHashMap<>();
        for (Map.Entry<String, Map<String, Object>> e : list.entrySet()) {
            Object ws = e.getValue().get("workspace") instanceof String w && !w.isBlank() ? w : defaults.get("workspace");
            Path workspace = ws instanceof String w && !w.isBlank() ? resolve(w) : null;
            MemorySettings as = e.getValue().get("memorySearch") == null && defaults.get("memorySearch") == null ? s
                    : MemorySettings.of(MemorySettings.forAgent(global, defaults.get("memorySearch"), e.getValue().get("memorySearch")));
            extra.clear();
            for (String p : as.extraPaths()) {
                Path x = Path.of(p.startsWith("~") ? System.getProperty("user.home") + p.substring(1) : p);
                extra.add((x.isAbsolute() ? x : (workspace != null ? workspace : home).resolve(x)).normalize());
            }
            Path sessions = as.indexesSessions() ? dataDir.resolve("agents").resolve(e.getKey()).resolve("sessions") : null;
            out.put(e.getKey(), new AgentMemory.Scope(as, new Sources(workspace, List.copyOf(extra), sessions, as.indexesMemory())));
        }
        return out;
    }

    /** As the agents bundle: {@code ~} is the user's home, a relative path is under the gateway home. */
    private Path resolve(String w) {
        String s = w.trim();
        if (s.equals("~") || s.startsWith("~/")) {
            return Path.of(System.getProperty("user.home"), s.length() > 2 ? s.substring(2) : "").normalize();
        }
        Path p = Path.of(s);
        return (p.isAbsolute() ? p : home.resolve(p)).normalize();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<?, ?> m) {
        return (Map<String, Object>) m;
    }

    @Deactivate
    void deactivate() {
        List<AgentMemory> all;
        synchronized (this) {
            closed = true;
            all = new ArrayList<>(agents.values());
            agents.clear();
            searchable = Map.of();
        }
        for (AgentMemory m : all) {
            m.close();
        }
        embedders.close();
        timer.shutdownNow();
    }

    // ---- MemorySearch

    @Override
    public List<Hit> search(String agentId, String query, int limit) {
        return query(agentId, query, limit).hits();
    }

    @Override
    public Result query(String agentId, String query, int limit) {
        AgentMemory m = searchable.get(AgentFolders.name(agentId));
        if (m == null) {
            return new Result(List.of(), false);
        }
        return m.search(query, limit);
    }

    // ---- for the commands

    synchronized AgentMemory agent(String agentId) {
        return agents.get(AgentFolders.name(agentId));
    }

    synchronized List<AgentMemory> agents() {
        return new ArrayList<>(agents.values());
    }

    CompletableFuture<AgentMemory.SyncReport> sync(String agentId, boolean force) {
        AgentMemory m = agent(agentId);
        if (m == null) {
            throw new IllegalArgumentException("no agent \"" + agentId + "\" (memory:status lists them)");
        }
        return m.requestSync(force ? "manual-force" : "manual", true, force);
    }

    Map<String, Object> modelStatus() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("embedder", embedders.key());
        m.put("state", embedders.state());
        if (embedders.loadMs() >= 0) {
            m.put("loadMs", embedders.loadMs());
        }
        return m;
    }

    // ---- Host

    @Override
    public Embedders embedders() {
        return embedders;
    }

    @Override
    public ScheduledExecutorService timer() {
        return timer;
    }

    @Override
    public FileWatchService watcher() {
        return watcher;
    }
}
