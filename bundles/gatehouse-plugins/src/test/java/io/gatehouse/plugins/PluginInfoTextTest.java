package io.gatehouse.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

/** plugins:info prints what an operator reads, not a Java map's or record's toString. */
class PluginInfoTextTest {

    @Test
    void nestedValuesAreIndentedLinesAndListItemsDashes() {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("id", "io.gatehouse.example.upper");
        info.put("state", "enabled");
        info.put("reason", null);
        info.put("bundles", List.of(Map.of("id", 57), Map.of()));
        Map<String, Object> running = new LinkedHashMap<>();
        running.put("version", "0.1.0.SNAPSHOT");
        running.put("jars", List.of("/opt/gatehouse/data/plugins/store/a.jar"));
        info.put("running", running);
        info.put("failures", List.of());
        info.put("rejected", List.of(new PluginInstaller.Rejection("x", "1.0.0", "deploy:x.jar", "not a zip file", 5L)));
        String text = PluginCommands.text(new ObjectMapper().valueToTree(info));
        assertEquals("""
                id: io.gatehouse.example.upper
                state: enabled
                bundles:
                  - id: 57
                  - (empty)
                running:
                  version: 0.1.0.SNAPSHOT
                  jars:
                    - /opt/gatehouse/data/plugins/store/a.jar
                failures: (none)
                rejected:
                  - id: x
                    version: 1.0.0
                    source: deploy:x.jar
                    reason: not a zip file
                    at: 5
                """, text);
        assertFalse(text.contains("{") || text.contains("Rejection["), text);
    }
}
