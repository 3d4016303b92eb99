package io.gatehouse.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LauncherSettingsTest {
    @TempDir
    Path dir;

    @Test
    void readsJson5StyleConfig() throws Exception {
        Path f = write("// comment\n{ gateway: { bind: 'lan', port: 9000, reload: { deferralTimeoutMs: 1500, }, }, }\n");
        LauncherSettings s = LauncherSettings.read(f);
        assertEquals(9000, s.port());
        assertEquals("0.0.0.0", s.address().getHostString());
        assertEquals(1500, s.drainTimeoutMs());
    }

    @Test
    void missingFileMeansDefaults() throws Exception {
        LauncherSettings s = LauncherSettings.read(dir.resolve("absent.json"));
        assertEquals(LauncherSettings.DEFAULT_PORT, s.port());
        assertEquals("127.0.0.1", s.address().getHostString());
    }

    @Test
    void syntaxErrorNamesFileLineAndColumn() throws Exception {
        Path f = write("{\n  gateway: {\n    port: 18789\n    bind: 'x'\n  }\n}\n");
        LaunchException e = assertThrows(LaunchException.class, () -> LauncherSettings.read(f));
        assertTrue(e.getMessage().startsWith(f + ":4:"), e.getMessage());
    }

    @Test
    void badPortNamesTheField() throws Exception {
        Path f = write("{ gateway: { port: 'eighty' } }");
        LaunchException e = assertThrows(LaunchException.class, () -> LauncherSettings.read(f));
        assertTrue(e.getMessage().contains("gateway.port"), e.getMessage());
        Path g = write("{ gateway: { port: 70000 } }");
        assertThrows(LaunchException.class, () -> LauncherSettings.read(g));
    }

    @Test
    void configMustBeAnObject() throws Exception {
        Path f = write("[1, 2]");
        LaunchException e = assertThrows(LaunchException.class, () -> LauncherSettings.read(f));
        assertTrue(e.getMessage().contains("JSON object"), e.getMessage());
    }

    @Test
    void emptyOrCommentOnlyFileIsNotAConfig() throws Exception {
        Path f = write("// only a comment\n");
        LaunchException e = assertThrows(LaunchException.class, () -> LauncherSettings.read(f));
        assertTrue(e.getMessage().contains("no JSON object"), e.getMessage());
    }

    @Test
    void settledReadKeepsWhatWeHaveWhenTheFileStaysBrokenOrMissing() throws Exception {
        assertEquals(null, LauncherSettings.readSettled(dir.resolve("gone.json"), 50, 200));
        Path broken = write("{ gateway: { port: 1");
        assertEquals(null, LauncherSettings.readSettled(broken, 50, 2000));
        Path good = write("{ gateway: { port: 4242 } }");
        assertEquals(4242, LauncherSettings.readSettled(good, 50, 2000).port());
    }

    private Path write(String text) throws Exception {
        Path f = Files.createTempFile(dir, "gatehouse", ".json");
        Files.writeString(f, text);
        return f;
    }
}
