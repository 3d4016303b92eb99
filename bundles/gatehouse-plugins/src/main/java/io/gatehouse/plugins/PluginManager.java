package io.gatehouse.plugins;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleException;
import org.osgi.framework.BundleListener;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.gatehouse.api.config.ConfigService;
import io.gatehouse.api.config.ConfigSnapshot;
import io.gatehouse.api.config.ReloadHandler;
import io.gatehouse.api.config.ReloadPlan;
import io.gatehouse.api.plugins.PluginInfo;
import io.gatehouse.launcher.api.LauncherControl;
import io.gatehouse.launcher.api.PluginFailure;
import io.gatehouse.launcher.api.PluginPolicy;
import io.gatehouse.launcher.api.PluginStore;
import io.gatehouse.launcher.api.StoredPlugin;
import io.gatehouse.plugins.ArtifactValidator.Candidate;
import io.gatehouse.plugins.ArtifactValidator.InvalidArtifactException;

/**
 * Plugin management in process.
 *
 * <p><b>Enable/disable</b> is bundle start/stop: on activation and after every config change (the
 * {@code reload-plugins} action, and any change of the config hash) each plugin bundle is started or
 * stopped as {@link PluginPolicy} decides, on this component's own thread, so the config pipeline
 * never waits for a channel to drain.
 *
 * <p><b>Install/update/uninstall</b> never touch the running framework: the artifact is validated,
 * staged in the launcher's {@link PluginStore}, and one coalesced restart is requested from
 * {@link LauncherControl}; the launcher installs the staged set at the next framework start.
 */
@Component(immediate = true, service = {PluginManager.class, ReloadHandler.class},
        property = ReloadHandler.ACTIONS + "=" + PluginManager.RELOAD_PLUGINS)
public final class PluginManager implements ReloadHandler {
    private static final Logger LOG = LoggerFactory.getLogger(PluginManager.class);

    public static final String RELOAD_PLUGINS = "reload-plugins";
    public static final String BUILT_IN = "built-in";
    public static final String DEPLOY_PREFIX = "deploy:";
    static final String DEFERRAL_TIMEOUT = "gateway.reload.deferralTimeoutMs";
    static final long DEFAULT_DEFERRAL_MS = 30_000;
    private static final Pattern PLAIN_SEGMENT = Pattern.compile("[A-Za-z0-9_\\-]+");

    /** An artifact that failed validation, kept until its source changes or goes away. */
    record Rejection(String id, String version, String source, String reason, long at) {
    }

    /** A plugin present in the running framework and its bundles. */
    record Present(String id, String source, StoredPlugin stored, List<Bundle> bundles) {
    }

    private final BundleContext context;
    private final PluginStore store;
    private final LauncherControl launcher;
    private volatile ConfigService config;
    /** Hash of the config the last queued reconcile was for: the hash property and the reload handler report each change. */
    private String queuedHash; // guarded by this
    private final ExecutorService reconciler = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "gatehouse-plugins-reconcile");
        t.setDaemon(true);
        return t;
    });
    /** Bundle id → why its last start failed (cleared when it starts). */
    private final Map<Long, String> startErrors = new ConcurrentHashMap<>();
    /** Source → rejected artifact. */
    private final Map<String, Rejection> rejected = new ConcurrentHashMap<>();
    /** Serialises staging decisions (commands and the deploy folder). */
    private final Object staging = new Object();
    private final FrameworkListener frameworkListener = this::frameworkEvent;
    private final BundleListener bundleListener = this::bundleEvent;

    @Activate
    public PluginManager(BundleContext context, @Reference PluginStore store, @Reference LauncherControl launcher) {
        this.context = context;
        this.store = store;
        this.launcher = launcher;
    }

    @Reference(name = "config", updated = "configUpdated")
    void bindConfig(ConfigService c) {
        this.config = c;
    }

    void configUpdated(ConfigService c, Map<String, Object> properties) {
        this.config = c;
        Object hash = properties.get(ConfigService.HASH);
        if (hash != null) {
            reconcileFor(hash.toString(), "config " + hash);
        }
    }

    /** Queues one reconcile per config hash, however many doors report that config. */
    private synchronized void reconcileFor(String hash, String why) {
        if (!hash.equals(queuedHash)) {
            queuedHash = hash;
            submitReconcile(why);
        }
    }

    @Activate
    void activate() {
        context.addFrameworkListener(frameworkListener);
        context.addBundleListener(bundleListener);
        reconcileFor(config.current().hash(), "activation");
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        context.removeFrameworkListener(frameworkListener);
        context.removeBundleListener(bundleListener);
        reconciler.shutdown();
        if (!reconciler.awaitTermination(deferralTimeoutMs() + 5_000, TimeUnit.MILLISECONDS)) {
            reconciler.shutdownNow();
        }
    }

    @Override
    public void apply(String action, ReloadPlan plan, ConfigSnapshot snapshot) {
        reconcileFor(snapshot.hash(), action); // queued: never block the config pipeline on a bundle stop
    }

    private void frameworkEvent(FrameworkEvent e) {
        if (e.getType() == FrameworkEvent.ERROR && e.getBundle() != null && e.getBundle().getBundleId() != 0) {
            startErrors.put(e.getBundle().getBundleId(), describe(e.getThrowable()));
        }
    }

    private void bundleEvent(BundleEvent e) {
        if (e.getType() == BundleEvent.STARTED || e.getType() == BundleEvent.UNINSTALLED) {
            startErrors.remove(e.getBundle().getBundleId());
        }
    }

    static String describe(Throwable t) {
        if (t == null) {
            return "unknown error";
        }
        StringBuilder b = new StringBuilder(t.getMessage() == null ? t.toString() : t.getMessage());
        Throwable c = t.getCause();
        for (int i = 0; c != null && c != t && i < 3; i++, c = c.getCause()) {
            b.append(": ").append(c);
        }
        return b.toString();
    }

    // ---- enable / disable

    Future<?> submitReconcile(String why) {
        try {
            return reconciler.submit(() -> reconcile(why));
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            return java.util.concurrent.CompletableFuture.completedFuture(null);
        }
    }

    /** Starts or stops every plugin bundle as the config in force says. Runs on the reconcile thread. */
    void reconcile(String why) {
        ConfigService c = config;
        if (c == null) {
            return;
        }
        ConfigSnapshot snapshot = c.current();
        Object section = snapshot.get("plugins").orElse(null);
        for (Present p : present()) {
            PluginPolicy.Decision d = PluginPolicy.decide(section, p.id());
            if (d == PluginPolicy.Decision.RUN) {
                for (Bundle b : p.bundles()) {
                    if (isFragment(b) || b.getState() == Bundle.ACTIVE || b.getState() == Bundle.UNINSTALLED) {
                        continue;
                    }
                    try {
                        b.start();
                        startErrors.remove(b.getBundleId());
                        LOG.info("plugin {}: started bundle {} ({})", p.id(), b.getSymbolicName(), why);
                    } catch (BundleException | RuntimeException e) {
                        startErrors.put(b.getBundleId(), describe(e));
                        LOG.error("plugin {}: bundle {} failed to start: {}", p.id(), b.getSymbolicName(), describe(e), e);
                    }
                }
            } else {
                List<Bundle> reversed = new ArrayList<>(p.bundles());
                java.util.Collections.reverse(reversed);
                for (Bundle b : reversed) {
                    if (isFragment(b) || (b.getState() & (Bundle.ACTIVE | Bundle.STARTING)) == 0) {
                        continue;
                    }
                    try {
                        b.stop();
                        LOG.info("plugin {}: stopped bundle {} ({}; {})", p.id(), b.getSymbolicName(),
                                PluginPolicy.explain(d, p.id()), why);
                    } catch (BundleException | RuntimeException e) {
                        LOG.error("plugin {}: bundle {} failed to stop: {}", p.id(), b.getSymbolicName(), describe(e), e);
                    }
                }
            }
        }
    }

    private static boolean isFragment(Bundle b) {
        return b.getHeaders("").get(Constants.FRAGMENT_HOST) != null;
    }

    /** Plugins present in the running framework: store plugins of the running set, then built-in plugins. */
    List<Present> present() {
        Bundle[] bundles = context.getBundles();
        Map<String, Bundle> byLocation = new LinkedHashMap<>();
        for (Bundle b : bundles) {
            byLocation.put(b.getLocation(), b);
        }
        List<Present> out = new ArrayList<>();
        Set<String> storeLocations = new HashSet<>();
        for (StoredPlugin sp : store.running()) {
            List<Bundle> mine = new ArrayList<>();
            for (String loc : sp.bundleLocations()) {
                storeLocations.add(loc);
                Bundle b = byLocation.get(loc);
                if (b != null) {
                    mine.add(b);
                }
            }
            out.add(new Present(sp.id(), sp.source(), sp, List.copyOf(mine)));
        }
        Map<String, List<Bundle>> builtIn = new LinkedHashMap<>();
        for (Bundle b : bundles) {
            if (b.getBundleId() == 0 || storeLocations.contains(b.getLocation())) {
                continue;
            }
            var headers = b.getHeaders("");
            if (PluginPolicy.ROLE_PLUGIN.equals(trim(headers.get(PluginPolicy.ROLE_HEADER)))) {
                String id = PluginPolicy.pluginId(headers);
                if (id != null) {
                    builtIn.computeIfAbsent(id, k -> new ArrayList<>()).add(b);
                }
            }
        }
        builtIn.forEach((id, bs) -> out.add(new Present(id, BUILT_IN, null, List.copyOf(bs))));
        return out;
    }

    private static String trim(String s) {
        return s == null ? null : s.trim();
    }

    /**
     * Why a Bundle-SymbolicName cannot be installed as a plugin ({@code core bundle}, {@code built-in
     * plugin}), or null: it names a bundle of the running framework that the plugin store does not own.
     */
    String protection(String bsn) {
        if ("system.bundle".equals(bsn) || bsn.equals(context.getBundle(0).getSymbolicName())) {
            return "core bundle";
        }
        Set<String> storeLocations = new HashSet<>();
        for (StoredPlugin sp : store.running()) {
            storeLocations.addAll(sp.bundleLocations());
        }
        for (StoredPlugin sp : store.staged()) {
            storeLocations.addAll(sp.bundleLocations());
        }
        for (Bundle b : context.getBundles()) {
            if (bsn.equals(b.getSymbolicName()) && !storeLocations.contains(b.getLocation())) {
                return PluginPolicy.ROLE_PLUGIN.equals(trim(b.getHeaders("").get(PluginPolicy.ROLE_HEADER)))
                        ? "built-in plugin" : "core bundle";
            }
        }
        return null;
    }

    /** The config path of {@code plugins.entries.<id>.enabled}, the id quoted when it is not a plain segment. */
    static String enabledPath(String id) {
        String seg = PLAIN_SEGMENT.matcher(id).matches() ? id : "\"" + id.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        return "plugins.entries." + seg + ".enabled";
    }

    /**
     * Writes {@code plugins.entries.<id>.enabled} and waits (bounded) until the bundles were started or
     * stopped accordingly; the plugin's row afterwards.
     */
    public PluginInfo setEnabled(String id, boolean enabled) throws Exception {
        Set<String> known = knownIds();
        if (!known.contains(id)) {
            throw new IllegalArgumentException("unknown plugin \"" + id + "\"; installed plugins: "
                    + (known.isEmpty() ? "(none)" : String.join(", ", known)));
        }
        Object section = config.current().get("plugins").orElse(null);
        if (enabled && PluginPolicy.decide(section, id) == PluginPolicy.Decision.NOT_ALLOWED) {
            throw new IllegalStateException("plugin \"" + id + "\" is not in plugins.allow " + allowList(section)
                    + "; add it to plugins.allow first (plugins:enable does not change the allow list)");
        }
        config.set(enabledPath(id), enabled, "plugins");
        awaitReconcile("plugins:" + (enabled ? "enable " : "disable ") + id);
        return find(id).orElseThrow(() -> new IllegalStateException("plugin \"" + id + "\" disappeared"));
    }

    private static Object allowList(Object section) {
        return section instanceof Map<?, ?> m ? m.get("allow") : List.of();
    }

    /** Runs a reconcile now and waits for it (and for every one queued before it). */
    void awaitReconcile(String why) throws InterruptedException, TimeoutException, ExecutionException {
        long timeout = deferralTimeoutMs() + 5_000;
        Future<?> f = submitReconcile(why);
        try {
            f.get(timeout, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new TimeoutException("plugin bundles still starting/stopping after " + timeout
                    + " ms (in-flight work draining?); see plugins:list");
        }
    }

    long deferralTimeoutMs() {
        ConfigService c = config;
        Object v = c == null ? null : c.current().get(DEFERRAL_TIMEOUT).orElse(null);
        return v instanceof Number n && n.longValue() >= 0 ? n.longValue() : DEFAULT_DEFERRAL_MS;
    }

    Set<String> knownIds() {
        Set<String> ids = new TreeSet<>();
        present().forEach(p -> ids.add(p.id()));
        store.staged().forEach(s -> ids.add(s.id()));
        return ids;
    }

    // ---- listing

    public List<PluginInfo> list() {
        List<PluginInfo> rows = new ArrayList<>(mainRows());
        Map<String, String> currentSha = new java.util.HashMap<>();
        store.running().forEach(s -> currentSha.put(s.id(), s.sha256()));
        Map<String, String> stagedSha = new java.util.HashMap<>();
        store.staged().forEach(s -> stagedSha.put(s.id(), s.sha256()));
        Set<String> failureKeys = new HashSet<>();
        List<PluginFailure> failures = new ArrayList<>(store.failures());
        java.util.Collections.reverse(failures); // newest first
        for (PluginFailure f : failures) {
            if (f.sha256() != null && (f.sha256().equals(currentSha.get(f.id())) || f.sha256().equals(stagedSha.get(f.id())))) {
                continue; // that artifact runs, or is staged again
            }
            if (failureKeys.add(f.id() + "\n" + f.sha256())) {
                rows.add(new PluginInfo(f.id(), f.version(), PluginInfo.FAILED, f.source(),
                        f.action() + " rolled back: " + f.reason(), null, null, List.of()));
            }
        }
        for (Rejection r : rejected.values()) {
            rows.add(new PluginInfo(r.id() == null ? r.source() : r.id(), r.version(), PluginInfo.REJECTED, r.source(),
                    r.reason(), null, null, List.of()));
        }
        rows.sort(Comparator.comparing(PluginInfo::id).thenComparing(PluginInfo::state));
        return rows;
    }

    /** One row per plugin present in the framework or staged. */
    List<PluginInfo> mainRows() {
        Object section = config.current().get("plugins").orElse(null);
        List<StoredPlugin> staged = store.staged();
        Map<String, StoredPlugin> stagedById = new LinkedHashMap<>();
        staged.forEach(s -> stagedById.put(s.id(), s));
        List<PluginInfo> rows = new ArrayList<>();
        Set<String> shown = new HashSet<>();
        for (Present p : present()) {
            if (shown.add(p.id())) {
                rows.add(row(p, section, stagedById.get(p.id())));
            }
        }
        for (StoredPlugin s : staged) {
            if (shown.add(s.id())) {
                rows.add(new PluginInfo(s.id(), s.version(), PluginInfo.PENDING_RESTART, s.source(),
                        "install staged; takes effect at the next restart", null, null, List.of()));
            }
        }
        return rows;
    }

    /** The row of one plugin present in the framework, or staged. */
    public Optional<PluginInfo> find(String id) {
        return mainRows().stream().filter(r -> r.id().equals(id)).findFirst();
    }

    private PluginInfo row(Present p, Object section, StoredPlugin staged) {
        Bundle first = p.bundles().isEmpty() ? null : p.bundles().get(0);
        String version = p.stored() != null ? p.stored().version() : first.getVersion().toString();
        String name = first == null ? null : first.getHeaders("").get(Constants.BUNDLE_NAME);
        String description = first == null ? null : first.getHeaders("").get(Constants.BUNDLE_DESCRIPTION);
        List<Long> ids = p.bundles().stream().map(Bundle::getBundleId).toList();
        String state;
        String reason = null;
        if (p.stored() != null && staged == null) {
            state = PluginInfo.PENDING_RESTART;
            reason = "uninstall staged; takes effect at the next restart";
        } else if (p.stored() != null && !staged.sha256().equals(p.stored().sha256())) {
            state = PluginInfo.PENDING_RESTART;
            reason = "update to " + staged.version() + " staged" + (staged.source().equals(p.source()) ? "" : " from " + staged.source())
                    + "; takes effect at the next restart";
        } else {
            PluginPolicy.Decision d = PluginPolicy.decide(section, p.id());
            if (d != PluginPolicy.Decision.RUN) {
                state = PluginInfo.DISABLED;
                reason = PluginPolicy.explain(d, p.id());
            } else if (p.bundles().isEmpty()) {
                state = PluginInfo.FAILED;
                reason = "none of its bundles is installed in the framework (see the launcher log)";
            } else {
                Bundle notActive = p.bundles().stream().filter(b -> !isFragment(b) && b.getState() != Bundle.ACTIVE).findFirst().orElse(null);
                if (notActive == null) {
                    state = PluginInfo.ENABLED;
                } else {
                    state = PluginInfo.FAILED;
                    String err = startErrors.get(notActive.getBundleId());
                    reason = err != null ? err : "bundle " + notActive.getSymbolicName() + " is " + stateName(notActive.getState());
                }
            }
        }
        return new PluginInfo(p.id(), version, state, p.source(), reason, name, description, ids);
    }

    static String stateName(int state) {
        return switch (state) {
            case Bundle.UNINSTALLED -> "uninstalled";
            case Bundle.INSTALLED -> "installed (not resolved)";
            case Bundle.RESOLVED -> "resolved (not started)";
            case Bundle.STARTING -> "starting";
            case Bundle.STOPPING -> "stopping";
            case Bundle.ACTIVE -> "active";
            default -> "state " + state;
        };
    }

    /** Everything known about one plugin, for {@code plugins:info}. */
    public Map<String, Object> info(String id) {
        List<PluginInfo> rows = list().stream().filter(r -> r.id().equals(id)).toList();
        Optional<StoredPlugin> staged = store.staged().stream().filter(s -> s.id().equals(id)).findFirst();
        Optional<StoredPlugin> running = store.running().stream().filter(s -> s.id().equals(id)).findFirst();
        List<PluginFailure> failures = store.failures().stream().filter(f -> f.id().equals(id)).toList();
        if (rows.isEmpty() && failures.isEmpty()) {
            throw new IllegalArgumentException("unknown plugin \"" + id + "\"; installed plugins: " + String.join(", ", knownIds()));
        }
        PluginInfo main = find(id).orElse(rows.isEmpty() ? null : rows.get(0));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", id);
        if (main != null) {
            out.put("version", main.version());
            out.put("state", main.state());
            out.put("source", main.source());
            out.put("reason", main.reason());
            out.put("name", main.name());
            out.put("description", main.description());
        }
        List<Map<String, Object>> bundles = new ArrayList<>();
        for (Present p : present()) {
            if (p.id().equals(id)) {
                for (Bundle b : p.bundles()) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("id", b.getBundleId());
                    m.put("symbolicName", b.getSymbolicName());
                    m.put("version", b.getVersion().toString());
                    m.put("state", stateName(b.getState()));
                    m.put("location", b.getLocation());
                    String err = startErrors.get(b.getBundleId());
                    if (err != null) {
                        m.put("lastError", err);
                    }
                    bundles.add(m);
                }
            }
        }
        out.put("bundles", bundles);
        out.put("running", running.map(PluginManager::stored).orElse(null));
        out.put("staged", staged.map(PluginManager::stored).orElse(null));
        out.put("failures", failures);
        out.put("rejected", rejected.values().stream().filter(r -> id.equals(r.id())).toList());
        out.put("enabledPath", enabledPath(id));
        return out;
    }

    private static Map<String, Object> stored(StoredPlugin s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", s.version());
        m.put("sha256", s.sha256());
        m.put("source", s.source());
        m.put("jars", s.jars().stream().map(Path::toString).toList());
        m.put("stagedAt", java.time.Instant.ofEpochMilli(s.stagedAt()).toString());
        return m;
    }

    // ---- validation, staging

    ArtifactValidator validator() {
        return new ArtifactValidator(this::protection, location -> {
            try {
                return MavenArtifacts.resolve(location, mavenRepository());
            } catch (java.io.FileNotFoundException e) {
                throw new UncheckedIOException(e.getMessage(), e);
            }
        });
    }

    Path mavenRepository() {
        return MavenArtifacts.localRepository(config.current().get("plugins").orElse(null),
                System.getProperty("maven.repo.local"), Path.of(System.getProperty("user.home")));
    }

    /** The deploy folder FileInstall watches ({@code felix.fileinstall.dir}, else {@code <home>/deploy}). */
    public Path deployDir() {
        String dir = context.getProperty("felix.fileinstall.dir");
        if (dir != null && !dir.isBlank()) {
            return Path.of(dir.split(",")[0].trim()).toAbsolutePath().normalize();
        }
        return launcher.home().resolve("deploy").toAbsolutePath().normalize();
    }

    /** Validates; a failure is recorded as a rejection of {@code source}. */
    Candidate validate(Path file, String source) throws InvalidArtifactException {
        try {
            Candidate c = validator().validate(file);
            rejected.remove(source);
            return c;
        } catch (InvalidArtifactException e) {
            reject(source, null, null, e.getMessage());
            throw e;
        }
    }

    void reject(String source, String id, String version, String reason) {
        rejected.put(source, new Rejection(id, version, source, reason, System.currentTimeMillis()));
        LOG.warn("plugin artifact rejected: {}", reason);
    }

    void forget(String source) {
        rejected.remove(source);
    }

    /** A file path or Maven coordinates as given to {@code plugins:install}: the file and the source to record. */
    record Resolved(Path file, String source) {
    }

    Resolved resolve(String spec) throws IOException {
        String s = spec.trim();
        if (s.startsWith(DEPLOY_PREFIX)) {
            Path f = deployDir().resolve(s.substring(DEPLOY_PREFIX.length()));
            return new Resolved(f, s);
        }
        if (MavenArtifacts.looksLikeCoordinates(s)) {
            MavenArtifacts.Coordinates c = MavenArtifacts.parse(s);
            String source = c.toMvnUrl();
            try {
                return new Resolved(MavenArtifacts.resolve(source, mavenRepository()), source);
            } catch (java.io.FileNotFoundException e) {
                reject(source, null, c.version(), e.getMessage());
                throw e;
            }
        }
        if (s.startsWith("file:")) {
            s = s.substring(5);
        }
        Path p = Path.of(s);
        if (!p.isAbsolute()) {
            p = launcher.home().resolve(p);
        }
        p = p.toAbsolutePath().normalize();
        return new Resolved(p, "file:" + p);
    }

    /** {@code plugins:install}: validate, stage, request one restart. */
    public String install(String spec) throws Exception {
        Resolved r = resolve(spec);
        if (r.source().startsWith(DEPLOY_PREFIX)) {
            throw new IllegalArgumentException("files in the deploy folder install themselves; copy the file to " + deployDir());
        }
        if (!Files.isRegularFile(r.file())) {
            String reason = r.file() + ": no such file";
            reject(r.source(), null, null, reason);
            throw new IllegalArgumentException(reason);
        }
        Candidate c = validate(r.file(), r.source());
        return stageCandidate(c, r.source(), null);
    }

    /** {@code plugins:update}: re-reads the recorded (or given) source of an installed plugin. */
    public String update(String id, String source) throws Exception {
        Optional<StoredPlugin> existing = store.staged().stream().filter(s -> s.id().equals(id)).findFirst();
        if (existing.isEmpty()) {
            if (present().stream().anyMatch(p -> p.id().equals(id) && BUILT_IN.equals(p.source()))) {
                throw new IllegalArgumentException("plugin \"" + id + "\" is built in; it is updated with the gateway");
            }
            throw new IllegalArgumentException("plugin \"" + id + "\" is not installed; installed plugins: " + String.join(", ", knownIds()));
        }
        String from = source == null || source.isBlank() ? existing.get().source() : source;
        Resolved r = resolve(from);
        if (!Files.isRegularFile(r.file())) {
            String reason = r.file() + ": no such file";
            reject(r.source(), id, null, reason);
            throw new IllegalArgumentException(reason);
        }
        Candidate c = validate(r.file(), r.source());
        if (!c.id().equals(id)) {
            String reason = r.file() + " is plugin \"" + c.id() + "\", not \"" + id + "\"";
            reject(r.source(), c.id(), c.version(), reason);
            throw new IllegalArgumentException(reason);
        }
        return stageCandidate(c, r.source(), id);
    }

    private String stageCandidate(Candidate c, String source, String updating) throws IOException {
        synchronized (staging) {
            List<StoredPlugin> staged = store.staged();
            Optional<StoredPlugin> same = staged.stream().filter(s -> s.id().equals(c.id())).findFirst();
            if (same.isPresent() && same.get().source().startsWith(DEPLOY_PREFIX) && !same.get().source().equals(source)) {
                String reason = source + ": plugin \"" + c.id() + "\" is installed from the deploy folder ("
                        + same.get().source() + "); replace or delete " + deployDir().resolve(same.get().source().substring(DEPLOY_PREFIX.length()))
                        + " instead";
                reject(source, c.id(), c.version(), reason);
                throw new IllegalStateException(reason);
            }
            if (same.isPresent() && same.get().sha256().equals(c.sha256())) {
                return "plugin " + c.id() + " " + c.version() + " is already " + (updating != null ? "up to date" : "installed")
                        + " (same sha256 " + shortSha(c.sha256()) + "); nothing staged, no restart";
            }
            String action = same.isPresent() ? "update" : "install";
            StoredPlugin s = store.stage(c.id(), c.version(), c.sha256(), source, c.jars());
            long n = launcher.requestRestart("plugin " + action + ": " + c.id() + " " + c.version());
            LOG.info("plugin {} {} staged for {} from {} (sha256 {}); restart #{} requested", c.id(), c.version(), action, source,
                    c.sha256(), n);
            return "staged plugin " + s.id() + " " + s.version() + " (" + action + (c.feature() ? ", feature of " + c.bundles().size()
                    + " bundles" : "") + ") from " + source + ", sha256 " + shortSha(s.sha256()) + "\n"
                    + "framework restart requested: it takes effect once in-flight work has drained (see plugins:list, gateway:status)";
        }
    }

    private static String shortSha(String sha) {
        return sha.length() > 12 ? sha.substring(0, 12) : sha;
    }

    /** {@code plugins:uninstall}: unstage (deleting the deploy file of a deploy-folder plugin) and request one restart. */
    public String uninstall(String id) throws Exception {
        synchronized (staging) {
            Optional<StoredPlugin> existing = store.staged().stream().filter(s -> s.id().equals(id)).findFirst();
            if (existing.isEmpty()) {
                Optional<Present> p = present().stream().filter(x -> x.id().equals(id)).findFirst();
                if (p.isPresent() && BUILT_IN.equals(p.get().source())) {
                    throw new IllegalArgumentException("plugin \"" + id + "\" is a built-in plugin; disable it instead (plugins:disable " + id + ")");
                }
                if (p.isPresent()) {
                    return "plugin " + id + ": uninstall already staged; it goes away at the next restart";
                }
                throw new IllegalArgumentException("unknown plugin \"" + id + "\"; installed plugins: " + String.join(", ", knownIds()));
            }
            StoredPlugin s = existing.get();
            String deleted = "";
            if (s.source().startsWith(DEPLOY_PREFIX)) {
                Path file = deployDir().resolve(s.source().substring(DEPLOY_PREFIX.length()));
                if (Files.deleteIfExists(file)) {
                    deleted = "\ndeleted " + file + " (otherwise the deploy folder would install it again)";
                }
            }
            store.unstage(id);
            long n = launcher.requestRestart("plugin uninstall: " + id + " " + s.version());
            LOG.info("plugin {} {} unstaged (uninstall); restart #{} requested", id, s.version(), n);
            return "unstaged plugin " + id + " " + s.version() + deleted + "\n"
                    + "framework restart requested: it takes effect once in-flight work has drained";
        }
    }

    // ---- the deploy folder

    /** A complete, valid artifact in the deploy folder: stage it unless it is already staged or was rolled back. */
    void deployed(Path file, Candidate c) throws IOException {
        String source = DEPLOY_PREFIX + file.getFileName();
        synchronized (staging) {
            List<StoredPlugin> staged = store.staged();
            Optional<StoredPlugin> mine = staged.stream().filter(s -> s.source().equals(source)).findFirst();
            Optional<StoredPlugin> sameId = staged.stream().filter(s -> s.id().equals(c.id()) && !s.source().equals(source)).findFirst();
            if (sameId.isPresent()) {
                reject(source, c.id(), c.version(), file + ": plugin \"" + c.id() + "\" is already installed from "
                        + sameId.get().source() + "; uninstall it first (plugins:uninstall " + c.id() + ") to manage it from the deploy folder");
                return;
            }
            if (mine.isPresent() && mine.get().sha256().equals(c.sha256())) {
                return; // every framework start: FileInstall reports every file again
            }
            if (store.failures().stream().anyMatch(f -> source.equals(f.source()) && c.sha256().equals(f.sha256()))) {
                LOG.info("{}: {} {} was rolled back after it failed; it stays failed until the file changes", file, c.id(), c.version());
                return;
            }
            if (mine.isPresent() && !mine.get().id().equals(c.id())) {
                store.unstage(mine.get().id());
            }
            String action = mine.isPresent() ? "update" : "install";
            store.stage(c.id(), c.version(), c.sha256(), source, c.jars());
            long n = launcher.requestRestart("plugin " + action + ": " + c.id() + " " + c.version());
            LOG.info("deploy folder: plugin {} {} staged for {} from {} (sha256 {}); restart #{} requested", c.id(), c.version(),
                    action, file, c.sha256(), n);
        }
    }

    /** A deploy-folder file went away: unstage its plugin. */
    void undeployed(Path file) throws IOException {
        String source = DEPLOY_PREFIX + file.getFileName();
        rejected.remove(source);
        synchronized (staging) {
            Optional<StoredPlugin> mine = store.staged().stream().filter(s -> s.source().equals(source)).findFirst();
            if (mine.isPresent() && store.unstage(mine.get().id()).isPresent()) {
                long n = launcher.requestRestart("plugin uninstall: " + mine.get().id() + " " + mine.get().version());
                LOG.info("deploy folder: {} removed; plugin {} unstaged, restart #{} requested", file, mine.get().id(), n);
            }
        }
    }

    /** Staged deploy-folder plugins whose file is gone (deleted while the gateway was down): unstage them. */
    void reconcileDeployFolder() throws IOException {
        Path dir = deployDir();
        Collection<StoredPlugin> staged = store.staged();
        for (StoredPlugin s : staged) {
            if (s.source().startsWith(DEPLOY_PREFIX)) {
                Path file = dir.resolve(s.source().substring(DEPLOY_PREFIX.length()));
                if (!Files.exists(file)) {
                    LOG.info("deploy folder: {} is gone; unstaging plugin {}", file, s.id());
                    undeployed(file);
                }
            }
        }
    }
}
