package io.gatehouse.skills.load;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Which file events count for skills, as the reference decides them ({@code shouldIgnoreSkillsWatchPath}):
 * a path with one of {@link #IGNORED_SEGMENTS} as a segment never counts; otherwise a directory, or a
 * path that no longer exists, counts; a file counts only when it is named {@code SKILL.md}.
 */
public final class WatchPaths {
    /** Folders whose content never holds skills (the reference's {@code DEFAULT_SKILLS_WATCH_IGNORED}). */
    public static final List<String> IGNORED_SEGMENTS = List.of(".git", "node_modules", "dist", ".venv", "venv",
            "__pycache__", ".mypy_cache", ".pytest_cache", "build", ".cache");
    public static final String SKILL_FILE = "SKILL.md";

    private static final List<Pattern> PATTERNS = IGNORED_SEGMENTS.stream()
            .map(s -> Pattern.compile("(^|[\\\\/])" + Pattern.quote(s) + "([\\\\/]|$)")).toList();

    /** What the path is on disk when the event is looked at. */
    public enum Kind {
        FILE, DIR, NO_STATS
    }

    private WatchPaths() {
    }

    /** Whether one of the ignored folder names is a segment of the path ({@code /} or {@code \} separated). */
    public static boolean defaultIgnoredMatches(String path) {
        for (Pattern p : PATTERNS) {
            if (p.matcher(path).find()) {
                return true;
            }
        }
        return false;
    }

    /** Whether an event on {@code path} is ignored. */
    public static boolean shouldIgnore(String path, Kind kind) {
        if (defaultIgnoredMatches(path)) {
            return true;
        }
        if (kind != Kind.FILE) {
            return false;
        }
        String normalized = path.replace('\\', '/');
        int slash = normalized.lastIndexOf('/');
        return !SKILL_FILE.equals(normalized.substring(slash + 1));
    }

    /** Whether a folder name is skipped when looking for skills (ignored names and dot folders). */
    public static boolean skipFolder(String name) {
        return name.startsWith(".") || IGNORED_SEGMENTS.contains(name);
    }
}
