package io.gatehouse.routing;

import io.gatehouse.testsupport.FakeConfigService;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.type.TypeReference;

/** route:explain and agents:list as the shell calls them. */
class CommandsTest {
    static final Map<String, Object> CONFIG = Map.of(
            "agents", Map.of("list", List.of(
                    Map.of("id", "main", "name", "Main", "default", true, "workspace", "~/work", "model", "echo"),
                    Map.of("id", "Tutor", "name", "Tutor", "model", Map.of("primary", "echo")))),
            "bindings", List.of(
                    Map.of("agentId", "tutor", "match", Map.of("channel", "qqbot", "accountId", "study",
                            "peer", Map.of("kind", "direct", "id", "ABC"))),
                    Map.of("agentId", "main", "match", Map.of("channel", "qqbot", "accountId", "study")),
                    Map.of("agentId", "ghost", "match", Map.of("channel", "qqbot")),
                    Map.of("agentId", "main", "match", Map.of("channel", "discord", "guildId", "g1"))));

    RouteCommands route;
    AgentCommands agents;

    @BeforeEach
    void setUp() {
        RouterComponent router = new RouterComponent();
        router.bindConfig(new FakeConfigService(CONFIG));
        router.configure(RouterComponentTest.settings(true, 100));
        route = new RouteCommands(router);
        agents = new AgentCommands(router);
    }

    @Test
    void explainJsonIsTheRouteOnly() throws Exception {
        String out = route.explain("qqbot", "study", "direct:ABC", "", "", "", "", true);
        Map<String, Object> json = Conformance.JSON.readValue(out, new TypeReference<Map<String, Object>>() {
        });
        assertEquals(List.of("agentId", "channel", "accountId", "sessionKey", "mainSessionKey", "lastRoutePolicy", "matchedBy"),
                List.copyOf(json.keySet()));
        assertEquals("tutor", json.get("agentId"));
        assertEquals("binding.peer", json.get("matchedBy"));
        assertEquals("agent:tutor:main", json.get("sessionKey"));
    }

    @Test
    void explainTextGoesTierByTier() throws Exception {
        String out = route.explain("qqbot", "study", "direct:abc", "", "", "", "", false);
        assertTrue(out.contains("binding.peer: no match"), out);
        assertTrue(out.contains("peer id \"abc\" is not \"ABC\" (peer ids are case-sensitive)"), out);
        assertTrue(out.contains("binding.guild: skipped (the message has no guild)"), out);
        assertTrue(out.contains("binding.account: matched"), out);
        assertTrue(out.contains("MATCH bindings[1] agentId=main"), out);
        assertTrue(out.contains("binding.channel: not reached"), out);
        assertTrue(out.contains("bindings[2] agentId=ghost channel=qqbot accountId=(default) -> no accountId: matches the default account only"), out);
        assertTrue(out.contains("bindings[3] agentId=main channel=discord"), out);
        assertTrue(out.contains("  matchedBy        binding.account"), out);
    }

    @Test
    void explainNamesTheDefaultAgentFallback() throws Exception {
        String out = route.explain("qqbot", "", "", "", "", "", "", false);
        assertTrue(out.contains("agent \"ghost\" is not in agents.list, so the default agent main answers"), out);
        assertTrue(out.contains("  agentId          main"), out);
    }

    @Test
    void explainNeedsAChannelAndWellFormedPeers() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> route.explain("", "", "", "", "", "", "", true));
        assertTrue(e.getMessage().contains("--channel"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> route.explain("qqbot", "", "nocolon", "", "", "", "", true));
        assertTrue(e.getMessage().contains("--peer expects kind:id"), e.getMessage());
    }

    @Test
    void explainAcceptsRolesAndParents() throws Exception {
        String out = route.explain("discord", "", "channel:t1", "channel:p1", "g1", "r1,r2", "T", true);
        Map<String, Object> json = Conformance.JSON.readValue(out, new TypeReference<Map<String, Object>>() {
        });
        assertEquals("binding.guild", json.get("matchedBy"));
        String text = route.explain("discord", "", "channel:t1", "channel:p1", "g1", "r1,r2", "T", false);
        assertTrue(text.contains("parentPeer=channel:p1 guildId=g1 roles=r1,r2 teamId=T"), text);
    }

    @Test
    @SuppressWarnings("unchecked")
    void agentsListWithBindings() throws Exception {
        List<Map<String, Object>> rows = Conformance.JSON.readValue(agents.list(true, true),
                new TypeReference<List<Map<String, Object>>>() {
                });
        assertEquals(2, rows.size());
        assertEquals(Map.of("id", "main", "name", "Main", "default", true, "workspace", "~/work", "model", "echo"),
                without(rows.get(0), "bindings"));
        assertEquals("tutor", rows.get(1).get("id"));
        assertEquals(false, rows.get(1).get("default"));
        List<Map<String, Object>> mainBindings = (List<Map<String, Object>>) rows.get(0).get("bindings");
        assertEquals(List.of(1, 2, 3), mainBindings.stream().map(b -> b.get("index")).toList());
        assertEquals(true, mainBindings.get(1).get("routesToDefault"));
        assertEquals(List.of(0), ((List<Map<String, Object>>) rows.get(1).get("bindings")).stream().map(b -> b.get("index")).toList());

        List<Map<String, Object>> plain = Conformance.JSON.readValue(agents.list(false, true),
                new TypeReference<List<Map<String, Object>>>() {
                });
        assertEquals(List.of("id", "name", "default", "workspace", "model"), List.copyOf(plain.get(1).keySet()));

        String text = agents.list(true, false);
        assertTrue(text.contains("bindings[0] channel=qqbot accountId=study peer=direct:ABC"), text);
        assertTrue(text.contains("(agentId \"ghost\" is not in agents.list: default agent)"), text);
        assertTrue(text.contains("{\"primary\":\"echo\"}"), text);
    }

    @Test
    void withNoAgentsListedMainIsTheDefault() throws Exception {
        RouterComponent router = new RouterComponent();
        router.bindConfig(new FakeConfigService(Map.of("bindings", List.of(
                Map.of("agentId", "Support Bot", "match", Map.of("channel", "telegram"))))));
        router.configure(RouterComponentTest.settings(true, 100));
        List<Map<String, Object>> rows = Conformance.JSON.readValue(new AgentCommands(router).list(true, true),
                new TypeReference<List<Map<String, Object>>>() {
                });
        assertEquals(List.of("main", "support-bot"), rows.stream().map(r -> r.get("id")).toList());
        assertEquals(true, rows.get(0).get("default"));
    }

    private static Map<String, Object> without(Map<String, Object> m, String key) {
        Map<String, Object> copy = new java.util.LinkedHashMap<>(m);
        copy.remove(key);
        return copy;
    }
}
