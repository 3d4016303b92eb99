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
        Path f = write("// comment\n{ gateway: { bind: 'lan', port: 9000, auth: { token: 't', }, reload: { deferralTimeoutMs: 1500, }, }, }\n");
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

    /** Issue case 1: a typo in bind was an UnresolvedAddressException and a stack trace at start. */
    @Test
    void aBindTypoIsAnErrorAtItsPositionWithADidYouMean() throws Exception {
        Path f = write("{\n  gateway: {\n    bind: 'loopbak',\n  },\n}\n");
        LaunchException e = assertThrows(LaunchException.class, () -> LauncherSettings.read(f));
        assertEquals(f + ":3:11: gateway.bind: expected loopback, lan, all or an IP address, got \"loopbak\" (did you mean \"loopback\"?)",
                e.getMessage());
        Path port = write("{ gateway: {\n port: 'eighty' } }");
        assertTrue(assertThrows(LaunchException.class, () -> LauncherSettings.read(port)).getMessage()
                .startsWith(port + ":2:8: gateway.port: expected an integer 0-65535"));
        Path nul = write("{ gateway: { port: null } }");
        assertTrue(assertThrows(LaunchException.class, () -> LauncherSettings.read(nul)).getMessage().contains("got null"));
        Path huge = write("{ gateway: { port: 18446744073709551696 } }");
        assertTrue(assertThrows(LaunchException.class, () -> LauncherSettings.read(huge)).getMessage().contains("0-65535"));
    }

    /** Issue case 11: beyond loopback without a token the gateway does not start, unless auth.mode is none. */
    @Test
    void beyondLoopbackWithoutATokenIsRefusedUnlessModeIsNone() throws Exception {
        Path open = write("{ gateway: { bind: 'lan', port: 9000 } }");
        LaunchException e = assertThrows(LaunchException.class, () -> LauncherSettings.read(open, null, k -> null));
        assertTrue(e.getMessage().contains("gateway.bind: listening on 0.0.0.0:9000 (beyond loopback) without gateway.auth.token"),
                e.getMessage());
        Path unset = write("{ gateway: { bind: 'lan', auth: { token: '${GH_TOKEN}' } } }");
        LaunchException u = assertThrows(LaunchException.class, () -> LauncherSettings.read(unset, null, k -> null));
        assertTrue(u.getMessage().contains("${GH_TOKEN}, which is not set"), u.getMessage());
        assertEquals(18789, LauncherSettings.read(unset, null, k -> "GH_TOKEN".equals(k) ? "s3cret" : null).port());
        assertEquals("lan", LauncherSettings.read(write("{ gateway: { bind: 'lan', auth: { mode: 'none' } } }"), null, k -> null).bind());
        assertEquals("loopback", LauncherSettings.read(write("{ gateway: { bind: 'loopback' } }"), null, k -> null).bind());
    }

    /** Issue case 5: a missing file at start binds what the pipeline will run on (its last good config), not the default. */
    @Test
    void aMissingFileMeansTheLastGoodConfigThenTheDefaults() throws Exception {
        Path lastGood = write("{ gateway: { port: 4711 } }");
        assertEquals(4711, LauncherSettings.read(dir.resolve("absent.json"), lastGood, k -> null).port());
        assertEquals(LauncherSettings.DEFAULT_PORT, LauncherSettings.read(dir.resolve("absent.json"), dir.resolve("none.json"),
                k -> null).port());
    }

    /** Issue cases 2 and 8: the launcher reads as the pipeline does: no FIFO, no device, bounded depth. */
    @Test
    void hostileFilesAreRefusedWithTheReason() throws Exception {
        Path deep = write("{ gateway: " + "{ a: ".repeat(500) + "1" + " }".repeat(500) + " }");
        LaunchException e = assertThrows(LaunchException.class, () -> LauncherSettings.read(deep));
        assertTrue(e.getMessage().contains("nested deeper than the limit of 64 levels"), e.getMessage());
        assertTrue(e.getMessage().startsWith(deep + ":1:"), e.getMessage());
        Path folder = java.nio.file.Files.createDirectory(dir.resolve("folder.json"));
        assertTrue(assertThrows(LaunchException.class, () -> LauncherSettings.read(folder)).getMessage().contains("is a folder"));
        Path zero = java.nio.file.Files.createSymbolicLink(dir.resolve("zero.json"), Path.of("/dev/zero"));
        assertTrue(assertThrows(LaunchException.class, () -> LauncherSettings.read(zero)).getMessage()
                .contains("not a regular file"));
    }

    private Path write(String text) throws Exception {
        Path f = Files.createTempFile(dir, "gatehouse", ".json");
        Files.writeString(f, text);
        return f;
    }
}
