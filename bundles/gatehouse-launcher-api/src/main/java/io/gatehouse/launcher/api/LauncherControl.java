package io.gatehouse.launcher.api;

import java.nio.file.Path;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The launcher that owns this framework: restart requests and facts about the running process.
 */
@ProviderType
public interface LauncherControl {

    /**
     * Asks for a framework restart. Requests are coalesced: every request made before the restart
     * begins is served by the same restart. The call returns at once; the restart happens on the
     * launcher's own thread after in-flight work drains (bounded).
     *
     * @param reason why, for the log and {@code gateway:status}; never null
     * @return the number the restart will have (the value {@link #restartCount()} reaches when it is done)
     */
    long requestRestart(String reason);

    /** Framework restarts completed since the process started. */
    long restartCount();

    /** Reason of the last completed restart, if any. */
    Optional<String> lastRestartReason();

    /** Epoch milliseconds at which the launcher process started. */
    long processStartedAt();

    /** Epoch milliseconds at which the current framework instance started. */
    long frameworkStartedAt();

    /** The gateway home directory ({@code bin/}, {@code etc/}, {@code data/}, ...). */
    Path home();

    /** The config file in force, normally {@code etc/gatehouse.json}. */
    Path configFile();
}
