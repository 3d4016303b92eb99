package io.gatehouse.agents;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A workspace's {@code AGENTS.md}, re-read when its modification time or size changes. */
final class WorkspaceInstructions {
    static final String FILE = "AGENTS.md";
    static final int MAX_BYTES = 256 * 1024;

    private record Cached(long mtime, long size, String text) {
    }

    private final Map<Path, Cached> cache = new ConcurrentHashMap<>();

    /** The instructions of the workspace, or null when it has no AGENTS.md. */
    String read(Path workspace) throws IOException {
        if (workspace == null) {
            return null;
        }
        Path file = workspace.resolve(FILE);
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            cache.remove(file);
            return null;
        }
        if (!attrs.isRegularFile()) {
            return null;
        }
        long mtime = attrs.lastModifiedTime().toMillis();
        Cached c = cache.get(file);
        if (c != null && c.mtime() == mtime && c.size() == attrs.size()) {
            return c.text();
        }
        byte[] bytes = Files.readAllBytes(file);
        String text = new String(bytes, 0, Math.min(bytes.length, MAX_BYTES), StandardCharsets.UTF_8).strip();
        cache.put(file, new Cached(mtime, attrs.size(), text));
        return text;
    }

    void clear() {
        cache.clear();
    }
}
