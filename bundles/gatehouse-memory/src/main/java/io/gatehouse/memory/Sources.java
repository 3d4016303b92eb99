package io.gatehouse.memory;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.gatehouse.api.memory.MemorySearch;

/**
 * Where an agent's memory comes from: {@code <workspace>/MEMORY.md} and {@code memory.md},
 * {@code <workspace>/memory/**}{@code /*.md}, the extra paths, and (when configured) the session
 * transcripts. Folders named {@code .git}, {@code node_modules}, {@code .pnpm-store}, {@code .venv},
 * {@code venv}, {@code .tox}, {@code __pycache__} are skipped, and so are symlinks that lead out of the
 * workspace and the extra paths (or to a folder).
 *
 * @param workspace   the agent's workspace, or null when it has none
 * @param extra       extra paths (absolute; folders or .md files)
 * @param sessionsDir the agent's transcript folder, or null when transcripts are not a source
 * @param memory      whether memory files are a source
 */
record Sources(Path workspace, List<Path> extra, Path sessionsDir, boolean memory) {
    static final Set<String> IGNORED = Set.of(".git", "node_modules", ".pnpm-store", ".venv", "venv", ".tox", "__pycache__");

    /** A file to index: its absolute path, its key in the index, its source. */
    record SourceFile(Path abs, String key, String source) {
    }

    Path memoryDir() {
        return workspace == null ? null : workspace.resolve("memory");
    }

    /** Every source file now, by key. */
    Map<String, SourceFile> scan() {
        Map<String, SourceFile> out = new LinkedHashMap<>();
        Set<Path> seen = new HashSet<>();
        List<Path> roots = realRoots();
        if (memory && workspace != null) {
            for (String name : new String[] {"MEMORY.md", "memory.md"}) {
                addFile(workspace.resolve(name), roots, seen, out);
            }
            walk(memoryDir(), roots, seen, out);
            for (Path p : extra) {
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    walk(p, roots, seen, out);
                } else {
                    addFile(p, roots, seen, out);
                }
            }
        } else if (memory) {
            for (Path p : extra) {
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    walk(p, roots, seen, out);
                } else {
                    addFile(p, roots, seen, out);
                }
            }
        }
        if (sessionsDir != null && Files.isDirectory(sessionsDir)) {
            try (DirectoryStream<Path> s = Files.newDirectoryStream(sessionsDir, "*.jsonl")) {
                for (Path p : s) {
                    if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                        SourceFile f = new SourceFile(p, sessionKey(p), MemorySearch.SOURCE_SESSIONS);
                        out.put(f.key(), f);
                    }
                }
            } catch (IOException gone) {
                // no transcripts
            }
        }
        return out;
    }

    /**
     * What a changed path is: a source file (existing or not: a deleted file's key is what to remove),
     * or null when it is none of ours.
     */
    SourceFile classify(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        if (sessionsDir != null && sessionsDir.equals(abs.getParent()) && abs.getFileName().toString().endsWith(".jsonl")) {
            return new SourceFile(abs, sessionKey(abs), MemorySearch.SOURCE_SESSIONS);
        }
        if (!memory || !abs.getFileName().toString().endsWith(".md")) {
            return null;
        }
        boolean ours = false;
        if (workspace != null) {
            ours = abs.equals(workspace.resolve("MEMORY.md")) || abs.equals(workspace.resolve("memory.md"))
                    || (abs.startsWith(memoryDir()) && !ignoredBelow(memoryDir(), abs));
        }
        for (Path e : extra) {
            ours |= abs.equals(e) || (abs.startsWith(e) && !ignoredBelow(e, abs));
        }
        if (!ours) {
            return null;
        }
        if (Files.isSymbolicLink(abs) && !insideRoots(abs, realRoots())) {
            return null;
        }
        return new SourceFile(abs, memoryKey(abs), MemorySearch.SOURCE_MEMORY);
    }

    /** The folders under a root that hold source files now (for a changed folder). */
    List<SourceFile> under(Path dir) {
        Map<String, SourceFile> out = new LinkedHashMap<>();
        walk(dir, realRoots(), new HashSet<>(), out);
        return new ArrayList<>(out.values());
    }

    private static boolean ignoredBelow(Path root, Path abs) {
        Path rel = root.relativize(abs);
        for (int i = 0; i < rel.getNameCount() - 1; i++) {
            if (IGNORED.contains(rel.getName(i).toString())) {
                return true;
            }
        }
        return false;
    }

    String memoryKey(Path abs) {
        if (workspace != null && abs.startsWith(workspace)) {
            return workspace.relativize(abs).toString().replace('\\', '/');
        }
        return abs.toString().replace('\\', '/');
    }

    static String sessionKey(Path abs) {
        return "sessions/" + abs.getFileName();
    }

    private List<Path> realRoots() {
        List<Path> roots = new ArrayList<>();
        if (workspace != null) {
            roots.add(real(workspace));
        }
        for (Path e : extra) {
            roots.add(real(e));
        }
        return roots;
    }

    private static Path real(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p;
        }
    }

    private static boolean insideRoots(Path p, List<Path> roots) {
        Path r = real(p);
        for (Path root : roots) {
            if (r.startsWith(root)) {
                return true;
            }
        }
        return false;
    }

    private void addFile(Path p, List<Path> roots, Set<Path> seen, Map<String, SourceFile> out) {
        if (!p.getFileName().toString().endsWith(".md")) {
            return;
        }
        if (Files.isSymbolicLink(p)) {
            if (!insideRoots(p, roots) || !Files.isRegularFile(p)) {
                return;
            }
        } else if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (seen.add(real(p))) {
            SourceFile f = new SourceFile(p, memoryKey(p), MemorySearch.SOURCE_MEMORY);
            out.putIfAbsent(f.key(), f);
        }
    }

    private void walk(Path dir, List<Path> roots, Set<Path> seen, Map<String, SourceFile> out) {
        if (dir == null || !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            s.forEach(entries::add);
        } catch (IOException e) {
            return;
        }
        entries.sort(null);
        for (Path p : entries) {
            String name = p.getFileName().toString();
            if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                if (!IGNORED.contains(name)) {
                    walk(p, roots, seen, out);
                }
            } else {
                addFile(p, roots, seen, out);
            }
        }
    }
}
