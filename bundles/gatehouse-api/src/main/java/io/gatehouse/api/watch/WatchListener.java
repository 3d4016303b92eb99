package io.gatehouse.api.watch;

import java.nio.file.Path;
import java.util.Set;

import org.osgi.annotation.versioning.ConsumerType;

/** Receives debounced batches of changes, one batch at a time, on the watch's own thread. */
@ConsumerType
public interface WatchListener {

    /**
     * Something changed.
     *
     * @param changed for a file watch, the watched file; for a folder watch, the changed paths
     *                (created, modified or deleted); the folder itself when events were lost
     */
    void changed(Set<Path> changed);

    /** The watch degraded (e.g. fell back to polling) or hit an error; it keeps running. */
    default void problem(String message) {
    }
}
