package io.gatehouse.itests.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Skills in the launched distribution, driven like an operator: skills installed while the gateway was
 * stopped load at start; a skill saved into an agent workspace shows in {@code skills:list} and in the
 * echo agent's next turn (its skills block, in the reference's form); a chat command invokes it; an
 * ineligible and a malformed skill are reported; {@code skills:info}, {@code skills:check},
 * {@code skills:reload}; a skills config change applies without a restart; the example plugin's skill
 * comes with its install and goes and comes back with plugins:disable and plugins:enable.
 */
class SkillsTest {
    @TempDir
    Path dir;

    static void skill(Path folder, String name, String description, String extra) throws Exception {
        Files.createDirectories(folder);
        Path tmp = folder.resolve(".SKILL.md.tmp");
        Files.writeString(tmp, "---\nname: " + name + "\ndescription: " + description + "\n" + extra + "---\nDo " + name + ".\n");
        Files.move(tmp, folder.resolve("SKILL.md"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void skillsThroughTheShellAndAnEchoTurn() throws Exception {
        try (Gateway g = Gateway.copyInto(dir)) {
            int port = Gateway.freePort();
            g.writeConfig("{ gateway: { bind: 'loopback', port: " + port + " },\n"
                    + "  agents: { list: [ { id: 'main', default: true, workspace: 'ws', model: { provider: 'echo', echoSystem: true } } ] },\n"
                    + "  skills: { load: { watchDebounceMs: 100, extraDirs: ['extra'] } } }");
            Path ws = Files.createDirectories(g.home.resolve("ws"));
            skill(g.home.resolve("skills/shared-notes"), "shared-notes", "takes notes (installed while stopped)", "");
            assertEquals(0, g.cli("start").exit());

            JsonNode list = json(g, "skills:list --json");
            assertEquals("main", list.path("agent").asText());
            assertEquals("shared", find(list, "shared-notes").path("source").asText(), list.toString());
            assertEquals("ready", find(list, "shared-notes").path("status").asText());

            // saved into the workspace while running: listed without a restart
            skill(ws.resolve("skills/weather"), "weather", "looks up the weather", "metadata: {\"openclaw\": {\"emoji\": \"☀\"}}\n");
            skill(ws.resolve("skills/needs-bin"), "needs-bin", "needs a binary",
                    "metadata: {\"openclaw\": {\"requires\": {\"bins\": [\"gatehouse-no-such-binary\"]}}}\n");
            Files.createDirectories(ws.resolve("skills/broken"));
            Files.writeString(ws.resolve("skills/broken/SKILL.md"), "---\nname: broken\ndescription: [oops\n---\n");
            Gateway.await(Duration.ofSeconds(30), () -> {
                try {
                    JsonNode l = json(g, "skills:list --json");
                    return find(l, "weather") != null && find(l, "needs-bin") != null && l.path("problems").size() == 1;
                } catch (Exception e) {
                    return false;
                }
            }, "the saved skills and the malformed one in skills:list");

            Gateway.Result text = g.cli("shell", "skills:list");
            assertEquals(0, text.exit(), text.toString());
            assertTrue(text.out().contains("weather") && text.out().contains("/weather"), text.out());
            assertTrue(text.out().contains("ineligible: missing binaries on PATH: gatehouse-no-such-binary"), text.out());
            assertTrue(text.out().contains(ws.resolve("skills/broken/SKILL.md") + ":3:"), text.out());

            // the echo agent's turn shows its skills block; the ineligible skill is not in it
            String reply = chat(port, "hello");
            assertTrue(reply.contains("## Skills (mandatory)") && reply.contains("<available_skills>")
                    && reply.contains("<name>weather</name>") && reply.contains("<description>looks up the weather</description>")
                    && reply.contains("<location>" + ws.resolve("skills/weather/SKILL.md") + "</location>")
                    && reply.contains("<name>shared-notes</name>"), reply);
            assertFalse(reply.contains("<name>needs-bin</name>"), reply);
            // a skill's chat command
            String cmd = chat(port, "/weather Oslo");
            assertTrue(cmd.startsWith("echo: Use the \"weather\" skill for this request.\n\nUser input:\nOslo"), cmd);

            JsonNode info = json(g, "skills:info --json weather");
            assertEquals("workspace", info.path("source").asText());
            assertEquals(ws.resolve("skills/weather/SKILL.md").toString(), info.path("location").asText());
            assertEquals("weather", info.path("command").asText());
            Gateway.Result unknown = g.cli("shell", "skills:info no-such-skill");
            assertEquals(1, unknown.exit(), unknown.toString());

            JsonNode check = json(g, "skills:check --json");
            assertEquals(2, check.path("counts").path("ready").asInt(), check.toString());
            assertEquals(1, check.path("counts").path("ineligible").asInt(), check.toString());
            assertEquals(1, check.path("problemCount").asInt());
            Gateway.Result checkText = g.cli("shell", "skills:check");
            assertTrue(checkText.out().contains("2 ready, 1 ineligible"), checkText.out());

            long v = list(g).path("version").asLong();
            JsonNode reload = json(g, "skills:reload --json");
            assertTrue(reload.path("version").asLong() > v, reload.toString());

            // a skills setting is hot: the skill turned off, no restart
            Gateway.Result off = g.cli("shell", "config:set skills.entries '{\"weather\":{\"enabled\":false}}'");
            assertEquals(0, off.exit(), off.toString());
            assertEquals("disabled", find(list(g), "weather").path("status").asText());
            assertFalse(chat(port, "again").contains("<name>weather</name>"));
            assertEquals(0, g.status().path("restarts").asInt(), "skills changes are hot");
        }
    }

    @Test
    void thePluginsSkillComesAndGoesWithThePlugin() throws Exception {
        try (Gateway g = Gateway.copyInto(dir)) {
            assertEquals(0, g.cli("start").exit());
            Gateway.Result install = g.cli("shell", "plugins:install " + TestJars.EXAMPLE.toAbsolutePath());
            assertEquals(0, install.exit(), install.toString());
            Gateway.await(Duration.ofSeconds(60), () -> {
                try {
                    JsonNode s = find(json(g, "skills:list --json"), "shout");
                    return s != null && "plugin".equals(s.path("source").asText());
                } catch (Exception | AssertionError e) {
                    return false; // the framework restarts for the install
                }
            }, "the example plugin's skill after its install");
            assertEquals("plugin:" + TestJars.EXAMPLE_ID + "!/skills/shout/SKILL.md",
                    find(list(g), "shout").path("location").asText());
            long restarts = g.status().path("restarts").asLong();

            assertEquals(0, g.cli("shell", "plugins:disable " + TestJars.EXAMPLE_ID).exit());
            Gateway.await(Duration.ofSeconds(30), () -> {
                try {
                    return find(list(g), "shout") == null;
                } catch (Exception | AssertionError e) {
                    return false;
                }
            }, "the skill gone with the disabled plugin");
            assertEquals(0, g.cli("shell", "plugins:enable " + TestJars.EXAMPLE_ID).exit());
            Gateway.await(Duration.ofSeconds(30), () -> {
                try {
                    return find(list(g), "shout") != null;
                } catch (Exception | AssertionError e) {
                    return false;
                }
            }, "the skill back with the enabled plugin");
            assertEquals(restarts, g.status().path("restarts").asLong(), "enable/disable are in process");
        }
    }

    static JsonNode list(Gateway g) throws Exception {
        return json(g, "skills:list --json");
    }

    static JsonNode json(Gateway g, String command) throws Exception {
        Gateway.Result r = g.cli("shell", command);
        assertEquals(0, r.exit(), r.toString());
        return Gateway.JSON.readTree(r.out());
    }

    static JsonNode find(JsonNode list, String name) {
        for (JsonNode s : list.path("skills")) {
            if (name.equals(s.path("name").asText())) {
                return s;
            }
        }
        return null;
    }

    /** The raw body of one OpenAI-compatible chat answered by the echo agent. */
    static String chat(int port, String text) throws Exception {
        String body = "{\"messages\":[{\"role\":\"user\",\"content\":" + Gateway.JSON.writeValueAsString(text) + "}],\"user\":\"skills\"}";
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/v1/chat/completions")).timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        String content = Gateway.JSON.readTree(r.body()).path("choices").path(0).path("message").path("content").asText();
        return content.isEmpty() ? r.body() : content;
    }
}
