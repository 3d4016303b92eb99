package io.gatehouse.itests.distribution;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import io.gatehouse.itests.distribution.fixtures.ThrowingActivator;

/** Plugin artifacts for the tests: the example plugin as built, variants of it, and broken ones. */
final class TestJars {
    static final Path EXAMPLE = Path.of(System.getProperty("gatehouse.examplePlugin",
            "target/plugins/gatehouse-example-plugin.jar"));
    static final String EXAMPLE_ID = "io.gatehouse.example.upper";

    private TestJars() {
    }

    /** The example plugin with another Bundle-Version (an update). */
    static Path exampleWithVersion(Path dir, String version) throws IOException {
        Path out = dir.resolve("example-" + version + ".jar");
        try (JarFile in = new JarFile(EXAMPLE.toFile())) {
            Manifest mf = new Manifest(in.getManifest());
            mf.getMainAttributes().putValue("Bundle-Version", version);
            try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(out), mf)) {
                for (Enumeration<JarEntry> e = in.entries(); e.hasMoreElements();) {
                    JarEntry entry = e.nextElement();
                    if (entry.getName().equalsIgnoreCase(JarFile.MANIFEST_NAME)) {
                        continue;
                    }
                    jar.putNextEntry(new JarEntry(entry.getName()));
                    try (InputStream is = in.getInputStream(entry)) {
                        is.transferTo(jar);
                    }
                    jar.closeEntry();
                }
            }
        }
        return out;
    }

    /** A valid bundle whose activator throws on start. */
    static Path throwingActivator(Path dir) throws IOException {
        return throwingActivator(dir, "io.gatehouse.test.throwing", "1.0.0");
    }

    /** A valid bundle with this name and version whose activator throws on start. */
    static Path throwingActivator(Path dir, String symbolicName, String version) throws IOException {
        String cls = ThrowingActivator.class.getName().replace('.', '/') + ".class";
        byte[] bytes;
        try (InputStream in = TestJars.class.getClassLoader().getResourceAsStream(cls)) {
            bytes = in.readAllBytes();
        }
        return bundle(dir, symbolicName + "-" + version + ".jar", Map.of("Bundle-SymbolicName", symbolicName,
                "Bundle-Version", version, "Bundle-Activator", ThrowingActivator.class.getName(),
                "Import-Package", "org.osgi.framework", "Gatehouse-Role", "plugin"), Map.of(cls, bytes));
    }

    /** A valid bundle that imports a package nobody exports. */
    static Path unresolvable(Path dir) throws IOException {
        return bundle(dir, "unresolvable.jar", Map.of("Bundle-SymbolicName", "io.gatehouse.test.unresolvable",
                "Bundle-Version", "1.0.0", "Import-Package", "io.gatehouse.does.not.exist;version=\"[1,2)\""), Map.of());
    }

    /** A valid bundle with no code: a plugin that only needs to install, resolve and start. */
    static Path plainBundle(Path dir, String symbolicName) throws IOException {
        return bundle(dir, symbolicName + ".jar", Map.of("Bundle-SymbolicName", symbolicName, "Bundle-Version", "1.0.0",
                "Gatehouse-Role", "plugin"), Map.of("readme.txt", symbolicName.getBytes()));
    }

    /** A jar with a manifest but no Bundle-SymbolicName. */
    static Path notABundle(Path dir) throws IOException {
        return bundle(dir, "plain.jar", Map.of("Implementation-Title", "just a library"),
                Map.of("readme.txt", "not a bundle".getBytes()));
    }

    /** The first {@code fraction} of the example plugin: what a copy in progress leaves. */
    static byte[] truncatedExample(double fraction) throws IOException {
        byte[] all = Files.readAllBytes(EXAMPLE);
        byte[] part = new byte[(int) (all.length * fraction)];
        System.arraycopy(all, 0, part, 0, part.length);
        return part;
    }

    private static Path bundle(Path dir, String name, Map<String, String> headers, Map<String, byte[]> entries) throws IOException {
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (headers.containsKey("Bundle-SymbolicName")) {
            mf.getMainAttributes().putValue("Bundle-ManifestVersion", "2");
        }
        headers.forEach(mf.getMainAttributes()::putValue);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(buf, mf)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                jar.putNextEntry(new JarEntry(e.getKey()));
                jar.write(e.getValue());
                jar.closeEntry();
            }
        }
        Path out = dir.resolve(name);
        Files.createDirectories(dir);
        try (OutputStream o = Files.newOutputStream(out)) {
            buf.writeTo(o);
        }
        return out;
    }
}
