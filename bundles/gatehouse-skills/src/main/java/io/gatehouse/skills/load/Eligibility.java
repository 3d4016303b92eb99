package io.gatehouse.skills.load;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Whether a skill may be used here, as the reference decides it ({@code shouldIncludeSkill}):
 * {@code skills.entries.<key>.enabled: false} turns it off; a plugin-shipped skill must be in
 * {@code skills.allowBundled} when that is set; its {@code os} must include this platform; then
 * {@code always: true} makes it eligible; else every {@code requires.bins} on PATH, one of
 * {@code requires.anyBins}, every {@code requires.env} set (in the process environment, the entry's
 * {@code env}, or as {@code primaryEnv} with the entry's {@code apiKey}) and every {@code requires.config}
 * path truthy. Unlike the reference, all unmet requirements are reported, not only the first.
 *
 * @param platform the reference's platform name ({@code linux}, {@code darwin}, {@code win32}, ...)
 * @param env      the process environment
 * @param hasBin   whether a binary is on PATH
 * @param config   the whole config in force
 */
public record Eligibility(String platform, Map<String, String> env, Predicate<String> hasBin, Map<String, Object> config) {

    /** Config paths that count as set when absent (the reference's {@code DEFAULT_CONFIG_VALUES}). */
    static final Map<String, Boolean> DEFAULT_CONFIG_VALUES = Map.of("browser.enabled", true, "browser.evaluateEnabled", true);

    /** Why the skill is not eligible; empty when it is. */
    public List<String> reasons(SkillEntry e, Settings settings) {
        List<String> out = new ArrayList<>();
        ParsedSkill s = e.skill();
        SkillMeta m = s.meta();
        Settings.Entry entry = settings.entry(s.key());
        if (entry != null && Boolean.FALSE.equals(entry.enabled())) {
            out.add("disabled (skills.entries." + s.key() + ".enabled: false)");
            return out;
        }
        if (e.root().kind() == Root.Kind.PLUGIN && settings.allowBundled() != null && !settings.allowBundled().isEmpty()
                && !settings.allowBundled().contains(s.key()) && !settings.allowBundled().contains(s.name())) {
            out.add("not in skills.allowBundled");
            return out;
        }
        if (!m.os().isEmpty() && !m.os().contains(platform)) {
            out.add("os: runs on " + String.join(", ", m.os()) + ", this is " + platform);
            return out;
        }
        if (m.always()) {
            return out;
        }
        List<String> missingBins = m.bins().stream().filter(hasBin.negate()).toList();
        if (!missingBins.isEmpty()) {
            out.add("missing binaries on PATH: " + String.join(", ", missingBins));
        }
        if (!m.anyBins().isEmpty() && m.anyBins().stream().noneMatch(hasBin)) {
            out.add("none of these binaries on PATH: " + String.join(", ", m.anyBins()));
        }
        List<String> missingEnv = new ArrayList<>();
        for (String name : m.env()) {
            String v = env.get(name);
            boolean ok = (v != null && !v.isEmpty())
                    || (entry != null && entry.env().get(name) != null && !entry.env().get(name).isEmpty())
                    || (entry != null && entry.apiKey() != null && name.equals(m.primaryEnv()));
            if (!ok) {
                missingEnv.add(name);
            }
        }
        if (!missingEnv.isEmpty()) {
            out.add("environment not set: " + String.join(", ", missingEnv));
        }
        List<String> missingConfig = m.config().stream().filter(p -> !configTruthy(config, p)).toList();
        if (!missingConfig.isEmpty()) {
            out.add("config not set: " + String.join(", ", missingConfig));
        }
        return out;
    }

    /** The reference's {@code isConfigPathTruthy}: dotted path, JS truthiness, a few defaults. */
    public static boolean configTruthy(Map<String, Object> config, String path) {
        Object cur = config;
        boolean found = true;
        for (String part : path.split("\\.")) {
            if (part.isEmpty()) {
                continue;
            }
            if (cur instanceof Map<?, ?> m && m.containsKey(part)) {
                cur = m.get(part);
            } else {
                found = false;
                break;
            }
        }
        if (!found || cur == null) {
            return !found && Boolean.TRUE.equals(DEFAULT_CONFIG_VALUES.get(path));
        }
        if (cur instanceof Boolean b) {
            return b;
        }
        if (cur instanceof Number n) {
            return n.doubleValue() != 0 && !Double.isNaN(n.doubleValue());
        }
        if (cur instanceof String str) {
            return !str.trim().isEmpty();
        }
        return true;
    }

    /** The environment the skill runs with beyond the process's: the entry's env, and apiKey as primaryEnv. */
    public static Map<String, String> environment(ParsedSkill s, Settings settings) {
        Map<String, String> out = new LinkedHashMap<>();
        Settings.Entry entry = settings.entry(s.key());
        if (entry == null) {
            return out;
        }
        out.putAll(entry.env());
        if (entry.apiKey() != null && s.meta().primaryEnv() != null && !out.containsKey(s.meta().primaryEnv())) {
            out.put(s.meta().primaryEnv(), entry.apiKey());
        }
        return out;
    }

    /** The reference's name for the platform this JVM runs on. */
    public static String platform(String osName) {
        String os = osName == null ? "" : osName.toLowerCase(Locale.ROOT);
        if (os.startsWith("linux")) {
            return "linux";
        }
        if (os.startsWith("mac") || os.startsWith("darwin")) {
            return "darwin";
        }
        if (os.startsWith("windows")) {
            return "win32";
        }
        if (os.contains("freebsd")) {
            return "freebsd";
        }
        if (os.contains("openbsd")) {
            return "openbsd";
        }
        if (os.contains("sunos") || os.contains("solaris")) {
            return "sunos";
        }
        if (os.startsWith("aix")) {
            return "aix";
        }
        return os;
    }

    /** Whether {@code bin} is an executable file in one of the PATH folders (or, with a slash, at that path). */
    public static boolean onPath(String bin, List<Path> pathDirs) {
        if (bin.contains("/")) {
            Path p = Path.of(bin);
            return Files.isRegularFile(p) && Files.isExecutable(p);
        }
        for (Path dir : pathDirs) {
            Path p = dir.resolve(bin);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return true;
            }
        }
        return false;
    }

    /** The folders of a PATH value (absolute ones only). */
    public static List<Path> pathDirs(String path) {
        List<Path> out = new ArrayList<>();
        if (path == null) {
            return out;
        }
        for (String part : path.split(java.io.File.pathSeparator)) {
            if (!part.isBlank()) {
                try {
                    Path p = Path.of(part);
                    if (p.isAbsolute() && !out.contains(p.normalize())) {
                        out.add(p.normalize());
                    }
                } catch (RuntimeException ignored) {
                    // not a path
                }
            }
        }
        return out;
    }
}
