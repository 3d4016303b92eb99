package io.gatehouse.support.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.gatehouse.support.json5.Json5;
import io.gatehouse.support.json5.Json5Limits;

/**
 * Issue cases 2 and 8: reading the config file never blocks, never reads without bound, and names
 * the real reason (before, a FIFO blocked the pipeline, /dev/zero ran it out of memory, and a folder,
 * a symlink loop or non-UTF-8 bytes were all "file is missing" at 0:0).
 */
class SafeTextTest {
    @TempDir
    Path dir;

    private static final long LIMIT = 4096;

    private static SafeText.Refused refused(Path file) {
        return assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> assertThrows(SafeText.Refused.class, () -> SafeText.read(file, LIMIT)), "the read blocked");
    }

    @Test
    void aMissingFileIsNullAndAMissingFolderIsNamed() throws Exception {
        assertNull(SafeText.read(dir.resolve("gatehouse.json"), LIMIT));
        SafeText.Refused e = refused(dir.resolve("etc/gatehouse.json"));
        assertTrue(e.reason().contains("the folder " + dir.resolve("etc") + " does not exist"), e.reason());
    }

    @Test
    void aFifoIsRefusedWithoutBlocking() throws Exception {
        Path fifo = dir.resolve("gatehouse.json");
        assumeTrue(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0, "mkfifo available");
        SafeText.Refused e = refused(fifo);
        assertTrue(e.reason().contains("not a regular file"), e.reason());
        assertEquals(fifo, e.file());
    }

    @Test
    void aSymlinkToADeviceIsRefusedBeforeReading() throws Exception {
        Path zero = Path.of("/dev/zero");
        assumeTrue(Files.exists(zero));
        Path link = Files.createSymbolicLink(dir.resolve("gatehouse.json"), zero);
        assertTrue(refused(link).reason().contains("not a regular file"));
    }

    @Test
    void aFolderALoopAndADanglingLinkSayWhatTheyAre() throws Exception {
        Path folder = Files.createDirectory(dir.resolve("gatehouse.json"));
        assertTrue(refused(folder).reason().contains("is a folder"), refused(folder).reason());

        Path a = dir.resolve("a.json");
        Path b = dir.resolve("b.json");
        Files.createSymbolicLink(a, b);
        Files.createSymbolicLink(b, a);
        assertTrue(refused(a).reason().contains("symbolic link loop"), refused(a).reason());

        Path dangling = Files.createSymbolicLink(dir.resolve("c.json"), dir.resolve("nowhere.json"));
        assertTrue(refused(dangling).reason().contains("symbolic link to " + dir.resolve("nowhere.json") + ", which does not exist"),
                refused(dangling).reason());
    }

    @Test
    void aFileOverTheSizeLimitIsRefusedWithTheLimit() throws Exception {
        Path big = Files.writeString(dir.resolve("gatehouse.json"), "{ a: '" + "x".repeat(5000) + "' }");
        SafeText.Refused e = refused(big);
        assertTrue(e.reason().contains("over the limit of 4096 bytes (gatehouse.config.maxBytes)"), e.reason());
    }

    @Test
    void bytesThatAreNotUtf8AreReportedAtTheirLineAndColumn() throws Exception {
        byte[] text = "{\n  a: 'caf\u00e9',\n  b: 'x?'\n}".getBytes(StandardCharsets.UTF_8);
        text[text.length - 4] = (byte) 0xFF; // the '?' in line 3
        Path f = Files.write(dir.resolve("gatehouse.json"), text);
        SafeText.Refused e = refused(f);
        assertEquals(3, e.line(), e.toString());
        assertEquals(8, e.column(), e.toString());
        assertTrue(e.reason().contains("not UTF-8: byte 0xFF"), e.reason());
    }

    @Test
    void aUtf8ByteOrderMarkIsAcceptedAndUtf16IsNamed() throws Exception {
        byte[] body = "{ a: 1 }".getBytes(StandardCharsets.UTF_8);
        byte[] withBom = new byte[body.length + 3];
        withBom[0] = (byte) 0xEF;
        withBom[1] = (byte) 0xBB;
        withBom[2] = (byte) 0xBF;
        System.arraycopy(body, 0, withBom, 3, body.length);
        Path f = Files.write(dir.resolve("gatehouse.json"), withBom);
        assertEquals("{ a: 1 }", SafeText.read(f, LIMIT));
        assertEquals(1, Json5.readMap(SafeText.read(f, LIMIT), "the config").get("a"));

        Path u16 = Files.write(dir.resolve("u16.json"), "{ a: 1 }".getBytes(StandardCharsets.UTF_16));
        SafeText.Refused e = refused(u16);
        assertTrue(e.reason().contains("UTF-16") && e.line() == 1, e.toString());
    }

    @Test
    void limitsComeFromPropertiesAndBadValuesMeanDefaults() {
        Json5Limits l = Json5Limits.from(k -> switch (k) {
            case Json5Limits.MAX_BYTES_PROPERTY -> "2048";
            case Json5Limits.MAX_DEPTH_PROPERTY -> "lots";
            default -> null;
        });
        assertEquals(2048, l.maxBytes());
        assertEquals(Json5Limits.DEFAULT_MAX_DEPTH, l.maxDepth());
        assertEquals(Json5Limits.CEILING_DEPTH, new Json5Limits(100, 100_000).maxDepth());
    }
}
