package io.gatehouse.skills.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.gatehouse.api.config.ConfigSnapshot;
import io.gatehouse.api.skills.SkillsChangeEvent;
import io.gatehouse.api.skills.SkillsChangeEvent.Reason;
import io.gatehouse.api.skills.SkillsSnapshot.AgentSkills;
import io.gatehouse.api.skills.SkillsSnapshot.Command;
import io.gatehouse.api.skills.SkillsSnapshot.Skill;
import io.gatehouse.api.watch.FileWatch;
import io.gatehouse.api.watch.FileWatchService;
import io.gatehouse.api.watch.WatchListener;
import io.gatehouse.api.watch.WatchRequest;

/**
 * Loads, watches and versions the skills. One worker thread ({@code gatehouse-skills}) does every
 * refresh: it reads the config in force, works out the roots (plugins, {@code <home>/skills},
 * {@code skills.load.extraDirs}, each agent workspace's {@code skills/} and {@code .agents/skills/}), keeps
 * one watch per root folder (or on the nearest existing parent of a root that does not exist yet, so
 * creating it is seen; a new watch is followed by a second look at its root, so nothing written before
 * it began is missed), rescans what changed, and publishes a new {@link Catalog} together with the
 * versions: a changed global fingerprint bumps the global version, a changed workspace fingerprint that
 * workspace's version. Change events go to the listener on a second thread ({@code gatehouse-skills-events});
 * file changes become visible as soon as the watch reports them (a short quiet time), while their event
 * waits for {@code skills.load.watchDebounceMs} of quiet, so a burst of edits is one event.
 *
 * <p>Agent views are built on the caller's thread from the published catalog and cached per agent until
 * the agent's version moves or its filter or workspace changes. A caller that finds the config in force
 * newer than the catalog refreshes first (on the worker, waiting for it), so no view is ever built from
 * an older config.
 */
public final class SkillsEngine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SkillsEngine.class);
    /** Quiet time of the file watches: how long a burst of writes is coalesced before it is read. */
    public static final long FAST_QUIET_MS = 20;
    static final List<String> EDITOR_LEFTOVERS = List.of("*~", "*.swp", "*.swx", "*.tmp", "*.part", "*.crdownload", "4913");
    static final List<String> ROOT_IGNORE;
    static {
        List<String> l = new ArrayList<>(WatchPaths.IGNORED_SEGMENTS);
        l.add(".*");
        l.addAll(EDITOR_LEFTOVERS);
        ROOT_IGNORE = List.copyOf(l);
    }
    private static final int RECENT_EVENTS = 50;
    private static final long SYNC_TIMEOUT_S = 60;

    /** The skills a plugin bundle ships. */
    public interface PluginSkills {
        /** The bundle's symbolic name. */
        String bundle();

        /** Its SKILL.md entries with their content, read now. */
        List<RootScanner.PluginFile> files() throws IOException;

        /** An entry of the bundle, or null when it has none. */
        byte[] read(String entryPath) throws IOException;
    }

    /** An event as it was fired. */
    public record EventRecord(SkillsChangeEvent event, long firedAtMs) {
    }

    /** The published state: the catalog and the versions that go with it. */
    public record Published(Catalog catalog, long global, Map<String, Long> workspaces) {
        public long version(String workspace) {
            return workspace == null ? global : Math.max(global, workspaces.getOrDefault(workspace, 0L));
        }
    }

    /** An agent's cached view. */
    public record View(String agentId, String workspace, List<String> filter, long version, Catalog catalog,
            AgentSkills skills, Map<String, Catalog.Resolved> usable) {
    }

    private record Trigger(Reason reason, String changedPath, Set<Path> changed, boolean full, boolean forceBump, String plugin) {
    }

    private record WatchKey(Path dir, boolean recursive, boolean bins) {
    }

    private final Supplier<ConfigSnapshot> config;
    private final Path home;
    private final FileWatchService watcher;
    private final Map<String, String> env;
    private final String platform;
    private final List<Path> pathDirs;
    private final Consumer<SkillsChangeEvent> listener;
    private final SkillVersions versions = new SkillVersions();
    private final RootScanner scanner;
    private final ScheduledThreadPoolExecutor worker;
    private final ExecutorService events;
    private volatile Thread workerThread;
    private final Map<String, PluginSkills> plugins = new ConcurrentHashMap<>();
    private final Map<String, View> views = new ConcurrentHashMap<>();
    private volatile Published published;
    private volatile boolean closed;

    // worker thread only
    private final Map<WatchKey, FileWatch> watches = new LinkedHashMap<>();
    private final Map<String, String> watchProblems = new ConcurrentHashMap<>();
    private long watchQuiet = -1;
    private final Map<String, ScheduledFuture<?>> eventTimers = new HashMap<>();
    private final Map<String, Trigger> pendingEvents = new HashMap<>();
    private final Set<Path> retrying = new HashSet<>();

    // guarded by pendingLock
    private final Object pendingLock = new Object();
    private final Set<Path> pendingChanged = new LinkedHashSet<>();
    private String pendingLast;
    private boolean pendingQueued;

    private final Deque<EventRecord> recent = new ArrayDeque<>();

    /**
     * @param config   the config in force, read live
     * @param home     the gateway home ({@code <home>/skills}, relative paths)
     * @param watcher  the shared file watcher, or null for no watching
     * @param env      the process environment
     * @param osName   {@code os.name}
     * @param listener receives every change event, on the events thread
     */
    public SkillsEngine(Supplier<ConfigSnapshot> config, Path home, FileWatchService watcher, Map<String, String> env,
            String osName, Consumer<SkillsChangeEvent> listener) {
        this.config = config;
        this.home = home.toAbsolutePath().normalize();
        this.watcher = watcher;
        this.env = Map.copyOf(env);
        this.platform = Eligibility.platform(osName);
        this.pathDirs = Eligibility.pathDirs(env.get("PATH"));
        this.listener = listener;
        this.scanner = new RootScanner(500);
        this.worker = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "gatehouse-skills");
            t.setDaemon(true);
            workerThread = t;
            return t;
        });
        worker.setRemoveOnCancelPolicy(true);
        this.events = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "gatehouse-skills-events");
            t.setDaemon(true);
            return t;
        });
    }

    /** Loads everything from disk (a start always rebuilds) and starts the watches. */
    public void start() {
        sync(() -> {
            refresh(new Trigger(Reason.MANUAL, null, Set.of(), true, false, null));
            return null;
        });
    }

    @Override
    public void close() {
        closed = true;
        try {
            worker.submit(() -> {
                watches.values().forEach(FileWatch::close);
                watches.clear();
                eventTimers.values().forEach(f -> f.cancel(false));
            }).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | java.util.concurrent.RejectedExecutionException e) {
            LOG.warn("skills: closing the watches failed: {}", e.toString());
        }
        worker.shutdownNow();
        events.shutdown();
        try {
            if (!worker.awaitTermination(5, TimeUnit.SECONDS) || !events.awaitTermination(5, TimeUnit.SECONDS)) {
                events.shutdownNow();
                LOG.warn("skills: threads still running at stop");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        views.clear();
    }

    // ------------------------------------------------------------------ triggers

    /** The config in force changed (or may have): refresh now if the catalog is older, and wait. */
    public void configChanged() {
        sync(() -> {
            Published p = published;
            if (p == null || !p.catalog().configHash().equals(config.get().hash())) {
                refresh(new Trigger(Reason.CONFIG_CHANGE, null, Set.of(), false, false, null));
            }
            return null;
        });
    }

    /**
     * The config in force changed: refresh soon, without waiting (the config pipeline is not held up;
     * a reader that comes first refreshes itself, see {@link #fresh()}).
     */
    public void configChangedLater() {
        try {
            worker.execute(() -> {
                Published p = published;
                if (p != null && !p.catalog().configHash().equals(config.get().hash())) {
                    refresh(new Trigger(Reason.CONFIG_CHANGE, null, Set.of(), false, false, null));
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
            // closing
        }
    }

    /** Rebuilds everything from disk, bumps the version and fires a {@code manual} event. */
    public Published reload() {
        return sync(() -> {
            scanner.retainUnder(Set.of());
            refresh(new Trigger(Reason.MANUAL, null, Set.of(), true, true, null));
            return published;
        });
    }

    /** A plugin bundle that ships skills started: its skills are in when this returns. */
    public void pluginAdded(PluginSkills p) {
        sync(() -> {
            plugins.put(p.bundle(), p);
            if (published == null) {
                return null; // the start loads it
            }
            refresh(new Trigger(Reason.PLUGIN, "bundle:" + p.bundle(), Set.of(), false, false, p.bundle()));
            return null;
        });
    }

    /** A plugin bundle that ships skills stopped: its skills are out when this returns. */
    public void pluginRemoved(String bundle) {
        sync(() -> {
            if (plugins.remove(bundle) != null && published != null) {
                refresh(new Trigger(Reason.PLUGIN, "bundle:" + bundle, Set.of(), false, false, bundle));
            }
            return null;
        });
    }

    private <T> T sync(Callable<T> task) {
        if (Thread.currentThread() == workerThread) {
            try {
                return task.call();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        try {
            return worker.submit(task).get(SYNC_TIMEOUT_S, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while skills were refreshed", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException("skills refresh failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("skills refresh did not finish within " + SYNC_TIMEOUT_S + " s");
        } catch (java.util.concurrent.RejectedExecutionException e) {
            throw new IllegalStateException("skills are stopped");
        }
    }

    private void watched(Path watchDir, Set<Path> changed) {
        List<Path> relevant = new ArrayList<>();
        for (Path p : changed) {
            if (!ignored(watchDir, p)) {
                relevant.add(p);
            }
        }
        if (relevant.isEmpty()) {
            return;
        }
        Path last = relevant.stream().filter(p -> p.getFileName() != null && p.getFileName().toString().equals(WatchPaths.SKILL_FILE))
                .findFirst().orElse(relevant.get(relevant.size() - 1));
        enqueue(relevant, last.toString());
    }

    private void enqueue(List<Path> changed, String last) {
        synchronized (pendingLock) {
            pendingChanged.addAll(changed);
            if (last != null || pendingChanged.isEmpty()) {
                pendingLast = last;
            }
            if (pendingQueued || closed) {
                return;
            }
            pendingQueued = true;
        }
        try {
            worker.execute(this::drainWatched);
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
            // closing
        }
    }

    private void drainWatched() {
        Set<Path> changed;
        String last;
        synchronized (pendingLock) {
            changed = new LinkedHashSet<>(pendingChanged);
            last = pendingLast;
            pendingChanged.clear();
            pendingQueued = false;
        }
        retrying.removeAll(changed);
        refresh(new Trigger(Reason.WATCH, last, changed, false, false, null));
    }

    /** Whether a watch event counts: the reference's rule, on the path relative to the watched folder. */
    static boolean ignored(Path watchDir, Path p) {
        Path rel = p.startsWith(watchDir) ? watchDir.relativize(p) : p;
        WatchPaths.Kind kind = Files.isDirectory(p) ? WatchPaths.Kind.DIR
                : Files.isRegularFile(p) ? WatchPaths.Kind.FILE : WatchPaths.Kind.NO_STATS;
        if (p.equals(watchDir)) {
            return false;
        }
        return WatchPaths.shouldIgnore(rel.toString(), kind);
    }

    // ------------------------------------------------------------------ refresh (worker thread)

    private void refresh(Trigger t) {
        if (closed) {
            return;
        }
        long started = System.nanoTime();
        ConfigSnapshot cfg = config.get();
        Map<String, Object> map = cfg.asMap();
        Settings s = Settings.of(map.get("skills"));
        Agents agents = Agents.of(map, home);
        List<Root> global = new ArrayList<>();
        new TreeSet<>(plugins.keySet()).forEach(b -> global.add(Root.plugin(b)));
        global.add(Root.folder(Root.Kind.SHARED, home.resolve("skills"), null));
        for (String d : s.extraDirs()) {
            Root r = Root.folder(Root.Kind.EXTRA, Agents.resolvePath(d, home), null);
            if (!global.contains(r)) {
                global.add(r);
            }
        }
        Map<String, List<Root>> wsRoots = new TreeMap<>();
        List<Agents.Agent> all = new ArrayList<>(agents.list());
        all.add(agents.defaults());
        for (Agents.Agent a : all) {
            if (a.workspace() != null) {
                String ws = a.workspaceKey();
                wsRoots.computeIfAbsent(ws, k -> List.of(Root.folder(Root.Kind.WORKSPACE, a.workspace().resolve("skills"), ws),
                        Root.folder(Root.Kind.AGENTS, a.workspace().resolve(".agents").resolve("skills"), ws)));
            }
        }
        List<Root> allRoots = new ArrayList<>(global);
        wsRoots.values().forEach(allRoots::addAll);
        List<Path> folders = allRoots.stream().filter(r -> r.dir() != null).map(Root::dir).distinct().toList();

        boolean watching = s.watch() && watcher != null;
        Published before = published;
        Catalog prev = before == null ? null : before.catalog();
        boolean full = t.full() || (t.reason() == Reason.CONFIG_CHANGE && !watching);
        boolean limitsChanged = prev != null && (prev.settings().maxFileBytes() != s.maxFileBytes()
                || prev.settings().maxCandidates() != s.maxCandidates());
        RootScanner.Limits limits = new RootScanner.Limits(s.maxFileBytes(), s.maxCandidates());
        Map<Root, RootScan> scans = new LinkedHashMap<>();
        for (Root r : allRoots) {
            if (scans.containsKey(r)) {
                continue;
            }
            RootScan old = prev == null ? null : prev.scan(r);
            boolean again = full || old == null || limitsChanged;
            if (r.kind() == Root.Kind.PLUGIN) {
                again |= r.bundle().equals(t.plugin());
                scans.put(r, again ? scanPlugin(r, limits) : old);
            } else {
                again |= t.changed().stream().anyMatch(p -> p.startsWith(r.dir()) || r.dir().startsWith(p));
                scans.put(r, again ? scanner.scanFolder(r, limits, t.changed()) : old);
            }
        }
        scanner.retainUnder(new HashSet<>(folders));
        Set<String> required = new TreeSet<>();
        scans.values().forEach(sc -> sc.skills().forEach(e -> {
            required.addAll(e.skill().meta().bins());
            required.addAll(e.skill().meta().anyBins());
        }));
        Map<String, Boolean> bins = new TreeMap<>();
        required.forEach(b -> bins.put(b, Eligibility.onPath(b, pathDirs)));
        Catalog next = new Catalog(cfg.hash(), map, s, agents, global, wsRoots, scans, bins, env, platform);

        List<String> bumped = new ArrayList<>(); // scopes: "" global, else a workspace
        if (prev != null) {
            if (t.forceBump() || !prev.globalPrint().equals(next.globalPrint())) {
                versions.bump(null);
                bumped.add("");
            } else {
                Set<String> wss = new TreeSet<>(prev.workspaces());
                wss.addAll(next.workspaces());
                for (String ws : wss) {
                    if (!Objects.equals(prev.workspacePrint(ws), next.workspacePrint(ws)) && next.workspacePrint(ws) != null) {
                        versions.bump(ws);
                        bumped.add(ws);
                    }
                }
            }
        }
        Map<String, Long> wsVersions = new TreeMap<>();
        next.workspaces().forEach(ws -> wsVersions.put(ws, versions.get(ws)));
        published = new Published(next, versions.global(), Map.copyOf(wsVersions));
        long loadedNanos = System.nanoTime() - started;

        if (!bumped.isEmpty()) {
            // A load that finds a new config in force is a config change, whichever trigger ran it first (a
            // watch event of the workspace being created races the config pipeline's notification, which then
            // finds nothing left to do).
            Reason reason = prev != null && t.reason() != Reason.PLUGIN && !Objects.equals(prev.configHash(), next.configHash())
                    && configPath(prev, next) != null ? Reason.CONFIG_CHANGE : t.reason();
            String changedPath = reason == Reason.CONFIG_CHANGE ? configPath(prev, next)
                    : reason == Reason.WATCH ? changedSkill(prev, next, t.changedPath()) : t.changedPath();
            long delay = reason == Reason.WATCH ? Math.max(0, s.debounceMs() - Math.min(FAST_QUIET_MS, s.debounceMs())) : 0;
            for (String scope : bumped) {
                emit(scope, new Trigger(reason, changedPath, Set.of(), false, false, null), delay);
            }
            int skills = scans.values().stream().mapToInt(sc -> sc.skills().size()).sum();
            int problems = scans.values().stream().mapToInt(sc -> sc.problems().size()).sum();
            if (reason == Reason.CONFIG_CHANGE) {
                LOG.info("skills snapshot invalidated by config change ({})", changedPath == null ? "config" : changedPath);
            }
            LOG.info("skills: {} skills in {} roots, {} problems; version {} ({}{}) in {} ms", skills, scans.size(), problems,
                    bumped.contains("") ? versions.global() : bumped.stream().mapToLong(versions::get).max().orElse(0),
                    reason.id(), changedPath == null ? "" : " " + changedPath, loadedNanos / 1_000_000);
            for (RootScan sc : scans.values()) {
                if (prev == null || prev.scan(sc.root()) != sc) {
                    sc.problems().forEach(p -> LOG.warn("skills: skipped {}", p));
                }
            }
        } else if (prev == null) {
            int skills = scans.values().stream().mapToInt(sc -> sc.skills().size()).sum();
            LOG.info("skills: loaded {} skills from {} roots in {} ms", skills, scans.size(), loadedNanos / 1_000_000);
            scans.values().forEach(sc -> sc.problems().forEach(p -> LOG.warn("skills: skipped {}", p)));
        }
        scheduleRetries(scans.values());
        // Watches after publishing, so opening many does not delay the skills; a root whose watch is new
        // is looked at again right after (stat calls), so a file written before its watch began counts.
        long w0 = System.nanoTime();
        List<Path> opened = updateRootWatches(watching ? folders : List.of(), s);
        updateBinWatches(watching && !required.isEmpty(), s);
        if (!opened.isEmpty()) {
            LOG.debug("skills: {} watches opened in {} ms", opened.size(), (System.nanoTime() - w0) / 1_000_000);
            enqueue(opened, null);
        }
    }

    private RootScan scanPlugin(Root r, RootScanner.Limits limits) {
        PluginSkills p = plugins.get(r.bundle());
        if (p == null) {
            return new RootScan(r, false, List.of(), List.of(), List.of());
        }
        try {
            return scanner.scanPlugin(r, p.files(), limits);
        } catch (IOException | RuntimeException e) {
            return new RootScan(r, true, List.of(), List.of(new Problem("plugin:" + r.bundle(), 0, 0, "cannot read its skills: " + e)),
                    List.of());
        }
    }

    private void scheduleRetries(Iterable<RootScan> scans) {
        for (RootScan sc : scans) {
            for (Path f : sc.unsettled()) {
                if (retrying.add(f)) {
                    long delay = 50;
                    try {
                        long age = System.currentTimeMillis() - Files.getLastModifiedTime(f).toMillis();
                        delay = Math.max(20, 500 - age + 5);
                    } catch (IOException gone) {
                        // deleted: look again soon
                    }
                    worker.schedule(() -> enqueue(List.of(f), f.toString()), delay, TimeUnit.MILLISECONDS);
                }
            }
        }
    }

    /**
     * The SKILL.md added, changed or removed between two catalogs: the watch's own path when it is one of
     * them, else the first (else {@code fallback}).
     */
    private static String changedSkill(Catalog prev, Catalog next, String fallback) {
        if (prev == null) {
            return fallback;
        }
        String first = null;
        for (Map.Entry<Root, RootScan> e : next.scans().entrySet()) {
            RootScan before = prev.scan(e.getKey());
            if (before == e.getValue()) {
                continue;
            }
            Map<String, String> old = new LinkedHashMap<>();
            if (before != null) {
                before.skills().forEach(x -> old.put(x.location(), x.hash()));
            }
            List<String> changed = new ArrayList<>();
            for (SkillEntry x : e.getValue().skills()) {
                if (!x.hash().equals(old.remove(x.location()))) {
                    changed.add(x.location());
                }
            }
            changed.addAll(old.keySet());
            Set<String> probs = new HashSet<>();
            if (before != null) {
                before.problems().forEach(p -> probs.add(p.file()));
            }
            for (Problem p : e.getValue().problems()) {
                if (!probs.remove(p.file())) {
                    changed.add(p.file());
                }
            }
            changed.addAll(probs);
            if (changed.contains(fallback)) {
                return fallback;
            }
            if (first == null && !changed.isEmpty()) {
                first = changed.get(0);
            }
        }
        return first != null ? first : fallback;
    }

    /** The first config path whose change this refresh saw (skills section, agents, required paths). */
    private static String configPath(Catalog prev, Catalog next) {
        if (prev == null) {
            return null;
        }
        String d = firstDiff("skills", prev.config().get("skills"), next.config().get("skills"));
        if (d != null) {
            return d;
        }
        d = firstDiff("agents", prev.config().get("agents"), next.config().get("agents"));
        if (d != null) {
            return d;
        }
        Set<String> paths = new TreeSet<>();
        next.scans().values().forEach(sc -> sc.skills().forEach(e -> paths.addAll(e.skill().meta().config())));
        for (String p : paths) {
            if (Eligibility.configTruthy(prev.config(), p) != Eligibility.configTruthy(next.config(), p)) {
                return p;
            }
        }
        return null;
    }

    private static String firstDiff(String path, Object a, Object b) {
        if (Objects.equals(a, b)) {
            return null;
        }
        if (a instanceof Map<?, ?> ma && b instanceof Map<?, ?> mb) {
            Set<String> keys = new TreeSet<>();
            ma.keySet().forEach(k -> keys.add(String.valueOf(k)));
            mb.keySet().forEach(k -> keys.add(String.valueOf(k)));
            for (String k : keys) {
                String d = firstDiff(path + "." + k, ma.get(k), mb.get(k));
                if (d != null) {
                    return d;
                }
            }
        }
        return path;
    }

    // ------------------------------------------------------------------ events

    private void emit(String scope, Trigger what, long delayMs) {
        if (delayMs <= 0) {
            dispatch(scope, what);
            return;
        }
        pendingEvents.put(scope, what);
        ScheduledFuture<?> old = eventTimers.remove(scope);
        if (old != null) {
            old.cancel(false);
        }
        eventTimers.put(scope, worker.schedule(() -> {
            eventTimers.remove(scope);
            Trigger p = pendingEvents.remove(scope);
            if (p != null) {
                dispatch(scope, p);
            }
        }, delayMs, TimeUnit.MILLISECONDS));
    }

    private void dispatch(String scope, Trigger what) {
        Published p = published;
        String ws = scope.isEmpty() ? null : scope;
        SkillsChangeEvent e = new SkillsChangeEvent(ws, what.reason(), what.changedPath(), p.version(ws));
        try {
            events.execute(() -> {
                synchronized (recent) {
                    recent.addLast(new EventRecord(e, System.currentTimeMillis()));
                    while (recent.size() > RECENT_EVENTS) {
                        recent.removeFirst();
                    }
                }
                try {
                    listener.accept(e);
                } catch (RuntimeException ex) {
                    LOG.warn("skills: a change listener failed on {}", e, ex);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
            // closing
        }
    }

    /** The last events fired (at most 50), oldest first. */
    public List<EventRecord> recentEvents() {
        synchronized (recent) {
            return List.copyOf(recent);
        }
    }

    // ------------------------------------------------------------------ watches (worker thread)

    /** Opens and closes root watches as the folders require; returns the folders of the watches opened. */
    private List<Path> updateRootWatches(List<Path> folders, Settings s) {
        long quiet = Math.min(FAST_QUIET_MS, s.debounceMs());
        if (quiet != watchQuiet) {
            closeWatches(k -> !k.bins());
            watchQuiet = quiet;
        }
        Set<WatchKey> want = new LinkedHashSet<>();
        List<Path> existing = folders.stream().filter(Files::isDirectory).sorted((a, b) -> a.getNameCount() - b.getNameCount())
                .toList();
        for (Path d : folders) {
            if (Files.isDirectory(d)) {
                boolean covered = existing.stream().anyMatch(e -> !e.equals(d) && d.startsWith(e) && visibleBelow(e, d));
                if (!covered) {
                    want.add(new WatchKey(d, true, false));
                }
            } else {
                Path a = d.getParent();
                while (a != null && !Files.isDirectory(a)) {
                    a = a.getParent();
                }
                if (a != null) {
                    Path anc = a;
                    boolean covered = existing.stream().anyMatch(e -> anc.startsWith(e) && visibleBelow(e, anc));
                    if (!covered) {
                        want.add(new WatchKey(a, false, false));
                    }
                }
            }
        }
        closeWatches(k -> !k.bins() && !want.contains(k));
        List<Path> opened = new ArrayList<>();
        for (WatchKey k : want) {
            if (!watches.containsKey(k)) {
                WatchRequest req = new WatchRequest("skills", k.dir(), k.recursive(), k.recursive() ? ROOT_IGNORE : EDITOR_LEFTOVERS,
                        quiet, 0);
                open(k, req, changed -> watched(k.dir(), changed));
                opened.add(k.dir());
            }
        }
        return opened;
    }

    /** Whether a recursive watch of {@code top} sees {@code below} (no skipped folder on the way). */
    private static boolean visibleBelow(Path top, Path below) {
        for (Path seg : top.relativize(below)) {
            if (WatchPaths.skipFolder(seg.toString())) {
                return false;
            }
        }
        return true;
    }

    private void updateBinWatches(boolean wanted, Settings s) {
        Set<WatchKey> want = new LinkedHashSet<>();
        if (wanted) {
            for (Path d : pathDirs) {
                if (Files.isDirectory(d)) {
                    want.add(new WatchKey(d, false, true));
                }
            }
        }
        closeWatches(k -> k.bins() && !want.contains(k));
        for (WatchKey k : want) {
            if (!watches.containsKey(k)) {
                open(k, new WatchRequest("skills-bins", k.dir(), false, List.of(), Math.max(50, Math.min(250, s.debounceMs())), 0),
                        changed -> binsChanged(changed));
            }
        }
    }

    private void binsChanged(Set<Path> changed) {
        Published p = published;
        if (p == null) {
            return;
        }
        for (Path c : changed) {
            if (c.getFileName() != null && p.catalog().bins().containsKey(c.getFileName().toString())) {
                enqueue(List.of(), c.toString());
                return;
            }
        }
    }

    private void open(WatchKey k, WatchRequest req, Consumer<Set<Path>> onChange) {
        try {
            FileWatch w = watcher.watch(req, new WatchListener() {
                @Override
                public void changed(Set<Path> changed) {
                    onChange.accept(changed);
                }

                @Override
                public void problem(String message) {
                    watchProblems.put(k.dir().toString(), message);
                    LOG.warn("skills: watch of {}: {}", k.dir(), message);
                }
            });
            watches.put(k, w);
            watchProblems.remove(k.dir().toString());
        } catch (IOException | RuntimeException e) {
            watchProblems.put(k.dir().toString(), "cannot watch: " + e);
            LOG.warn("skills: cannot watch {}: {}", k.dir(), e.toString());
        }
    }

    private void closeWatches(java.util.function.Predicate<WatchKey> which) {
        watches.entrySet().removeIf(e -> {
            if (which.test(e.getKey())) {
                e.getValue().close();
                return true;
            }
            return false;
        });
    }

    /** Folder to watch mode ({@code notify}, {@code polling}; {@code recursive}/{@code parent}/{@code bins}), for status. */
    public Map<String, String> watchStatus() {
        Map<String, String> out = new TreeMap<>();
        try {
            worker.submit(() -> watches.forEach((k, w) -> out.put(k.dir().toString(),
                    (k.bins() ? "bins " : k.recursive() ? "tree " : "parent ") + w.mode()))).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | java.util.concurrent.RejectedExecutionException e) {
            // report what we have
        }
        watchProblems.forEach((d, m) -> out.merge(d, "problem: " + m, (a, b) -> a + "; " + b));
        return out;
    }

    // ------------------------------------------------------------------ reading

    public Published published() {
        Published p = published;
        if (p == null) {
            throw new IllegalStateException("skills are not loaded yet");
        }
        return p;
    }

    /** The published state, refreshed first when the config in force is newer than its catalog. */
    public Published fresh() {
        Published p = published();
        if (!p.catalog().configHash().equals(config.get().hash())) {
            configChanged();
            p = published();
        }
        return p;
    }

    public Path home() {
        return home;
    }

    public String platform() {
        return platform;
    }

    /** The agent's view: cached until its version moves or its filter or workspace changes. */
    public View view(String agentId) {
        Published p = fresh();
        Agents.Agent a = p.catalog().agents().get(agentId);
        long v = p.version(a.workspaceKey());
        View c = views.get(a.id());
        if (c != null && !SkillVersions.shouldRefresh(c.version(), v) && Objects.equals(c.filter(), a.filter())
                && Objects.equals(c.workspace(), a.workspaceKey())) {
            return c;
        }
        View built = build(p.catalog(), a, v);
        views.put(a.id(), built);
        return built;
    }

    private static View build(Catalog catalog, Agents.Agent a, long version) {
        List<Catalog.Resolved> resolved = catalog.resolve(a);
        List<Skill> visible = new ArrayList<>();
        List<ParsedSkill> invocable = new ArrayList<>();
        Map<String, Catalog.Resolved> usable = new LinkedHashMap<>();
        for (Catalog.Resolved r : resolved) {
            if (!r.usable()) {
                continue;
            }
            ParsedSkill s = r.entry().skill();
            usable.put(s.name(), r);
            if (!s.disableModelInvocation()) {
                visible.add(new Skill(s.name(), s.description(), r.entry().location()));
            }
            if (s.userInvocable()) {
                invocable.add(s);
            }
        }
        List<Command> commands = SkillCommands.build(invocable);
        Settings st = catalog.settings();
        String prompt = SkillsPrompt.format(visible, st.maxInPrompt(), st.maxPromptChars());
        return new View(a.id(), a.workspaceKey(), a.filter(), version, catalog,
                new AgentSkills(a.id(), a.workspaceKey(), version, visible, commands, prompt), Map.copyOf(usable));
    }

    /** The version an agent sees. */
    public long version(String agentId) {
        Published p = fresh();
        return p.version(p.catalog().agents().get(agentId).workspaceKey());
    }

    /** The body of one of the agent's usable skills, read now. */
    public Optional<String> body(String agentId, String name) throws IOException {
        Catalog.Resolved r = view(agentId).usable().get(name);
        if (r == null) {
            return Optional.empty();
        }
        byte[] bytes = read(r.entry(), r.entry().file() != null ? r.entry().file().toString() : r.entry().entryPath());
        if (bytes == null) {
            throw new IOException("skill " + name + ": " + r.entry().location() + " is gone");
        }
        try {
            return Optional.of(SkillParser.parse(new String(bytes, StandardCharsets.UTF_8), r.entry().location()).body().strip());
        } catch (SkillFormatException e) {
            throw new IOException("skill " + name + ": " + new Problem(r.entry().location(), e.line(), e.column(), e.reason()));
        }
    }

    /** A file of one of the agent's usable skills' folder, read now. */
    public Optional<String> resource(String agentId, String name, String relativePath) throws IOException {
        Catalog.Resolved r = view(agentId).usable().get(name);
        if (r == null) {
            return Optional.empty();
        }
        String rel = relativePath == null ? "" : relativePath.replace('\\', '/').trim();
        Path relPath = Path.of(rel).normalize();
        if (rel.isEmpty() || relPath.isAbsolute() || relPath.startsWith("..") || relPath.toString().isEmpty()) {
            throw new IllegalArgumentException("\"" + relativePath + "\" is not a path inside the skill's folder");
        }
        SkillEntry e = r.entry();
        if (e.file() != null) {
            Path dir = e.file().getParent();
            Path target = dir.resolve(relPath).normalize();
            if (!target.startsWith(dir)) {
                throw new IllegalArgumentException("\"" + relativePath + "\" leaves the skill's folder");
            }
            if (!Files.isRegularFile(target)) {
                return Optional.empty();
            }
            if (!target.toRealPath().startsWith(dir.toRealPath())) {
                throw new IllegalArgumentException("\"" + relativePath + "\" leaves the skill's folder (symlink)");
            }
        }
        String entry = e.file() != null ? e.file().getParent().resolve(relPath).toString()
                : (e.folder().isEmpty() ? "" : e.folder() + "/") + relPath.toString().replace('\\', '/');
        byte[] bytes = read(e, entry);
        return bytes == null ? Optional.empty() : Optional.of(new String(bytes, StandardCharsets.UTF_8));
    }

    private byte[] read(SkillEntry e, String fileOrEntry) throws IOException {
        long max = published().catalog().settings().maxFileBytes() * 4;
        if (e.file() != null) {
            Path f = Path.of(fileOrEntry);
            if (!Files.isRegularFile(f)) {
                return null;
            }
            if (Files.size(f) > max) {
                throw new IOException(f + " is larger than " + max + " bytes");
            }
            return Files.readAllBytes(f);
        }
        PluginSkills p = plugins.get(e.root().bundle());
        if (p == null) {
            return null;
        }
        byte[] b = p.read(fileOrEntry);
        if (b != null && b.length > max) {
            throw new IOException(fileOrEntry + " is larger than " + max + " bytes");
        }
        return b;
    }

    /** The environment of one of the agent's usable skills (secrets). */
    public Map<String, String> environment(String agentId, String name) {
        View v = view(agentId);
        Catalog.Resolved r = v.usable().get(name);
        return r == null ? Map.of() : Eligibility.environment(r.entry().skill(), v.catalog().settings());
    }
}
