package io.gatehouse.launcher;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.LongConsumer;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.service.condition.Condition;
import org.osgi.util.tracker.ServiceTracker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.gatehouse.launcher.api.LauncherControl;
import io.gatehouse.launcher.api.ListeningSocket;
import io.gatehouse.launcher.api.PluginPolicy;
import io.gatehouse.launcher.api.PluginStore;
import io.gatehouse.launcher.api.StoredPlugin;
import io.gatehouse.support.feature.FeatureFile;
import io.gatehouse.support.framework.FrameworkSettings;
import io.gatehouse.support.osgi.BundleStates;
import io.gatehouse.support.socket.HeldSocket;

/**
 * Starts one framework generation: a new Felix instance with a clean cache, the launcher's services
 * registered before any bundle starts, the bundles of the boot features installed by reference from
 * {@code system/}, then the staged plugins at {@link #PLUGIN_START_LEVEL}; and tells what the start found
 * out about the plugins and whether the gateway got ready.
 */
final class FrameworkGeneration {
    private static final Logger LOG = LoggerFactory.getLogger(FrameworkGeneration.class);

    /** Condition a bundle registers once the gateway serves requests; until then clients wait. */
    static final String READY_CONDITION = "gatehouse.ready";
    static final long READY_TIMEOUT_MS = 30_000;
    static final long FRAMEWORK_STOP_TIMEOUT_MS = 30_000;
    /** Start level of plugins from the plugin store (boot features use 2-50). */
    static final int PLUGIN_START_LEVEL = 80;

    /**
     * A framework that was started.
     *
     * @param pluginProblems why plugins did not resolve or start (joined), or null
     * @param ready          whether the gateway reported ready within {@link #READY_TIMEOUT_MS}
     */
    record Started(Framework framework, long generation, String pluginProblems, boolean ready) {
    }

    private final GatewayHome home;
    private final boolean console;
    private final LauncherControl control;
    private final PluginStore pluginStore;
    private final FrameworkSettings shared = FrameworkSettings.load();

    FrameworkGeneration(GatewayHome home, boolean console, LauncherControl control, PluginStore pluginStore) {
        this.home = home;
        this.console = console;
        this.control = control;
        this.pluginStore = pluginStore;
    }

    /**
     * Starts generation {@code generation} with {@code plugins}; opens the admin socket to it as soon as
     * the framework runs (operators can diagnose a gateway that does not get ready), then waits for the
     * ready condition.
     *
     * @param pluginsSection the config's {@code plugins} section: which plugins start ({@link PluginPolicy})
     * @param startedAt      told the time the framework started
     */
    Started start(long generation, List<StoredPlugin> plugins, Map<String, Object> pluginsSection, HeldSocket gateway,
            HeldSocket admin, LongConsumer startedAt) throws LaunchException {
        FrameworkErrors errors = new FrameworkErrors();
        Map<Bundle, String> pluginBundles = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        Framework framework = install(generation, plugins, pluginsSection, gateway, admin, errors, pluginBundles, problems);
        startedAt.accept(System.currentTimeMillis());
        if (!errors.awaitStarted(READY_TIMEOUT_MS)) {
            problems.add("the framework did not reach its start level within " + READY_TIMEOUT_MS + " ms");
        }
        for (Map.Entry<Bundle, String> e : pluginBundles.entrySet()) {
            Bundle b = e.getKey();
            if (b.getState() != Bundle.ACTIVE) {
                String why = errors.of(b);
                problems.add("plugin " + e.getValue() + " (" + b.getSymbolicName() + " " + b.getVersion() + ") did not start: "
                        + (why != null ? why : "state " + BundleStates.describe(b.getState())));
            }
        }
        String problem = problems.isEmpty() ? null : String.join("; ", problems);
        admin.open(generation);
        boolean ready = awaitReadyCondition(framework);
        return new Started(framework, generation, problem, ready);
    }

    private Framework install(long generation, List<StoredPlugin> plugins, Map<String, Object> pluginsSection,
            HeldSocket gateway, HeldSocket admin, FrameworkErrors errors, Map<Bundle, String> pluginBundles,
            List<String> problems) throws LaunchException {
        List<FeatureFile> features = BootFeatures.readAll(home.features());
        Framework framework = ServiceLoader.load(FrameworkFactory.class, FrameworkGeneration.class.getClassLoader())
                .findFirst().orElseThrow(() -> new LaunchException("no OSGi FrameworkFactory on the class path"))
                .newFramework(properties());
        try {
            framework.init();
            BundleContext ctx = framework.getBundleContext();
            ctx.addFrameworkListener(errors);
            registerLauncherServices(ctx, generation, gateway, admin);
            List<Bundle> toStart = new ArrayList<>();
            for (FeatureFile feature : features) {
                if (!feature.boot()) {
                    continue;
                }
                for (FeatureFile.BundleEntry entry : feature.bundles()) {
                    if (entry.console() != null && entry.console() != console) {
                        continue;
                    }
                    Path jar = BootFeatures.resolve(entry, home);
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
                for (Path jar : plugin.jars()) {
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

    /** The shared settings (gatehouse-support framework.properties) plus those that depend on the home. */
    Map<String, String> properties() {
        Map<String, String> p = new HashMap<>(shared.properties());
        p.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA, shared.systemPackagesExtra());
        p.put(Constants.FRAMEWORK_STORAGE, home.frameworkCache().toString());
        // Every framework starts from the feature files and the deploy folder, never from a stale cache.
        p.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        p.put(Constants.FRAMEWORK_BEGINNING_STARTLEVEL, "100");
        p.put("felix.startlevel.bundle", String.valueOf(PLUGIN_START_LEVEL));
        p.put("gatehouse.home", home.root().toString());
        p.put("gatehouse.config", home.configFile().toString());
        p.put("gatehouse.data", home.data().toString());
        // FileInstall watches the deploy folder (what it passes where: framework.properties).
        p.put("felix.fileinstall.dir", home.deploy().toString());
        p.put("felix.fileinstall.poll", "1000");
        p.put("felix.fileinstall.log.level", "2");
        p.put("felix.fileinstall.start.level", String.valueOf(PLUGIN_START_LEVEL));
        // Config Admin state is derived from gatehouse.json, so it lives with the rest of data/.
        p.put("felix.cm.dir", home.data().resolve("config-admin").toString());
        // Gogo: never stop the gateway on stdin EOF; no prompt unless a terminal is attached.
        p.put("gosh.args", console ? "--noshutdown" : "--nointeractive --noshutdown");
        p.put("gosh.home", home.root().toString());
        return p;
    }

    private void registerLauncherServices(BundleContext ctx, long generation, HeldSocket gateway, HeldSocket admin) {
        ctx.registerService(LauncherControl.class, control, null);
        ctx.registerService(PluginStore.class, pluginStore, null);
        for (HeldSocket s : new HeldSocket[] {gateway, admin}) {
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
    private static boolean awaitReadyCondition(Framework framework) {
        BundleContext ctx = framework.getBundleContext();
        ServiceTracker<Condition, Condition> ready;
        try {
            ready = new ServiceTracker<>(ctx, FrameworkUtil.createFilter("(&(" + Constants.OBJECTCLASS + "="
                    + Condition.class.getName() + ")(" + Condition.CONDITION_ID + "=" + READY_CONDITION + "))"), null);
        } catch (InvalidSyntaxException e) {
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

    /** Stops a framework and waits for it (bounded); false when it did not stop in time or failed. */
    static boolean stop(Framework framework) {
        try {
            framework.stop();
            FrameworkEvent e = framework.waitForStop(FRAMEWORK_STOP_TIMEOUT_MS);
            if (e.getType() == FrameworkEvent.WAIT_TIMEDOUT) {
                LOG.warn("the framework did not stop within {} ms", FRAMEWORK_STOP_TIMEOUT_MS);
                return false;
            }
            return true;
        } catch (BundleException | InterruptedException e) {
            LOG.warn("stopping the framework: {}", e.toString());
            return false;
        }
    }

    static void stopQuietly(Framework framework) {
        try {
            framework.stop();
            framework.waitForStop(FRAMEWORK_STOP_TIMEOUT_MS);
        } catch (Exception ignored) {
            // already failing
        }
    }
}
