package io.gatehouse.plugins;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

import io.gatehouse.api.config.ConfigService;
import io.gatehouse.api.config.ConfigSnapshot;
import io.gatehouse.api.config.ReloadHandler;
import io.gatehouse.api.config.ReloadPlan;
import io.gatehouse.api.plugins.PluginInfo;
import io.gatehouse.launcher.api.LauncherControl;
import io.gatehouse.launcher.api.PluginPolicy;
import io.gatehouse.launcher.api.PluginStore;
import io.gatehouse.plugins.ArtifactValidator.Candidate;

/**
 * Plugin management in process, the component behind {@code plugins:*} and the deploy folder; its parts:
 *
 * <ul>
 * <li>{@link PluginReconciler}: <b>enable/disable</b> is bundle start/stop, as {@link PluginPolicy} decides
 * after every config change, on its own thread, so the config pipeline never waits for a channel to drain;</li>
 * <li>{@link PluginInstaller}: <b>install/update/uninstall</b> never touch the running framework: the
 * artifact is validated, staged in the launcher's {@link PluginStore}, and one coalesced restart is
 * requested from {@link LauncherControl}; the launcher installs the staged set at the next framework start;</li>
 * <li>{@link PluginCatalog}: which plugins there are, in which state, for {@code plugins:list} and {@code plugins:info}.</li>
 * </ul>
 */
@Component(immediate = true, service = {PluginManager.class, ReloadHandler.class},
        property = ReloadHandler.ACTIONS + "=" + PluginManager.RELOAD_PLUGINS)
public final class PluginManager implements ReloadHandler {
    public static final String RELOAD_PLUGINS = "reload-plugins";
    public static final String BUILT_IN = "built-in";
    public static final String DEPLOY_PREFIX = "deploy:";

    private volatile ConfigService config;
    private final PluginCatalog catalog;
    private final PluginReconciler reconciler;
    private final PluginInstaller installer;

    @Activate
    public PluginManager(BundleContext context, @Reference PluginStore store, @Reference LauncherControl launcher) {
        Map<Long, String> startErrors = new ConcurrentHashMap<>();
        Map<String, PluginInstaller.Rejection> rejected = new ConcurrentHashMap<>();
        this.catalog = new PluginCatalog(context, store, () -> config.current(), startErrors, rejected);
        this.reconciler = new PluginReconciler(context, catalog, () -> config, startErrors);
        this.installer = new PluginInstaller(context, store, launcher, catalog, () -> config.current(), rejected);
    }

    @Reference(name = "config", updated = "configUpdated")
    void bindConfig(ConfigService c) {
        this.config = c;
    }

    void configUpdated(ConfigService c, Map<String, Object> properties) {
        this.config = c;
        Object hash = properties.get(ConfigService.HASH);
        if (hash != null) {
            reconciler.reconcileFor(hash.toString(), "config " + hash);
        }
    }

    @Activate
    void activate() {
        reconciler.start(config.current().hash());
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        reconciler.stop();
    }

    @Override
    public void apply(String action, ReloadPlan plan, ConfigSnapshot snapshot) {
        reconciler.reconcileFor(snapshot.hash(), action); // queued: never block the config pipeline on a bundle stop
    }

    // ---- enable / disable

    /**
     * Writes {@code plugins.entries.<id>.enabled} and waits (bounded) until the bundles were started or
     * stopped accordingly; the plugin's row afterwards.
     */
    public PluginInfo setEnabled(String id, boolean enabled) throws Exception {
        return reconciler.setEnabled(id, enabled);
    }

    // ---- listing

    public List<PluginInfo> list() {
        return catalog.list();
    }

    /** The row of one plugin present in the framework, or staged. */
    public Optional<PluginInfo> find(String id) {
        return catalog.find(id);
    }

    /** Everything known about one plugin, for {@code plugins:info}. */
    public Map<String, Object> info(String id) {
        return catalog.info(id);
    }

    // ---- install / update / uninstall

    /** {@code plugins:install}: validate, stage, request one restart. */
    public String install(String spec) throws Exception {
        return installer.install(spec);
    }

    /** {@code plugins:update}: re-reads the recorded (or given) source of an installed plugin. */
    public String update(String id, String source) throws Exception {
        return installer.update(id, source);
    }

    /** {@code plugins:uninstall}: unstage (deleting the deploy file of a deploy-folder plugin) and request one restart. */
    public String uninstall(String id) throws Exception {
        return installer.uninstall(id);
    }

    // ---- the deploy folder (DeployFolder)

    /** The deploy folder FileInstall watches ({@code felix.fileinstall.dir}, else {@code <home>/deploy}). */
    public Path deployDir() {
        return installer.deployDir();
    }

    ArtifactValidator validator() {
        return installer.validator();
    }

    void reject(String source, String id, String version, String reason) {
        installer.reject(source, id, version, reason);
    }

    void forget(String source) {
        installer.forget(source);
    }

    void deployed(Path file, Candidate c) throws IOException {
        installer.deployed(file, c);
    }

    void undeployed(Path file) throws IOException {
        installer.undeployed(file);
    }

    void reconcileDeployFolder() throws IOException {
        installer.reconcileDeployFolder();
    }
}
