package io.gatehouse.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.gatehouse.api.config.ConfigError;
import io.gatehouse.api.config.ConfigException;

class Json5ParserTest {
    private final Json5Parser parser = new Json5Parser();
    private final Path file = Path.of("etc/gatehouse.json");

    @Test
    void acceptsCommentsTrailingCommasUnquotedKeysAndSingleQuotes() throws Exception {
        Map<String, Object> m = parser.parse(file, """
                // line comment
                /* block */
                {
                  gateway: { port: 18789, bind: 'loopback', },
                  bindings: [ { agentId: "a" }, ],
                  # yaml-style comment
                }
                """);
        assertEquals(Map.of("port", 18789, "bind", "loopback"), m.get("gateway"));
        assertEquals(List.of(Map.of("agentId", "a")), m.get("bindings"));
    }

    @Test
    void truncatedFileReportsLineAndColumn() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> parser.parse(file, "{\n  gateway: {\n    port: 1,\n"));
        ConfigError err = e.error();
        assertEquals(file, err.file());
        assertTrue(err.line() >= 3, "line " + err.line());
        assertTrue(err.column() > 0);
        assertTrue(e.getMessage().startsWith("etc/gatehouse.json:" + err.line() + ":" + err.column() + ": "),
                e.getMessage());
    }

    @Test
    void duplicateKeysAreRejected() {
        ConfigException e = assertThrows(ConfigException.class, () -> parser.parse(file, "{ a: 1,\n a: 2 }"));
        assertEquals(2, e.error().line());
        assertTrue(e.getMessage().contains("a"), e.getMessage());
    }

    @Test
    void nonObjectRootIsRejected() {
        ConfigException e = assertThrows(ConfigException.class, () -> parser.parse(file, "[]"));
        assertTrue(e.getMessage().contains("must be a JSON object"), e.getMessage());
    }

    @Test
    void hashIgnoresFormattingAndKeyOrderButNotValues() throws Exception {
        String a = parser.canonical(parser.parse(file, "{ b: 1, a: { y: 2, x: 1 } }"));
        String b = parser.canonical(parser.parse(file, "// c\n{\n  a: { x: 1, y: 2, },\n  b: 1,\n}"));
        String c = parser.canonical(parser.parse(file, "{ b: 2, a: { y: 2, x: 1 } }"));
        assertEquals(ConfigPipeline.sha256(a), ConfigPipeline.sha256(b));
        assertNotEquals(ConfigPipeline.sha256(a), ConfigPipeline.sha256(c));
    }

    @Test
    void emptyOrCommentOnlyDocumentIsNotAConfig() {
        // what a writer leaves between truncating the file and writing it
        for (String text : new String[] {"", "  \n", "// nothing\n", "/* a */ # b\n"}) {
            ConfigException e = assertThrows(ConfigException.class, () -> parser.parse(file, text));
            assertTrue(e.getMessage().contains("no JSON object"), e.getMessage());
        }
    }

    /** Issue case 2: 400+ levels overflowed the stack of the pipeline; now a clear error at the position, with the limit. */
    @Test
    void nestingDeeperThanTheLimitIsAnErrorWithThePositionAndTheLimit() throws Exception {
        Json5Parser limited = new Json5Parser(8);
        assertEquals(1, limited.parse(file, "{ a: " + "[".repeat(7) + "1" + "]".repeat(7) + " }").size(), "8 levels pass");
        ConfigException e = assertThrows(ConfigException.class,
                () -> limited.parse(file, "{\n  a: " + "[".repeat(8) + "]".repeat(8) + " }"));
        assertTrue(e.error().reason().contains("deeper than the limit of 8 levels (gatehouse.config.maxDepth)"), e.toString());
        assertEquals(2, e.error().line(), e.toString());
        assertTrue(e.error().column() > 3, e.toString());
        // the default limit is far below what overflows a 512 KB thread stack
        ConfigException deep = assertThrows(ConfigException.class,
                () -> parser.parse(file, "{ a: " + "{ b: ".repeat(900) + "1" + " }".repeat(900) + " }"));
        assertTrue(deep.error().reason().contains("limit of 64 levels"), deep.toString());
        assertTrue(deep.error().line() == 1 && deep.error().column() > 1, deep.toString());
    }

    @Test
    void textAfterTheObjectIsStillAnError() {
        ConfigException e = assertThrows(ConfigException.class, () -> parser.parse(file, "{ a: 1 }\n x"));
        assertEquals(2, e.error().line(), e.toString());
    }

    /** A number longer than Jackson's limit (a Jackson limit error had no location before). */
    @Test
    void aNumberOverTheLengthLimitHasALocation() {
        ConfigException e = assertThrows(ConfigException.class, () -> parser.parse(file, "{\n a: " + "9".repeat(2000) + " }"));
        assertTrue(e.error().line() == 2 && e.error().column() > 0, e.toString());
    }
}
