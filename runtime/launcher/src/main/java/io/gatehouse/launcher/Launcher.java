package io.gatehouse.launcher;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.service.condition.Condition;
import org.osgi.util.tracker.ServiceTracker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.gatehouse.launcher.api.InFlightWork;
import io.gatehouse.launcher.api.LauncherControl;
import io.gatehouse.launcher.api.ListeningSocket;
import io.gatehouse.launcher.api.PluginPolicy;
import io.gatehouse.launcher.api.PluginStore;
import io.gatehouse.launcher.api.StoredPlugin;

/**
 * Runs the gateway: binds the listening sockets, starts a Felix framework with the boot features,
 * and serves restart requests by stopping that framework and starting a new one in the same JVM
 * while the sockets stay open.
 */
public final class Launcher implements LauncherControl {
    private static final Logger LOG = LoggerFactory.getLogger(Launcher.class);

    /** Condition a bundle registers once the gateway serves requests; until then clients wait. */
    public static final String READY_CONDITION = "gatehouse.ready";
    static final long READY_TIMEOUT_MS = 30_000;
    static final long FRAMEWORK_STOP_TIMEOUT_MS = 30_000;
    /** How long in-flight counts must stay zero before the drain ends. */
    static final long DRAIN_SETTLE_MS = 20;
    /** Start level of plugins from the plugin store (boot features use 2-50). */
    static final int PLUGIN_START_LEVEL = 80;

    /** Packages of the launcher's class path that bundles import from the system bundle. */
    static final String SYSTEM_PACKAGES_EXTRA = String.join(",",
            "io.gatehouse.launcher.api;version=\"1.1.0\"",
            "org.slf4j;version=\"2.0.17\"", "org.slf4j.event;version=\"2.0.17\"",
            "org.slf4j.spi;version=\"2.0.17\"", "org.slf4j.helpers;version=\"2.0.17\"",
            "ch.qos.logback.classic;version=\"1.5.18\"", "ch.qos.logback.core;version=\"1.5.18\"");

    private final GatewayHome home;
    private final boolean console;
    private final long processStartedAt = System.currentTimeMillis();

    private final Object lock = new Object();
    // guarded by lock
    private final Set<String> pendingRestartReasons = new LinkedHashSet<>();
    private boolean shutdownRequested;
    private boolean frameworkStoppedOnItsOwn;

    private final AtomicLong restarts = new AtomicLong();
    private volatile String lastRestartReason;
    private volatile long frameworkStartedAt;
    private volatile LauncherSettings settings;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private HeldSocket gatewaySocket;
    private HeldSocket adminSocket;
    private final PluginStoreFiles pluginStore;
    /** Each framework instance gets its own socket views; a rolled-back start uses one too. */
    private long nextGeneration;

    public Launcher(GatewayHome home, boolean console) throws IOException {
        this.home = home;
        this.console = console;
        home.createDataDirs();
        home.adminToken(); // created on first start, read by the shell bundle
        this.pluginStore = new PluginStoreFiles(home.data().resolve("plugins"));
    }

    /**
     * Runs until a shutdown is requested or the framework stops on its own.
     *
     * @return the process exit status
     */
    public int run() throws LaunchException {
        settings = LauncherSettings.read(home.configFile());
        gatewaySocket = HeldSocket.bind(ListeningSocket.GATEWAY, settings.address());
        adminSocket = HeldSocket.bind(ListeningSocket.ADMIN, new InetSocketAddress("127.0.0.1", 0));
        try {
            writeRunFiles();
            while (true) {
                long t0 = System.nanoTime();
                Started started = startWithPlugins();
                Framework framework = started.framework();
                openSockets(started.generation(), started.ready(), t0);
                boolean restart = waitForStopOrRestart(framework);
                drain(framework);
                Set<String> reasons = stopFramework(framework);
                if (!restart) {
                    return 0;
                }
                lastRestartReason = String.join("; ", reasons);
                LOG.info("framework restart {} done stopping ({}); starting a new framework",
                        restarts.get() + 1, lastRestartReason);
                rebindIfChanged();
                restarts.incrementAndGet();
            }
        } finally {
            gatewaySocket.close();
            adminSocket.close();
            deleteRunFiles();
            stopped.countDown();
        }
    }

    /** Asks the run loop to drain and stop; returns when it has, or after the timeout. */
    public boolean shutdown(long timeoutMs) {
        synchronized (lock) {
            shutdownRequested = true;
            lock.notifyAll();
        }
        try {
            return stopped.await(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    // ---- LauncherControl

    @Override
    public long requestRestart(String reason) {
        synchronized (lock) {
            pendingRestartReasons.add(reason == null || reason.isBlank() ? "unspecified" : reason);
            lock.notifyAll();
            return restarts.get() + 1;
        }
    }

    @Override
    public long restartCount() {
        return restarts.get();
    }

    @Override
    public Optional<String> lastRestartReason() {
        return Optional.ofNullable(lastRestartReason);
    }

    @Override
    public long processStartedAt() {
        return processStartedAt;
    }

    @Override
    public long frameworkStartedAt() {
        return frameworkStartedAt;
    }

    @Override
    public Path home() {
        return home.root();
    }

    @Override
    public Path configFile() {
        return home.configFile();
    }

    // ---- the loop

    /** A framework that was started, with what the start found out about its plugins. */
    private record Started(Framework framework, long generation, String pluginProblems, boolean ready) {
    }

    /**
     * Starts a framework with the staged plugin set. If that set differs from the last good one and a
     * plugin does not resolve or start, or the gateway does not get ready, the set is rolled back to the
     * last good one (recorded as plugin failures) and a framework is started with that instead; clients
     * never reach the failed one, since the gateway socket opens only afterwards.
     */
    private Started startWithPlugins() throws LaunchException {
        List<StoredPlugin> tried = pluginStore.staged();
        Started started = startChecked(tried);
        if (started.pluginProblems() == null && started.ready()) {
            markGood(tried);
            return started;
        }
        String problem = started.pluginProblems() != null ? started.pluginProblems()
                : "the gateway did not get ready within " + READY_TIMEOUT_MS + " ms";
        List<StoredPlugin> good = pluginStore.lastGood();
        if (PluginStoreFiles.sameSet(tried, good)) {
            LOG.error("plugin problem (the plugin set is the last good one, so there is nothing to roll back to): {}", problem);
            return started;
        }
        LOG.error("the new plugin set failed, rolling back to the last good set ({} plugin(s)): {}", good.size(), problem);
        adminSocket.pause();
        stopQuietly(started.framework());
        try {
            pluginStore.rollBack(tried, problem);
        } catch (IOException e) {
            throw new LaunchException("cannot roll back the plugin index in " + pluginStore.dir() + ": " + e.getMessage(), e);
        }
        Started again = startChecked(pluginStore.staged());
        if (again.pluginProblems() != null) {
            LOG.error("the last good plugin set has problems too: {}", again.pluginProblems());
        } else {
            LOG.info("rolled back to the last good plugin set");
        }
        return again;
    }

    private Started startChecked(List<StoredPlugin> plugins) throws LaunchException {
        pluginStore.startingWith(plugins);
        pluginStore.collectGarbage();
        long generation = nextGeneration++;
        FrameworkErrors errors = new FrameworkErrors();
        Map<Bundle, String> pluginBundles = new java.util.LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        Framework framework = startFramework(generation, plugins, errors, pluginBundles, problems);
        if (!errors.awaitStarted(READY_TIMEOUT_MS)) {
            problems.add("the framework did not reach its start level within " + READY_TIMEOUT_MS + " ms");
        }
        for (Map.Entry<Bundle, String> e : pluginBundles.entrySet()) {
            Bundle b = e.getKey();
            if (b.getState() != Bundle.ACTIVE) {
                String why = errors.of(b);
                problems.add("plugin " + e.getValue() + " (" + b.getSymbolicName() + " " + b.getVersion() + ") did not start: "
                        + (why != null ? why : "state " + stateName(b.getState())));
            }
        }
        String problem = problems.isEmpty() ? null : String.join("; ", problems);
        // Operators can diagnose a gateway that does not get ready through the shell.
        adminSocket.open(generation);
        boolean ready = awaitReadyCondition(framework);
        return new Started(framework, generation, problem, ready);
    }

    private void markGood(List<StoredPlugin> plugins) {
        try {
            pluginStore.markGood(plugins);
        } catch (IOException e) {
            LOG.warn("cannot record the last good plugin set in {}: {}", pluginStore.dir(), e.getMessage());
        }
    }

    static String stateName(int state) {
        return switch (state) {
            case Bundle.INSTALLED -> "installed (does not resolve)";
            case Bundle.RESOLVED -> "resolved, not started";
            case Bundle.STARTING -> "starting";
            case Bundle.STOPPING -> "stopping";
            case Bundle.UNINSTALLED -> "uninstalled";
            default -> String.valueOf(state);
        };
    }

    private Framework startFramework(long generation, List<StoredPlugin> plugins, FrameworkErrors errors,
            Map<Bundle, String> pluginBundles, List<String> problems) throws LaunchException {
        List<Feature> features = Feature.readAll(home.features());
        Framework framework = ServiceLoader.load(FrameworkFactory.class, Launcher.class.getClassLoader())
                .findFirst().orElseThrow(() -> new LaunchException("no OSGi FrameworkFactory on the class path"))
                .newFramework(frameworkProperties());
        try {
            framework.init();
            BundleContext ctx = framework.getBundleContext();
            ctx.addFrameworkListener(errors);
            registerLauncherServices(ctx, generation);
            Map<String, Object> pluginsSection = settings.plugins();
            List<Bundle> toStart = new ArrayList<>();
            for (Feature feature : features) {
                if (!feature.boot()) {
                    continue;
                }
                for (Feature.BundleEntry entry : feature.bundles()) {
                    if (entry.console() != null && entry.console() != console) {
                        continue;
                    }
                    Path jar = entry.resolve(home);
                    if (!Files.isRegularFile(jar)) {
                        throw new LaunchException(feature.file() + ": bundle " + entry.location() + " not found at " + jar);
                    }
                    Bundle b = ctx.installBundle("reference:" + jar.toUri());
                    b.adapt(BundleStartLevel.class).setStartLevel(entry.startLevel());
                    boolean start = entry.start() && b.getHeaders().get(Constants.FRAGMENT_HOST) == null;
                    if (start && PluginPolicy.ROLE_PLUGIN.equals(b.getHeaders().get(PluginPolicy.ROLE_HEADER))) {
                        // a built-in plugin: enable/disable and plugins.allow apply as to installed ones
                        String id = PluginPolicy.pluginId(b.getHeaders());
                        start = decide(pluginsSection, id);
                        if (start) {
                            pluginBundles.put(b, id);
                        }
                    }
                    if (start) {
                        toStart.add(b);
                    }
                }
            }
            for (StoredPlugin plugin : plugins) {
                boolean start = decide(pluginsSection, plugin.id());
                for (java.nio.file.Path jar : plugin.jars()) {
                    try {
                        Bundle b = ctx.installBundle(StoredPlugin.location(jar));
                        b.adapt(BundleStartLevel.class).setStartLevel(PLUGIN_START_LEVEL);
                        if (start && b.getHeaders().get(Constants.FRAGMENT_HOST) == null) {
                            toStart.add(b);
                            pluginBundles.put(b, plugin.id());
                        }
                    } catch (BundleException | RuntimeException e) {
                        problems.add("plugin " + plugin.id() + " " + plugin.version() + ": " + jar.getFileName()
                                + " cannot be installed: " + e.getMessage());
                    }
                }
            }
            for (Bundle b : toStart) {
                try {
                    b.start();
                } catch (BundleException e) {
                    if (!pluginBundles.containsKey(b)) {
                        throw e;
                    }
                    // a plugin's failure is reported and rolled back, never fatal
                    errors.record(b, e);
                }
            }
            framework.start();
            frameworkStartedAt = System.currentTimeMillis();
            return framework;
        } catch (BundleException e) {
            stopQuietly(framework);
            throw new LaunchException("the framework did not start: " + e.getMessage(), e);
        } catch (LaunchException e) {
            stopQuietly(framework);
            throw e;
        }
    }

    private static boolean decide(Map<String, Object> pluginsSection, String id) {
        PluginPolicy.Decision d = PluginPolicy.decide(pluginsSection, id);
        if (d != PluginPolicy.Decision.RUN) {
            LOG.info("plugin {}: {}", id, PluginPolicy.explain(d, id));
        }
        return d == PluginPolicy.Decision.RUN;
    }

    private Map<String, String> frameworkProperties() {
        Map<String, String> p = new HashMap<>();
        p.put(Constants.FRAMEWORK_STORAGE, home.frameworkCache().toString());
        // Every framework starts from the feature files and the deploy folder, never from a stale cache.
        p.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        p.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA, SYSTEM_PACKAGES_EXTRA);
        p.put(Constants.FRAMEWORK_BEGINNING_STARTLEVEL, "100");
        p.put("felix.startlevel.bundle", "80");
        p.put("felix.log.level", "1");
        // Felix's parallel resolver keeps a thread pool per framework whose idle threads pin the old
        // framework (and every class it loaded) after a restart; resolve on the calling thread.
        p.put("felix.resolver.parallelism", "1");
        p.put("gatehouse.home", home.root().toString());
        p.put("gatehouse.config", home.configFile().toString());
        p.put("gatehouse.data", home.data().toString());
        // Felix HTTP only starts Jetty with a connector of its own: give it an ephemeral loopback
        // port, which gatehouse-http closes once its connector on the launcher's socket is added.
        p.put("org.apache.felix.http.host", "127.0.0.1");
        p.put("org.osgi.service.http.port", "0");
        p.put("org.apache.felix.https.enable", "false");
        p.put("org.apache.felix.jetty.websocket.enable", "true");
        p.put("org.apache.felix.jetty.stopTimeout", "2000");
        p.put("org.apache.felix.http.jetty.sendServerHeader", "false");
        // Jetty's threads parse requests and write replies; no request holds one while its agent
        // thinks (servlet async, non-blocking writes), so a small pool serves thousands of
        // conversations. Jetty's default of 200 only grew under bursts, to no use.
        p.put("org.apache.felix.http.jetty.threadpool.max", "48");
        // FileInstall watches the deploy folder: plugin jars and feature files go to gatehouse-plugins
        // (staged, then one restart); .cfg/.config files to Config Admin. Dotfiles and *.part never match.
        p.put("felix.fileinstall.dir", home.deploy().toString());
        p.put("felix.fileinstall.poll", "1000");
        p.put("felix.fileinstall.noInitialDelay", "true");
        p.put("felix.fileinstall.log.level", "2");
        p.put("felix.fileinstall.start.level", "80");
        p.put("felix.fileinstall.filter", "^[^.].*\\.(jar|json|cfg|config)$");
        // Config Admin state is derived from gatehouse.json, so it lives with the rest of data/.
        p.put("felix.cm.dir", home.data().resolve("config-admin").toString());
        // Gogo: never stop the gateway on stdin EOF; no prompt unless a terminal is attached.
        p.put("gosh.args", console ? "--noshutdown" : "--nointeractive --noshutdown");
        p.put("gosh.home", home.root().toString());
        p.put("ds.loglevel", "warn");
        return p;
    }

    private void registerLauncherServices(BundleContext ctx, long generation) {
        ctx.registerService(LauncherControl.class, this, null);
        ctx.registerService(PluginStore.class, pluginStore, null);
        for (HeldSocket s : new HeldSocket[] {gatewaySocket, adminSocket}) {
            Hashtable<String, Object> props = new Hashtable<>();
            props.put(ListeningSocket.NAME, s.name());
            props.put("gatehouse.socket.address", s.address().getHostString() + ":" + s.address().getPort());
            ctx.registerService(ListeningSocket.class, s.viewFor(generation), props);
        }
    }

    /**
     * Waits for the new framework to say it is ready (bounded, so a broken component cannot keep
     * clients waiting for ever; they then get 503 from /healthz).
     */
    private boolean awaitReadyCondition(Framework framework) {
        BundleContext ctx = framework.getBundleContext();
        ServiceTracker<Condition, Condition> ready;
        try {
            ready = new ServiceTracker<>(ctx, FrameworkUtil.createFilter("(&(" + Constants.OBJECTCLASS + "="
                    + Condition.class.getName() + ")(" + Condition.CONDITION_ID + "=" + READY_CONDITION + "))"), null);
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        ready.open();
        try {
            return ready.waitForService(READY_TIMEOUT_MS) != null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            ready.close();
        }
    }

    /** Hands connections to the framework of this generation. */
    private void openSockets(long generation, boolean ready, long t0) {
        if (!ready) {
            LOG.warn("the gateway did not report ready within {} ms; opening the port anyway", READY_TIMEOUT_MS);
        }
        gatewaySocket.open(generation);
        LOG.info("gateway ready on {} in {} ms (framework {}, restarts so far {})", listenText(),
                (System.nanoTime() - t0) / 1_000_000, generation, restarts.get());
    }

    /** Blocks until a restart (true) or a shutdown (false) is asked for. */
    private boolean waitForStopOrRestart(Framework framework) {
        Thread watcher = new Thread(() -> {
            try {
                FrameworkEvent e = framework.waitForStop(0);
                if (e.getType() == FrameworkEvent.STOPPED || e.getType() == FrameworkEvent.ERROR) {
                    synchronized (lock) {
                        frameworkStoppedOnItsOwn = true;
                        lock.notifyAll();
                    }
                }
            } catch (InterruptedException ignored) {
                // the loop stops the framework itself
            }
        }, "gatehouse-framework-watch");
        watcher.setDaemon(true);
        watcher.start();
        try {
            synchronized (lock) {
                while (true) {
                    if (shutdownRequested) {
                        return false;
                    }
                    if (frameworkStoppedOnItsOwn) {
                        LOG.info("the framework was stopped from inside (system bundle stop); exiting");
                        return false;
                    }
                    if (!pendingRestartReasons.isEmpty()) {
                        // Requests made while the restart drains are still served by it; see stopFramework().
                        return true;
                    }
                    lock.wait();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            watcher.interrupt();
        }
    }

    /**
     * Stops handing out connections, then waits (bounded) for in-flight work registered as
     * {@link InFlightWork} to finish.
     */
    private void drain(Framework framework) {
        gatewaySocket.pause();
        adminSocket.pause();
        if ((framework.getState() & Bundle.ACTIVE) == 0) {
            return;
        }
        BundleContext ctx = framework.getBundleContext();
        List<InFlightWork> work = new ArrayList<>();
        try {
            for (ServiceReference<InFlightWork> ref : ctx.getServiceReferences(InFlightWork.class, null)) {
                InFlightWork w = ctx.getService(ref);
                if (w != null) {
                    work.add(w);
                }
            }
        } catch (Exception e) {
            LOG.warn("cannot list in-flight work: {}", e.toString());
        }
        for (InFlightWork w : work) {
            try {
                w.beginDrain();
            } catch (RuntimeException e) {
                LOG.warn("{}: beginDrain failed: {}", w.name(), e.toString());
            }
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.drainTimeoutMs());
        long nextReport = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        long quietSince = 0;
        while (true) {
            List<String> busy = new ArrayList<>();
            for (InFlightWork w : work) {
                try {
                    int n = w.pending();
                    if (n > 0) {
                        busy.add(w.name() + "=" + n);
                    }
                } catch (RuntimeException e) {
                    // a stopping bundle; its work is gone with it
                }
            }
            long now = System.nanoTime();
            if (busy.isEmpty()) {
                // Zero twice, DRAIN_SETTLE_MS apart: a connection handed to Jetty's selector just before
                // the pause is counted (as a connection without a request) only once Jetty has created it.
                if (quietSince == 0) {
                    quietSince = now;
                } else if (now - quietSince >= TimeUnit.MILLISECONDS.toNanos(DRAIN_SETTLE_MS)) {
                    return;
                }
            } else {
                quietSince = 0;
            }
            if (quietSince != 0) {
                sleepPollInterval();
                continue;
            }
            if (now >= deadline) {
                LOG.warn("in-flight work did not drain within {} ms, stopping anyway: {}", settings.drainTimeoutMs(), busy);
                return;
            }
            if (now >= nextReport) {
                LOG.info("waiting for in-flight work before stopping: {}", busy);
                nextReport = now + TimeUnit.SECONDS.toNanos(1);
            }
            if (!sleepPollInterval()) {
                return;
            }
        }
    }

    /** Polling interval of a bounded wait on other bundles' counters; false when interrupted. */
    private static boolean sleepPollInterval() {
        try {
            Thread.sleep(5);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Stops the framework; returns the restart reasons it serves (every request made until now). */
    private Set<String> stopFramework(Framework framework) {
        Set<String> served;
        synchronized (lock) {
            served = new LinkedHashSet<>(pendingRestartReasons);
            pendingRestartReasons.clear();
            frameworkStoppedOnItsOwn = false;
        }
        try {
            framework.stop();
            FrameworkEvent e = framework.waitForStop(FRAMEWORK_STOP_TIMEOUT_MS);
            if (e.getType() == FrameworkEvent.WAIT_TIMEDOUT) {
                LOG.warn("the framework did not stop within {} ms", FRAMEWORK_STOP_TIMEOUT_MS);
            }
        } catch (BundleException | InterruptedException e) {
            LOG.warn("stopping the framework: {}", e.toString());
        }
        return served;
    }

    /** A changed {@code gateway.bind}/{@code gateway.port} moves the gateway socket at the restart. */
    private void rebindIfChanged() {
        // A file caught mid-write (or briefly missing) must not move the socket: wait for it to
        // settle, and keep what we have if it stays unusable.
        LauncherSettings next = LauncherSettings.readSettled(home.configFile(), 150, 2_000);
        if (next == null) {
            LOG.warn("config unreadable or missing at restart, keeping {}", listenText());
            return;
        }
        InetSocketAddress want = next.address();
        InetSocketAddress have = gatewaySocket.address();
        boolean samePort = want.getPort() == 0 || want.getPort() == have.getPort();
        boolean sameHost = want.getAddress() != null && want.getAddress().equals(have.getAddress());
        if (!(samePort && sameHost)) {
            try {
                HeldSocket moved = HeldSocket.bind(ListeningSocket.GATEWAY, want);
                HeldSocket old = gatewaySocket;
                gatewaySocket = moved;
                old.close();
                LOG.info("gateway socket moved from {} to {}", have, moved.address());
            } catch (LaunchException e) {
                LOG.error("keeping {}: {}", have, e.getMessage());
            }
        }
        settings = next;
        try {
            writeRunFiles();
        } catch (LaunchException e) {
            LOG.warn(e.getMessage());
        }
    }

    String listenText() {
        return hostPort(gatewaySocket.address());
    }

    /**
     * {@code host:port} for operators and clients: a wildcard bind (which the JDK reports as the IPv6
     * {@code ::} on a dual-stack socket) reads {@code 0.0.0.0}; other IPv6 hosts are bracketed.
     */
    static String hostPort(InetSocketAddress a) {
        java.net.InetAddress ip = a.getAddress();
        String host = ip.isAnyLocalAddress() ? "0.0.0.0"
                : ip instanceof java.net.Inet6Address ? "[" + ip.getHostAddress() + "]" : ip.getHostAddress();
        return host + ":" + a.getPort();
    }

    private void writeRunFiles() throws LaunchException {
        try {
            home.writeRunFile(home.listenFile(), listenText() + "\n");
            home.writeRunFile(home.adminPortFile(), adminSocket.address().getPort() + "\n");
        } catch (IOException e) {
            throw new LaunchException("cannot write " + home.runDir() + ": " + e.getMessage(), e);
        }
    }

    private void deleteRunFiles() {
        try {
            Files.deleteIfExists(home.listenFile());
            Files.deleteIfExists(home.adminPortFile());
        } catch (IOException e) {
            LOG.debug("removing run files", e);
        }
    }

    private static void stopQuietly(Framework framework) {
        try {
            framework.stop();
            framework.waitForStop(FRAMEWORK_STOP_TIMEOUT_MS);
        } catch (Exception ignored) {
            // already failing
        }
    }
}
