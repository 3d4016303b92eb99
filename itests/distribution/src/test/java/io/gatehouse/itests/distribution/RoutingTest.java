package io.gatehouse.itests.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

/** Routing in the launched distribution, driven through bin/gatehouse shell like an operator. */
class RoutingTest {
    @TempDir
    Path dir;

    @Test
    void aBindingAddedWithConfigSetRoutesTheNextExplainWithoutRestart() throws Exception {
        try (Gateway g = Gateway.copyInto(dir)) {
            assertEquals(0, g.cli("start").exit());

            JsonNode before = route(g, "route:explain --channel telegram --peer direct:42 --json");
            assertEquals("main", before.path("agentId").asText());
            assertEquals("default", before.path("matchedBy").asText());

            // The whole shell line is one argument; Gogo takes the single-quoted JSON as one value.
            Gateway.Result set = g.cli("shell",
                    "config:set bindings '[{\"agentId\":\"a\",\"match\":{\"channel\":\"telegram\"}}]'");
            assertEquals(0, set.exit(), set.toString());
            assertTrue(set.out().contains("applied without restart"), set.out());
            String file = Files.readString(g.home.resolve("etc/gatehouse.json"));
            assertTrue(file.contains("agentId") && file.contains("telegram"), "written to the file: " + file);

            JsonNode after = route(g, "route:explain --channel telegram --peer direct:42 --json");
            assertEquals("a", after.path("agentId").asText(), after.toString());
            assertEquals("telegram", after.path("channel").asText());
            assertEquals("default", after.path("accountId").asText());
            assertEquals("agent:a:main", after.path("sessionKey").asText());
            assertEquals("agent:a:main", after.path("mainSessionKey").asText());
            assertEquals("main", after.path("lastRoutePolicy").asText());
            assertEquals("binding.account", after.path("matchedBy").asText());
            assertEquals(7, after.size(), "exactly the route's fields: " + after);

            // a binding without accountId covers the default account only
            JsonNode biz = route(g, "route:explain --channel telegram --account biz --peer direct:42 --json");
            assertEquals("main", biz.path("agentId").asText(), biz.toString());

            Gateway.Result missing = g.cli("shell", "route:explain --json");
            assertEquals(1, missing.exit(), missing.toString());
            assertTrue(missing.err().contains("--channel"), missing.toString());

            Gateway.Result agents = g.cli("shell", "agents:list --bindings");
            assertEquals(0, agents.exit(), agents.toString());
            assertTrue(agents.out().contains("bindings[0] channel=telegram"), agents.out());

            assertEquals(0, g.status().path("restarts").asInt(), "bindings are hot");
        }
    }

    private static JsonNode route(Gateway g, String command) throws Exception {
        Gateway.Result r = g.cli("shell", command);
        assertEquals(0, r.exit(), r.toString());
        return Gateway.JSON.readTree(r.out());
    }
}
