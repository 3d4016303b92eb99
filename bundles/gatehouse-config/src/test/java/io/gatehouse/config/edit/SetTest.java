package io.gatehouse.config.edit;

import static io.gatehouse.config.edit.Fixtures.BIG;
import static io.gatehouse.config.edit.Fixtures.DIST;
import static io.gatehouse.config.edit.Fixtures.assertGatewayReadsSet;
import static io.gatehouse.config.edit.Fixtures.gateway;
import static io.gatehouse.config.edit.Fixtures.parse;
import static io.gatehouse.config.edit.Fixtures.path;
import static io.gatehouse.config.edit.Fixtures.replaced;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Exact expected text for each kind of set, and the gateway reading the result as intended. */
class SetTest {

    /** Sets, asserts the exact result and that the gateway reads it as the original with the change. */
    private static String assertSet(String original, List<String> path, Object value, String expected)
            throws EditException {
        String edited = parse(original).set(path, value);
        assertEquals(expected, edited);
        assertGatewayReadsSet(original, edited, path, value);
        return edited;
    }

    private static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    // --- existing values -------------------------------------------------------------------------

    @Test
    void existingScalarChangesOnlyItsText() throws Exception {
        assertSet(DIST, path("gateway.port"), 8080, replaced(DIST, "port: 18789,", "port: 8080,"));
    }

    @Test
    void existingStringKeepsItsQuotes() throws Exception {
        assertSet(DIST, path("gateway.bind"), "lan", replaced(DIST, "bind: \"loopback\",", "bind: \"lan\","));
        assertSet(BIG, path("gateway.bind"), "loopback", replaced(BIG, "bind: 'lan',  ", "bind: 'loopback',  "));
        assertSet(BIG, path("gateway.bind"), "it's", replaced(BIG, "bind: 'lan',  ", "bind: 'it\\'s',  "));
    }

    @Test
    void existingValueInsideArrayElement() throws Exception {
        assertSet(BIG, path("bindings.1.weight"), 2, replaced(BIG, "weight: 1.,", "weight: 2,"));
        assertSet(BIG, path("bindings.0.match.channel"), "api",
                replaced(BIG, "{ channel: \"web\", peer", "{ channel: \"api\", peer"));
        assertSet(BIG, path("bindings.1.tags.0"), "day", replaced(BIG, "['night', \"weekend\"]", "['day', \"weekend\"]"));
    }

    @Test
    void scalarReplacedByObjectIsWrittenMultiLineAtItsIndentation() throws Exception {
        assertSet(DIST, path("gateway.port"), map("http", 80, "https", 443), replaced(DIST, "    port: 18789,\n", """
                    port: {
                      http: 80,
                      https: 443,
                    },
                """));
    }

    @Test
    void scalarInOneLineObjectReplacedByObjectStaysOnTheLine() throws Exception {
        assertSet(BIG, path("bindings.0.match.peer"), map("id", "alice", "role", "admin"),
                replaced(BIG, "peer: null }", "peer: { id: \"alice\", role: \"admin\" } }"));
    }

    @Test
    void sameValueLeavesTheTextAlone() throws Exception {
        Json5Document big = parse(BIG);
        assertEquals(BIG, big.set(path("gateway.port"), 18789));
        assertEquals(BIG, big.set(path("bindings.0.weight"), 0.5));          // written .5
        assertEquals(BIG, big.set(path("gateway.reload.debounceMs"), 25L));  // written +25
        assertEquals(BIG, big.set(path("gateway.bind"), "lan"));             // written 'lan'
        assertEquals(BIG, big.set(path("greeting"), "Grüß dich \u2014 \"welcome\"\n")); // written with escapes
        assertEquals(BIG, big.set(path("bindings"), gateway(BIG).get("bindings")));
        assertEquals(BIG, big.set(List.of(), gateway(BIG)));
    }

    @Test
    void objectValueIsReconciledMemberByMemberKeepingComments() throws Exception {
        // Config Admin writes a whole section back: only the changed member's text changes.
        assertSet(DIST, path("gateway"), map("bind", "loopback", "port", 18790, "reload", map("deferralTimeoutMs", 30000)),
                replaced(DIST, "port: 18789,", "port: 18790,"));
        // A member missing from the map is removed, a new one appended.
        assertSet(DIST, path("gateway.reload"), map("mode", "hot"), replaced(DIST, """
                    reload: {
                      // How long a restart or stop waits for in-flight requests and turns (ms).
                      deferralTimeoutMs: 30000,
                    },
                """, """
                    reload: {
                      mode: "hot",
                    },
                """));
    }

    @Test
    void arrayOfDifferentLengthIsRewritten() throws Exception {
        // Strings take the quotes of the replaced value's strings, else of the siblings' strings.
        assertSet(BIG, path("bindings.1.tags"), List.of("night"), replaced(BIG, "['night', \"weekend\"]", "[\"night\"]"));
        assertSet("{ b: \"q\", c: \"r\", a: ['x', 'y'] }", path("a"), List.of("z"), "{ b: \"q\", c: \"r\", a: ['z'] }");
        assertSet(BIG, path("list"), List.of(1, "two", List.of()), replaced(BIG, "list: [],", "list: [1, \"two\", []],"));
    }

    // --- new members -----------------------------------------------------------------------------

    @Test
    void newMemberOfMultiLineObjectGoesAfterTheLastMemberWithItsIndentationAndTrailingComma() throws Exception {
        assertSet(DIST, path("gateway.tls"), map("enabled", true, "port", 8443), replaced(DIST, """
                      deferralTimeoutMs: 30000,
                    },
                  },
                """, """
                      deferralTimeoutMs: 30000,
                    },
                    tls: {
                      enabled: true,
                      port: 8443,
                    },
                  },
                """));
    }

    @Test
    void newMemberQuotesItsKeyLikeItsSiblings() throws Exception {
        assertSet(DIST, List.of("logging", "levels", "io.gatehouse.routing"), "debug", replaced(DIST, """
                      "org.eclipse.jetty": "warn",
                """, """
                      "org.eclipse.jetty": "warn",
                      "io.gatehouse.routing": "debug",
                """));
        // Siblings quote only where they must, so a plain name stays unquoted.
        assertSet(DIST, path("logging.levels.root"), "info", replaced(DIST, """
                      "org.eclipse.jetty": "warn",
                """, """
                      "org.eclipse.jetty": "warn",
                      root: "info",
                """));
        String quoted = "{\n  'a': 1,\n  'b': 2\n}\n";
        assertSet(quoted, path("c"), "x", "{\n  'a': 1,\n  'b': 2,\n  'c': \"x\"\n}\n");
    }

    @Test
    void newMemberOfObjectWithoutTrailingCommaGetsNoneAndTheFormerLastGetsOne() throws Exception {
        assertSet("{\n  a: 1 // one\n}", path("b"), 2, "{\n  a: 1, // one\n  b: 2\n}");
        assertSet("{\n    \"a\" : 1,\n    \"b\" : 2\n}", path("c"), 3, "{\n    \"a\" : 1,\n    \"b\" : 2,\n    \"c\" : 3\n}");
    }

    @Test
    void newMemberAfterCommentsOnTheLastMembersLine() throws Exception {
        assertSet("{\n  a: 1, /* x */ // y\n  // commented: out\n}\n", path("b"), 2,
                "{\n  a: 1, /* x */ // y\n  b: 2,\n  // commented: out\n}\n");
        assertSet("{\n  a: 1 /* spans\n  lines */\n}\n", path("b"), 2, "{\n  a: 1, /* spans\n  lines */\n  b: 2\n}\n");
    }

    @Test
    void newMemberOfOneLineObjectStaysOnTheLine() throws Exception {
        assertSet(BIG, path("gateway.tls.key"), "etc/tls/key.pem",
                replaced(BIG, "cert: 'etc/tls/cert.pem' },", "cert: 'etc/tls/cert.pem', key: 'etc/tls/key.pem' },"));
        assertSet("{ a: 1, }", path("b"), 2, "{ a: 1, b: 2, }");
        assertSet("{a:1}", path("b"), map("c", true), "{a:1, b:{ c:true }}");
    }

    @Test
    void newMemberOfEmptyObject() throws Exception {
        assertSet(BIG, path("empty.x"), 1, replaced(BIG, "  empty: {},\n", "  empty: {\n    x: 1,\n  },\n"));
        assertSet("{ a: {} }", path("a.b"), 1, "{ a: { b: 1 } }");
        assertSet("{\n  a: {\n    // nothing yet\n  },\n}", path("a.b"), 1, "{\n  a: {\n    // nothing yet\n    b: 1,\n  },\n}");
        assertSet("{}", path("a"), 1, "{\n  a: 1\n}");
        assertSet("{ a: { /* none */ } }", path("a.b"), 1, "{ a: { /* none */ b: 1 } }");
    }

    @Test
    void missingIntermediateObjectsAreCreated() throws Exception {
        assertSet(DIST, path("gateway.limits.http.maxBodyBytes"), 1048576, replaced(DIST, """
                      deferralTimeoutMs: 30000,
                    },
                  },
                """, """
                      deferralTimeoutMs: 30000,
                    },
                    limits: {
                      http: {
                        maxBodyBytes: 1048576,
                      },
                    },
                  },
                """));
        assertSet(DIST, path("admin.enabled"), false, replaced(DIST, """
                      "org.eclipse.jetty": "warn",
                    },
                  },
                }""", """
                      "org.eclipse.jetty": "warn",
                    },
                  },
                  admin: {
                    enabled: false,
                  },
                }"""));
    }

    @Test
    void emptyDocumentGetsARootObject() throws Exception {
        assertSet("", path("gateway.port"), 1, "{\n  gateway: {\n    port: 1\n  }\n}\n");
        assertSet("// config\n", path("a"), "b", "// config\n{\n  a: \"b\"\n}\n");
        assertSet("# no newline", path("a"), 1, "# no newline\n{\n  a: 1\n}\n");
    }

    @Test
    void nestedValuesFollowTheFilesIndentationUnit() throws Exception {
        String tabs = "{\n\tgateway: {\n\t\tport: 1,\n\t},\n}\n";
        assertSet(tabs, path("gateway.tls"), map("on", true, "ids", List.of(map("a", 1))),
                "{\n\tgateway: {\n\t\tport: 1,\n\t\ttls: {\n\t\t\ton: true,\n\t\t\tids: [\n\t\t\t\t{\n\t\t\t\t\ta: 1,\n"
                        + "\t\t\t\t},\n\t\t\t],\n\t\t},\n\t},\n}\n");
        String four = "{\n    a: {\n        b: 1\n    }\n}";
        assertSet(four, path("a.c"), map("d", 1), "{\n    a: {\n        b: 1,\n        c: {\n            d: 1\n        }\n    }\n}");
    }

    @Test
    void crLfFilesGetCrLf() throws Exception {
        String crlf = DIST.replace("\n", "\r\n");
        String edited = assertSet(crlf, path("gateway.tls.enabled"), true, replaced(crlf,
                "      deferralTimeoutMs: 30000,\r\n    },\r\n", "      deferralTimeoutMs: 30000,\r\n    },\r\n"
                        + "    tls: {\r\n      enabled: true,\r\n    },\r\n"));
        assertFalse(edited.replace("\r\n", "").contains("\n"));
    }

    // --- values ----------------------------------------------------------------------------------

    @Test
    void unicodeAndEscapes() throws Exception {
        String value = "Grüß \"dich\" \\ 😀\n\t\u0001\u007f";
        assertSet(DIST, path("gateway.bind"), value,
                replaced(DIST, "bind: \"loopback\"", "bind: \"Grüß \\\"dich\\\" \\\\ 😀\\n\\t\\u0001\\u007f\""));
        assertSet(BIG, path("greeting"), "it's \"fine\"", replaced(BIG, "\"Grüß dich \\u2014 \\\"welcome\\\"\\n\"",
                "\"it's \\\"fine\\\"\""));
        // An unpaired surrogate cannot be written in UTF-8, so it is escaped.
        assertSet("{a: 1}", path("a"), "x\ud800y", "{a: \"x\\ud800y\"}");
    }

    @Test
    void keysThatAreNotPlainNamesAreQuoted() throws Exception {
        assertSet("{ a: 1 }", List.of("b.c"), 2, "{ a: 1, \"b.c\": 2 }");
        assertSet("{ a: 1 }", List.of("größe"), 2, "{ a: 1, größe: 2 }");
        assertSet("{ a: 1 }", List.of("1x"), 2, "{ a: 1, \"1x\": 2 }");
        assertSet("{ a: 1 }", List.of(""), 2, "{ a: 1, \"\": 2 }");
        assertSet("{ a: 1 }", List.of("a-b"), 2, "{ a: 1, \"a-b\": 2 }");
        assertSet("{ a: 1 }", List.of("say \"hi\""), 2, "{ a: 1, \"say \\\"hi\\\"\": 2 }");
    }

    @Test
    void numbersBooleansAndNull() throws Exception {
        String doc = "{ v: 0 }";
        assertSet(doc, path("v"), 12345678901L, "{ v: 12345678901 }");
        assertSet(doc, path("v"), new BigInteger("123456789012345678901234"), "{ v: 123456789012345678901234 }");
        assertSet(doc, path("v"), 0.25, "{ v: 0.25 }");
        assertSet(doc, path("v"), 1e21, "{ v: 1.0E21 }");
        assertSet(doc, path("v"), Double.NaN, "{ v: NaN }");
        assertSet(doc, path("v"), Double.NEGATIVE_INFINITY, "{ v: -Infinity }");
        assertSet(doc, path("v"), true, "{ v: true }");
        assertSet(doc, path("v"), null, "{ v: null }");
        // Written as Jackson will read them back: 0.1f as 0.1, an integral BigDecimal as an integer.
        assertEquals("{ v: 0.1 }", parse(doc).set(path("v"), 0.1f));
        assertEquals("{ v: 2.5 }", parse(doc).set(path("v"), new BigDecimal("2.50")));
        assertEquals("{ v: 7 }", parse(doc).set(path("v"), new BigDecimal("7")));
    }

    @Test
    void mapsAndListsOfAnyImplementation() throws Exception {
        List<Object> list = new ArrayList<>(Arrays.asList(1, null, "x"));
        assertSet("{\n  a: 1,\n}", path("b"), Map.of("k", list), "{\n  a: 1,\n  b: {\n    k: [1, null, \"x\"],\n  },\n}");
        assertSet("{\n  a: 1,\n}", path("b"), Map.of(), "{\n  a: 1,\n  b: {},\n}");
    }

    @Test
    void dottedAndListPathsAreTheSame() throws Exception {
        Json5Document dist = parse(DIST);
        assertEquals(dist.set(List.of("gateway", "reload", "mode"), "hot"), dist.set("gateway.reload.mode", "hot"));
    }
}
