package io.gatehouse.api.config;

import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/** The door through which the config is read and reloaded. */
@ProviderType
public interface ConfigService {

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
