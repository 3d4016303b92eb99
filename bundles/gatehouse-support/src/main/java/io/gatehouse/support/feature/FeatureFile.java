package io.gatehouse.support.feature;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.osgi.framework.Version;

import com.fasterxml.jackson.databind.JsonNode;

import io.gatehouse.support.json5.Json5;
import io.gatehouse.support.json5.Json5Exception;
import io.gatehouse.support.maven.MavenArtifacts;

/**
 * A feature file (JSON5): a named set of bundles. The launcher installs the boot features of
 * {@code features/} at start; the plugins bundle installs a non-boot feature from {@code deploy/} or
 * {@code plugins:install} as one plugin. Both read it here, with the same defaults.
 *
 * <pre>
 * { id: "channels", version: "1.0", boot: true, description: "...",
 *   bundles: [ { location: "mvn:group/artifact/version[/type[/classifier]]", startLevel: 36 }, "lib/x.jar" ] }
 * </pre>
 *
 * A bundle is an object or just its location; an object may carry {@code startLevel} (1..99, default 50),
 * {@code start} (default true) and {@code console} (true: only with a terminal; false: only without one).
 *
 * @param id          required
 * @param version     an OSGi version, {@code 0.0.0} when absent
 * @param description one line for operators, "" when absent
 * @param boot        whether the launcher installs it at start (default false; {@code core} always is)
 * @param bundles     in install order
 * @param file        the file it was read from
 */
public record FeatureFile(String id, String version, String description, boolean boot, List<BundleEntry> bundles, Path file) {

    public static final String CORE = "core";
    public static final int DEFAULT_START_LEVEL = 50;

    /**
     * A bundle of a feature.
     *
     * @param location   {@code mvn:} coordinates, or a path ({@code file:} prefix optional) relative to the
     *                   reader's base folder
     * @param startLevel OSGi start level, 1..99
     * @param start      whether to start it
     * @param console    null for always; true only with a terminal; false only without one
     */
    public record BundleEntry(String location, int startLevel, boolean start, Boolean console) {

        public boolean maven() {
            return location.startsWith("mvn:");
        }

        /**
         * The jar this entry names: {@code mvn:} locations in {@code repository} (Maven layout), others
         * relative to {@code base}.
         *
         * @throws IllegalArgumentException for malformed coordinates, naming them
         */
        public Path resolve(Path repository, Path base) {
            if (maven()) {
                return MavenArtifacts.parse(location).pathIn(repository);
            }
            return base.resolve(location.startsWith("file:") ? location.substring(5) : location).normalize();
        }
    }

    /** Reads and checks a feature file. */
    public static FeatureFile read(Path file) throws FeatureException {
        try {
            return parse(file, Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new FeatureException(file + ": cannot read: " + e.getMessage(), true, e);
        }
    }

    /**
     * Checks the text of a feature file.
     *
     * @throws FeatureException naming the file, and line and column or the field; {@code syntax()} when the
     *                          text is not in the dialect (a file still being copied looks like that)
     */
    public static FeatureFile parse(Path file, String text) throws FeatureException {
        JsonNode root;
        try {
            root = Json5.readObject(text, "a feature file");
        } catch (Json5Exception e) {
            throw new FeatureException(e.at(file), true, e);
        }
        String id = root.path("id").isValueNode() ? root.path("id").asText("").trim() : "";
        if (id.isEmpty()) {
            throw new FeatureException(file + ": id: missing (a feature needs an \"id\")", false, null);
        }
        String version = "0.0.0";
        JsonNode v = root.path("version");
        if (!v.isMissingNode() && !v.isNull()) {
            try {
                version = Version.parseVersion(v.asText()).toString();
            } catch (IllegalArgumentException e) {
                throw new FeatureException(file + ": version: bad OSGi version \"" + v.asText() + "\": " + e.getMessage(),
                        false, e);
            }
        }
        JsonNode bundles = root.path("bundles");
        if (!bundles.isArray()) {
            throw new FeatureException(file + ": bundles: expected an array of bundles ({ location: ... } or \"location\")",
                    false, null);
        }
        List<BundleEntry> entries = new ArrayList<>();
        for (int i = 0; i < bundles.size(); i++) {
            JsonNode b = bundles.get(i);
            String location = b.isTextual() ? b.asText() : b.path("location").asText("");
            if (location.isBlank()) {
                throw new FeatureException(file + ": bundles[" + i + "].location: missing", false, null);
            }
            int level = b.path("startLevel").asInt(DEFAULT_START_LEVEL);
            if (level < 1 || level > 99) {
                throw new FeatureException(file + ": bundles[" + i + "].startLevel: expected 1..99, got " + level, false, null);
            }
            JsonNode console = b.path("console");
            entries.add(new BundleEntry(location.trim(), level, b.path("start").asBoolean(true),
                    console.isBoolean() ? console.booleanValue() : null));
        }
        return new FeatureFile(id, version, root.path("description").asText(""),
                CORE.equals(id) || root.path("boot").asBoolean(false), List.copyOf(entries), file);
    }
}
