package io.gatehouse.itests.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.gatehouse.launcher.api.PluginFailure;
import io.gatehouse.launcher.api.PluginStore;
import io.gatehouse.launcher.api.StoredPlugin;

/**
 * The launcher's plugin store as seen from the framework: jars copied into a folder, the index in
 * memory. Tests set the running set and failures directly, as a framework start or a rollback would.
 */
public final class TestPluginStore implements PluginStore {
    private final Path dir;
    private final List<StoredPlugin> staged = new ArrayList<>(); // guarded by this
    private final List<StoredPlugin> running = new ArrayList<>(); // guarded by this
    private final List<PluginFailure> failures = new ArrayList<>(); // guarded by this

    public TestPluginStore(Path dir) throws IOException {
        this.dir = Files.createDirectories(dir);
    }

    @Override
    public synchronized List<StoredPlugin> staged() {
        return List.copyOf(staged);
    }

    @Override
    public synchronized List<StoredPlugin> running() {
        return List.copyOf(running);
    }

    @Override
    public synchronized List<PluginFailure> failures() {
        return List.copyOf(failures);
    }

    @Override
    public synchronized StoredPlugin stage(String id, String version, String sha256, String source, List<Path> jars)
            throws IOException {
        List<Path> copies = new ArrayList<>();
        int i = 0;
        for (Path jar : jars) {
            Path copy = dir.resolve(sha256.substring(0, Math.min(16, sha256.length())) + "-" + (i++) + ".jar");
            Files.copy(jar, copy, StandardCopyOption.REPLACE_EXISTING);
            copies.add(copy);
        }
        StoredPlugin p = new StoredPlugin(id, version, sha256, source, copies, System.currentTimeMillis());
        staged.removeIf(s -> s.id().equals(id));
        staged.add(p);
        failures.removeIf(f -> f.id().equals(id));
        return p;
    }

    @Override
    public synchronized Optional<StoredPlugin> unstage(String id) {
        Optional<StoredPlugin> p = staged.stream().filter(s -> s.id().equals(id)).findFirst();
        staged.removeIf(s -> s.id().equals(id));
        failures.removeIf(f -> f.id().equals(id));
        return p;
    }

    /** As a framework start with the staged set would leave it. */
    public synchronized void setRunning(List<StoredPlugin> set) {
        running.clear();
        running.addAll(set);
    }

    /** Makes an entry both staged and running, as after a restart that installed it. */
    public synchronized void putInstalled(StoredPlugin p) {
        staged.removeIf(s -> s.id().equals(p.id()));
        staged.add(p);
        running.removeIf(s -> s.id().equals(p.id()));
        running.add(p);
    }

    public synchronized void addFailure(PluginFailure f) {
        failures.add(f);
    }

    /** Forgets everything (between tests). */
    public synchronized void clear() {
        staged.clear();
        running.clear();
        failures.clear();
    }

    public Path dir() {
        return dir;
    }
}
