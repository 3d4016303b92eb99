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

    /**
     * Moves the gateway socket to {@code to} now, without a framework restart: the {@link ListeningSocket}
     * service keeps handing out connections (from the new address), connections already taken are not
     * touched. Another port is bound before the old one is closed; the same port at another address
     * closes the old socket first (the kernel refuses the second bind otherwise). Port 0 means "any
     * port": a socket on the same host does not move. The gateway bundle calls this with the address the
     * config in force names, so the socket and the config never disagree for longer than a failed move,
     * which it reports.
     *
     * @return the address the gateway socket listens on afterwards
     * @throws java.io.IOException why it cannot listen at {@code to} (in use, not an address of this
     *                             host); the socket then listens where it did
     */
    default java.net.InetSocketAddress moveGatewaySocket(java.net.InetSocketAddress to) throws java.io.IOException {
        throw new java.io.IOException("this launcher cannot move the gateway socket");
    }
}
