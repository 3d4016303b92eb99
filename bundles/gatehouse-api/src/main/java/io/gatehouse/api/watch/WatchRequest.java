package io.gatehouse.api.watch;

import java.nio.file.Path;
import java.util.List;

/**
 * What to watch.
 *
 * @param name       owner's name for logs and thread names ({@code config}, {@code skills}, ...)
 * @param path       a file (its folder is watched, and each folder on its symlink chain) or a folder
 * @param recursive  for a folder: include sub folders, also those created later
 * @param ignore     glob patterns matched against file names; {@link #DEFAULT_IGNORE} when null
 * @param debounceMs quiet time after the last event before the batch is delivered
 * @param pollOnlyMs when &gt; 0, do not use the OS notification service: poll at this interval
 */
public record WatchRequest(String name, Path path, boolean recursive, List<String> ignore, long debounceMs,
        long pollOnlyMs) {

    /** Editor and download leftovers that never count as changes. */
    public static final List<String> DEFAULT_IGNORE = List.of(".*", "*~", "*.swp", "*.swx", "*.tmp", "*.part",
            "*.crdownload", "4913");

    public WatchRequest {
        ignore = ignore == null ? DEFAULT_IGNORE : List.copyOf(ignore);
        if (debounceMs < 0 || pollOnlyMs < 0) {
            throw new IllegalArgumentException("debounceMs and pollOnlyMs must not be negative");
        }
    }

    /** A single file, following symlinks, with the default ignore list. */
    public static WatchRequest file(String name, Path file, long debounceMs) {
        return new WatchRequest(name, file, false, null, debounceMs, 0);
    }

    /** A folder tree with the default ignore list. */
    public static WatchRequest tree(String name, Path folder, long debounceMs) {
        return new WatchRequest(name, folder, true, null, debounceMs, 0);
    }

    public WatchRequest polling(long intervalMs) {
        return new WatchRequest(name, path, recursive, ignore, debounceMs, intervalMs);
    }
}
