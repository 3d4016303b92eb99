package io.gatehouse.config;

import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.gatehouse.api.config.ConfigSnapshot;
import io.gatehouse.config.edit.Paths;

/** An immutable parsed config. */
final class Snapshot implements ConfigSnapshot {
    private final Map<String, Object> root;
    private final String hash;
    private final Path source;
    private final long appliedAt;

    Snapshot(Map<String, Object> root, String hash, Path source, long appliedAt) {
        this.root = deepUnmodifiable(root);
        this.hash = hash;
        this.source = source;
        this.appliedAt = appliedAt;
    }

    @Override
    public String hash() {
        return hash;
    }

    @Override
    public Path source() {
        return source;
    }

    @Override
    public long appliedAt() {
        return appliedAt;
    }

    @Override
    public Optional<Object> get(String path) {
        Object at = root;
        // keys with dots are quoted: plugins.entries."io.gatehouse.example".enabled
        for (String key : Paths.split(path)) {
            if (!(at instanceof Map<?, ?> m) || !m.containsKey(key)) {
                return Optional.empty();
            }
            at = m.get(key);
        }
        return Optional.ofNullable(at);
    }

    @Override
    @SuppressWarnings("unchecked")
    public Map<String, Object> section(String name) {
        Object s = root.get(name);
        return s instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    @Override
    public Map<String, Object> asMap() {
        return root;
    }

    @SuppressWarnings("unchecked")
    private static <T> T deepUnmodifiable(T value) {
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> copy = new java.util.LinkedHashMap<>();
            m.forEach((k, v) -> copy.put(String.valueOf(k), deepUnmodifiable(v)));
            return (T) Collections.unmodifiableMap(copy);
        }
        if (value instanceof List<?> l) {
            return (T) Collections.unmodifiableList(l.stream().map(Snapshot::deepUnmodifiable).toList());
        }
        return value;
    }

    @Override
    public String toString() {
        return "ConfigSnapshot[" + source + " " + hash.substring(0, Math.min(12, hash.length())) + "]";
    }
}
