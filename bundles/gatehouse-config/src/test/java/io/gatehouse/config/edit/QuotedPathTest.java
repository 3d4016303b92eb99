package io.gatehouse.config.edit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Dotted paths with double-quoted segments: plugin ids and logger names contain dots. */
class QuotedPathTest {

    @Test
    void bareSegmentsSplitAtEveryDot() {
        assertEquals(List.of("gateway", "reload", "mode"), Paths.split("gateway.reload.mode"));
        assertEquals(List.of("bindings", "0", "agentId"), Paths.split("bindings.0.agentId"));
        assertEquals(List.of(), Paths.split(""));
        assertEquals(List.of("a", "", "b"), Paths.split("a..b"));
        assertEquals(List.of("a", ""), Paths.split("a."));
    }

    @Test
    void aQuotedSegmentKeepsItsDots() {
        assertEquals(List.of("plugins", "entries", "io.gatehouse.example", "enabled"),
                Paths.split("plugins.entries.\"io.gatehouse.example\".enabled"));
        assertEquals(List.of("logging", "levels", "org.x"), Paths.split("logging.levels.\"org.x\""));
        assertEquals(List.of("a.b"), Paths.split("\"a.b\""));
        assertEquals(List.of("", "x"), Paths.split("\"\".x"));
    }

    @Test
    void escapesInsideQuotes() {
        assertEquals(List.of("say \"hi\"", "back\\slash"), Paths.split("\"say \\\"hi\\\"\".\"back\\\\slash\""));
        assertEquals(List.of("tab\there"), Paths.split("\"tab\\there\""));
    }

    @Test
    void displayAndSplitRoundTrip() {
        List<List<String>> paths = List.of(
                List.of("plugins", "entries", "io.gatehouse.example.upper", "enabled"),
                List.of("logging", "levels", "org.x"),
                List.of("weird", "quote\"inside", "back\\slash", "dot.and\"quote\\"),
                List.of("", "empty", ""),
                List.of("space here", "new\nline", "ctl\u0001"),
                List.of("\"starts with quote"),
                List.of("bindings", "0", "agentId"));
        for (List<String> path : paths) {
            String shown = Paths.display(path);
            assertEquals(path, Paths.split(shown), shown);
        }
        assertEquals("plugins.entries.\"io.x.y\".enabled", Paths.display(List.of("plugins", "entries", "io.x.y", "enabled")));
    }

    @Test
    void anUnterminatedQuoteNamesThePathAndColumn() {
        PathSyntaxException e = assertThrows(PathSyntaxException.class, () -> Paths.split("plugins.entries.\"io.x.enabled"));
        assertEquals(17, e.column());
        assertTrue(e.getMessage().contains("plugins.entries.\"io.x.enabled"), e.getMessage());
        assertTrue(e.getMessage().contains("unterminated quote at column 17"), e.getMessage());
        assertEquals(4, assertThrows(PathSyntaxException.class, () -> Paths.split("\"a\"b.c")).column());
        assertEquals(2, assertThrows(PathSyntaxException.class, () -> Paths.split("a\"b\"")).column());
        assertEquals(3, assertThrows(PathSyntaxException.class, () -> Paths.split("\"a\\q\"")).column());
        assertEquals(1, assertThrows(PathSyntaxException.class, () -> Paths.split("\"ab\\")).column());
    }

    @Test
    void settingAPluginFlagByQuotedPathKeepsComments() throws Exception {
        String original = """
                // operator's notes stay
                {
                  plugins: {
                    // enabled plugins
                    entries: {
                      "io.x.y": { enabled: true }, // the example
                      "io.other": { enabled: true },
                    },
                  },
                }
                """;
        String edited = Json5Document.parse(original).set("plugins.entries.\"io.x.y\".enabled", false);
        assertEquals(original.replace("\"io.x.y\": { enabled: true }", "\"io.x.y\": { enabled: false }"), edited);
        @SuppressWarnings("unchecked")
        Map<String, Object> entries = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) Json5Document
                .parse(edited).toJava()).get("plugins")).get("entries");
        assertEquals(Map.of("enabled", false), entries.get("io.x.y"));
        assertEquals(Map.of("enabled", true), entries.get("io.other"));
        assertFalse(entries.containsKey("io"), "the dotted id must not be split into nested keys");
    }

    @Test
    void settingANewPluginEntryCreatesOneKeyWithDots() throws Exception {
        String edited = Json5Document.parse("{\n  // keep me\n  plugins: {},\n}\n")
                .set("plugins.entries.\"io.gatehouse.example.upper\".enabled", false);
        assertTrue(edited.contains("// keep me"), edited);
        assertEquals(Map.of("plugins", Map.of("entries", Map.of("io.gatehouse.example.upper", Map.of("enabled", false)))),
                Json5Document.parse(edited).toJava());
    }

    @Test
    void aMalformedPathIsRefusedWithTheColumn() throws Exception {
        Json5Document doc = Json5Document.parse("{ plugins: {} }");
        EditException e = assertThrows(EditException.class, () -> doc.set("plugins.entries.\"io.x.enabled", false));
        assertEquals("cannot set plugins.entries.\"io.x.enabled: malformed path: unterminated quote at column 17",
                e.getMessage());
        EditException u = assertThrows(EditException.class, () -> doc.unset("plugins.\"x"));
        assertTrue(u.getMessage().contains("column 9"), u.getMessage());
    }
}
