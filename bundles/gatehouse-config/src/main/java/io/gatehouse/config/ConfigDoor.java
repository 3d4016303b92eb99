package io.gatehouse.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.gatehouse.api.config.ConfigException;
import io.gatehouse.api.config.ConfigReloadEvent;
import io.gatehouse.api.config.ConfigService;

/**
 * What the doors inside this bundle (Config Admin, the shell) need of the pipeline beyond the public
 * {@link ConfigService}. A service of this bundle's private package, registered by the pipeline beside
 * {@link ConfigService}, so no door casts the public service to its implementation.
 */
public interface ConfigDoor extends ConfigService {

    /** The file's values (before {@code ${ENV}} substitution) of the config in force. */
    Map<String, Object> currentRaw();

    /** The config file. */
    Path file();

    /** Several edits written as one: one file write, one reload; a {@code null} value removes the path. */
    ConfigReloadEvent editAll(Map<String, Object> setOrUnset, String source) throws ConfigException;

    /** The findings (errors and warnings, with positions) of a file, without applying it. */
    List<String> validateFile(Path file) throws ConfigException;

    /** Top-level names a config may use now (owned, declared, the pipeline's own, ignored). */
    Set<String> topLevelNames();
}
