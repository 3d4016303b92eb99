package io.gatehouse.support.maven;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Maven coordinates ({@code mvn:group/artifact/version[/type[/classifier]]} or
 * {@code group:artifact[:type[:classifier]]:version}) resolved from the local Maven repository only:
 * the gateway never downloads.
 */
public final class MavenArtifacts {
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_.\\-]+");
    private static final Pattern LOCAL_REPOSITORY = Pattern.compile("<localRepository>\\s*([^<]*?)\\s*</localRepository>");
    private static final Pattern XML_COMMENT = Pattern.compile("<!--.*?-->", Pattern.DOTALL);

    private MavenArtifacts() {
    }

    /** Parsed coordinates; {@code type} defaults to {@code jar}, {@code classifier} may be null. */
    public record Coordinates(String groupId, String artifactId, String version, String type, String classifier) {

        /** The canonical {@code mvn:} form, used as the plugin's recorded source. */
        public String toMvnUrl() {
            String s = "mvn:" + groupId + "/" + artifactId + "/" + version;
            if (classifier != null) {
                return s + "/" + type + "/" + classifier;
            }
            return "jar".equals(type) ? s : s + "/" + type;
        }

        /** Where the artifact lives in a Maven repository laid out as usual. */
        public Path pathIn(Path repository) {
            Path dir = repository;
            for (String g : groupId.split("\\.")) {
                dir = dir.resolve(g);
            }
            String file = artifactId + "-" + version + (classifier == null ? "" : "-" + classifier) + "." + type;
            return dir.resolve(artifactId).resolve(version).resolve(file);
        }
    }

    /** Whether the text is meant as Maven coordinates rather than a file path. */
    public static boolean looksLikeCoordinates(String text) {
        if (text.startsWith("mvn:")) {
            return true;
        }
        if (text.contains("/") || text.contains("\\")) {
            return false;
        }
        String[] parts = text.split(":", -1);
        if (parts.length < 3 || parts.length > 5) {
            return false;
        }
        for (String p : parts) {
            if (!SEGMENT.matcher(p).matches()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Parses coordinates.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static Coordinates parse(String text) {
        String t = text.trim();
        String[] p;
        String g;
        String a;
        String v;
        String type = "jar";
        String classifier = null;
        if (t.startsWith("mvn:")) {
            p = t.substring(4).split("/", -1);
            if (p.length < 3 || p.length > 5) {
                throw new IllegalArgumentException(text + ": not Maven coordinates: expected mvn:group/artifact/version[/type[/classifier]]");
            }
            g = p[0];
            a = p[1];
            v = p[2];
            if (p.length >= 4 && !p[3].isEmpty()) {
                type = p[3];
            }
            if (p.length == 5 && !p[4].isEmpty()) {
                classifier = p[4];
            }
        } else {
            p = t.split(":", -1);
            if (p.length < 3 || p.length > 5) {
                throw new IllegalArgumentException(text + ": not Maven coordinates: expected group:artifact[:type[:classifier]]:version");
            }
            g = p[0];
            a = p[1];
            v = p[p.length - 1];
            if (p.length >= 4) {
                type = p[2];
            }
            if (p.length == 5) {
                classifier = p[3];
            }
        }
        for (String s : new String[] {g, a, v, type}) {
            if (!SEGMENT.matcher(s).matches() || s.equals(".") || s.equals("..")) {
                throw new IllegalArgumentException(text + ": not Maven coordinates: bad segment \"" + s + "\"");
            }
        }
        if (classifier != null && !SEGMENT.matcher(classifier).matches()) {
            throw new IllegalArgumentException(text + ": not Maven coordinates: bad classifier \"" + classifier + "\"");
        }
        return new Coordinates(g, a, v, type, classifier);
    }

    /**
     * The local repository: {@code plugins.maven.localRepository} of the config, else the system
     * property {@code maven.repo.local}, else {@code <localRepository>} in {@code ~/.m2/settings.xml},
     * else {@code ~/.m2/repository}.
     */
    public static Path localRepository(Object pluginsSection, String repoLocalProperty, Path userHome) {
        if (pluginsSection instanceof Map<?, ?> plugins && plugins.get("maven") instanceof Map<?, ?> maven
                && maven.get("localRepository") instanceof String s && !s.isBlank()) {
            return expand(s.trim(), userHome);
        }
        if (repoLocalProperty != null && !repoLocalProperty.isBlank()) {
            return expand(repoLocalProperty.trim(), userHome);
        }
        Path settings = userHome.resolve(".m2").resolve("settings.xml");
        if (Files.isRegularFile(settings)) {
            try {
                String xml = XML_COMMENT.matcher(Files.readString(settings, StandardCharsets.UTF_8)).replaceAll("");
                Matcher m = LOCAL_REPOSITORY.matcher(xml);
                if (m.find() && !m.group(1).isBlank()) {
                    return expand(m.group(1), userHome);
                }
            } catch (IOException | RuntimeException e) {
                // an unreadable settings file: fall back to the default
            }
        }
        return userHome.resolve(".m2").resolve("repository");
    }

    private static Path expand(String s, Path userHome) {
        String e = s.replace("${user.home}", userHome.toString());
        if (e.equals("~") || e.startsWith("~/")) {
            e = userHome + e.substring(1);
        }
        return Path.of(e).toAbsolutePath().normalize();
    }

    /**
     * The file the coordinates name in the repository.
     *
     * @throws FileNotFoundException naming the coordinates and the path looked at
     */
    public static Path resolve(String coordinates, Path repository) throws FileNotFoundException {
        Coordinates c = parse(coordinates);
        Path file = c.pathIn(repository);
        if (!Files.isRegularFile(file)) {
            // `mvn package` builds into the project's target/ only: say both ways to get the artifact in
            throw new FileNotFoundException(coordinates + ": not in the local Maven repository (looked at " + file
                    + "); put it there with `mvn install` in its project, or install the jar file itself: plugins:install <path to "
                    + file.getFileName() + ">");
        }
        return file;
    }
}
