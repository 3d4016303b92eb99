package io.gatehouse.itests.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

/** The config pipeline in the launched distribution: the shell door, restarts and their history. */
class ConfigReloadTest {
    @TempDir
    Path dir;

    @Test
    void tenRestartClassChangesWhileTheCommandRunsCauseOneRestart() throws Exception {
        try (Gateway g = Gateway.copyInto(dir)) {
            int port = Gateway.freePort();
            // reload mode "restart": every change is restart class (the address itself moves in place)
            g.writeConfig("{ gateway: { bind: 'loopback', port: " + port + ", reload: { mode: 'restart', deferralTimeoutMs: 10000 } } }");
            assertEquals(0, g.cli("start").exit());
            List<String> sets = new ArrayList<>();
            for (int i = 1; i <= 10; i++) {
                sets.add("config:set agents.defaults.historyLimit " + i);
            }
            // One shell command: it is in-flight work, so the restart waits for it and serves all ten.
            Gateway.Result r = g.cli("shell", String.join(" ; ", sets));
            assertEquals(0, r.exit(), r.toString());
            Gateway.await(Duration.ofSeconds(30), () -> restarts(g) >= 1 && g.healthz() == 200, "restart done");
            JsonNode status = g.status();
            assertEquals(1, status.path("restarts").asInt(), "ten changes, one restart: " + status);
            assertEquals("10", g.cli("shell", "config:get", "agents.defaults.historyLimit").out().trim());
            assertEquals(port, g.listen().getPort());

            // The history survives the restart and shows what caused it.
            JsonNode history = Gateway.JSON.readTree(g.cli("shell", "config:history", "--json").out());
            long restartsAsked = 0;
            for (JsonNode e : history) {
                if ("restart".equals(e.path("outcome").asText())) {
                    restartsAsked++;
                    assertTrue(e.path("appliedAt").asLong() >= e.path("observedAt").asLong());
                    assertTrue(e.path("paths").get(0).asText().startsWith("agents"), e.toString());
                }
            }
            assertEquals(10, restartsAsked, history.toString());
        }
    }

    @Test
    void hotChangesThroughTheShellNeverRestart() throws Exception {
        try (Gateway g = Gateway.copyInto(dir)) {
            int port = Gateway.freePort();
            g.writeConfig("// Operator's notes: keep the port\n{\n  gateway: { port: " + port + ", }, // loopback\n"
                    + "  /* levels */ logging: { level: 'info' },\n}\n");
            assertEquals(0, g.cli("start").exit());
            Gateway.Result r = g.cli("shell", "config:set", "logging.level", "warn");
            assertEquals(0, r.exit(), r.toString());
            assertTrue(r.out().contains("applied without restart"), r.out());
            assertEquals("\"warn\"", g.cli("shell", "config:get", "logging.level").out().trim());
            String text = Files.readString(g.home.resolve("etc/gatehouse.json"));
            assertEquals("// Operator's notes: keep the port\n{\n  gateway: { port: " + port + ", }, // loopback\n"
                    + "  /* levels */ logging: { level: 'warn' },\n}\n", text, "only the edited value changed");
            assertEquals(0, g.status().path("restarts").asInt());

            Gateway.Result plan = g.cli("shell", "gateway:reload-plan", "--json", "gateway.port", "bindings");
            JsonNode p = Gateway.JSON.readTree(plan.out());
            assertFalse(p.path("restartGateway").asBoolean(), "the address moves in place: " + p);
            assertEquals("gateway.port", p.path("hotReasons").get(0).asText());
            assertEquals("bindings", p.path("hotReasons").get(1).asText());
            assertTrue(p.path("actions").toString().contains("gateway-listen"), p.toString());

            Gateway.Result invalid = g.cli("shell", "config:validate");
            assertEquals(0, invalid.exit(), invalid.toString());
            Files.writeString(g.home.resolve("broken.json"), "{ gateway: { port: 'x' } }");
            Gateway.Result broken = g.cli("shell", "config:validate", g.home.resolve("broken.json").toString());
            assertEquals(1, broken.exit(), broken.toString());
            assertTrue(broken.err().contains("broken.json:1:20: gateway.port: expected an integer"), broken.err());
        }
    }

    @Test
    void aFrameworkStartingDuringABrokenWriteRunsOnTheLastGoodConfig() throws Exception {
        try (Gateway g = Gateway.copyInto(dir)) {
            assertEquals(0, g.cli("start").exit());
            int port = g.listen().getPort();
            assertEquals(0, g.cli("shell", "config:set", "logging.level", "warn").exit());
            String goodHash = g.status().path("configHash").asText();
            Path file = g.home.resolve("etc/gatehouse.json");
            String good = Files.readString(file);
            Files.writeString(file, good.substring(0, good.length() / 2)); // a writer stopped half-way
            Gateway.await(Duration.ofSeconds(10), () -> {
                try {
                    return !g.status().path("configError").isNull();
                } catch (Exception e) {
                    return false;
                }
            }, "rejection");
            assertEquals(0, g.cli("shell", "gateway:restart", "during a broken write").exit());
            Gateway.await(Duration.ofSeconds(30), () -> restarts(g) == 1 && g.healthz() == 200, "restart done");
            JsonNode status = g.status();
            assertEquals(goodHash, status.path("configHash").asText(), "the new framework runs on the last good config");
            assertTrue(status.path("configError").asText().contains("gatehouse.json"), status.toString());
            assertEquals(port, g.listen().getPort(), "the socket did not move");
            assertEquals("\"warn\"", g.cli("shell", "config:get", "logging.level").out().trim());
        }
    }

    private static int restarts(Gateway g) {
        try {
            return g.status().path("restarts").asInt();
        } catch (Exception e) {
            return -1;
        }
    }

    @Test
    void everySectionHasAnOwnerOrIsIgnoredAndAReferenceConfigLoads() throws Exception {
        try (Gateway g = Gateway.copyInto(dir)) {
            int port = Gateway.freePort();
            // a reference config: sections Gatehouse does not implement load with a warning each
            g.writeConfig("{\n  gateway: { port: " + port + " },\n  cron: { enabled: true },\n  hooks: { enabled: false },\n"
                    + "  mcp: { servers: {} },\n}\n");
            assertEquals(0, g.cli("start").exit());
            Gateway.Result r = g.cli("shell", "config:sections", "--json");
            assertEquals(0, r.exit(), r.toString());
            JsonNode sections = Gateway.JSON.readTree(r.out());
            java.util.Set<String> names = new java.util.HashSet<>();
            for (JsonNode s : sections) {
                names.add(s.path("section").asText());
                String state = s.path("state").asText();
                assertTrue(!s.path("owner").asText().isEmpty() || state.equals("ignored"), s.toString());
                assertTrue(List.of("active", "config", "ignored", "inert").contains(state), s.toString());
                if (List.of("gateway", "agents", "bindings", "channels", "plugins", "logging").contains(s.path("section").asText())) {
                    assertEquals("active", state, s.toString());
                }
            }
            assertTrue(names.containsAll(List.of("gateway", "gateway.auth", "gateway.reload", "agents", "models", "bindings",
                    "session", "channels", "channels.openai", "channels.webchat", "plugins", "logging", "cron", "hooks", "mcp")),
                    names.toString());
            String log = g.log();
            for (String ignored : List.of("cron", "hooks", "mcp")) {
                assertTrue(log.contains(ignored + ": ignored"), "one warning naming " + ignored);
            }

            // a path of an unimplemented subsystem plans no action that nothing handles
            JsonNode plan = Gateway.JSON.readTree(g.cli("shell", "gateway:reload-plan", "--json", "cron.jobs").out());
            assertEquals(0, plan.path("actions").size(), plan.toString());
            assertFalse(plan.path("restartGateway").asBoolean(), plan.toString());
            assertTrue(plan.path("inert").get(0).asText().contains("ignored"), plan.toString());

            // a nested typo is refused with its position and a suggestion, and changes nothing
            Gateway.Result typo = g.cli("shell", "config:set", "gateway.prot", "1");
            assertTrue(typo.exit() != 0, typo.toString());
            assertTrue(typo.out().contains("did you mean \"port\"") || typo.err().contains("did you mean \"port\""), typo.toString());
            assertEquals(0, g.status().path("restarts").asInt());
        }
    }
}
