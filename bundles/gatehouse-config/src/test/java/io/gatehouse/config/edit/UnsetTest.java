package io.gatehouse.config.edit;

import static io.gatehouse.config.edit.Fixtures.BIG;
import static io.gatehouse.config.edit.Fixtures.DIST;
import static io.gatehouse.config.edit.Fixtures.assertGatewayReadsUnset;
import static io.gatehouse.config.edit.Fixtures.parse;
import static io.gatehouse.config.edit.Fixtures.path;
import static io.gatehouse.config.edit.Fixtures.replaced;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Exact expected text for unset. The rule: an item on lines of its own takes those lines, its
 * same-line comment, and the comment lines directly above it (no blank line between); everything
 * else stays.
 */
class UnsetTest {

    private static String assertUnset(String original, List<String> path, String expected) throws EditException {
        String edited = parse(original).unset(path);
        assertEquals(expected, edited);
        assertGatewayReadsUnset(original, edited, path);
        return edited;
    }

    @Test
    void firstMemberGoesWithTheCommentDirectlyAboveIt() throws Exception {
        assertUnset(DIST, path("gateway.bind"), replaced(DIST, """
                    // Where clients connect. "loopback" (127.0.0.1), "lan" (all interfaces) or an address.
                    bind: "loopback",
                """, ""));
    }

    @Test
    void middleMember() throws Exception {
        assertUnset(DIST, path("gateway.port"), replaced(DIST, "    port: 18789,\n", ""));
        assertUnset(DIST, path("logging.level"), replaced(DIST, """
                    // Root level: trace, debug, info, warn, error, off. Applied whenever the config is loaded, without a restart.
                    level: "info",
                """, ""));
    }

    @Test
    void lastMemberWithTrailingCommaTakesItsWholeValueAndInnerComments() throws Exception {
        assertUnset(DIST, path("gateway.reload"), replaced(DIST, """
                    reload: {
                      // How long a restart or stop waits for in-flight requests and turns (ms).
                      deferralTimeoutMs: 30000,
                    },
                """, ""));
    }

    @Test
    void onlyMemberLeavesAnEmptyObject() throws Exception {
        assertUnset(DIST, path("gateway.reload.deferralTimeoutMs"), replaced(DIST, """
                    reload: {
                      // How long a restart or stop waits for in-flight requests and turns (ms).
                      deferralTimeoutMs: 30000,
                    },
                """, """
                    reload: {},
                """));
        assertUnset(DIST, List.of("logging", "levels", "org.eclipse.jetty"),
                replaced(DIST, "    levels: {\n      \"org.eclipse.jetty\": \"warn\",\n    },\n", "    levels: {},\n"));
        assertUnset("{ a: 1 }", path("a"), "{}");
        assertUnset("{\n  a: 1\n}\n", path("a"), "{}\n");
    }

    @Test
    void onlyMemberKeepsACommentThatIsNotItsOwn() throws Exception {
        assertUnset("{\n  // about the object\n\n  a: 1,\n}", path("a"), "{\n  // about the object\n}");
        assertUnset("{ // header\n  a: 1,\n}", path("a"), "{ // header\n}");
    }

    @Test
    void rootMemberSeparatedByBlankLinesTakesOneBlankLineWithIt() throws Exception {
        assertUnset(DIST, path("logging"), replaced(DIST, """
                  },

                  logging: {
                    // Root level: trace, debug, info, warn, error, off. Applied whenever the config is loaded, without a restart.
                    level: "info",
                    // Per-logger levels, e.g. "io.gatehouse.routing": "debug".
                    levels: {
                      "org.eclipse.jetty": "warn",
                    },
                  },
                """, """
                  },
                """));
        assertUnset(DIST, path("gateway"), replaced(DIST, """
                {
                  gateway: {
                    // Where clients connect. "loopback" (127.0.0.1), "lan" (all interfaces) or an address.
                    bind: "loopback",
                    port: 18789,
                    reload: {
                      // How long a restart or stop waits for in-flight requests and turns (ms).
                      deferralTimeoutMs: 30000,
                    },
                  },

                  logging""", """
                {
                  logging"""));
        assertUnset(BIG, path("bindings"), replaced(BIG, BIG.substring(BIG.indexOf("  # Agents"), BIG.indexOf("  logging: {")), ""));
    }

    @Test
    void hashAndMultiLineBlockCommentsDirectlyAboveGoToo() throws Exception {
        assertUnset(BIG, path("gateway.reload.deferralTimeoutMs"), replaced(BIG, """
                      /* block comment
                         spanning lines */
                      deferralTimeoutMs: 30000,
                """, ""));
    }

    @Test
    void commentSeparatedByABlankLineStays() throws Exception {
        assertUnset("{\n  a: 1,\n\n  // section\n\n  b: 2,\n  c: 3,\n}", path("b"), "{\n  a: 1,\n\n  // section\n\n  c: 3,\n}");
    }

    @Test
    void commentOnAnotherItemsLineStays() throws Exception {
        assertUnset("{\n  a: 1, // about a\n  b: 2,\n}", path("b"), "{\n  a: 1, // about a\n}");
        assertUnset("{\n  a: 1, /* a */ b: 2, // b\n  c: 3,\n}", path("c"), "{\n  a: 1, /* a */ b: 2, // b\n}");
        assertUnset("{\n  x: 0, /* tail of x */\n  /* about a */ a: 1,\n  b: 2,\n}", path("a"),
                "{\n  x: 0, /* tail of x */\n  b: 2,\n}");
    }

    @Test
    void sameLineCommentGoesWithTheMember() throws Exception {
        assertUnset(BIG, path("gateway.bind"), replaced(BIG, "    bind: 'lan',            // all interfaces\n", ""));
        assertUnset(BIG, path("bindings.1.agentId"), replaced(BIG, "      agentId: \"ops\", // the on-call agent\n", ""));
    }

    @Test
    void lastMemberWithoutTrailingCommaTakesThePreviousComma() throws Exception {
        assertUnset("{\n  \"a\": 1,\n  \"b\": 2\n}", path("b"), "{\n  \"a\": 1\n}");
        assertUnset("{\n  a: 1, // one\n  b: 2 // two\n}", path("b"), "{\n  a: 1 // one\n}");
        assertUnset("{\n  a: 1,\n  b: 2 }", path("b"), "{\n  a: 1 }");
    }

    @Test
    void membersOfOneLineObjects() throws Exception {
        assertUnset("{ a: 1, b: 2, c: 3 }", path("a"), "{ b: 2, c: 3 }");
        assertUnset("{ a: 1, b: 2, c: 3 }", path("b"), "{ a: 1, c: 3 }");
        assertUnset("{ a: 1, b: 2, c: 3 }", path("c"), "{ a: 1, b: 2 }");
        assertUnset("{ a: 1, b: 2, }", path("b"), "{ a: 1, }");
        assertUnset("{a:1,b:2}", path("b"), "{a:1}");
        assertUnset(BIG, path("gateway.tls.cert"), replaced(BIG, "{ enabled: false, cert: 'etc/tls/cert.pem' }",
                "{ enabled: false }"));
        assertUnset(BIG, path("bindings.0.match.channel"), replaced(BIG, "{ channel: \"web\", peer: null }",
                "{ peer: null }"));
        assertUnset("{\n  a: 1, b: 2,\n}", path("b"), "{\n  a: 1,\n}");
        assertUnset("{\n  a: 1, b: 2,\n}", path("a"), "{\n  b: 2,\n}");
    }

    @Test
    void arrayElements() throws Exception {
        assertUnset(BIG, path("bindings.0"), replaced(BIG, """
                    {
                      agentId: 'main',
                      match: { channel: "web", peer: null },
                      weight: .5,
                    },
                """, ""));
        assertUnset(BIG, path("bindings.1.tags.0"), replaced(BIG, "['night', \"weekend\"]", "[\"weekend\"]"));
        assertUnset(BIG, path("bindings.1.tags.1"), replaced(BIG, "['night', \"weekend\"]", "['night']"));
        assertUnset("{ a: [1] }", path("a.0"), "{ a: [] }");
    }

    @Test
    void nothingAtThePathLeavesTheTextAlone() throws Exception {
        Json5Document big = parse(BIG);
        for (String path : List.of("nope", "gateway.nope", "nope.deeper", "bindings.2", "empty.x", "list.0")) {
            assertEquals(BIG, big.unset(path));
        }
        assertEquals("", parse("").unset("a"));
    }

    @Test
    void crLfFiles() throws Exception {
        String crlf = DIST.replace("\n", "\r\n");
        assertUnset(crlf, path("gateway.bind"), replaced(crlf,
                "    // Where clients connect. \"loopback\" (127.0.0.1), \"lan\" (all interfaces) or an address.\r\n"
                        + "    bind: \"loopback\",\r\n", ""));
        assertUnset(crlf, path("logging"), parse(DIST).unset("logging").replace("\n", "\r\n"));
    }

    @Test
    void dottedAndListPathsAreTheSame() throws Exception {
        Json5Document dist = parse(DIST);
        assertEquals(dist.unset(List.of("gateway", "port")), dist.unset("gateway.port"));
    }
}
