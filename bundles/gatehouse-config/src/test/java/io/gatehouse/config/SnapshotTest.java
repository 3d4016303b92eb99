package io.gatehouse.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class SnapshotTest {
    @Test
    void dottedPathsAndSectionsReadTheTree() {
        Map<String, Object> gateway = new HashMap<>(Map.of("port", 1, "reload", Map.of("mode", "hot")));
        Snapshot s = new Snapshot(Map.of("gateway", gateway), "h", Path.of("f"), 1L);
        assertEquals(Optional.of(1), s.get("gateway.port"));
        assertEquals(Optional.of("hot"), s.get("gateway.reload.mode"));
        assertEquals(Optional.empty(), s.get("gateway.port.x"));
        assertEquals(Optional.empty(), s.get("nope"));
        assertEquals(Map.of(), s.section("absent"));
    }

    @Test
    void quotedSegmentsAddressKeysWithDots() {
        Map<String, Object> entries = Map.of("io.gatehouse.example", Map.of("enabled", false),
                "io", Map.of("gatehouse", Map.of("example", Map.of("enabled", true))));
        Snapshot s = new Snapshot(Map.of("plugins", Map.of("entries", entries)), "h", Path.of("f"), 1L);
        assertEquals(Optional.of(false), s.get("plugins.entries.\"io.gatehouse.example\".enabled"));
        assertEquals(Optional.of(true), s.get("plugins.entries.io.gatehouse.example.enabled"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> s.get("plugins.entries.\"io.gatehouse.example.enabled"));
        assertTrue(e.getMessage().contains("column 17"), e.getMessage());
    }

    @Test
    void snapshotIsDeeplyImmutableAndDetachedFromItsInput() {
        List<Object> list = new ArrayList<>(List.of("a"));
        Map<String, Object> inner = new HashMap<>(Map.of("list", list));
        Snapshot s = new Snapshot(new HashMap<>(Map.of("x", inner)), "h", Path.of("f"), 1L);
        list.add("b");
        inner.put("other", 1);
        assertEquals(Optional.of(List.of("a")), s.get("x.list"));
        assertThrows(UnsupportedOperationException.class, () -> s.section("x").put("y", 1));
        @SuppressWarnings("unchecked")
        List<Object> l = (List<Object>) s.get("x.list").orElseThrow();
        assertThrows(UnsupportedOperationException.class, () -> l.add("c"));
        assertTrue(s.toString().contains("h"));
    }
}
