package io.gatehouse.support.json5;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** A parse error names the position and the kind of token, never the token: it may be a secret without quotes. */
class Json5SecretsTest {

    private static Json5Exception reject(String text) {
        return assertThrows(Json5Exception.class, () -> Json5.readObject(text, "the config"));
    }

    @Test
    void anUnquotedSecretIsNeverEchoed() {
        for (String text : List.of("{ gateway: { auth: { token: sk_live_abcdef123 } } }",
                "{ gateway: { auth: { token: \"sk_live_abcdef123\" x } } }",
                "{ token: \"abc\\qsk_live_abcdef123\" }",
                "{ pin: 012345678 }",
                "{ token: sk_live_abcdef123",
                "{ a: 1 }\nsk_live_abcdef123")) {
            Json5Exception e = reject(text);
            String shown = e.getMessage() + " " + e.at("/opt/gatehouse/etc/gatehouse.json");
            assertFalse(shown.contains("sk_live"), shown);
            assertFalse(shown.contains("abcdef123"), shown);
            assertNull(e.getCause(), "the parser's own message (with the token) must not travel as the cause");
            assertTrue(e.line() > 0, shown);
        }
    }

    @Test
    void theKindOfTokenAndThePositionRemain() {
        Json5Exception bare = reject("{\n  gateway: { auth: { token: sk_live_abcdef123 } },\n}");
        assertEquals(2, bare.line());
        assertEquals(29, bare.column());
        assertTrue(bare.reason().startsWith("unrecognized token (a bare word of 17 characters; text values need quotes)"),
                bare.reason());
        Json5Exception comma = reject("{ a: 1 b: 2 }");
        assertTrue(comma.reason().startsWith("Unexpected character (a letter): was expecting comma"), comma.reason());
        Json5Exception brace = reject("{ a: 1, ] }");
        assertTrue(brace.reason().contains("']'") || brace.reason().contains("Unexpected close marker"), brace.reason());
    }
}
