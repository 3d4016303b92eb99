package io.gatehouse.plugins;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleException;
import org.osgi.framework.BundleListener;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.gatehouse.api.config.ConfigService;
import io.gatehouse.api.config.ConfigSnapshot;
import io.gatehouse.api.plugins.PluginInfo;
import io.gatehouse.launcher.api.PluginPolicy;

/**
 * Plugin enable/disable in process: on activation and after every config change (the
 * {@code reload-plugins} action, and any change of the config hash) each plugin bundle is started or
 * stopped as {@link PluginPolicy} decides, on this reconciler's own thread, so the config pipeline never
 * waits for a channel to drain. Remembers why a bundle's last start failed.
 */
final class PluginReconciler {
    private static final Logger LOG = LoggerFactory.getLogger(PluginReconciler.class);
    static final String DEFERRAL_TIMEOUT = "gateway.reload.deferralTimeoutMs";
    static final long DEFAULT_DEFERRAL_MS = 30_000;

    private final BundleContext context;
    private final PluginCatalog catalog;
    private final java.util.function.Supplier<ConfigService> configService;
    /** Bundle id → why its last start failed (cleared when it starts). */
    private final Map<Long, String> startErrors;
    /** Hash of the config the last queued reconcile was for: the hash property and the reload handler report each change. */
    private String queuedHash; // guarded by this
    private final ExecutorService reconciler = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "gatehouse-plugins-reconcile");
        t.setDaemon(true);
        return t;
    });
    private final FrameworkListener frameworkListener = this::frameworkEvent;
    private final BundleListener bundleListener = this::bundleEvent;

    PluginReconciler(BundleContext context, PluginCatalog catalog, java.util.function.Supplier<ConfigService> config,
            Map<Long, String> startErrors) {
        this.context = context;
        this.catalog = catalog;
        this.configService = config;
        this.startErrors = startErrors;
    }

    /** Listens for start failures and reconciles for the config in force. */
    void start(String hash) {
        context.addFrameworkListener(frameworkListener);
        context.addBundleListener(bundleListener);
        reconcileFor(hash, "activation");
    }

    /** Stops listening and lets a running reconcile finish (bounded). */
    void stop() throws InterruptedException {
        context.removeFrameworkListener(frameworkListener);
        context.removeBundleListener(bundleListener);
        reconciler.shutdown();
        if (!reconciler.awaitTermination(deferralTimeoutMs() + 5_000, TimeUnit.MILLISECONDS)) {
            reconciler.shutdownNow();
        }
    }

    /** Queues one reconcile per config hash, however many doors report that config. */
    synchronized void reconcileFor(String hash, String why) {
        if (!hash.equals(queuedHash)) {
            queuedHash = hash;
            submitReconcile(why);
        }
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

    Future<?> submitReconcile(String why) {
        try {
            return reconciler.submit(() -> reconcile(why));
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            return java.util.concurrent.CompletableFuture.completedFuture(null);
        }
    }

    /** Starts or stops every plugin bundle as the config in force says. Runs on the reconcile thread. */
    void reconcile(String why) {
        ConfigService c = configService.get();
        if (c == null) {
            return;
        }
        ConfigSnapshot snapshot = c.current();
        Object section = snapshot.get("plugins").orElse(null);
        for (PluginCatalog.Present p : catalog.present()) {
            PluginPolicy.Decision d = PluginPolicy.decide(section, p.id());
            if (d == PluginPolicy.Decision.RUN) {
                for (Bundle b : p.bundles()) {
                    if (PluginCatalog.isFragment(b) || b.getState() == Bundle.ACTIVE || b.getState() == Bundle.UNINSTALLED) {
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
                    if (PluginCatalog.isFragment(b) || (b.getState() & (Bundle.ACTIVE | Bundle.STARTING)) == 0) {
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

    /**
     * Writes {@code plugins.entries.<id>.enabled} and waits (bounded) until the bundles were started or
     * stopped accordingly; the plugin's row afterwards.
     */
    public PluginInfo setEnabled(String id, boolean enabled) throws Exception {
        Set<String> known = catalog.knownIds();
        if (!known.contains(id)) {
            throw new IllegalArgumentException("unknown plugin \"" + id + "\"; installed plugins: "
                    + (known.isEmpty() ? "(none)" : String.join(", ", known)));
        }
        ConfigService config = configService.get();
        Object section = config.current().get("plugins").orElse(null);
        if (enabled && PluginPolicy.decide(section, id) == PluginPolicy.Decision.NOT_ALLOWED) {
            throw new IllegalStateException("plugin \"" + id + "\" is not in plugins.allow " + allowList(section)
                    + "; add it to plugins.allow first (plugins:enable does not change the allow list)");
        }
        config.set(PluginCatalog.enabledPath(id), enabled, "plugins");
        awaitReconcile("plugins:" + (enabled ? "enable " : "disable ") + id);
        return catalog.find(id).orElseThrow(() -> new IllegalStateException("plugin \"" + id + "\" disappeared"));
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
        ConfigService c = configService.get();
        Object v = c == null ? null : c.current().get(DEFERRAL_TIMEOUT).orElse(null);
        return v instanceof Number n && n.longValue() >= 0 ? n.longValue() : DEFAULT_DEFERRAL_MS;
    }

}
