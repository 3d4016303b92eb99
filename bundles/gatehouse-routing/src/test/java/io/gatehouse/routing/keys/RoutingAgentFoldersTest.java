package io.gatehouse.routing.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.gatehouse.support.agent.AgentFolders;

/**
 * An agent's folders (sessions, skills, memory) are named by {@code AgentFolders} in gatehouse-support, which
 * routing does not depend on: both must give an id the same name, or an agent id written in the config and the
 * routed id of the same agent would find different folders.
 */
class RoutingAgentFoldersTest {
    @Test
    void anAgentsFolderIsItsRoutedId() {
        List<String> ids = new ArrayList<>(List.of("main", "Main", "support-bot_2", "My Bot", "a-!b", "a - b", "AB-", "_x",
                "-x-", "../..", "", "  ", " x ", "a--b", "X".repeat(70), "-" + "X".repeat(70), "é-bot", "\u0130stanbul",
                "\u212Aelvin", "tab\tbed", "a\u00A0b", "9lives", "__proto__"));
        String alphabet = "aZ9_- .!é\u0130\u212A/";
        Random r = new Random(7);
        for (int n = 0; n < 20_000; n++) {
            StringBuilder b = new StringBuilder();
            for (int i = r.nextInt(70); i > 0; i--) {
                b.append(alphabet.charAt(r.nextInt(alphabet.length())));
            }
            ids.add(b.toString());
        }
        for (String id : ids) {
            assertEquals(SessionKeys.normalizeAgentId(id), AgentFolders.name(id), () -> "id \"" + id + "\"");
        }
    }
}
