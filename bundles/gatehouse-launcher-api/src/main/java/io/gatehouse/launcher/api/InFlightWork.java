package io.gatehouse.launcher.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Work that a graceful stop or restart waits for.
 *
 * <p>Bundles that hold client work (HTTP requests, agent turns, pending replies) register this as a
 * service. Before stopping the framework the launcher calls {@link #beginDrain()} on each, then polls
 * {@link #pending()} until every one reports zero or the drain timeout passes.
 */
@ConsumerType
public interface InFlightWork {

    /** A short name for logs, e.g. {@code http} or {@code agent-turns}. */
    String name();

    /** Units of work still running. */
    int pending();

    /**
     * The framework is about to stop: accept no new long-lived work (for HTTP: close connections
     * after their current response). Called once per stop.
     */
    void beginDrain();
}
