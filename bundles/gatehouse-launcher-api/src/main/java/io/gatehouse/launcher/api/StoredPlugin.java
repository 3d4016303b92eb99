package io.gatehouse.launcher.api;

import java.nio.file.Path;
import java.util.List;

/**
 * A plugin as the install index records it: the bundles the launcher installs for it at every
 * framework start.
 *
 * @param id       plugin id ({@code Gatehouse-Plugin-Id}, else the Bundle-SymbolicName; a feature's id)
 * @param version  plugin version (the bundle's, or the feature's)
 * @param sha256   hex SHA-256 of the artifact as installed (the jar, or the feature file)
 * @param source   where it came from: {@code deploy:<file name>}, {@code file:<path>}, {@code mvn:g/a/v}
 * @param jars     the bundle files in the plugin store, in install order (immutable, content-named)
 * @param stagedAt epoch milliseconds at which it was staged
 */
public record StoredPlugin(String id, String version, String sha256, String source, List<Path> jars, long stagedAt) {

    public StoredPlugin {
        jars = List.copyOf(jars);
    }

    /** The bundle locations the launcher installs the jars under (a bundle belongs to this plugin iff its location is one of them). */
    public List<String> bundleLocations() {
        return jars.stream().map(StoredPlugin::location).toList();
    }

    /** The bundle location of a store file. */
    public static String location(Path jar) {
        return "reference:" + jar.toAbsolutePath().normalize().toUri();
    }
}
