package io.gatehouse.testsupport;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import io.gatehouse.api.config.ConfigError;
import io.gatehouse.api.config.ConfigReloadEvent;
import io.gatehouse.api.config.ConfigService;
import io.gatehouse.api.config.ConfigSnapshot;
import io.gatehouse.api.config.ReloadPlan;
import io.gatehouse.support.config.ConfigTree;

/** A config service whose config in force the test replaces; every replacement has a new hash. Its snapshots are the production {@link ConfigTree}. */
public final class FakeConfigService implements ConfigService {
    private final AtomicInteger version = new AtomicInteger();
    private volatile ConfigSnapshot current;

    public FakeConfigService(Map<String, Object> config) {
        set(config);
    }

    public void set(Map<String, Object> config) {
        String hash = "hash-" + version.incrementAndGet();
        // the production snapshot: the same path lookup (quoted keys) and immutability as the real service
        current = new ConfigTree(config, hash, Path.of("gatehouse.json"), 0);
    }

    @Override
    public ConfigSnapshot current() {
        return current;
    }

    @Override
    public Optional<ConfigError> lastError() {
        return Optional.empty();
    }

    @Override
    public ConfigSnapshot reload() {
        return current;
    }

    @Override
    public ConfigReloadEvent set(String path, Object value, String source) {
        throw new UnsupportedOperationException();
    }

    @Override
    public ConfigReloadEvent unset(String path, String source) {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<ConfigReloadEvent> history() {
        return List.of();
    }

    @Override
    public ReloadPlan plan(List<String> changedPaths) {
        throw new UnsupportedOperationException();
    }
}
