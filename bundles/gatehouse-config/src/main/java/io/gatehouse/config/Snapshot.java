package io.gatehouse.config;

import java.nio.file.Path;
import java.util.Map;

import io.gatehouse.support.config.ConfigTree;

/** An immutable parsed config: the shared {@link ConfigTree} (test doubles of ConfigService use it too). */
final class Snapshot extends ConfigTree {
    Snapshot(Map<String, Object> root, String hash, Path source, long appliedAt) {
        super(root, hash, source, appliedAt);
    }
}
