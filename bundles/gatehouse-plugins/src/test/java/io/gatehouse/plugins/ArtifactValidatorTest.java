package io.gatehouse.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.gatehouse.plugins.ArtifactValidator.Candidate;
import io.gatehouse.plugins.ArtifactValidator.InvalidArtifactException;

class ArtifactValidatorTest {
    @TempDir
    Path dir;

    private final ArtifactValidator validator = new ArtifactValidator(
            bsn -> switch (bsn) {
                case "io.gatehouse.config" -> "core bundle";
                case "io.gatehouse.channel.openai" -> "built-in plugin";
                default -> null;
            },
            location -> {
                throw new UncheckedIOException(new IOException(location + ": not in the local Maven repository"));
            });

    private InvalidArtifactException rejected(Path file) {
        return assertThrows(InvalidArtifactException.class, () -> validator.validate(file));
    }

    @Test
    void validBundleGivesIdVersionNameAndChecksum() throws Exception {
        Map<String, String> h = TestJars.bundleHeaders("com.example.hello;singleton:=true", "1.2.3.beta");
        h.put("Bundle-Description", "says hello");
        h.put("Bundle-Name", "Hello");
        Path jar = TestJars.jar(dir.resolve("hello.jar"), h);
        Candidate c = validator.validate(jar);
        assertEquals("com.example.hello", c.id());
        assertEquals("1.2.3.beta", c.version());
        assertEquals("Hello", c.name());
        assertEquals("says hello", c.description());
        assertEquals(64, c.sha256().length());
        assertEquals(ArtifactValidator.sha256(jar), c.sha256());
        assertEquals(java.util.List.of(jar), c.jars());
        assertFalse(c.feature());
    }

    @Test
    void pluginIdHeaderWinsOverTheSymbolicName() throws Exception {
        Map<String, String> h = TestJars.bundleHeaders("com.example.hello", "1.0.0");
        h.put("Gatehouse-Plugin-Id", "hello");
        assertEquals("hello", validator.validate(TestJars.jar(dir.resolve("hello.jar"), h)).id());
    }

    @Test
    void truncatedJarIsUnreadable() throws Exception {
        Path jar = TestJars.jar(dir.resolve("full.jar"), TestJars.bundleHeaders("com.example.hello", "1.0.0"));
        byte[] bytes = Files.readAllBytes(jar);
        Path half = Files.write(dir.resolve("half.jar"), Arrays.copyOf(bytes, bytes.length / 2));
        InvalidArtifactException e = rejected(half);
        assertTrue(e.unreadable());
        assertTrue(e.getMessage().startsWith(half + ": not a zip file (or truncated): "), e.getMessage());
    }

    @Test
    void corruptBytesInsideAnEntryFailTheCrcOrInflate() throws Exception {
        Path jar = TestJars.jar(dir.resolve("corrupt.jar"), TestJars.bundleHeaders("com.example.hello", "1.0.0"));
        byte[] bytes = Files.readAllBytes(jar);
        // the payload entry's data sits in the first half of the file; the central directory stays intact
        for (int i = bytes.length / 3; i < bytes.length / 3 + 64; i++) {
            bytes[i] ^= 0x5a;
        }
        Files.write(jar, bytes);
        InvalidArtifactException e = rejected(jar);
        assertTrue(e.unreadable());
        assertTrue(e.getMessage().contains("not a zip file (or truncated)"), e.getMessage());
    }

    @Test
    void textFileIsNotAZip() throws Exception {
        Path f = Files.writeString(dir.resolve("notes.jar"), "just some text\n");
        InvalidArtifactException e = rejected(f);
        assertTrue(e.getMessage().startsWith(f + ": not a zip file (or truncated)"), e.getMessage());
    }

    @Test
    void zipWithoutManifestIsNotABundle() throws Exception {
        Path f = TestJars.zipWithoutManifest(dir.resolve("plain.jar"));
        InvalidArtifactException e = rejected(f);
        assertFalse(e.unreadable());
        assertEquals(f + ": not an OSGi bundle: no META-INF/MANIFEST.MF", e.getMessage());
    }

    @Test
    void manifestWithoutSymbolicNameIsNotABundle() throws Exception {
        Path f = TestJars.jar(dir.resolve("nobsn.jar"), Map.of("Bundle-ManifestVersion", "2", "Bundle-Version", "1.0.0"));
        assertEquals(f + ": not an OSGi bundle: no Bundle-SymbolicName in META-INF/MANIFEST.MF", rejected(f).getMessage());
    }

    @Test
    void manifestVersionMustBeTwo() throws Exception {
        Map<String, String> h = TestJars.bundleHeaders("com.example.hello", "1.0.0");
        h.remove("Bundle-ManifestVersion");
        Path f = TestJars.jar(dir.resolve("r3.jar"), h);
        assertTrue(rejected(f).getMessage().contains("Bundle-ManifestVersion is missing, must be 2"));
    }

    @Test
    void badVersionIsRejected() throws Exception {
        Path f = TestJars.jar(dir.resolve("badversion.jar"), TestJars.bundleHeaders("com.example.hello", "1.x"));
        InvalidArtifactException e = rejected(f);
        assertTrue(e.getMessage().startsWith(f + ": bad Bundle-Version \"1.x\""), e.getMessage());
    }

    @Test
    void coreBundlesAndBuiltInPluginsCannotBeReplaced() throws Exception {
        Path core = TestJars.jar(dir.resolve("config.jar"), TestJars.bundleHeaders("io.gatehouse.config", "9.0.0"));
        assertTrue(rejected(core).getMessage().contains("io.gatehouse.config is a core bundle of the gateway and cannot be replaced"));
        Path builtIn = TestJars.jar(dir.resolve("openai.jar"), TestJars.bundleHeaders("io.gatehouse.channel.openai", "9.0.0"));
        String m = rejected(builtIn).getMessage();
        assertTrue(m.contains("is a built-in plugin") && m.contains("disable it with plugins:disable instead"), m);
    }

    @Test
    void fragmentOfACoreBundleIsRejected() throws Exception {
        Map<String, String> h = TestJars.bundleHeaders("com.example.patch", "1.0.0");
        h.put("Fragment-Host", "io.gatehouse.config;bundle-version=\"[0,1)\"");
        Path f = TestJars.jar(dir.resolve("patch.jar"), h);
        assertTrue(rejected(f).getMessage().contains("is a fragment of io.gatehouse.config"));
    }

    @Test
    void missingFileIsRejected() {
        Path f = dir.resolve("nope.jar");
        assertEquals(f + ": no such file", rejected(f).getMessage());
    }

    @Test
    void featureFileStagesEveryBundleUnderTheFeatureId() throws Exception {
        Files.createDirectories(dir.resolve("lib"));
        Path a = TestJars.jar(dir.resolve("lib/a.jar"), TestJars.bundleHeaders("com.example.a", "1.0.0"));
        Path b = TestJars.jar(dir.resolve("lib/b.jar"), TestJars.bundleHeaders("com.example.b", "2.0.0"));
        Path feature = Files.writeString(dir.resolve("pair.json"), """
                // two bundles
                {
                  id: "pair",
                  version: "1.1",
                  description: 'A and B',
                  bundles: [
                    { location: "lib/a.jar" },
                    "lib/b.jar",
                  ],
                }
                """, StandardCharsets.UTF_8);
        Candidate c = validator.validate(feature);
        assertTrue(c.feature());
        assertEquals("pair", c.id());
        assertEquals("1.1.0", c.version());
        assertEquals("A and B", c.description());
        assertEquals(java.util.List.of(a.normalize(), b.normalize()), c.jars());

        // a different bundle changes the feature's checksum
        String before = c.sha256();
        TestJars.jar(b, TestJars.bundleHeaders("com.example.b", "2.0.1"));
        assertFalse(before.equals(validator.validate(feature).sha256()));
    }

    @Test
    void featureFileErrorsNameTheBundle() throws Exception {
        Path feature = Files.writeString(dir.resolve("bad.json"), "{ id: 'bad', bundles: [ { location: 'missing.jar' } ] }");
        InvalidArtifactException e = rejected(feature);
        assertTrue(e.getMessage().contains("bundles[0]: missing.jar: no such file"), e.getMessage());

        Path mvn = Files.writeString(dir.resolve("mvn.json"), "{ id: 'm', bundles: [ 'mvn:com.example/x/1.0' ] }");
        assertTrue(rejected(mvn).getMessage().contains("not in the local Maven repository"));

        Path truncated = Files.writeString(dir.resolve("half.json"), "{ id: 'half', bundles: [ ");
        assertTrue(rejected(truncated).unreadable());

        Path noId = Files.writeString(dir.resolve("noid.json"), "{ bundles: [] }");
        assertEquals(noId + ": id: missing (a feature needs an \"id\")", rejected(noId).getMessage());
    }
}
