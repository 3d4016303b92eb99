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

/** A config service whose config in force the test replaces; every replacement has a new hash. */
public final class FakeConfigService implements ConfigService {
    private final AtomicInteger version = new AtomicInteger();
    private volatile ConfigSnapshot current;

    public FakeConfigService(Map<String, Object> config) {
        set(config);
    }

    public void set(Map<String, Object> config) {
        String hash = "hash-" + version.incrementAndGet();
        current = new ConfigSnapshot() {
            @Override
            public String hash() {
                return hash;
            }

            @Override
            public Path source() {
                return Path.of("gatehouse.json");
            }

            @Override
            public long appliedAt() {
                return 0;
            }

            @Override
            public Optional<Object> get(String path) {
                Object at = config;
                for (String k : path.split("\\.")) {
                    if (!(at instanceof Map<?, ?> m) || !m.containsKey(k)) {
                        return Optional.empty();
                    }
                    at = m.get(k);
                }
                return Optional.ofNullable(at);
            }

            @Override
            @SuppressWarnings("unchecked")
            public Map<String, Object> section(String name) {
                return config.get(name) instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
            }

            @Override
            public Map<String, Object> asMap() {
                return config;
            }
        };
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
