package io.gatehouse.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.gatehouse.launcher.api.StoredPlugin;

/** Which ids plugins.entries may name without an "is not installed" warning. */
class PluginIdsTest {

    private static Dictionary<String, String> headers(Map<String, String> h) {
        return new Hashtable<>(h);
    }

    @Test
    void symbolicNamesPluginIdHeadersAndStagedPluginsAllCount() {
        Set<String> ids = ConfigPipeline.pluginIds(List.of(
                headers(Map.of("Bundle-SymbolicName", "io.gatehouse.config;singleton:=true")),
                headers(Map.of("Bundle-SymbolicName", "com.acme.bundle.impl", "Gatehouse-Plugin-Id", "acme")),
                headers(Map.of("Bundle-Name", "no bsn (a legacy jar)"))),
                List.of(new StoredPlugin("io.gatehouse.example.upper", "0.1.0", "00", "file:x.jar",
                        List.of(Path.of("x.jar")), 1L)));
        assertEquals(Set.of("io.gatehouse.config", "com.acme.bundle.impl", "acme", "io.gatehouse.example.upper"), ids);
    }
}
