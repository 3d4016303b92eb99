package io.gatehouse.plugins;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;

/** Builds small jars for the tests. */
final class TestJars {
    private TestJars() {
    }

    static Map<String, String> bundleHeaders(String bsn, String version) {
        return new java.util.LinkedHashMap<>(Map.of("Bundle-ManifestVersion", "2", "Bundle-SymbolicName", bsn,
                "Bundle-Version", version, "Bundle-Name", "Test " + bsn));
    }

    static Path jar(Path file, Map<String, String> headers) throws IOException {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        headers.forEach((k, v) -> m.getMainAttributes().putValue(k, v));
        try (OutputStream out = Files.newOutputStream(file); JarOutputStream jar = new JarOutputStream(out, m)) {
            jar.putNextEntry(new ZipEntry("data/payload.txt"));
            // compressible but not trivially so, large enough that truncation cuts into entries
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < 20_000; i++) {
                b.append(i * 7919 % 10007).append(i % 3 == 0 ? '\n' : ' ');
            }
            jar.write(b.toString().getBytes(StandardCharsets.UTF_8));
            jar.closeEntry();
        }
        return file;
    }

    static Path zipWithoutManifest(Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file); var zip = new java.util.zip.ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("hello.txt"));
            zip.write("hello".getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        return file;
    }
}
