package io.gatehouse.skills.load;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Finds and reads the skills of a root. A folder root is either one skill (it holds a SKILL.md) or is
 * searched for skill folders: every folder with a SKILL.md is a skill (its sub folders are not searched),
 * at most {@link #MAX_DEPTH} levels down, so repo-style nests ({@code <root>/<bundle>/skills/<name>/SKILL.md})
 * load too; dot folders and the ignored folder names are skipped. A symlink to a skill folder is followed.
 *
 * <p>Files are re-read only when their modification time, size or identity changed (or when told they
 * changed), so rescanning a root is mostly {@code stat} calls. Not thread-safe: one refresh at a time.
 */
public final class RootScanner {
    public static final int MAX_DEPTH = 6;

    /** Limits of one scan. */
    public record Limits(long maxFileBytes, int maxCandidates) {
    }

    /** A SKILL.md inside a plugin jar. */
    public record PluginFile(String entryPath, byte[] content) {
    }

    private sealed interface Result permits Ok, Failed {
    }

    private record Ok(ParsedSkill skill, String hash) implements Result {
    }

    private record Failed(int line, int column, String reason) implements Result {
    }

    private record Cached(FileTime mtime, long size, Object key, Result result, Ok lastGood) {
    }

    private final Map<Path, Cached> cache = new HashMap<>();
    private final long settleMs;

    /** @param settleMs a SKILL.md that fails to load and was modified less than this long ago is still being written */
    public RootScanner(long settleMs) {
        this.settleMs = settleMs;
    }

    /** Scans a folder root; {@code changed} are files to read again whatever their attributes say. */
    public RootScan scanFolder(Root root, Limits limits, Set<Path> changed) {
        Path dir = root.dir();
        if (!Files.isDirectory(dir)) {
            return new RootScan(root, false, List.of(), List.of(), List.of());
        }
        List<Problem> problems = new ArrayList<>();
        List<Path> candidates = candidates(dir, problems);
        if (candidates.size() > limits.maxCandidates()) {
            problems.add(new Problem(dir.toString(), 0, 0, candidates.size() + " skill folders, more than skills.limits.maxCandidatesPerRoot ("
                    + limits.maxCandidates() + "): the rest are not loaded"));
            candidates = candidates.subList(0, limits.maxCandidates());
        }
        long now = System.currentTimeMillis();
        Map<String, SkillEntry> byName = new LinkedHashMap<>();
        List<Path> unsettled = new ArrayList<>();
        for (Path file : candidates) {
            Result r = read(file, limits, changed.contains(file));
            if (r == null) {
                continue; // deleted since it was listed
            }
            Ok ok = null;
            if (r instanceof Failed f) {
                Cached c = cache.get(file);
                boolean recent = c != null && c.mtime() != null && now - c.mtime().toMillis() < settleMs;
                if (recent) {
                    unsettled.add(file);
                    ok = c.lastGood(); // the last good version stays until the file settles
                } else {
                    problems.add(new Problem(file.toString(), f.line(), f.column(), f.reason()));
                }
            } else {
                ok = (Ok) r;
            }
            if (ok != null) {
                add(byName, new SkillEntry(ok.skill(), root, file.toString(), file, null, ok.hash()), problems);
            }
        }
        return new RootScan(root, true, new ArrayList<>(byName.values()), problems, unsettled);
    }

    /** Scans the SKILL.md entries of a plugin (already read from its jar). */
    public RootScan scanPlugin(Root root, List<PluginFile> files, Limits limits) {
        List<Problem> problems = new ArrayList<>();
        Map<String, SkillEntry> byName = new LinkedHashMap<>();
        List<PluginFile> sorted = new ArrayList<>(files);
        sorted.sort((a, b) -> a.entryPath().compareTo(b.entryPath()));
        for (PluginFile pf : sorted) {
            String location = "plugin:" + root.bundle() + "!/" + pf.entryPath();
            if (pf.content().length > limits.maxFileBytes()) {
                problems.add(new Problem(location, 0, 0, tooBig(pf.content().length, limits)));
                continue;
            }
            try {
                ParsedSkill s = SkillParser.parse(decode(pf.content()), location);
                add(byName, new SkillEntry(s, root, location, null, pf.entryPath(), hash(pf.content())), problems);
            } catch (SkillFormatException e) {
                problems.add(new Problem(location, e.line(), e.column(), e.reason()));
            } catch (CharacterCodingException e) {
                problems.add(new Problem(location, 0, 0, "not UTF-8 text"));
            }
        }
        return new RootScan(root, true, new ArrayList<>(byName.values()), problems, List.of());
    }

    /** Forgets cached files that are not under any of the given folders. */
    public void retainUnder(Set<Path> dirs) {
        cache.keySet().removeIf(p -> dirs.stream().noneMatch(p::startsWith));
    }

    private static void add(Map<String, SkillEntry> byName, SkillEntry e, List<Problem> problems) {
        SkillEntry first = byName.get(e.name());
        if (first != null) {
            problems.add(new Problem(e.location(), 0, 0, "duplicate skill name \"" + e.name() + "\" (already loaded from "
                    + first.location() + "): skipped"));
            return;
        }
        byName.put(e.name(), e);
    }

    private static List<Path> candidates(Path dir, List<Problem> problems) {
        List<Path> out = new ArrayList<>();
        Path own = dir.resolve(WatchPaths.SKILL_FILE);
        if (Files.isRegularFile(own)) {
            out.add(own);
            return out;
        }
        try {
            Files.walkFileTree(dir, EnumSet.noneOf(java.nio.file.FileVisitOption.class), MAX_DEPTH, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                    if (d.equals(dir)) {
                        return FileVisitResult.CONTINUE;
                    }
                    if (WatchPaths.skipFolder(d.getFileName().toString())) {
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    Path skill = d.resolve(WatchPaths.SKILL_FILE);
                    if (Files.isRegularFile(skill)) {
                        out.add(skill);
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
                    // a symlink to a skill folder (not followed further)
                    if (attrs.isSymbolicLink() && !WatchPaths.skipFolder(f.getFileName().toString()) && Files.isDirectory(f)) {
                        Path skill = f.resolve(WatchPaths.SKILL_FILE);
                        if (Files.isRegularFile(skill)) {
                            out.add(skill);
                        }
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path f, IOException e) {
                    if (!(e instanceof java.nio.file.NoSuchFileException)) {
                        problems.add(new Problem(f.toString(), 0, 0, "cannot read: " + e.getClass().getSimpleName()
                                + (e.getMessage() == null ? "" : " " + e.getMessage())));
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            problems.add(new Problem(dir.toString(), 0, 0, "cannot list: " + e));
        }
        out.sort((a, b) -> a.toString().compareTo(b.toString()));
        return out;
    }

    private Result read(Path file, Limits limits, boolean force) {
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (java.nio.file.NoSuchFileException e) {
            cache.remove(file);
            return null;
        } catch (IOException e) {
            cache.remove(file);
            return new Failed(0, 0, "cannot read: " + e.getClass().getSimpleName());
        }
        Cached c = cache.get(file);
        if (!force && c != null && Objects.equals(c.mtime(), attrs.lastModifiedTime()) && c.size() == attrs.size()
                && Objects.equals(c.key(), attrs.fileKey())) {
            return c.result();
        }
        Ok lastGood = c == null ? null : c.lastGood();
        Result r;
        if (attrs.size() > limits.maxFileBytes()) {
            r = new Failed(0, 0, tooBig(attrs.size(), limits));
        } else {
            try {
                byte[] bytes = Files.readAllBytes(file);
                r = new Ok(SkillParser.parse(decode(bytes), file.toString()), hash(bytes));
            } catch (SkillFormatException e) {
                r = new Failed(e.line(), e.column(), e.reason());
            } catch (CharacterCodingException e) {
                r = new Failed(0, 0, "not UTF-8 text");
            } catch (IOException e) {
                r = new Failed(0, 0, "cannot read: " + e.getClass().getSimpleName());
            }
        }
        cache.put(file, new Cached(attrs.lastModifiedTime(), attrs.size(), attrs.fileKey(), r,
                r instanceof Ok ok ? ok : lastGood));
        return r;
    }

    private static String tooBig(long size, Limits limits) {
        return "SKILL.md is " + size + " bytes, more than skills.limits.maxSkillFileBytes (" + limits.maxFileBytes() + ")";
    }

    static String decode(byte[] bytes) throws CharacterCodingException {
        return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    }

    public static String hash(byte[] bytes) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(bytes);
            return java.util.HexFormat.of().formatHex(d, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
