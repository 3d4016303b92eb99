package io.gatehouse.api.config;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The gateway configuration in force: an immutable, parsed {@code gatehouse.json}.
 *
 * <p>Registered as a service by the config bundle; a reload replaces the service properties
 * ({@link #HASH}) and the object returned by the service. Consumers must not keep a snapshot past a
 * reload: read the live service, or react to its modification.
 */
@ProviderType
public interface ConfigSnapshot {

    /** Service property: {@link #hash()} of the snapshot in force. */
    String HASH = "gatehouse.config.hash";

    /** SHA-256 (hex) of the normalised config content. */
    String hash();

    /** The file this snapshot was read from. */
    Path source();

    /** Epoch milliseconds at which this snapshot was put in force. */
    long appliedAt();

    /**
     * The value at a dotted path ({@code gateway.port}, {@code agents.list}), as plain Java values:
     * {@link Map}, {@link java.util.List}, {@link String}, {@link Number}, {@link Boolean}; or empty.
     */
    Optional<Object> get(String path);

    /** A top-level section as a map, empty if absent. */
    Map<String, Object> section(String name);

    /** The whole config as plain Java values (unmodifiable). */
    Map<String, Object> asMap();
}
