package io.gatehouse.api.config;

import java.util.List;
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

    /**
     * Sets the value at a dotted path, writing it into the config file (keeping comments and key
     * order) and applying it through the same pipeline as a file edit.
     *
     * @param value  plain Java value (Map, List, String, Number, Boolean, null)
     * @param source who asks, for the log and history ({@code shell}, {@code config-admin}, {@code plugins})
     * @return the outcome of the reload the edit caused
     * @throws ConfigException when the edit cannot be made safely or the result is invalid; the file
     *                         and the running config are then unchanged
     */
    ConfigReloadEvent set(String path, Object value, String source) throws ConfigException;

    /** Removes the value at a dotted path; otherwise as {@link #set}. */
    ConfigReloadEvent unset(String path, String source) throws ConfigException;

    /** The last reload attempts, oldest first (at most 50). */
    List<ConfigReloadEvent> history();

    /** The plan the given changed paths would produce now (dry run). */
    ReloadPlan plan(List<String> changedPaths);

    /** Every config section known now: its owner and state ({@link ConfigSection} whiteboard). */
    default List<SectionState> sections() {
        return List.of();
    }

    /**
     * Errors that section owners found in the config in force after it was applied (an owner that
     * started later); empty when the config in force passes every owner's check.
     */
    default List<String> inForceIssues() {
        return List.of();
    }

    /**
     * Changes that are in the file or in force but not yet running, each as {@code path: why}: a change
     * that only a framework restart applies (waiting for that restart, or not carried out because
     * {@code gateway.reload.mode} is {@code hot}), or a change not applied because the mode is {@code off}.
     * Derived from the config the framework started with and the config in force; empty when every
     * change is running.
     */
    default List<String> pendingRestart() {
        return List.of();
    }
}
