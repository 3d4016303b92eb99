package io.gatehouse.plugins;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.Hashtable;
import java.util.List;
import java.util.function.Function;
import java.util.jar.Attributes;
import java.util.jar.Manifest;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import org.osgi.framework.Version;

import io.gatehouse.launcher.api.PluginPolicy;
import io.gatehouse.support.feature.FeatureException;
import io.gatehouse.support.feature.FeatureFile;
import io.gatehouse.support.files.Sha256;

/**
 * Checks a plugin artifact before it is staged: a bundle jar, or a feature file ({@code *.json},
 * the {@link FeatureFile} model the launcher reads too) naming several bundle jars. Pure: no framework,
 * no store; what counts as a core bundle comes from the caller.
 */
public final class ArtifactValidator {

    /** A bundle jar that passed the checks. */
    public record BundleArtifact(Path file, String symbolicName, String pluginId, String version, String name,
            String description, String fragmentHost, String sha256) {
    }

    /**
     * A plugin ready to stage.
     *
     * @param sha256 of the jar; for a feature, of the feature file and every bundle's checksum in order
     */
    public record Candidate(String id, String version, String name, String description, String sha256, Path artifact,
            boolean feature, List<BundleArtifact> bundles) {

        public List<Path> jars() {
            return bundles.stream().map(BundleArtifact::file).toList();
        }
    }

    /** Why an artifact cannot be a plugin. */
    public static final class InvalidArtifactException extends Exception {
        private static final long serialVersionUID = 1L;
        private final boolean unreadable;

        public InvalidArtifactException(String message, boolean unreadable) {
            super(message);
            this.unreadable = unreadable;
        }

        /** True when the file is not a complete zip: it may still be being copied. */
        public boolean unreadable() {
            return unreadable;
        }
    }

    private final Function<String, String> protectedBundles;
    private final Function<String, Path> mavenResolver;

    /**
     * @param protectedBundles for a Bundle-SymbolicName, why it cannot be installed as a plugin
     *                         ({@code "core bundle"}, {@code "built-in plugin"}), or null when it can
     * @param mavenResolver    resolves {@code mvn:} locations of feature files (throws
     *                         {@link IllegalArgumentException} or {@link java.io.UncheckedIOException} with the reason)
     */
    public ArtifactValidator(Function<String, String> protectedBundles, Function<String, Path> mavenResolver) {
        this.protectedBundles = protectedBundles;
        this.mavenResolver = mavenResolver;
    }

    public static boolean isFeatureFile(Path file) {
        return file.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".json");
    }

    /** Validates a bundle jar or a feature file. */
    public Candidate validate(Path file) throws InvalidArtifactException {
        if (!Files.isRegularFile(file)) {
            throw new InvalidArtifactException(file + ": no such file", false);
        }
        if (isFeatureFile(file)) {
            return validateFeature(file);
        }
        BundleArtifact b = validateBundle(file);
        return new Candidate(b.pluginId(), b.version(), b.name(), b.description(), b.sha256(), file, false, List.of(b));
    }

    /** Validates one bundle jar. */
    public BundleArtifact validateBundle(Path jar) throws InvalidArtifactException {
        Manifest manifest = readCompleteZip(jar);
        if (manifest == null) {
            throw new InvalidArtifactException(jar + ": not an OSGi bundle: no META-INF/MANIFEST.MF", false);
        }
        Attributes main = manifest.getMainAttributes();
        String bsnHeader = main.getValue("Bundle-SymbolicName");
        if (bsnHeader == null || bsnHeader.isBlank()) {
            throw new InvalidArtifactException(jar + ": not an OSGi bundle: no Bundle-SymbolicName in META-INF/MANIFEST.MF", false);
        }
        String mv = main.getValue("Bundle-ManifestVersion");
        if (!"2".equals(mv == null ? null : mv.trim())) {
            throw new InvalidArtifactException(jar + ": not an OSGi R4+ bundle: Bundle-ManifestVersion is "
                    + (mv == null ? "missing" : "\"" + mv.trim() + "\"") + ", must be 2", false);
        }
        String bsn = stripDirectives(bsnHeader);
        String versionHeader = main.getValue("Bundle-Version");
        Version version;
        try {
            version = versionHeader == null ? Version.emptyVersion : Version.parseVersion(versionHeader.trim());
        } catch (IllegalArgumentException e) {
            throw new InvalidArtifactException(jar + ": bad Bundle-Version \"" + versionHeader.trim() + "\": " + e.getMessage(), false);
        }
        String host = main.getValue("Fragment-Host");
        String hostBsn = host == null ? null : stripDirectives(host);
        if (hostBsn != null) {
            String why = "system.bundle".equals(hostBsn) || "org.apache.felix.framework".equals(hostBsn) ? "the framework"
                    : protectedBundles.apply(hostBsn);
            if (why != null) {
                throw new InvalidArtifactException(jar + ": " + bsn + " is a fragment of " + hostBsn + " ("
                        + why + "); a plugin cannot change a core bundle", false);
            }
        }
        String why = protectedBundles.apply(bsn);
        if (why != null) {
            throw new InvalidArtifactException(jar + ": " + bsn + " is a " + why + " of the gateway and cannot be "
                    + "replaced by install" + ("built-in plugin".equals(why) ? " (disable it with plugins:disable instead)" : ""), false);
        }
        Hashtable<String, String> headers = new Hashtable<>();
        main.forEach((k, v) -> headers.put(k.toString(), String.valueOf(v)));
        String id = PluginPolicy.pluginId(headers);
        return new BundleArtifact(jar, bsn, id, version.toString(), main.getValue("Bundle-Name"),
                main.getValue("Bundle-Description"), hostBsn, sha256(jar));
    }

    private static String stripDirectives(String header) {
        int semi = header.indexOf(';');
        return (semi < 0 ? header : header.substring(0, semi)).trim();
    }

    /**
     * Opens the jar and reads every entry to its end, so a truncated or corrupted file fails here (a
     * missing central directory, a CRC mismatch, a broken deflate stream); the manifest, or null.
     */
    static Manifest readCompleteZip(Path jar) throws InvalidArtifactException {
        Manifest manifest = null;
        byte[] buffer = new byte[16 * 1024];
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                if (e.isDirectory()) {
                    continue;
                }
                try (InputStream raw = zip.getInputStream(e);
                        CheckedInputStream in = new CheckedInputStream(raw, new CRC32())) {
                    long size = 0;
                    if ("META-INF/MANIFEST.MF".equalsIgnoreCase(e.getName())) {
                        byte[] bytes = in.readAllBytes();
                        size = bytes.length;
                        manifest = new Manifest(new java.io.ByteArrayInputStream(bytes));
                    } else {
                        int n;
                        while ((n = in.read(buffer)) >= 0) {
                            size += n;
                        }
                    }
                    // ZipFile does not check CRCs itself: a corrupted entry must not pass
                    if (e.getCrc() != -1 && in.getChecksum().getValue() != e.getCrc()) {
                        throw new java.util.zip.ZipException("CRC mismatch (expected " + Long.toHexString(e.getCrc())
                                + ", read " + Long.toHexString(in.getChecksum().getValue()) + ")");
                    }
                    if (e.getSize() != -1 && size != e.getSize()) {
                        throw new java.util.zip.ZipException("size mismatch (expected " + e.getSize() + ", read " + size + ")");
                    }
                } catch (IOException | RuntimeException ex) {
                    throw new InvalidArtifactException(jar + ": not a zip file (or truncated): entry " + e.getName() + ": "
                            + detail(ex), true);
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new InvalidArtifactException(jar + ": not a zip file (or truncated): " + detail(e), true);
        }
        return manifest;
    }

    private static String detail(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** Hex SHA-256 of a file. */
    public static String sha256(Path file) throws InvalidArtifactException {
        try {
            return Sha256.of(file);
        } catch (IOException e) {
            throw new InvalidArtifactException(file + ": cannot read: " + detail(e), true);
        }
    }

    // ---- feature files

    private Candidate validateFeature(Path file) throws InvalidArtifactException {
        byte[] bytes;
        FeatureFile feature;
        try {
            bytes = Files.readAllBytes(file);
            feature = FeatureFile.parse(file, new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new InvalidArtifactException(file + ": not a feature file (JSON5): " + detail(e), true);
        } catch (FeatureException e) {
            // A strict prefix of a JSON document never parses: a half-copied feature file is a syntax error.
            throw new InvalidArtifactException(e.getMessage(), e.syntax());
        }
        String id = feature.id();
        if (feature.boot()) {
            throw new InvalidArtifactException(file + ": feature " + id + " is a boot feature; boot features are not plugins", false);
        }
        if (feature.bundles().isEmpty()) {
            throw new InvalidArtifactException(file + ": feature " + id + " names no bundles (\"bundles\": [{location: ...}])", false);
        }
        List<BundleArtifact> out = new ArrayList<>();
        MessageDigest d = Sha256.digest();
        d.update(bytes);
        int i = 0;
        for (FeatureFile.BundleEntry b : feature.bundles()) {
            String location = b.location();
            Path jar;
            try {
                jar = b.maven() ? mavenResolver.apply(location) : b.resolve(null, file.toAbsolutePath().getParent());
            } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
                throw new InvalidArtifactException(file + ": bundles[" + i + "]: " + detail(e), false);
            }
            if (!Files.isRegularFile(jar)) {
                throw new InvalidArtifactException(file + ": bundles[" + i + "]: " + location + ": no such file (" + jar + ")", false);
            }
            BundleArtifact a;
            try {
                a = validateBundle(jar);
            } catch (InvalidArtifactException e) {
                // the feature file is complete; a bad bundle it names is a settled error
                throw new InvalidArtifactException(file + ": bundles[" + i + "]: " + e.getMessage(), false);
            }
            out.add(a);
            d.update(a.sha256().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            i++;
        }
        String description = feature.description().isEmpty() ? null : feature.description();
        return new Candidate(id, feature.version(), description, description, Sha256.hex(d), file, true, List.copyOf(out));
    }
}
