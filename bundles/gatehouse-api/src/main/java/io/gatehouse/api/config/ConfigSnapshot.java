package io.gatehouse.api.config;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * An immutable, parsed {@code gatehouse.json}, as returned by {@link ConfigService#current()}.
 *
 * <p>Consumers must not keep a snapshot past a reload: ask {@link ConfigService#current()} when the
 * value is needed, or react to the {@link ConfigService#HASH} property of the service changing.
 */
@ProviderType
public interface ConfigSnapshot {

    /** SHA-256 (hex) of the normalised config content. */
    String hash();

    /** The file this snapshot was read from. */
    Path source();

    /** Epoch milliseconds at which this snapshot was put in force. */
    long appliedAt();

    /**
     * The value at a dotted path ({@code gateway.port}, {@code agents.list}), as plain Java values:
     * {@link Map}, {@link java.util.List}, {@link String}, {@link Number}, {@link Boolean}; or empty.
     * A key that contains dots is written double-quoted, with {@code \"} and {@code \\} escapes
     * inside: {@code plugins.entries."io.gatehouse.example".enabled}.
     *
     * @throws IllegalArgumentException for a malformed path (an unterminated quote), naming the column
     */
    Optional<Object> get(String path);

    /** A top-level section as a map, empty if absent. */
    Map<String, Object> section(String name);

    /** The whole config as plain Java values (unmodifiable). */
    Map<String, Object> asMap();
}
