package io.gatehouse.canvas;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.gatehouse.api.config.ConfigService;
import io.gatehouse.api.config.ConfigSnapshot;
import io.gatehouse.api.config.ReloadHandler;
import io.gatehouse.api.config.ReloadPlan;
import io.gatehouse.api.watch.FileWatch;
import io.gatehouse.api.watch.FileWatchService;
import io.gatehouse.api.watch.WatchListener;
import io.gatehouse.api.watch.WatchRequest;

/**
 * The canvas: which folders are served, which are watched, and which open pages must reload.
 *
 * <p>It keeps no config: {@link CanvasSettings} are rebuilt from {@link ConfigService#current()} on every
 * applied change (the {@code reload-canvas} action and the config service's hash property), and
 * {@link #reconcile} moves the running state to them in place: the root is created (with an
 * {@code index.html}) when missing, watches are opened and closed, pages of a root that moved are told to
 * reload, pages are disconnected when live reload or the canvas is turned off.
 *
 * <p>Live reload: each watched canvas folder (the root and the agents' workspace canvases) reports changes to
 * one {@link ChangeSettler}; a settled batch is hashed, and only pages it makes out of date get
 * {@code reload}: a page whose document changed from the version it was served, or, when a style sheet,
 * script or image changed, a page served before that change. A save that leaves the content as it was
 * reloads nothing. A watcher that cannot start turns live reload off for its folder with a warning (log and
 * {@code canvas:status}); a check every {@value #HEALTH_MS} ms retries it and re-opens watches of folders
 * that were deleted and created again.
 */
@Component(service = {CanvasHost.class, ReloadHandler.class}, immediate = true, configurationPid = CanvasHost.PID,
        property = ReloadHandler.ACTIONS + "=" + CanvasSection.RELOAD_CANVAS)
@Designate(ocd = CanvasHost.Config.class)
public final class CanvasHost implements ReloadHandler {
    static final String PID = "gatehouse.canvas";
    static final long HEALTH_MS = 2_000;
    /** A watch degraded to polling tries file notifications again after this, doubling up to the maximum. */
    static final long DEGRADED_RETRY_MS = 30_000;
    static final long DEGRADED_RETRY_MAX_MS = 600_000;
    private static final Logger LOG = LoggerFactory.getLogger(CanvasHost.class);
    private static final int MAX_KNOWN = 20_000;

    @ObjectClassDefinition(name = "Gatehouse canvas", description = "Live reload timing of the canvas.")
    public @interface Config {
        @AttributeDefinition(description = "Quiet time (ms) after the last file event before pages reload: a burst of saves"
                + " closer together than this is one reload.", min = "1", max = "2000")
        long settleMs() default 15;

        @AttributeDefinition(description = "How long (ms) a file that does not look completely written yet (empty, or an"
                + " HTML document without its closing </html>) is waited for before it counts as saved anyway.", min = "0", max = "10000")
        long incompleteWaitMs() default 500;
    }

    private final ConfigService config;
    private final Path home;
    private final Path data;
    private final long settleMs;
    private final ScheduledExecutorService executor;
    private final ChangeSettler settler;

    private final FileWatchService watchService;
    private volatile CanvasSettings settings;
    private volatile String settingsHash;
    private volatile String rootProblem;

    /** Open (or failed) watches by canvas folder (real path). */
    private final Map<Path, WatchState> watches = new ConcurrentHashMap<>();
    private final Set<Client> clients = ConcurrentHashMap.newKeySet();
    /** Content hash of each file as of the last settled batch that named it ("" for a deleted file). */
    private final Map<Path, String> known = new ConcurrentHashMap<>();
    /** Wall-clock time of the last settled change of a non-HTML file, per canvas folder. */
    private final Map<Path, Long> lastAssetChange = new ConcurrentHashMap<>();

    private volatile long broadcasts;
    private final java.util.concurrent.atomic.AtomicLong reloadsSent = new java.util.concurrent.atomic.AtomicLong();
    private volatile Map<String, Object> lastBroadcast;
    private volatile boolean closed;

    /**
     * The file watch service is optional (without it live reload is off, with a warning) and greedy: when it
     * arrives or goes, the component is re-created.
     */
    @Activate
    public CanvasHost(@Reference(updated = "configUpdated") ConfigService config,
            @Reference(cardinality = ReferenceCardinality.OPTIONAL, policyOption = ReferencePolicyOption.GREEDY) FileWatchService watchService,
            BundleContext context, Config c) {
        this(config, homeOf(context), dataOf(context), c.settleMs(), c.incompleteWaitMs(), watchService);
    }

    /** A host with the given watch service (or null for none); also for tests. */
    CanvasHost(ConfigService config, Path home, Path data, long settleMs, long incompleteWaitMs, FileWatchService watchService) {
        this.config = config;
        this.home = home;
        this.data = data;
        this.settleMs = settleMs;
        ScheduledThreadPoolExecutor ex = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "gatehouse-canvas");
            t.setDaemon(true);
            return t;
        });
        ex.setRemoveOnCancelPolicy(true);
        this.executor = ex;
        this.settler = new ChangeSettler(executor, settleMs, incompleteWaitMs, 10, this::onBatch);
        this.watchService = watchService;
        reconcile("start");
        executor.scheduleWithFixedDelay(this::healthCheck, HEALTH_MS, HEALTH_MS, TimeUnit.MILLISECONDS);
    }

    private static Path homeOf(BundleContext context) {
        String h = context.getProperty("gatehouse.home");
        return Path.of(h != null ? h : System.getProperty("user.dir")).toAbsolutePath().normalize();
    }

    private static Path dataOf(BundleContext context) {
        String d = context.getProperty("gatehouse.data");
        return d != null ? Path.of(d).toAbsolutePath().normalize() : homeOf(context).resolve("data");
    }

    /**
     * The config service's hash changed. Reconciled on the canvas thread, not on the config pipeline's (this runs
     * inside its publication): requests read {@link #settings()}, which reconciles first when still behind.
     */
    void configUpdated(ConfigService c) {
        try {
            executor.execute(() -> {
                if (!closed && !Objects.equals(config.current().hash(), settingsHash)) {
                    reconcile("config change");
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            // deactivated
        }
    }

    @Override
    public void apply(String action, ReloadPlan plan, ConfigSnapshot snapshot) {
        reconcile("config change");
    }

    @Deactivate
    void deactivate() {
        synchronized (this) {
            closed = true;
            watches.values().forEach(WatchState::close);
            watches.clear();
        }
        settler.close();
        executor.shutdownNow();
        for (Client c : clients) {
            c.sink().close(1001, "gateway stopping");
        }
        clients.clear();
    }

    // ---- settings and reconciliation

    /**
     * The settings of the config in force: when the config changed since the last reconciliation (the hash
     * property's update may arrive after the change is in force), the canvas is reconciled first.
     */
    CanvasSettings settings() {
        if (!closed && !Objects.equals(config.current().hash(), settingsHash)) {
            reconcile("config change");
        }
        return settings;
    }

    long settleMs() {
        return settleMs;
    }

    /** Re-reads the config in force and moves folders, watches and pages to it. */
    synchronized void reconcile(String why) {
        if (closed) {
            return;
        }
        ConfigSnapshot snap = config.current();
        CanvasSettings previous = settings;
        CanvasSettings s;
        try {
            s = CanvasSettings.of(snap, home, data);
        } catch (java.nio.file.InvalidPathException e) {
            // canvasHost.root is no path on this system (the section's shape refuses it; this is the last line)
            s = new CanvasSettings(true, data.resolve("canvas"), true, null, Map.of());
            LOG.warn("canvas: canvasHost.root is not a usable path ({}); serving the default root {}", e.getReason(), s.root());
        }
        settings = s;
        settingsHash = snap.hash();
        if (!s.enabled()) {
            rootProblem = null;
        } else if (previous == null || !previous.enabled() || !s.root().equals(previous.root()) || rootProblem != null) {
            ensureRoot(s.root(), previous == null || !s.root().equals(previous.root()));
        }
        Set<Path> desired = desiredWatches(s);
        for (Map.Entry<Path, WatchState> e : new ArrayList<>(watches.entrySet())) {
            if (!desired.contains(e.getKey())) {
                e.getValue().close();
                watches.remove(e.getKey());
            }
        }
        for (Path dir : desired) {
            WatchState w = watches.get(dir);
            if (w == null || w.failed()) {
                openWatch(dir);
            }
        }
        if (previous != null) {
            pagesAfterChange(previous, s);
            if (!previous.equals(s)) {
                LOG.info("canvas reconfigured ({}): {}", why, summary(s));
            }
        } else {
            LOG.info("canvas: {}", summary(s));
        }
    }

    private String summary(CanvasSettings s) {
        return s.enabled() ? "root " + s.root() + ", live reload " + liveReloadState() + ", " + s.agents().size()
                + " agent canvas(es)" : "disabled (canvasHost.enabled: false)";
    }

    private Set<Path> desiredWatches(CanvasSettings s) {
        Set<Path> out = new LinkedHashSet<>();
        if (!s.enabled() || !s.liveReload()) {
            return out;
        }
        real(s.root()).filter(Files::isDirectory).ifPresent(out::add);
        for (Path agent : s.agents().values()) {
            real(agent).filter(Files::isDirectory).ifPresent(out::add);
        }
        return out;
    }

    private static java.util.Optional<Path> real(Path p) {
        try {
            return java.util.Optional.of(p.toRealPath());
        } catch (IOException e) {
            return java.util.Optional.empty();
        }
    }

    /** Creates the root and its index.html when missing; a root that cannot be made is reported, not fatal. */
    private void ensureRoot(Path root, boolean changed) {
        try {
            Files.createDirectories(root);
            Path index = root.resolve("index.html");
            if (!Files.exists(index, LinkOption.NOFOLLOW_LINKS)) {
                writeAtomically(index, DEFAULT_INDEX.getBytes(StandardCharsets.UTF_8));
                LOG.info("canvas: created {}", index);
            }
            rootProblem = null;
        } catch (IOException | RuntimeException e) {
            String problem = "cannot use the canvas root " + root + ": " + e;
            if (changed || !problem.equals(rootProblem)) {
                LOG.warn("canvas: {} (the canvas answers 404 until canvasHost.root is usable)", problem);
            }
            rootProblem = problem;
        }
    }

    private void openWatch(Path dir) {
        WatchState previous = watches.get(dir);
        FileWatchService ws = watchService;
        if (ws == null) {
            watches.put(dir, WatchState.failed(dir, "no file watch service", fileKey(dir)));
            LOG.warn("canvas: live reload is off for {}: no file watch service", dir);
            return;
        }
        WatchState state = new WatchState(dir, fileKey(dir));
        state.retryAfterMs = previous != null && previous.problem != null ? Math.min(previous.retryAfterMs * 2, DEGRADED_RETRY_MAX_MS)
                : DEGRADED_RETRY_MS;
        boolean quiet = previous != null && previous.problem != null;
        try {
            WatchRequest request = new WatchRequest("canvas", dir, true, IGNORE, 0, 0);
            state.watch = ws.watch(request, new WatchListener() {
                @Override
                public void changed(Set<Path> changed) {
                    Set<Path> kept = new LinkedHashSet<>();
                    for (Path p : changed) {
                        if (!ignored(dir, p)) {
                            kept.add(p);
                        }
                    }
                    settler.changed(kept);
                }

                @Override
                public void problem(String message) {
                    state.problem = message;
                    if (quiet) {
                        LOG.debug("canvas: the file watcher of {} is still degraded: {}", dir, message);
                    } else {
                        LOG.warn("canvas: the file watcher of {} degraded, live reload continues by polling (file notifications"
                                + " are tried again in {} s): {}", dir, state.retryAfterMs / 1000, message);
                    }
                }
            });
            WatchState old = watches.put(dir, state);
            if (old != null && old.problem != null && state.problem == null) {
                LOG.info("canvas: live reload is on again for {} ({})", dir, state.watch.mode());
            }
        } catch (IOException | RuntimeException e) {
            WatchState failed = WatchState.failed(dir, e.toString(), fileKey(dir));
            WatchState old = watches.put(dir, failed);
            if (old == null || !old.failed()) {
                LOG.warn("canvas: live reload is off for {}: the file watcher failed ({}); pages are still served", dir, e.toString());
            }
        }
    }

    static final List<String> IGNORE;
    static {
        List<String> l = new ArrayList<>(WatchRequest.DEFAULT_IGNORE);
        l.add("node_modules");
        IGNORE = List.copyOf(l);
    }

    /** Dotfiles, dot folders and node_modules anywhere below the canvas folder. */
    static boolean ignored(Path dir, Path p) {
        if (!p.startsWith(dir)) {
            return true;
        }
        Path rel = dir.relativize(p);
        for (int i = 0; i < rel.getNameCount(); i++) {
            String n = rel.getName(i).toString();
            if (n.startsWith(".") || n.equals("node_modules")) {
                return true;
            }
        }
        String name = p.getFileName() == null ? "" : p.getFileName().toString();
        return name.endsWith("~") || name.endsWith(".swp") || name.endsWith(".swx") || name.endsWith(".tmp")
                || name.endsWith(".part") || name.endsWith(".crdownload") || name.equals("4913");
    }

    private static Object fileKey(Path dir) {
        try {
            return Files.readAttributes(dir, BasicFileAttributes.class).fileKey();
        } catch (IOException e) {
            return null;
        }
    }

    /** Retries failed watches; re-opens watches of folders that were deleted (and maybe created again). */
    private void healthCheck() {
        try {
            CanvasSettings s = settings;
            boolean redo = false;
            long now = System.currentTimeMillis();
            for (WatchState w : watches.values()) {
                Object key = fileKey(w.dir);
                if (w.failed() || !Objects.equals(key, w.fileKey)) {
                    redo = true;
                } else if (w.problem != null && now - w.openedAt >= w.retryAfterMs) {
                    // degraded to polling: try file notifications again (the cause may have passed)
                    synchronized (this) {
                        if (watches.get(w.dir) == w && !closed) {
                            w.close();
                            openWatch(w.dir);
                        }
                    }
                }
            }
            if (!redo && !desiredWatches(s).equals(watches.keySet())) {
                redo = true;
            }
            if (redo) {
                synchronized (this) {
                    for (Map.Entry<Path, WatchState> e : new ArrayList<>(watches.entrySet())) {
                        WatchState w = e.getValue();
                        if (!Objects.equals(fileKey(w.dir), w.fileKey)) {
                            w.close();
                            watches.remove(e.getKey());
                            if (w.fileKey != null) {
                                LOG.warn("canvas: {} was deleted or replaced; watching it again when it exists", w.dir);
                            }
                        }
                    }
                    reconcile("health check");
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("canvas: health check failed: {}", e.toString());
        }
    }

    /** After a settings change: pages of a moved root reload; pages lose their socket when live reload went off. */
    private void pagesAfterChange(CanvasSettings before, CanvasSettings now) {
        boolean off = !now.enabled() || !now.liveReload();
        for (Client c : clients) {
            if (off) {
                c.sink().close(CanvasFiles.CLOSE_OFF, now.enabled() ? "live reload is off" : "the canvas is off");
                clients.remove(c);
            } else if (!watches.containsKey(c.canvas())) {
                // its folder is no longer a canvas (root moved, agent workspace changed): show what is there now
                reloaded(c);
            }
        }
    }

    // ---- serving support

    /** Whether pages of this canvas folder get the live-reload script: on, and its watch is running. */
    boolean liveReload(Path canvas) {
        CanvasSettings s = settings;
        WatchState w = watches.get(canvas);
        return s.enabled() && s.liveReload() && w != null && !w.failed();
    }

    boolean isDirty(Path file) {
        return settler.isDirty(file);
    }

    /** Completes when the file has no unsettled change (at once when it has none). */
    CompletableFuture<Void> settled(Path file) {
        return settler.settled(file);
    }

    String rootProblem() {
        return rootProblem;
    }

    // ---- pages

    /**
     * A page connected its live-reload socket.
     *
     * @param doc      the document (real path) it showed, or null when unknown
     * @param canvas   the canvas folder (real path) of the document
     * @param version  the content hash it was served with
     * @param servedAt wall-clock time (ms) it was served
     * @return the registration to pass to {@link #disconnected}
     */
    Object connected(ReloadClient sink, Path doc, Path canvas, String version, long servedAt) {
        Client c = new Client(sink, doc, canvas, version, servedAt, new java.util.concurrent.atomic.AtomicBoolean());
        clients.add(c);
        // Missed while it was away (a gateway restart, or between serving and connecting)?
        boolean stale = false;
        if (doc != null && !settler.isDirty(doc)) {
            String now = hashOf(doc);
            stale = now != null && !now.equals(version);
        }
        Long asset = lastAssetChange.get(canvas);
        if (asset != null && servedAt <= asset) {
            stale = true;
        }
        if (stale) {
            reloaded(c);
        }
        return c;
    }

    void disconnected(Object registration) {
        clients.remove(registration);
    }

    int clientCount() {
        return clients.size();
    }

    /** One settled batch: what really changed, and which pages it makes out of date. */
    private void onBatch(Set<Path> batch, long lastEventMillis) {
        if (closed) {
            return;
        }
        Set<Path> effective = new LinkedHashSet<>();
        for (Path p : batch) {
            if (Files.isDirectory(p)) {
                continue; // a new folder shows nothing by itself; its files are reported on their own
            }
            String now = hashOf(p);
            String value = now == null ? "" : now;
            String before = known.put(p, value);
            if (before == null || !before.equals(value)) {
                effective.add(p);
            }
        }
        if (known.size() > MAX_KNOWN) {
            known.clear();
        }
        if (effective.isEmpty()) {
            LOG.debug("canvas: {} file event(s), no content changed", batch.size());
            return;
        }
        for (Path dir : watches.keySet()) {
            for (Path p : effective) {
                if (p.startsWith(dir) && !CanvasFiles.isHtml(p)) {
                    lastAssetChange.put(dir, lastEventMillis);
                    break;
                }
            }
        }
        int reloaded = 0;
        for (Client c : clients) {
            boolean doc = false;
            boolean asset = false;
            for (Path p : effective) {
                if (!p.startsWith(c.canvas())) {
                    continue;
                }
                if (p.equals(c.doc())) {
                    doc = true;
                } else if (!CanvasFiles.isHtml(p)) {
                    asset = true;
                }
            }
            boolean stale = doc && !Objects.equals(known.get(c.doc()), c.version())
                    || asset && c.servedAt() <= lastEventMillis;
            if (stale && reloaded(c)) {
                reloaded++;
            }
        }
        List<String> names = new ArrayList<>();
        for (Path p : effective) {
            if (names.size() == 10) {
                names.add("... " + (effective.size() - 10) + " more");
                break;
            }
            names.add(p.toString());
        }
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("at", Instant.ofEpochMilli(System.currentTimeMillis()).toString());
        b.put("atMs", System.currentTimeMillis());
        b.put("changed", names);
        b.put("pagesReloaded", reloaded);
        b.put("settledAfterMs", System.currentTimeMillis() - lastEventMillis);
        synchronized (this) {
            broadcasts++;
            lastBroadcast = b;
        }
        LOG.debug("canvas: {} changed, {} page(s) reloaded", names, reloaded);
    }

    private boolean reloaded(Client c) {
        if (c.reloadOnce()) {
            reloadsSent.incrementAndGet();
            return true;
        }
        return false;
    }

    /** Content hash of a file, or null when it is not a readable regular file. */
    static String hashOf(Path p) {
        try {
            if (!Files.isRegularFile(p)) {
                return null;
            }
            return CanvasFiles.hash(Files.readAllBytes(p));
        } catch (IOException e) {
            return null;
        }
    }

    // ---- agent side

    /** The canvas folder of an agent: {@code <workspace>/canvas} when it has a workspace, else the root. */
    Path canvasOf(String agentId, Path workspace) {
        CanvasSettings s = settings;
        if (workspace != null) {
            return workspace.toAbsolutePath().normalize().resolve("canvas");
        }
        Path configured = s.agents().get(CanvasSettings.agentId(agentId));
        return configured != null ? configured : s.root();
    }

    /** The URL path below {@code /canvas/} of an agent's canvas: {@code <agentId>/} or empty for the root. */
    String urlPrefixOf(String agentId, Path workspace) {
        String id = CanvasSettings.agentId(agentId);
        return workspace != null || settings.agents().containsKey(id) ? id + "/" : "";
    }

    /** A canvas folder was created by a write: watch it when it is one of the configured canvases. */
    void canvasCreated(Path dir) {
        Path r = real(dir).orElse(null);
        if (r != null && !watches.containsKey(r) && desiredWatches(settings).contains(r)) {
            reconcile("agent canvas created");
        }
    }

    /** Writes a file by a temp file (a dotfile, never served or watched) renamed over it. */
    static void writeAtomically(Path file, byte[] content) throws IOException {
        Path tmp = file.resolveSibling(".canvas-" + Long.toHexString(System.nanoTime()) + ".tmp");
        try {
            Files.write(tmp, content);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    // ---- status

    String liveReloadState() {
        CanvasSettings s = settings;
        if (!s.enabled() || !s.liveReload()) {
            return "off";
        }
        WatchState root = real(s.root()).map(watches::get).orElse(null);
        if (root == null || root.failed()) {
            return "failed";
        }
        return root.problem != null ? "degraded" : "on";
    }

    Map<String, Object> status() {
        CanvasSettings s = settings;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("root", s.root().toString());
        m.put("rootExists", Files.isDirectory(s.root()));
        m.put("enabled", s.enabled());
        m.put("liveReload", s.liveReload());
        m.put("liveReloadState", liveReloadState());
        List<String> warnings = new ArrayList<>();
        if (rootProblem != null) {
            warnings.add(rootProblem);
        }
        List<Map<String, Object>> ws = new ArrayList<>();
        for (WatchState w : watches.values()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("path", w.dir.toString());
            e.put("mode", w.failed() ? "failed" : w.watch.mode());
            if (w.problem != null) {
                e.put("problem", w.problem);
                warnings.add((w.failed() ? "live reload is off for " : "file watcher degraded for ") + w.dir + ": " + w.problem);
            }
            ws.add(e);
        }
        if (s.enabled() && s.liveReload() && !Files.isDirectory(s.root()) && rootProblem == null) {
            warnings.add("the canvas root " + s.root() + " does not exist");
        }
        m.put("watches", ws);
        m.put("warnings", warnings);
        m.put("clients", clients.size());
        m.put("broadcasts", broadcasts);
        m.put("reloadsSent", reloadsSent.get());
        m.put("lastBroadcast", lastBroadcast);
        m.put("settleMs", settleMs);
        m.put("advertisedUrl", s.advertisedUrl());
        Map<String, String> agents = new LinkedHashMap<>();
        s.agents().forEach((k, v) -> agents.put(k, v.toString()));
        m.put("agentCanvases", agents);
        return m;
    }

    // ---- types

    private record Client(ReloadClient sink, Path doc, Path canvas, String version, long servedAt,
            java.util.concurrent.atomic.AtomicBoolean reloaded) {
        boolean reloadOnce() {
            if (reloaded.compareAndSet(false, true)) {
                sink.reload();
                return true;
            }
            return false;
        }

        @Override
        public boolean equals(Object o) {
            return this == o;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(this);
        }
    }

    private static final class WatchState {
        final Path dir;
        final Object fileKey;
        final long openedAt = System.currentTimeMillis();
        volatile FileWatch watch;
        volatile String problem;
        volatile long retryAfterMs = DEGRADED_RETRY_MS;

        WatchState(Path dir, Object fileKey) {
            this.dir = dir;
            this.fileKey = fileKey;
        }

        static WatchState failed(Path dir, String problem, Object fileKey) {
            WatchState w = new WatchState(dir, fileKey);
            w.problem = problem;
            return w;
        }

        boolean failed() {
            return watch == null;
        }

        void close() {
            FileWatch w = watch;
            if (w != null) {
                w.close();
            }
        }
    }

    static final String DEFAULT_INDEX = """
            <!doctype html>
            <html lang="en">
            <head>
              <meta charset="utf-8">
              <meta name="viewport" content="width=device-width, initial-scale=1">
              <title>Gatehouse canvas</title>
              <style>body{font:16px/1.5 system-ui,sans-serif;max-width:40em;margin:3em auto;padding:0 1em;color:#222}</style>
            </head>
            <body>
              <h1>Gatehouse canvas</h1>
              <p>Agents draw here with the <code>canvas.write</code> tool, and so can you: edit the files of the
              canvas folder (<code>canvasHost.root</code>) and this page reloads by itself.</p>
            </body>
            </html>
            """;
}
