package io.gatehouse.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

import io.gatehouse.launcher.api.PluginFailure;
import io.gatehouse.launcher.api.PluginStore;
import io.gatehouse.launcher.api.StoredPlugin;
import io.gatehouse.support.files.AtomicFiles;
import io.gatehouse.support.files.Sha256;

/**
 * The plugin store under {@code data/plugins/}: {@code store/} holds the plugin jars (content-named,
 * never changed once written), {@code index.json} the staged plugin set, {@code last-good.json} the
 * last set a framework started with cleanly, {@code failures.json} the changes that were rolled back.
 * Every file is replaced by write-to-temp and atomic rename, so a crash leaves the old or the new
 * state, never a torn one.
 */
final class PluginStoreFiles implements PluginStore {
    private static final Logger LOG = LoggerFactory.getLogger(PluginStoreFiles.class);
    static final int MAX_FAILURES = 50;

    /** One index entry as written to disk (jar paths relative to {@code data/plugins/}). */
    record Entry(String id, String version, String sha256, String source, List<String> jars, long stagedAt) {
    }

    private static final TypeReference<List<Entry>> ENTRIES = new TypeReference<>() {
    };
    private static final TypeReference<List<PluginFailure>> FAILURES = new TypeReference<>() {
    };

    private final Path dir;
    private final ObjectMapper json = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
    private final Object lock = new Object();
    // guarded by lock
    private List<StoredPlugin> running = List.of();

    PluginStoreFiles(Path dir) throws IOException {
        this.dir = dir;
        Files.createDirectories(storeDir());
    }

    Path dir() {
        return dir;
    }

    Path storeDir() {
        return dir.resolve("store");
    }

    Path indexFile() {
        return dir.resolve("index.json");
    }

    Path lastGoodFile() {
        return dir.resolve("last-good.json");
    }

    Path failuresFile() {
        return dir.resolve("failures.json");
    }

    // ---- PluginStore

    @Override
    public List<StoredPlugin> staged() {
        synchronized (lock) {
            return read(indexFile());
        }
    }

    @Override
    public List<StoredPlugin> running() {
        synchronized (lock) {
            return running;
        }
    }

    @Override
    public List<PluginFailure> failures() {
        synchronized (lock) {
            try {
                return Files.exists(failuresFile()) ? List.copyOf(json.readValue(failuresFile().toFile(), FAILURES)) : List.of();
            } catch (IOException e) {
                LOG.warn("{}: unreadable, ignored: {}", failuresFile(), e.getMessage());
                return List.of();
            }
        }
    }

    @Override
    public StoredPlugin stage(String id, String version, String sha256, String source, List<Path> jars) throws IOException {
        Objects.requireNonNull(id, "id");
        if (id.isBlank() || jars.isEmpty()) {
            throw new IllegalArgumentException("a plugin needs an id and at least one jar");
        }
        synchronized (lock) {
            List<Path> stored = new ArrayList<>();
            for (Path jar : jars) {
                stored.add(copyIntoStore(id, version, jar));
            }
            StoredPlugin plugin = new StoredPlugin(id, version, sha256, source, stored, System.currentTimeMillis());
            List<StoredPlugin> next = new ArrayList<>();
            boolean replaced = false;
            for (StoredPlugin p : read(indexFile())) {
                if (p.id().equals(id)) {
                    next.add(plugin); // keeps its place in the install order
                    replaced = true;
                } else {
                    next.add(p);
                }
            }
            if (!replaced) {
                next.add(plugin);
            }
            write(indexFile(), next);
            removeFailures(id);
            LOG.info("plugin {} {} staged from {} ({}); it runs after the next framework restart", id, version, source,
                    replaced ? "replaces the staged one" : "new");
            return plugin;
        }
    }

    @Override
    public Optional<StoredPlugin> unstage(String id) throws IOException {
        synchronized (lock) {
            List<StoredPlugin> next = new ArrayList<>();
            StoredPlugin removed = null;
            for (StoredPlugin p : read(indexFile())) {
                if (p.id().equals(id)) {
                    removed = p;
                } else {
                    next.add(p);
                }
            }
            if (removed != null) {
                write(indexFile(), next);
                LOG.info("plugin {} {} unstaged; it is removed at the next framework restart", id, removed.version());
            }
            removeFailures(id);
            return Optional.ofNullable(removed);
        }
    }

    // ---- the launcher's side

    /** Records the set a framework is being started with. */
    void startingWith(List<StoredPlugin> plugins) {
        synchronized (lock) {
            running = List.copyOf(plugins);
        }
    }

    /** The last set that started cleanly; empty when none ever has. */
    List<StoredPlugin> lastGood() {
        synchronized (lock) {
            return read(lastGoodFile());
        }
    }

    /** The plugins of this set started cleanly: remember it as the set to roll back to. */
    void markGood(List<StoredPlugin> plugins) throws IOException {
        synchronized (lock) {
            if (!sameSet(plugins, read(lastGoodFile())) || !Files.exists(lastGoodFile())) {
                write(lastGoodFile(), plugins);
            }
        }
    }

    /**
     * Puts the last good set back as the staged set and records why, once per change that was rolled
     * back. Changes staged after {@code tried} was read are rolled back too: they were never started.
     */
    List<PluginFailure> rollBack(List<StoredPlugin> tried, String reason) throws IOException {
        synchronized (lock) {
            List<StoredPlugin> good = read(lastGoodFile());
            List<PluginFailure> recorded = new ArrayList<>();
            long now = System.currentTimeMillis();
            Map<String, StoredPlugin> before = byId(good);
            Map<String, StoredPlugin> after = byId(tried);
            for (StoredPlugin p : tried) {
                StoredPlugin old = before.get(p.id());
                if (old == null) {
                    recorded.add(new PluginFailure("install", p.id(), p.version(), p.sha256(), p.source(), reason, now));
                } else if (!old.sha256().equals(p.sha256()) || !old.jars().equals(p.jars())) {
                    recorded.add(new PluginFailure("update", p.id(), p.version(), p.sha256(), p.source(), reason, now));
                }
            }
            for (StoredPlugin old : good) {
                if (!after.containsKey(old.id())) {
                    recorded.add(new PluginFailure("uninstall", old.id(), old.version(), old.sha256(), old.source(), reason, now));
                }
            }
            write(indexFile(), good);
            List<PluginFailure> all = new ArrayList<>(failures());
            all.addAll(recorded);
            writeFailures(all);
            return recorded;
        }
    }

    /** Deletes store files no index refers to (left by updates, uninstalls and rollbacks). */
    void collectGarbage() {
        synchronized (lock) {
            Set<Path> keep = new HashSet<>();
            for (StoredPlugin p : read(indexFile())) {
                p.jars().forEach(j -> keep.add(j.toAbsolutePath().normalize()));
            }
            for (StoredPlugin p : read(lastGoodFile())) {
                p.jars().forEach(j -> keep.add(j.toAbsolutePath().normalize()));
            }
            running.forEach(p -> p.jars().forEach(j -> keep.add(j.toAbsolutePath().normalize())));
            try (Stream<Path> files = Files.list(storeDir())) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    if (!keep.contains(f.toAbsolutePath().normalize())) {
                        Files.deleteIfExists(f);
                        LOG.debug("plugin store: removed unused {}", f.getFileName());
                    }
                }
            } catch (IOException e) {
                LOG.warn("plugin store: cleaning {} failed: {}", storeDir(), e.toString());
            }
        }
    }

    static boolean sameSet(List<StoredPlugin> a, List<StoredPlugin> b) {
        return fingerprint(a).equals(fingerprint(b));
    }

    private static List<String> fingerprint(List<StoredPlugin> plugins) {
        return plugins.stream().map(p -> p.id() + "@" + p.sha256() + "@" + p.jars()).toList();
    }

    // ---- files

    private Path copyIntoStore(String id, String version, Path jar) throws IOException {
        String sha = Sha256.of(jar);
        String safe = (id + "-" + version).replaceAll("[^A-Za-z0-9._-]", "_");
        Path target = storeDir().resolve(safe + "-" + sha.substring(0, 16) + ".jar");
        if (Files.exists(target) && Sha256.of(target).equals(sha)) {
            return target;
        }
        Path tmp = Files.createTempFile(storeDir(), ".staging-", ".tmp");
        try {
            Files.copy(jar, tmp, StandardCopyOption.REPLACE_EXISTING);
            if (!Sha256.of(tmp).equals(sha)) {
                throw new IOException(jar + " changed while it was copied into the plugin store; try again");
            }
            AtomicFiles.move(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return target;
    }

    private List<StoredPlugin> read(Path file) {
        try {
            List<Entry> entries = json.readValue(file.toFile(), ENTRIES);
            List<StoredPlugin> out = new ArrayList<>();
            for (Entry e : entries) {
                out.add(new StoredPlugin(e.id(), e.version(), e.sha256(), e.source(),
                        e.jars().stream().map(dir::resolve).toList(), e.stagedAt()));
            }
            return List.copyOf(out);
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            return List.of();
        } catch (IOException e) {
            // Only a hand edit can do this (every write is atomic); running on without plugins beats not starting.
            LOG.error("{}: unreadable, treated as empty: {}", file, e.getMessage());
            return List.of();
        }
    }

    private void write(Path file, List<StoredPlugin> plugins) throws IOException {
        List<Entry> entries = new ArrayList<>();
        for (StoredPlugin p : plugins) {
            entries.add(new Entry(p.id(), p.version(), p.sha256(), p.source(),
                    p.jars().stream().map(j -> dir.relativize(j.toAbsolutePath().normalize()).toString()).toList(), p.stagedAt()));
        }
        AtomicFiles.write(file, json.writeValueAsBytes(entries));
    }

    private void writeFailures(List<PluginFailure> all) throws IOException {
        List<PluginFailure> kept = all.size() > MAX_FAILURES ? all.subList(all.size() - MAX_FAILURES, all.size()) : all;
        AtomicFiles.write(failuresFile(), json.writeValueAsBytes(kept));
    }

    private void removeFailures(String id) throws IOException {
        List<PluginFailure> all = failures();
        List<PluginFailure> kept = all.stream().filter(f -> !f.id().equals(id)).toList();
        if (kept.size() != all.size()) {
            writeFailures(kept);
        }
    }

    private static Map<String, StoredPlugin> byId(List<StoredPlugin> plugins) {
        Map<String, StoredPlugin> m = new LinkedHashMap<>();
        plugins.forEach(p -> m.put(p.id(), p));
        return m;
    }
}
