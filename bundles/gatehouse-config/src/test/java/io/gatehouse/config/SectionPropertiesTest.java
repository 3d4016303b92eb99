package io.gatehouse.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Hashtable;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class SectionPropertiesTest {

    @Test
    void nestedObjectsBecomeDottedKeysAndRoundTrip() {
        Map<String, Object> gateway = Map.of("port", 18789, "bind", "loopback",
                "reload", Map.of("mode", "hot", "debounceMs", 50), "tags", List.of("a", "b"), "ports", List.of(1, 2));
        Hashtable<String, Object> props = SectionProperties.flatten(gateway);
        assertEquals(18789L, props.get("port"));
        assertEquals("hot", props.get("reload.mode"));
        assertArrayEquals(new String[] {"a", "b"}, (String[]) props.get("tags"));
        assertArrayEquals(new Long[] {1L, 2L}, (Long[]) props.get("ports"));
        assertTrue(ConfigAdminBridge.same(gateway, SectionProperties.unflatten(props)));
    }

    @Test
    void arraysOfObjectsDottedKeysAndArraySectionsAreJson() {
        Map<String, Object> logging = Map.of("levels", Map.of("io.gatehouse.routing", "debug"));
        Hashtable<String, Object> props = SectionProperties.flatten(logging);
        assertEquals("{\"io.gatehouse.routing\":\"debug\"}", props.get("levels"));
        assertTrue(ConfigAdminBridge.same(logging, SectionProperties.unflatten(props)));

        List<Object> bindings = List.of(Map.of("agentId", "a", "match", Map.of("channel", "webchat")));
        Hashtable<String, Object> b = SectionProperties.flatten(bindings);
        assertTrue(((String) b.get(SectionProperties.VALUE)).startsWith("[{"));
        assertTrue(ConfigAdminBridge.same(bindings, SectionProperties.unflatten(b)));
    }

    @Test
    void editsAreMinimalPaths() {
        Map<String, Object> before = Map.of("port", 1, "reload", Map.of("mode", "hot", "debounceMs", 50));
        Map<String, Object> after = Map.of("port", 1, "reload", Map.of("mode", "restart"), "bind", "lan");
        Map<String, Object> edits = ConfigAdminBridge.edits("gateway", before, after);
        assertEquals("restart", edits.get("gateway.reload.mode"));
        assertTrue(edits.containsKey("gateway.reload.debounceMs") && edits.get("gateway.reload.debounceMs") == null);
        assertEquals("lan", edits.get("gateway.bind"));
        assertEquals(3, edits.size(), edits.toString());
    }

    @Test
    void editsOfKeysWithDotsAreQuotedPaths() {
        Map<String, Object> before = Map.of("entries", Map.of("io.x.y", Map.of("enabled", true)));
        Map<String, Object> after = Map.of("entries", Map.of("io.x.y", Map.of("enabled", false)));
        assertEquals(Map.of("plugins.entries.\"io.x.y\".enabled", false), ConfigAdminBridge.edits("plugins", before, after));
    }

    @Test
    void quotedPropertyKeysAddressKeysWithDots() {
        Hashtable<String, Object> props = new Hashtable<>(Map.of("entries.\"io.x.y\".enabled", false));
        assertEquals(Map.of("entries", Map.of("io.x.y", Map.of("enabled", false))), SectionProperties.unflatten(props));
    }

    @Test
    void configGetReadsQuotedPaths() {
        Map<String, Object> root = Map.of("plugins", Map.of("entries", Map.of("io.x.y", Map.of("enabled", false))));
        assertEquals(false, ConfigCommands.lookup(root, "plugins.entries.\"io.x.y\".enabled"));
        assertEquals(ConfigCommands.MISSING, ConfigCommands.lookup(root, "plugins.entries.io.x.y.enabled"));
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> ConfigCommands.lookup(root, "plugins.entries.\"io.x.y.enabled"));
        assertTrue(e.getMessage().contains("column 17"), e.getMessage());
    }

    @Test
    void frameworkKeysAreIgnored() {
        Hashtable<String, Object> props = SectionProperties.flatten(Map.of("level", "info"));
        props.put("service.pid", "gatehouse.logging");
        assertEquals(Map.of("level", "info"), SectionProperties.unflatten(props));
    }
}
