package io.gatehouse.itests.support;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;

/** Plugin bundle jars made at test time. */
public final class PluginJars {
    private PluginJars() {
    }

    /** Headers of a plugin bundle with the plugin id {@code id} (no dots: config paths stay plain). */
    public static Map<String, String> plugin(String id, String version) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Bundle-ManifestVersion", "2");
        h.put("Bundle-SymbolicName", "com.example.itest." + id.replace('-', '.'));
        h.put("Bundle-Version", version);
        h.put("Bundle-Name", "Test plugin " + id);
        h.put("Bundle-Description", "made by the integration tests");
        h.put("Gatehouse-Plugin-Id", id);
        return h;
    }

    /** Writes the jar to a temp file next to {@code file} and moves it into place (atomic for watchers). */
    public static Path write(Path file, Map<String, String> headers) throws IOException {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        headers.forEach((k, v) -> m.getMainAttributes().putValue(k, v));
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp); JarOutputStream jar = new JarOutputStream(out, m)) {
            jar.putNextEntry(new ZipEntry("data/payload.txt"));
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < 5_000; i++) {
                b.append(i * 7919 % 10007).append(' ').append(headers.get("Bundle-Version")).append('\n');
            }
            jar.write(b.toString().getBytes(StandardCharsets.UTF_8));
            jar.closeEntry();
        }
        return Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
