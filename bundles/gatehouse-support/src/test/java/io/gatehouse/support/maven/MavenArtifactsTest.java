package io.gatehouse.support.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MavenArtifactsTest {
    @TempDir
    Path dir;

    @Test
    void parsesBothForms() {
        MavenArtifacts.Coordinates c = MavenArtifacts.parse("mvn:com.example/hello/1.0.0");
        assertEquals(new MavenArtifacts.Coordinates("com.example", "hello", "1.0.0", "jar", null), c);
        assertEquals(c, MavenArtifacts.parse("com.example:hello:1.0.0"));
        assertEquals(new MavenArtifacts.Coordinates("g", "a", "1", "jar", "tests"), MavenArtifacts.parse("mvn:g/a/1/jar/tests"));
        assertEquals(new MavenArtifacts.Coordinates("g", "a", "1", "jar", "tests"), MavenArtifacts.parse("g:a:jar:tests:1"));
        assertEquals("mvn:g/a/1/jar/tests", MavenArtifacts.parse("g:a:jar:tests:1").toMvnUrl());
        assertEquals("mvn:com.example/hello/1.0.0", c.toMvnUrl());
        assertThrows(IllegalArgumentException.class, () -> MavenArtifacts.parse("mvn:g/a"));
        assertThrows(IllegalArgumentException.class, () -> MavenArtifacts.parse("mvn:g/../1"));
    }

    @Test
    void tellsCoordinatesFromPaths() {
        assertTrue(MavenArtifacts.looksLikeCoordinates("mvn:g/a/1"));
        assertTrue(MavenArtifacts.looksLikeCoordinates("com.example:hello:1.0.0"));
        assertFalse(MavenArtifacts.looksLikeCoordinates("/tmp/hello.jar"));
        assertFalse(MavenArtifacts.looksLikeCoordinates("hello.jar"));
        assertFalse(MavenArtifacts.looksLikeCoordinates("C:\\x\\hello.jar"));
    }

    @Test
    void resolvesFromTheRepositoryLayout() throws Exception {
        Path f = dir.resolve("repo/com/example/hello/1.0.0/hello-1.0.0.jar");
        Files.createDirectories(f.getParent());
        Files.writeString(f, "x");
        assertEquals(f, MavenArtifacts.resolve("com.example:hello:1.0.0", dir.resolve("repo")));
        Path classified = dir.resolve("repo/com/example/hello/1.0.0/hello-1.0.0-tests.jar");
        Files.writeString(classified, "x");
        assertEquals(classified, MavenArtifacts.resolve("mvn:com.example/hello/1.0.0/jar/tests", dir.resolve("repo")));
    }

    @Test
    void missingArtifactNamesThePathLookedAt() {
        FileNotFoundException e = assertThrows(FileNotFoundException.class,
                () -> MavenArtifacts.resolve("mvn:com.example/hello/2.0.0", dir));
        assertEquals("mvn:com.example/hello/2.0.0: not in the local Maven repository (looked at "
                + dir.resolve("com/example/hello/2.0.0/hello-2.0.0.jar") + "); put it there with `mvn install` in its project, "
                + "or install the jar file itself: plugins:install <path to hello-2.0.0.jar>", e.getMessage());
    }

    @Test
    void localRepositoryPrecedence() throws Exception {
        Path home = dir.resolve("home");
        Files.createDirectories(home.resolve(".m2"));
        assertEquals(home.resolve(".m2/repository"), MavenArtifacts.localRepository(null, null, home));
        Files.writeString(home.resolve(".m2/settings.xml"), """
                <settings>
                  <!-- <localRepository>/commented/out</localRepository> -->
                  <localRepository>${user.home}/repo-from-settings</localRepository>
                </settings>
                """);
        assertEquals(home.resolve("repo-from-settings"), MavenArtifacts.localRepository(null, null, home));
        assertEquals(dir.resolve("prop"), MavenArtifacts.localRepository(Map.of("allow", List.of()), dir.resolve("prop").toString(), home));
        assertEquals(dir.resolve("config"), MavenArtifacts.localRepository(
                Map.of("maven", Map.of("localRepository", dir.resolve("config").toString())), dir.resolve("prop").toString(), home));
    }
}
