package io.gatehouse.config.edit;

import static io.gatehouse.config.edit.Fixtures.gateway;
import static io.gatehouse.config.edit.Fixtures.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.gatehouse.api.config.ConfigException;
import io.gatehouse.config.Json5Parser;

class Json5ReaderTest {

    @ParameterizedTest
    @ValueSource(strings = {"dist-gatehouse.json", "big-gatehouse.json"})
    void fixturesRoundTripExactlyAndReadAsTheGatewayReadsThem(String name) {
        String text = Fixtures.load(name);
        Json5Document doc = parse(text);
        assertEquals(text, doc.text());
        assertEquals(gateway(text), doc.toJava());
        assertEquals(text.replace("\n", "\r\n"), parse(text.replace("\n", "\r\n")).text());
    }

    @Test
    void treeCarriesExactOffsetsForKeysValuesSeparatorsAndComments() {
        String text = "{ a: 1, 'b' : \"x\" , c:[1,2,], # h\n d: {} /* e */ } // f";
        Json5Document doc = parse(text);
        Json5Object root = (Json5Object) doc.root().orElseThrow();
        assertEquals(0, root.start());
        assertEquals(text.indexOf('}', text.indexOf("*/")) + 1, root.end());

        Json5Member a = root.members().get(0);
        assertEquals(new Json5Key(2, 3, "a", (char) 0), a.key());
        assertEquals(3, a.colon());
        assertEquals(new Json5Scalar(5, 6, 1, (char) 0), a.value());
        assertEquals(6, a.comma());

        Json5Member b = root.members().get(1);
        assertEquals(new Json5Key(8, 11, "b", '\''), b.key());
        assertEquals(12, b.colon());
        assertEquals(new Json5Scalar(14, 17, "x", '"'), b.value());
        assertEquals(18, b.comma());

        Json5Array c = (Json5Array) root.members().get(2).value();
        assertEquals(text.indexOf('['), c.start());
        assertEquals(text.indexOf(']') + 1, c.end());
        assertEquals(List.of(new Json5Element(new Json5Scalar(23, 24, 1, (char) 0), 24),
                new Json5Element(new Json5Scalar(25, 26, 2, (char) 0), 26)), c.elements());

        Json5Member d = root.members().get(3);
        assertEquals(-1, d.comma());
        assertEquals(List.of(), ((Json5Object) d.value()).members());

        assertEquals(List.of(
                new Json5Comment(text.indexOf('#'), text.indexOf('\n'), Json5Comment.Style.HASH),
                new Json5Comment(text.indexOf("/*"), text.indexOf("*/") + 2, Json5Comment.Style.BLOCK),
                new Json5Comment(text.indexOf("//"), text.length(), Json5Comment.Style.LINE)), doc.comments());
    }

    @Test
    void everyCommentOfTheFixtureIsRecordedWithItsText() {
        Json5Document doc = parse(Fixtures.BIG);
        List<String> comments = doc.comments().stream().map(c -> Fixtures.BIG.substring(c.start(), c.end())).toList();
        assertEquals(List.of("/*\n * Hand-edited config with every JSON5 habit the gateway accepts.\n */",
                "// Network side.", "// all interfaces", "/* block comment\n         spanning lines */",
                "# Agents and where requests go.", "// the on-call agent"), comments);
    }

    /** Each is accepted by the gateway; the editor must read it, to the same value. */
    @ParameterizedTest
    @ValueSource(strings = {
        "{}", "{ }", "{/*c*/}", "{//c\n}", "{#c\n}", "  {a:1}  // end", "/* a */ {a:1} # b",
        "{a:1,}", "{a:[1,],}", "{a:[ ]}", "{a:[/*c*/]}", "{a:[1/*c*/,/*d*/]}", "{a:{b:1,},}",
        "{a-b:1}", "{a#b:1}", "{a@b*c+d:1}", "{123:1}", "{1a:1}", "{-1:2}", "{+a:1}", "{*:1}", "{$a:1}",
        "{_a:1}", "{é:1}", "{true:1}", "{a\u007f:1}", "{a/**/:1}", "{a :1}", "{a: 1 , b : 2 , }",
        "{'a':'b\\'c'}", "{\"a\":\"b\\'c\"}", "{\"a\":\"b\\/c\"}", "{\"a\":\"b\\u00e9\"}", "{\"a\":\"\\ud800\"}",
        "{'a\"b':\"c'd\"}", "{\"\":1}", "{'':1}", "{\"a\\u0000\":1}", "{a:\"x\u007fy\u2028\"}",
        "{a:\"\\\\\\\"\\b\\f\\n\\r\\t\"}",
        "{a:-.5}", "{a:+.5}", "{a:.5}", "{a:5.}", "{a:5.e3}", "{a:-5.}", "{a:+5.}", "{a:.5e3}", "{a:-.5e-3}",
        "{a:0.}", "{a:-0.}", "{a:-0.0}", "{a:1E5}", "{a:1e05}", "{a:+0}", "{a:-0}", "{a:0.0}", "{a:1.5e+3}",
        "{a:NaN}", "{a:Infinity}", "{a:-Infinity}", "{a:+Infinity}", "{a:-INF}", "{a:+INF}", "{a:1.5e400}",
        "{a:12345678901}", "{a:123456789012345678901234}", "{a:2147483647}", "{a:2147483648}",
        "{a:-2147483648}", "{a:-2147483649}", "{a:9223372036854775807}", "{a:9223372036854775808}",
        "{a:true/**/}", "{a:null}", "{a:false}", "{\ra:1,\r\nb:2}", "{a:{}, b:{a:1}, c:{a:1}}",
        "{a:'Grüß 😀 \u00e9'}",
    })
    void acceptsWhatTheGatewayAccepts(String text) throws Exception {
        assertEquals(gateway(text), Json5Document.parse(text).toJava());
    }

    @Test
    void numbersHaveJacksonsTypes() {
        Map<?, ?> v = (Map<?, ?>) parse("{i: 1, l: 12345678901, b: 123456789012345678901234, d: 1.0, e: 1e2, n: -0}").toJava();
        assertInstanceOf(Integer.class, v.get("i"));
        assertInstanceOf(Long.class, v.get("l"));
        assertEquals(new BigInteger("123456789012345678901234"), v.get("b"));
        assertInstanceOf(Double.class, v.get("d"));
        assertEquals(100.0, v.get("e"));
        assertEquals(0, v.get("n"));
    }

    /**
     * Each is refused by the gateway too; the editor names the line and column. (Escapes in the
     * text block are Java's: a doubled backslash is one backslash in the input.)
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
        `{\n  gateway: {\n    port: 1,\n`  | 4:1  | the object opened at 2:12 is not closed
        `{ a: 1 b: 2 }`                 | 1:8  | expected ',' or '}' after the value of 'a' but found a letter
        `{ a: 01 }`                     | 1:6  | leading zeros
        `{ a: -01 }`                    | 1:7  | leading zeros
        `{ a: 'x }`                     | 1:6  | unterminated string
        `{ a: "x\ny" }`                 | 1:6  | a string cannot span lines
        `{ a: "x\ty" }`                 | 1:8  | control character U+0009 must be escaped
        `{ a: "\\x" }`                  | 1:7  | invalid escape: a backslash before a letter
        `{ a: "\\u12G4" }`              | 1:11 | \\u must be followed by 4 hex digits
        `{ a: tru }`                    | 1:6  | unrecognised value: a bare word (did you mean true?)
        `{ a: truex }`                  | 1:6  | unrecognised value: a bare word (did you mean true?)
        `{ a: INF }`                    | 1:6  | unrecognised value: a bare word of 3 characters
        `{ a: +NaN }`                   | 1:6  | unrecognised value: a bare word of 4 characters
        `{ a: -Inf }`                   | 1:6  | unrecognised value: a bare word of 4 characters
        `{ a: unquoted }`               | 1:6  | unrecognised value: a bare word of 8 characters
        `{ a: 1,\n  a: 2 }`             | 2:3  | duplicate key 'a' (first at 1:3)
        `{ "a": 1, a: 2 }`              | 1:11 | duplicate key 'a' (first at 1:3)
        `{ a: 1 /* x }`                 | 1:8  | unterminated /* comment
        `{ a: 1 / }`                    | 1:8  | unexpected '/'
        `{ a: 1 // c }`                 | 1:14 | the object opened at 1:1 is not closed
        `{ , }`                         | 1:3  | expected a key or '}' but found ','
        `{ a: 1,, }`                    | 1:8  | expected a key or '}' but found ','
        `[1,,2]`                        | 1:4  | expected a value but found ','
        `[,]`                           | 1:2  | expected a value but found ','
        `{ a: [1, 2 }`                  | 1:12 | expected ',' or ']' after an array element but found '}'
        `{ a: 1 ]`                      | 1:8  | expected ',' or '}' after the value of 'a' but found ']'
        `{ a: .e5 }`                    | 1:7  | a decimal point must be followed by a digit
        `{ a: . }`                      | 1:7  | a decimal point must be followed by a digit
        `{ a: - }`                      | 1:7  | expected a digit
        `{ a: 1e }`                     | 1:8  | an exponent must have digits
        `{ a: 1e+ }`                    | 1:9  | an exponent must have digits
        `{ a: 0x10 }`                   | 1:7  | expected ',' or '}' after the value of 'a' but found a letter
        `{ a: 1.5.3 }`                  | 1:9  | expected ',' or '}' after the value of 'a' but found '.'
        `{ a.b: 1 }`                    | 1:4  | expected ':' after key 'a' but found '.'
        `{ a 1 }`                       | 1:5  | expected ':' after key 'a' but found a digit
        `{ a: 'x' 'y' }`                | 1:10 | expected ',' or '}' after the value of 'a' but found '''
        `{ a: }`                        | 1:6  | expected a value but found '}'
        `{ a:`                          | 1:5  | expected a value but found end of input
        `{ \u00a0a: 1 }`                | 1:3  | expected a key or '}' but found U+00A0
        `\u000c{}`                      | 1:1  | illegal control character U+000C
        `\ufeff{}`                      | 1:1  | expected a value but found U+FEFF
        `{ 😀: 1 }`                     | 1:3  | expected a key or '}' but found
        """)
    void rejectsWhatTheGatewayRejectsWithLineAndColumn(String text, String at, String reason) {
        String input = text;
        Json5SyntaxException e = assertThrows(Json5SyntaxException.class, () -> Json5Document.parse(input));
        assertEquals(at, e.line() + ":" + e.column(), e.getMessage());
        assertTrue(e.reason().contains(reason), e.getMessage());
        assertEquals(at + ": " + e.reason(), e.getMessage());
        assertGatewayRejects(input);
    }

    @Test
    void deepNestingIsLimitedAsTheGatewayAtItsCeiling() throws Exception {
        int max = io.gatehouse.support.json5.Json5Limits.CEILING_DEPTH;
        Json5Parser atCeiling = new Json5Parser(max);
        java.nio.file.Path f = java.nio.file.Path.of("t.json");
        String ok = "{a:" + "[".repeat(max - 1) + "]".repeat(max - 1) + "}";
        assertEquals(atCeiling.parse(f, ok), Json5Document.parse(ok).toJava());
        String tooDeep = "{a:" + "[".repeat(max) + "]".repeat(max) + "}";
        Json5SyntaxException e = assertThrows(Json5SyntaxException.class, () -> Json5Document.parse(tooDeep));
        assertEquals(max + 3, e.column()); // the bracket that crosses the limit
        assertThrows(io.gatehouse.api.config.ConfigException.class, () -> atCeiling.parse(f, tooDeep));
        assertGatewayRejects(tooDeep);
    }

    @Test
    void overlongNumbersAreRejectedAsInJackson() throws Exception {
        String ok = "{a:" + "1".repeat(1000) + "}";
        assertEquals(gateway(ok), Json5Document.parse(ok).toJava());
        String tooLong = "{a:" + "1".repeat(1001) + "}";
        assertThrows(Json5SyntaxException.class, () -> Json5Document.parse(tooLong));
        assertGatewayRejects(tooLong);
    }

    @Test
    void documentsWithoutValueAreEmpty() throws Exception {
        for (String text : List.of("", "  \n", "// nothing\n", "/* a */ # b")) {
            Json5Document doc = Json5Document.parse(text);
            assertTrue(doc.root().isEmpty());
            assertEquals(Map.of(), doc.toJava());
            // the gateway refuses such a file: it is what a writer leaves between truncate and write
            assertThrows(io.gatehouse.api.config.ConfigException.class,
                    () -> new io.gatehouse.config.Json5Parser().parse(java.nio.file.Path.of("t.json"), text));
        }
    }

    /** Both the gateway's parser and the editor refuse content after the root value. */
    @ParameterizedTest
    @ValueSource(strings = {"{a:1}}", "{} garbage", "{a:1} {b:2}", "{} /* unterminated", "{}\u000c"})
    void contentAfterTheRootValueIsRefused(String text) {
        assertThrows(io.gatehouse.api.config.ConfigException.class,
                () -> new io.gatehouse.config.Json5Parser().parse(java.nio.file.Path.of("t.json"), text));
        Json5SyntaxException e = assertThrows(Json5SyntaxException.class, () -> Json5Document.parse(text));
        assertTrue(e.line() == 1 && e.column() > 2, e.getMessage());
    }

    @Test
    void linesAndColumnsCountCrLfAndCrAsOneBreak() throws Exception {
        Json5SyntaxException e = assertThrows(Json5SyntaxException.class,
                () -> Json5Document.parse("{\r\n  a: 1,\r\n\r  b 2\n}"));
        assertEquals("4:5", e.line() + ":" + e.column());
    }

    /**
     * Random corruptions of both fixtures: the editor accepts exactly what the gateway accepts and
     * reads the same value, apart from the documented refusal of content after the root value.
     */
    @Test
    void agreesWithTheGatewayOnRandomCorruptions() {
        Random random = new Random(20240607);
        String alphabet = "{}[],:'\"/*#\n\r\t -+.0123456789eEINaxyz\\u\u00e9\u007f\u0000";
        int accepted = 0;
        int rejected = 0;
        for (String base : List.of(Fixtures.DIST, Fixtures.BIG)) {
            for (int i = 0; i < 4000; i++) {
                String text = mutate(base, random, alphabet);
                Object ours;
                try {
                    ours = Json5Document.parse(text).toJava();
                } catch (Json5SyntaxException e) {
                    ours = e;
                }
                Object theirs;
                try {
                    theirs = gateway.parse(FILE, text);
                } catch (ConfigException e) {
                    theirs = e;
                }
                if (ours instanceof Json5SyntaxException e && e.reason().contains("after the end of the root value")) {
                    continue;
                }
                if (theirs instanceof ConfigException e && e.getMessage().contains("must be a JSON object")) {
                    assertFalse(ours instanceof Map, text);
                    continue;
                }
                if (ours instanceof Json5SyntaxException != theirs instanceof ConfigException) {
                    fail("disagree on:\n" + text + "\nours: " + ours + "\ngateway: " + theirs);
                }
                if (ours instanceof Json5SyntaxException) {
                    rejected++;
                } else {
                    assertEquals(theirs, ours, text);
                    accepted++;
                }
            }
        }
        assertTrue(accepted > 500 && rejected > 500, accepted + " accepted, " + rejected + " rejected");
    }

    /** Short random token soup in value and key position: numbers, words, strings, escapes, names. */
    @Test
    void agreesWithTheGatewayOnRandomTokens() {
        Random random = new Random(77);
        String alphabet = "0123456789+-.eE_$INFaNnfiytrulsx'\"\\u/*#\n\t ,:{}[]\u00e9\u200b\u00a0\u007f\u00aa\u00d7";
        int accepted = 0;
        for (int i = 0; i < 30000; i++) {
            StringBuilder soup = new StringBuilder();
            for (int n = 1 + random.nextInt(7); n > 0; n--) {
                soup.append(random.nextInt(40) == 0 ? "😀" : String.valueOf(alphabet.charAt(random.nextInt(alphabet.length()))));
            }
            String text = random.nextBoolean() ? "{a:" + soup + "}" : "{" + soup + ":1}";
            Object ours;
            try {
                ours = Json5Document.parse(text).toJava();
            } catch (Json5SyntaxException e) {
                ours = e;
            }
            Object theirs;
            try {
                theirs = gateway.parse(FILE, text);
            } catch (ConfigException e) {
                theirs = e;
            }
            if (ours instanceof Json5SyntaxException e && e.reason().contains("after the end of the root value")) {
                continue;
            }
            if (ours instanceof Json5SyntaxException != theirs instanceof ConfigException) {
                fail("disagree on: " + text + "\nours: " + ours + "\ngateway: " + theirs);
            }
            if (!(ours instanceof Json5SyntaxException)) {
                assertEquals(theirs, ours, text);
                accepted++;
            }
        }
        assertTrue(accepted > 1000, accepted + " accepted");
    }

    private final Json5Parser gateway = new Json5Parser();
    private static final Path FILE = Path.of("etc/gatehouse.json");

    private static String mutate(String text, Random random, String alphabet) {
        StringBuilder s = new StringBuilder(text);
        int edits = 1 + random.nextInt(2);
        for (int e = 0; e < edits; e++) {
            int at = random.nextInt(s.length());
            switch (random.nextInt(4)) {
                case 0 -> s.deleteCharAt(at);
                case 1 -> s.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
                case 2 -> s.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
                default -> {
                    int end = Math.min(s.length(), at + 1 + random.nextInt(12));
                    String piece = s.substring(at, end);
                    s.insert(random.nextInt(s.length()), piece);
                }
            }
        }
        return s.toString();
    }

    private void assertGatewayRejects(String text) {
        assertThrows(ConfigException.class, () -> gateway.parse(FILE, text), "the gateway accepts " + text);
    }
}
