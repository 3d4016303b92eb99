package io.gatehouse.support.config;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.gatehouse.api.config.ConfigSnapshot;

/**
 * An immutable parsed config: the snapshot the config pipeline publishes, and the one test doubles of
 * {@code ConfigService} hand out, so both look values up the same way (dotted paths with quoted keys).
 */
public class ConfigTree implements ConfigSnapshot {
    private final Map<String, Object> root;
    private final String hash;
    private final Path source;
    private final long appliedAt;

    public ConfigTree(Map<String, Object> root, String hash, Path source, long appliedAt) {
        this.root = deepUnmodifiable(root);
        this.hash = hash;
        this.source = source;
        this.appliedAt = appliedAt;
    }

    @Override
    public final String hash() {
        return hash;
    }

    @Override
    public final Path source() {
        return source;
    }

    @Override
    public final long appliedAt() {
        return appliedAt;
    }

    @Override
    public final Optional<Object> get(String path) {
        Object at = root;
        // keys with dots are quoted: plugins.entries."io.gatehouse.example".enabled
        for (String key : DottedPath.split(path)) {
            if (!(at instanceof Map<?, ?> m) || !m.containsKey(key)) {
                return Optional.empty();
            }
            at = m.get(key);
        }
        return Optional.ofNullable(at);
    }

    @Override
    @SuppressWarnings("unchecked")
    public final Map<String, Object> section(String name) {
        Object s = root.get(name);
        return s instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    @Override
    public final Map<String, Object> asMap() {
        return root;
    }

    @SuppressWarnings("unchecked")
    private static <T> T deepUnmodifiable(T value) {
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> copy = new LinkedHashMap<>();
            m.forEach((k, v) -> copy.put(String.valueOf(k), deepUnmodifiable(v)));
            return (T) Collections.unmodifiableMap(copy);
        }
        if (value instanceof List<?> l) {
            return (T) Collections.unmodifiableList(l.stream().map(ConfigTree::deepUnmodifiable).toList());
        }
        return value;
    }

    @Override
    public String toString() {
        return "ConfigSnapshot[" + source + " " + hash.substring(0, Math.min(12, hash.length())) + "]";
    }
}
