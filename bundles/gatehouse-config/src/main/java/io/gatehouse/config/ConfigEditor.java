package io.gatehouse.config;

import java.nio.file.Path;

import io.gatehouse.api.config.ConfigError;
import io.gatehouse.api.config.ConfigException;

/** Surgical edits of the config text that keep the user's comments and key order. */
final class ConfigEditor {

    String set(Path file, String text, String path, Object value) throws ConfigException {
        throw new ConfigException(new ConfigError(file, 0, 0, path, "editing is not available yet"));
    }

    String unset(Path file, String text, String path) throws ConfigException {
        throw new ConfigException(new ConfigError(file, 0, 0, path, "editing is not available yet"));
    }
}
