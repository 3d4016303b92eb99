package io.gatehouse.launcher;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import io.gatehouse.support.feature.FeatureException;
import io.gatehouse.support.feature.FeatureFile;

/**
 * The feature files of {@code features/} (the model is {@link FeatureFile}): which bundles a framework
 * generation installs. {@code core} is always installed, others when {@code "boot": true}.
 */
final class BootFeatures {
    private BootFeatures() {
    }

    /** Reads every {@code *.json} in the folder, sorted by id, {@code core} first. */
    static List<FeatureFile> readAll(Path folder) throws LaunchException {
        List<FeatureFile> features = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "*.json")) {
            for (Path f : files) {
                features.add(read(f));
            }
        } catch (IOException e) {
            throw new LaunchException(folder + ": cannot list feature files: " + e.getMessage(), e);
        }
        features.sort(Comparator.comparing((FeatureFile f) -> !FeatureFile.CORE.equals(f.id())).thenComparing(FeatureFile::id));
        if (features.isEmpty() || !FeatureFile.CORE.equals(features.get(0).id())) {
            throw new LaunchException(folder + ": no feature with id \"core\"; the gateway cannot start without it");
        }
        return features;
    }

    static FeatureFile read(Path file) throws LaunchException {
        try {
            return FeatureFile.read(file);
        } catch (FeatureException e) {
            throw new LaunchException(e.getMessage(), e);
        }
    }

    /** The jar an entry names: {@code mvn:} under {@code system/} (Maven layout), other paths relative to the home. */
    static Path resolve(FeatureFile.BundleEntry entry, GatewayHome home) throws LaunchException {
        try {
            return entry.resolve(home.system(), home.root());
        } catch (IllegalArgumentException e) {
            throw new LaunchException("bad bundle location: " + e.getMessage(), e);
        }
    }
}
