package io.gatehouse.plugins;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.osgi.framework.BundleContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.gatehouse.api.config.ConfigSnapshot;
import io.gatehouse.launcher.api.LauncherControl;
import io.gatehouse.launcher.api.PluginStore;
import io.gatehouse.launcher.api.StoredPlugin;
import io.gatehouse.plugins.ArtifactValidator.Candidate;
import io.gatehouse.plugins.ArtifactValidator.InvalidArtifactException;
import io.gatehouse.support.maven.MavenArtifacts;

/**
 * Plugin install/update/uninstall, from {@code plugins:*} commands and the deploy folder: the artifact
 * is validated, staged in the launcher's {@link PluginStore}, and one coalesced restart is requested
 * from {@link LauncherControl}; the running framework is never touched. Remembers rejected artifacts
 * until their source changes or goes away.
 */
final class PluginInstaller {
    private static final Logger LOG = LoggerFactory.getLogger(PluginInstaller.class);
    static final String DEPLOY_PREFIX = PluginManager.DEPLOY_PREFIX;

    /** An artifact that failed validation, kept until its source changes or goes away. */
    record Rejection(String id, String version, String source, String reason, long at) {
        /** The id plugins:list shows: the plugin id when the artifact had one, else its source. */
        String listedId() {
            return id == null ? source : id;
        }
    }

    private final BundleContext context;
    private final PluginStore store;
    private final LauncherControl launcher;
    private final PluginCatalog catalog;
    private final java.util.function.Supplier<ConfigSnapshot> config;
    /** Source → rejected artifact. */
    private final Map<String, Rejection> rejected;
    /** Serialises staging decisions (commands and the deploy folder). */
    private final Object staging = new Object();

    PluginInstaller(BundleContext context, PluginStore store, LauncherControl launcher, PluginCatalog catalog,
            java.util.function.Supplier<ConfigSnapshot> config, Map<String, Rejection> rejected) {
        this.context = context;
        this.store = store;
        this.launcher = launcher;
        this.catalog = catalog;
        this.config = config;
        this.rejected = rejected;
    }

    ArtifactValidator validator() {
        return new ArtifactValidator(catalog::protection, location -> {
            try {
                return MavenArtifacts.resolve(location, mavenRepository());
            } catch (java.io.FileNotFoundException e) {
                throw new UncheckedIOException(e.getMessage(), e);
            }
        });
    }

    Path mavenRepository() {
        return MavenArtifacts.localRepository(config.get().get("plugins").orElse(null),
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
            if (catalog.present().stream().anyMatch(p -> p.id().equals(id) && PluginManager.BUILT_IN.equals(p.source()))) {
                throw new IllegalArgumentException("plugin \"" + id + "\" is built in; it is updated with the gateway");
            }
            throw new IllegalArgumentException("plugin \"" + id + "\" is not installed; installed plugins: " + String.join(", ", catalog.knownIds()));
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
                Optional<PluginCatalog.Present> p = catalog.present().stream().filter(x -> x.id().equals(id)).findFirst();
                if (p.isPresent() && PluginManager.BUILT_IN.equals(p.get().source())) {
                    throw new IllegalArgumentException("plugin \"" + id + "\" is a built-in plugin; disable it instead (plugins:disable " + id + ")");
                }
                if (p.isPresent()) {
                    return "plugin " + id + ": uninstall already staged; it goes away at the next restart";
                }
                String forgotten = forgetRejected(id);
                if (forgotten != null) {
                    return forgotten;
                }
                throw new IllegalArgumentException("unknown plugin \"" + id + "\"; installed plugins: " + String.join(", ", catalog.knownIds()));
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

    /**
     * A plugin that is only listed because its artifact was rejected was never installed: uninstalling
     * it drops it from {@code plugins:list} (and deletes its file from the deploy folder, which would
     * reject it again at every start). Nothing to restart. Null when there is no such rejection.
     */
    private String forgetRejected(String id) throws IOException {
        List<Rejection> mine = rejected.values().stream().filter(r -> id.equals(r.listedId())).toList();
        if (mine.isEmpty()) {
            return null;
        }
        StringBuilder out = new StringBuilder("plugin " + id + " was never installed (its artifact was rejected: "
                + mine.get(0).reason() + "); removed from plugins:list, nothing to restart");
        for (Rejection r : mine) {
            rejected.remove(r.source());
            if (r.source().startsWith(DEPLOY_PREFIX)) {
                Path file = deployDir().resolve(r.source().substring(DEPLOY_PREFIX.length()));
                if (Files.deleteIfExists(file)) {
                    out.append("\ndeleted ").append(file).append(" (otherwise the deploy folder would reject it again)");
                }
            }
        }
        LOG.info("plugin {}: rejected artifact forgotten (plugins:uninstall)", id);
        return out.toString();
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
