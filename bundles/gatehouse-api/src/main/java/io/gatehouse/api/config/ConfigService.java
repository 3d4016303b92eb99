package io.gatehouse.api.config;

import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The door through which the config is read and reloaded.
 *
 * <p>The service carries the property {@link #HASH}, which changes with every applied reload, so DS
 * components react to a new config with an {@code updated} callback on their reference.
 */
@ProviderType
public interface ConfigService {

    /** Service property: {@link ConfigSnapshot#hash()} of the config in force. */
    String HASH = "gatehouse.config.hash";

    /** The config in force. */
    ConfigSnapshot current();

    /** The error of the last rejected load, if the last attempt failed. */
    Optional<ConfigError> lastError();

    /**
     * Re-reads the config file now. On success the new snapshot is in force when this returns;
     * on failure the last good config stays in force.
     *
     * @throws ConfigException naming file, line, column and reason
     */
    ConfigSnapshot reload() throws ConfigException;
}
