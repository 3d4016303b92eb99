package io.gatehouse.api.watch;

import java.io.IOException;

import org.osgi.annotation.versioning.ProviderType;

/** Starts watches. Each caller owns the watches it starts. */
@ProviderType
public interface FileWatchService {

    /**
     * Starts watching. Never fails because the OS notification service is unavailable or full: the
     * watch then polls and reports the downgrade through {@link WatchListener#problem}.
     *
     * @throws IOException when the path cannot be watched at all (e.g. a folder that does not exist)
     */
    FileWatch watch(WatchRequest request, WatchListener listener) throws IOException;
}
