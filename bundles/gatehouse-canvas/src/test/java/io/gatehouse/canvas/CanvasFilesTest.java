package io.gatehouse.canvas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

class CanvasFilesTest {
    private static String inject(String html) {
        return new String(CanvasFiles.inject(html.getBytes(StandardCharsets.UTF_8), "<S>"), StandardCharsets.UTF_8);
    }

    @Test
    void theScriptGoesBeforeTheLastBodyClose() {
        assertEquals("<html><body>x<S></body></html>", inject("<html><body>x</body></html>"));
        assertEquals("<body>a</body><!-- </body> -->b<S></body>", inject("<body>a</body><!-- </body> -->b</body>"));
    }

    @Test
    void bodyCloseIsFoundInAnyCase() {
        assertEquals("<BODY>x<S></BODY></HTML>", inject("<BODY>x</BODY></HTML>"));
        assertEquals("<body>x<S></Body ></html>", inject("<body>x</Body ></html>"));
        assertEquals("<body>x<S></bOdY\n>", inject("<body>x</bOdY\n>"));
    }

    @Test
    void withoutBodyCloseTheScriptIsAppended() {
        assertEquals("<h1>hi</h1><S>", inject("<h1>hi</h1>"));
        assertEquals("<S>", inject(""));
        assertEquals("</bodyx><S>", inject("</bodyx>"));
        assertEquals("</bod><S>", inject("</bod>"));
    }

    @Test
    void nonAsciiContentIsKeptByteForByte() {
        assertEquals("<body>é ✓ 😀<S></body>", inject("<body>é ✓ 😀</body>"));
    }

    @Test
    void theScriptNamesTheDocumentSafely() {
        String s = CanvasFiles.script("a\"</script><b>.html", "abc123", 42);
        assertFalse(s.contains("</script><b>"), s);
        assertTrue(s.contains("\\u003c/script\\u003e"), s);
        assertTrue(s.contains("/canvas-ws"), s);
        assertTrue(s.contains("&t=42"), s);
        assertTrue(s.contains("\"reload\""), s);
    }

    @Test
    void contentTypes() {
        assertEquals("text/html; charset=utf-8", CanvasFiles.contentType(Path.of("a/INDEX.HTML")));
        assertEquals("text/css; charset=utf-8", CanvasFiles.contentType(Path.of("s.css")));
        assertEquals("text/javascript; charset=utf-8", CanvasFiles.contentType(Path.of("app.js")));
        assertEquals("image/svg+xml", CanvasFiles.contentType(Path.of("c.svg")));
        assertEquals("image/png", CanvasFiles.contentType(Path.of("c.png")));
        assertEquals("application/json", CanvasFiles.contentType(Path.of("d.json")));
        assertEquals("application/octet-stream", CanvasFiles.contentType(Path.of("Makefile")));
        assertEquals("application/octet-stream", CanvasFiles.contentType(Path.of("x.exe")));
    }

    @Test
    void aSavedFileLooksCompleteOnlyWithEvidence() {
        Path html = Path.of("index.html");
        assertFalse(CanvasFiles.looksComplete(html, new byte[0]), "empty: truncated, not written yet");
        assertFalse(CanvasFiles.looksComplete(html, "<!doctype html><html><body><p>half".getBytes()));
        assertTrue(CanvasFiles.looksComplete(html, "<!doctype html><html><body></body></html>\n  ".getBytes()));
        assertTrue(CanvasFiles.looksComplete(html, "<HTML><BODY></BODY></HTML>".getBytes()));
        assertTrue(CanvasFiles.looksComplete(html, "<h1>a fragment</h1>".getBytes()), "no <html: no evidence either way");
        assertTrue(CanvasFiles.looksComplete(Path.of("s.css"), "body{".getBytes()), "only HTML has a test");
        assertFalse(CanvasFiles.looksComplete(Path.of("s.css"), new byte[0]));
    }

    @Test
    void hashesDifferByContent() {
        assertEquals(20, CanvasFiles.hash("a".getBytes()).length());
        assertFalse(CanvasFiles.hash("a".getBytes()).equals(CanvasFiles.hash("b".getBytes())));
    }
}
