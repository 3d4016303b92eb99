package io.gatehouse.canvas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CanvasPathsTest {
    @TempDir
    Path dir;
    Path root;
    Path agent;

    @BeforeEach
    void tree() throws Exception {
        root = Files.createDirectories(dir.resolve("canvas"));
        Files.writeString(root.resolve("index.html"), "<h1>root</h1>");
        Files.createDirectories(root.resolve("sub"));
        Files.writeString(root.resolve("sub/index.html"), "sub");
        Files.writeString(root.resolve("sub/page.html"), "page");
        Files.createDirectories(root.resolve("empty"));
        Files.writeString(root.resolve(".env"), "SECRET=1");
        Files.writeString(root.resolve("%2e%2e"), "a file literally named %2e%2e");
        Files.writeString(dir.resolve("secret.txt"), "outside");
        agent = Files.createDirectories(dir.resolve("ws/canvas"));
        Files.writeString(agent.resolve("index.html"), "agent");
    }

    private CanvasPaths.Resolution resolve(String raw) throws CanvasPaths.BadPath {
        return CanvasPaths.resolve(CanvasPaths.parse(raw), raw, null, root, Map.of("main", agent));
    }

    private Path found(String raw) throws Exception {
        return assertInstanceOf(CanvasPaths.Found.class, resolve(raw), raw).file();
    }

    /** Anything but a file of the canvas: refused before lookup (400/404) or not found/refused after. */
    private void refused(String raw) {
        try {
            CanvasPaths.Resolution r = resolve(raw);
            CanvasPaths.Refused refused = assertInstanceOf(CanvasPaths.Refused.class, r, raw + " -> " + r);
            assertTrue(refused.status() == 400 || refused.status() == 404, raw + " -> " + refused);
        } catch (CanvasPaths.BadPath e) {
            assertTrue(e.status == 400 || e.status == 404, raw + " -> " + e.status);
        }
    }

    @Test
    void filesFoldersAndIndexes() throws Exception {
        assertEquals(root.toRealPath().resolve("index.html"), found("/"));
        assertEquals(root.toRealPath().resolve("index.html"), found("/index.html"));
        assertEquals(root.toRealPath().resolve("sub/index.html"), found("/sub/"));
        assertEquals(root.toRealPath().resolve("sub/page.html"), found("/sub/page.html"));
        assertEquals("sub/page.html", ((CanvasPaths.Found) resolve("/sub/page.html")).key());
        assertEquals("index.html", ((CanvasPaths.Found) resolve("/")).key());
    }

    @Test
    void aFolderWithoutTheSlashIsRedirectedKeepingTheQuery() throws Exception {
        CanvasPaths.Resolution r = CanvasPaths.resolve(CanvasPaths.parse("/sub"), "/sub", "token=x", root, Map.of());
        assertEquals("/canvas/sub/?token=x", assertInstanceOf(CanvasPaths.Redirect.class, r).location());
    }

    @Test
    void missingFilesFoldersWithoutIndexAndFilesWithASlashAreNotFound() {
        refused("/nope.html");
        refused("/empty/");
        refused("/index.html/");
    }

    @Test
    void percentEncodedNamesAreDecodedOnce() throws Exception {
        Files.writeString(root.resolve("a b.html"), "space");
        Files.writeString(root.resolve("é.html"), "utf8");
        assertEquals(root.toRealPath().resolve("a b.html"), found("/a%20b.html"));
        assertEquals(root.toRealPath().resolve("é.html"), found("/%C3%A9.html"));
        // double-encoded dots decode once to the literal name "%2e%2e", never to ".."
        assertEquals(root.toRealPath().resolve("%2e%2e"), found("/%252e%252e"));
        refused("/%252e%252e/secret.txt");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "/..", "/../secret.txt", "/sub/../../secret.txt", "/./index.html", "/sub/./page.html",
        "/%2e%2e/secret.txt", "/%2E%2E/secret.txt", "/%2e%2e%2fsecret.txt", "/..%2fsecret.txt", "/..%2Fsecret.txt",
        "/sub/%2e%2e/%2e%2e/secret.txt", "/.%2e/secret.txt", "/%2e./secret.txt",
        "/%252e%252e%252fsecret.txt", "/%25%32%65%25%32%65/secret.txt",
        "/..\\secret.txt", "/sub\\..\\..\\secret.txt", "/%5c..%5csecret.txt", "/..%5csecret.txt", "/%5C..%5Csecret.txt",
        "//etc/passwd", "/%2fetc/passwd", "/%2Fetc%2Fpasswd", "///secret.txt", "/sub//page.html",
        "/C:%5cWindows%5cwin.ini", "/%00", "/index.html%00.txt", "/%0d%0aX: y",
        "/.env", "/.git/config", "/sub/.hidden", "/%2eenv",
        "/%", "/%zz", "/%c3", "/%ff%fe"
    })
    void noWayOutOfTheCanvas(String raw) {
        refused(raw);
    }

    @Test
    void symlinksPointingOutsideAreNotFollowed() throws Exception {
        Files.createSymbolicLink(root.resolve("out.txt"), dir.resolve("secret.txt"));
        Files.createSymbolicLink(root.resolve("outdir"), dir);
        Files.createSymbolicLink(root.resolve("abs"), Path.of("/etc"));
        refused("/out.txt");
        refused("/outdir/secret.txt");
        refused("/outdir/");
        refused("/abs/passwd");
        // an index.html that links out is not served either
        Files.createDirectories(root.resolve("trap"));
        Files.createSymbolicLink(root.resolve("trap/index.html"), dir.resolve("secret.txt"));
        refused("/trap/");
    }

    @Test
    void symlinksInsideTheCanvasAreServed() throws Exception {
        Files.createSymbolicLink(root.resolve("alias.html"), root.resolve("sub/page.html"));
        assertEquals(root.toRealPath().resolve("sub/page.html"), found("/alias.html"));
    }

    @Test
    void aSymlinkedRootIsServedFromItsTarget() throws Exception {
        Path link = Files.createSymbolicLink(dir.resolve("link"), root);
        CanvasPaths.Resolution r = CanvasPaths.resolve(CanvasPaths.parse("/index.html"), "/index.html", null, link, Map.of());
        assertEquals(root.toRealPath().resolve("index.html"), assertInstanceOf(CanvasPaths.Found.class, r).file());
    }

    @Test
    void agentCanvasesTakeTheirIdsFirstSegment() throws Exception {
        assertEquals(agent.toRealPath().resolve("index.html"), found("/main/"));
        assertEquals("main/index.html", ((CanvasPaths.Found) resolve("/main/index.html")).key());
        assertInstanceOf(CanvasPaths.Redirect.class, resolve("/main"));
        refused("/main/../../secret.txt");
        refused("/main/%2e%2e/index.html");
        CanvasPaths.Resolution missing = CanvasPaths.resolve(CanvasPaths.parse("/other/"), "/other/", null, root,
                Map.of("other", dir.resolve("nowhere/canvas")));
        assertEquals(404, assertInstanceOf(CanvasPaths.Refused.class, missing).status());
    }

    @Test
    void decodingErrorsAre400() {
        assertEquals(400, assertThrows(CanvasPaths.BadPath.class, () -> CanvasPaths.parse("/%")).status);
        assertEquals(400, assertThrows(CanvasPaths.BadPath.class, () -> CanvasPaths.parse("/%c3%28")).status);
        assertEquals(404, assertThrows(CanvasPaths.BadPath.class, () -> CanvasPaths.parse("/.env")).status);
    }
}
