package io.gatehouse.config.edit;

import static io.gatehouse.config.edit.Fixtures.BIG;
import static io.gatehouse.config.edit.Fixtures.parse;
import static io.gatehouse.config.edit.Fixtures.path;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Edits that cannot be made safely are refused with the path and the reason. */
class RefusalTest {
    private final Json5Document big = parse(BIG);

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
        gateway.port.x         | cannot set gateway.port.x: gateway.port is a number, not an object
        gateway.bind.x.y       | cannot set gateway.bind.x.y: gateway.bind is a string, not an object
        bindings.0.match.peer.x| cannot set bindings.0.match.peer.x: bindings.0.match.peer is null, not an object
        gateway.tls.enabled.x  | cannot set gateway.tls.enabled.x: gateway.tls.enabled is a boolean, not an object
        bindings.x             | cannot set bindings.x: bindings is an array; 'x' is not an element index (use bindings.0)
        bindings.01            | cannot set bindings.01: bindings is an array; '01' is not an element index (use bindings.0)
        bindings.-1            | cannot set bindings.-1: bindings is an array; '-1' is not an element index (use bindings.0)
        bindings.2             | cannot set bindings.2: index 2 is out of range: bindings has 2 elements (appending to arrays is not supported)
        bindings.2.agentId     | cannot set bindings.2.agentId: index 2 is out of range: bindings has 2 elements (appending to arrays is not supported)
        list.0                 | cannot set list.0: index 0 is out of range: list has 0 elements (appending to arrays is not supported)
        bindings.1.tags.x      | cannot set bindings.1.tags.x: bindings.1.tags is an array; 'x' is not an element index (use bindings.1.tags.0)
        """)
    void setThroughTheWrongKindOfValue(String path, String message) {
        EditException e = assertThrows(EditException.class, () -> big.set(path, 1));
        assertEquals(message, e.getMessage());
        assertEquals(path, e.path());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
        gateway.port.x | cannot unset gateway.port.x: gateway.port is a number, not an object
        bindings.x     | cannot unset bindings.x: bindings is an array; 'x' is not an element index (use bindings.0)
        ''             | cannot unset the root: the root cannot be removed
        """)
    void unsetThroughTheWrongKindOfValue(String path, String message) {
        EditException e = assertThrows(EditException.class, () -> big.unset(path));
        assertEquals(message, e.getMessage());
    }

    @Test
    void keysWithDotsAreShownQuoted() {
        EditException e = assertThrows(EditException.class,
                () -> big.set(List.of("logging", "levels", "io.gatehouse.routing", "x"), 1));
        assertEquals("cannot set logging.levels.\"io.gatehouse.routing\".x: logging.levels.\"io.gatehouse.routing\""
                + " is a string, not an object", e.getMessage());
    }

    @Test
    void unsupportedValues() {
        assertEquals("cannot set a: unsupported value type java.util.Date (use Map, List, String, Number, Boolean or null)",
                assertThrows(EditException.class, () -> big.set("a", new Date())).getMessage());
        assertEquals("cannot set a: object keys must be strings, found java.lang.Integer",
                assertThrows(EditException.class, () -> big.set("a", Map.of(1, 2))).getMessage());
        assertEquals("cannot set a: unsupported number type java.util.concurrent.atomic.AtomicInteger",
                assertThrows(EditException.class, () -> big.set("a", List.of(new AtomicInteger(1)))).getMessage());
    }

    @Test
    void theRootStaysAnObject() {
        assertEquals("cannot set the root: the root must be an object",
                assertThrows(EditException.class, () -> big.set(List.of(), List.of())).getMessage());
        EditException e = assertThrows(EditException.class, () -> parse("[1, 2]").set(path("a"), 1));
        assertEquals("cannot set a: the root is an array; 'a' is not an element index (use 0)", e.getMessage());
        e = assertThrows(EditException.class, () -> parse("'text'").set(path("a"), 1));
        assertEquals("cannot set a: the root is a string, not an object", e.getMessage());
    }

    @Test
    void refusalLeavesTheDocumentUsable() throws Exception {
        assertThrows(EditException.class, () -> big.set("gateway.port.x", 1));
        assertEquals(BIG, big.text());
        assertEquals(Fixtures.replaced(BIG, "port: 18789", "port: 1"), big.set("gateway.port", 1));
    }
}
