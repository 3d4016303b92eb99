package io.gatehouse.launcher;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * A feature file from {@code features/}: a named set of bundles with start levels.
 *
 * <pre>
 * { "id": "core", "boot": true, "description": "...",
 *   "bundles": [ { "location": "mvn:org.apache.felix/org.apache.felix.scr/2.2.18", "startLevel": 10 } ] }
 * </pre>
 *
 * A bundle may carry {@code "start": false} (installed, not started) and {@code "console": true|false}
 * (installed only when a terminal is, or is not, attached).
 *
 * @param id          feature id; {@code core} is always installed
 * @param description one line for operators
 * @param boot        whether the launcher installs it at start
 * @param bundles     bundles in install order
 * @param file        the file it was read from
 */
public record Feature(String id, String description, boolean boot, List<BundleEntry> bundles, Path file) {

    public static final String CORE = "core";

    /**
     * A bundle of a feature.
     *
     * @param location   {@code mvn:group/artifact/version[/type[/classifier]]} (looked up under
     *                   {@code system/}) or a path relative to the home
     * @param startLevel OSGi start level, 1..99
     * @param start      whether to start it
     * @param console    null for always; true only with a terminal; false only without one
     */
    public record BundleEntry(String location, int startLevel, boolean start, Boolean console) {

        /** The jar this entry names, inside {@code home}. */
        public Path resolve(GatewayHome home) throws LaunchException {
            if (location.startsWith("mvn:")) {
                String[] parts = location.substring(4).split("/");
                if (parts.length < 3 || parts.length > 5) {
                    throw new LaunchException("bad bundle location '" + location
                            + "': expected mvn:group/artifact/version[/type[/classifier]]");
                }
                String type = parts.length > 3 && !parts[3].isEmpty() ? parts[3] : "jar";
                String classifier = parts.length > 4 ? "-" + parts[4] : "";
                return home.system().resolve(parts[0].replace('.', '/')).resolve(parts[1]).resolve(parts[2])
                        .resolve(parts[1] + "-" + parts[2] + classifier + "." + type);
            }
            return home.root().resolve(location);
        }
    }

    /** Reads every {@code *.json} in the folder, sorted by file name, {@code core} first. */
    public static List<Feature> readAll(Path folder) throws LaunchException {
        List<Feature> features = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "*.json")) {
            for (Path f : files) {
                features.add(read(f));
            }
        } catch (IOException e) {
            throw new LaunchException(folder + ": cannot list feature files: " + e.getMessage(), e);
        }
        features.sort(Comparator.comparing((Feature f) -> !CORE.equals(f.id())).thenComparing(Feature::id));
        if (features.isEmpty() || !CORE.equals(features.get(0).id())) {
            throw new LaunchException(folder + ": no feature with id \"core\"; the gateway cannot start without it");
        }
        return features;
    }

    public static Feature read(Path file) throws LaunchException {
        JsonNode root;
        try {
            root = Json5.mapper().readTree(Files.readString(file));
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new LaunchException(file + (at == null ? "" : ":" + at.getLineNr() + ":" + at.getColumnNr()) + ": "
                    + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new LaunchException(file + ": cannot read: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new LaunchException(file + ": a feature file must hold a JSON object");
        }
        String id = root.path("id").asText("");
        if (id.isBlank()) {
            throw new LaunchException(file + ": id: missing");
        }
        JsonNode bundles = root.path("bundles");
        if (!bundles.isArray()) {
            throw new LaunchException(file + ": bundles: expected an array");
        }
        List<BundleEntry> entries = new ArrayList<>();
        for (int i = 0; i < bundles.size(); i++) {
            JsonNode b = bundles.get(i);
            String location = b.path("location").asText("");
            if (location.isBlank()) {
                throw new LaunchException(file + ": bundles[" + i + "].location: missing");
            }
            int level = b.path("startLevel").asInt(50);
            if (level < 1 || level > 99) {
                throw new LaunchException(file + ": bundles[" + i + "].startLevel: expected 1..99, got " + level);
            }
            JsonNode console = b.path("console");
            entries.add(new BundleEntry(location, level, b.path("start").asBoolean(true),
                    console.isBoolean() ? console.booleanValue() : null));
        }
        return new Feature(id, root.path("description").asText(""), CORE.equals(id) || root.path("boot").asBoolean(true),
                List.copyOf(entries), file);
    }
}
