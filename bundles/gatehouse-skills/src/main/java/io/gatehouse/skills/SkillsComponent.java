package io.gatehouse.skills;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.util.tracker.BundleTracker;
import org.osgi.util.tracker.BundleTrackerCustomizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.gatehouse.api.config.ConfigService;
import io.gatehouse.api.config.ConfigSnapshot;
import io.gatehouse.api.config.ReloadHandler;
import io.gatehouse.api.config.ReloadPlan;
import io.gatehouse.api.skills.SkillsChangeEvent;
import io.gatehouse.api.skills.SkillsListener;
import io.gatehouse.api.skills.SkillsSnapshot;
import io.gatehouse.api.watch.FileWatchService;
import io.gatehouse.skills.load.RootScanner;
import io.gatehouse.skills.load.SkillCommands;
import io.gatehouse.skills.load.SkillsEngine;

/**
 * The skills service: a {@link SkillsEngine} over the config in force, the shared file watcher and the
 * plugin bundles that ship skills. Plugins name their skills folder(s) in the manifest header
 * {@value #SKILLS_HEADER}; an extender (bundle tracker) adds a plugin's skills when its bundle starts
 * (plugin enabled) and removes them when it stops (plugin disabled), one version bump each. Change
 * events go to every {@link SkillsListener} service.
 *
 * <p>Config changes are applied at once without holding up the config pipeline: the DS {@code updated}
 * callback on the config service's hash property and the {@code reload-skills} hot action queue a refresh
 * (whichever comes first does the work), and every reader that finds the config in force newer than the
 * skills refreshes first, so nothing is ever answered from the older config.
 */
@Component(service = {SkillsSnapshot.class, ReloadHandler.class, SkillsComponent.class}, immediate = true,
        property = ReloadHandler.ACTIONS + "=" + SkillsConfigSection.RELOAD_SKILLS)
public final class SkillsComponent implements SkillsSnapshot, ReloadHandler {
    /** Manifest header of a plugin bundle: comma-separated folders of its jar that hold skill folders. */
    public static final String SKILLS_HEADER = "Gatehouse-Skills";
    private static final Logger LOG = LoggerFactory.getLogger(SkillsComponent.class);

    private final List<SkillsListener> listeners = new CopyOnWriteArrayList<>();
    private final SkillsEngine engine;
    private final BundleTracker<String> plugins;
    private volatile boolean started;
    private volatile boolean closing;

    @Activate
    public SkillsComponent(BundleContext context, @Reference ConfigService config, @Reference FileWatchService watcher) {
        this.engine = new SkillsEngine(config::current, homeOf(context), watcher, System.getenv(), System.getProperty("os.name"),
                this::fire);
        this.plugins = new BundleTracker<>(context, Bundle.ACTIVE, new BundleTrackerCustomizer<>() {
            @Override
            public String addingBundle(Bundle bundle, BundleEvent event) {
                String header = bundle.getHeaders().get(SKILLS_HEADER);
                if (header == null || header.isBlank() || bundle.getSymbolicName() == null) {
                    return null;
                }
                BundleSkills p = new BundleSkills(bundle, header);
                try {
                    engine.pluginAdded(p);
                } catch (RuntimeException e) {
                    LOG.warn("skills of plugin {} not loaded: {}", bundle.getSymbolicName(), e.toString());
                }
                return bundle.getSymbolicName();
            }

            @Override
            public void modifiedBundle(Bundle bundle, BundleEvent event, String bsn) {
                // same state, nothing to do
            }

            @Override
            public void removedBundle(Bundle bundle, BundleEvent event, String bsn) {
                if (closing) {
                    return;
                }
                try {
                    engine.pluginRemoved(bsn);
                } catch (RuntimeException e) {
                    LOG.warn("skills of plugin {} not removed: {}", bsn, e.toString());
                }
            }
        });
        // plugins found while opening are loaded by the start (the engine's worker runs one task at a time)
        plugins.open();
        engine.start();
        started = true;
    }

    static Path homeOf(BundleContext context) {
        String home = context.getProperty("gatehouse.home");
        if (home != null && !home.isBlank()) {
            return Path.of(home).toAbsolutePath();
        }
        String data = context.getProperty("gatehouse.data");
        Path p = data == null ? null : Path.of(data).toAbsolutePath().getParent();
        return p != null ? p : Path.of("").toAbsolutePath();
    }

    @Deactivate
    void deactivate() {
        closing = true;
        plugins.close();
        engine.close();
    }

    /** The config service's hash property changed: a reload was applied. */
    @Reference(service = ConfigService.class, cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            updated = "configUpdated", unbind = "configGone")
    void configBound(ConfigService c) {
        // the constructor reference holds the service; this one only hears of hash changes
    }

    void configUpdated(ConfigService c) {
        if (started) {
            engine.configChangedLater();
        }
    }

    void configGone(ConfigService c) {
        // the constructor reference deactivates the component
    }

    @Reference(service = SkillsListener.class, cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            unbind = "removeListener")
    void addListener(SkillsListener l) {
        listeners.add(l);
    }

    void removeListener(SkillsListener l) {
        listeners.remove(l);
    }

    private void fire(SkillsChangeEvent e) {
        for (SkillsListener l : listeners) {
            try {
                l.skillsChanged(e);
            } catch (RuntimeException ex) {
                LOG.warn("skills listener {} failed on {}: {}", l, e, ex.toString());
            }
        }
    }

    public SkillsEngine engine() {
        return engine;
    }

    // ---- ReloadHandler

    @Override
    public void apply(String action, ReloadPlan plan, ConfigSnapshot config) {
        engine.configChangedLater();
    }

    // ---- SkillsSnapshot

    @Override
    public List<Skill> skillsFor(String agentId) {
        return engine.view(agentId).skills().skills();
    }

    @Override
    public long version(String agentId) {
        return engine.version(agentId);
    }

    @Override
    public AgentSkills forAgent(String agentId) {
        return engine.view(agentId).skills();
    }

    @Override
    public Optional<Invocation> invocation(String agentId, String text) {
        if (text == null || !text.trim().startsWith("/")) {
            return Optional.empty();
        }
        return SkillCommands.resolve(engine.view(agentId).skills().commands(), text);
    }

    @Override
    public Optional<String> body(String agentId, String name) throws IOException {
        return engine.body(agentId, name);
    }

    @Override
    public Optional<String> resource(String agentId, String name, String relativePath) throws IOException {
        return engine.resource(agentId, name, relativePath);
    }

    @Override
    public Map<String, String> environment(String agentId, String name) {
        return engine.environment(agentId, name);
    }

    /** A plugin bundle's skills, read from its jar entries. */
    private static final class BundleSkills implements SkillsEngine.PluginSkills {
        private final Bundle bundle;
        private final List<String> folders = new ArrayList<>();

        BundleSkills(Bundle bundle, String header) {
            this.bundle = bundle;
            for (String f : header.split(",")) {
                String folder = f.trim().replaceAll("^/+|/+$", "");
                if (!folder.isEmpty() || f.trim().equals("/")) {
                    folders.add(folder);
                }
            }
        }

        @Override
        public String bundle() {
            return bundle.getSymbolicName();
        }

        @Override
        public List<RootScanner.PluginFile> files() throws IOException {
            List<RootScanner.PluginFile> out = new ArrayList<>();
            for (String folder : folders) {
                Enumeration<URL> e = bundle.findEntries(folder.isEmpty() ? "/" : folder, "SKILL.md", true);
                while (e != null && e.hasMoreElements()) {
                    URL u = e.nextElement();
                    String path = u.getPath().replaceAll("^/+", "");
                    if (path.split("/").length > RootScanner.MAX_DEPTH + (folder.isEmpty() ? 0 : folder.split("/").length)) {
                        continue;
                    }
                    try (InputStream in = u.openStream()) {
                        out.add(new RootScanner.PluginFile(path, readAll(in)));
                    }
                }
            }
            return out;
        }

        @Override
        public byte[] read(String entryPath) throws IOException {
            URL u = bundle.getEntry(entryPath);
            if (u == null) {
                return null;
            }
            try (InputStream in = u.openStream()) {
                return readAll(in);
            }
        }

        private static byte[] readAll(InputStream in) throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toByteArray();
        }
    }
}
