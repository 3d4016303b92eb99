package io.gatehouse.config.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.gatehouse.api.config.schema.Issue;
import io.gatehouse.api.config.schema.Suggest;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.gatehouse.config.Json5Parser;

class GatehouseSchemaTest {
    private final GatehouseSchema schema = new GatehouseSchema();
    private final Json5Parser parser = new Json5Parser();

    private List<Issue> check(String json5) throws Exception {
        return schema.validate(parser.parse(Path.of("t.json"), json5), Set.of("webchat"), Set.of("io.gatehouse.config"));
    }

    private static Issue only(List<Issue> issues) {
        assertEquals(1, issues.size(), issues.toString());
        return issues.get(0);
    }

    @Test
    void unknownTopLevelKeySuggestsTheClosest() throws Exception {
        Issue i = only(check("{ gatway: { port: 1 } }"));
        assertEquals("gatway", i.path());
        assertEquals("unknown key \"gatway\" (did you mean \"gateway\"?)", i.reason());
        assertTrue(!i.warning());
        assertEquals("unknown key \"zzzzzz\"", only(check("{ zzzzzz: 1 }")).reason());
    }

    @Test
    void wrongTypesNameTheExpectation() throws Exception {
        Issue i = only(check("{ gateway: { port: 'eighty' } }"));
        assertEquals("gateway.port", i.path());
        assertEquals("expected an integer 0-65535, got \"eighty\"", i.reason());
        assertEquals("gateway.port", only(check("{ gateway: { port: 70000 } }")).path());
        assertEquals("expected an array of an object, got an object", only(check("{ bindings: {} }")).reason());
        assertEquals("expected an object, got a string", only(check("{ logging: 'debug' }")).reason());
    }

    @Test
    void badEnumValueSuggests() throws Exception {
        Issue i = only(check("{ gateway: { reload: { mode: 'hybird' } } }"));
        assertEquals("gateway.reload.mode", i.path());
        assertEquals("expected one of hybrid, hot, restart, off, got \"hybird\" (did you mean \"hybrid\"?)", i.reason());
        assertEquals("session.dmScope", only(check("{ session: { dmScope: 'per-user' } }")).path());
    }

    @Test
    void missingRequiredFields() throws Exception {
        Issue i = only(check("{ agents: { list: [ { id: 'a' }, { name: 'no id' } ] } }"));
        assertEquals("agents.list.1", i.path());
        assertEquals("missing required field \"id\"", i.reason());
        List<Issue> b = check("{ agents: { list: [ { id: 'a' } ] }, bindings: [ { agentId: 'a', match: { } } ] }");
        assertEquals("bindings.0.match", only(b).path());
        assertEquals("missing required field \"channel\"", only(b).reason());
    }

    @Test
    void pluginOwnedSectionsWithoutThePluginAreWarnings() throws Exception {
        List<Issue> issues = check("{ channels: { webchat: { x: 1 }, telegram: { botToken: '${TG}' } },"
                + " plugins: { entries: { 'io.gatehouse.config': { enabled: true }, ghost: { enabled: false } } } }");
        assertEquals(2, issues.size(), issues.toString());
        assertTrue(issues.stream().allMatch(Issue::warning));
        assertTrue(issues.stream().anyMatch(i -> i.path().equals("channels.telegram")));
        assertTrue(issues.stream().anyMatch(i -> i.path().equals("plugins.entries.ghost")));
    }

    @Test
    void pluginEntriesCarryConfigAndMavenNamesTheLocalRepository() throws Exception {
        assertEquals(List.of(), check("{ plugins: { maven: { localRepository: '/srv/m2' },"
                + " entries: { 'io.gatehouse.config': { enabled: true, config: { prefix: 'HEY: ', delayMs: 5 } } } } }"));
        List<Issue> bad = check("{ plugins: { maven: { localRepository: 5 },"
                + " entries: { 'io.gatehouse.config': { config: 'not an object' } } } }");
        assertEquals(2, bad.size(), bad.toString());
        assertTrue(bad.stream().anyMatch(i -> i.path().equals("plugins.maven.localRepository")), bad.toString());
        assertTrue(bad.stream().anyMatch(i -> i.path().equals("plugins.entries.io.gatehouse.config.config")), bad.toString());
    }

    @Test
    void bindingToAnUnknownAgentIsAWarningAndDuplicateAgentsAnError() throws Exception {
        Issue w = only(check("{ agents: { list: [ { id: 'a' } ] }, bindings: [ { agentId: 'b', match: { channel: 'webchat' } } ] }"));
        assertTrue(w.warning());
        assertEquals("bindings.0.agentId", w.path());
        assertEquals(List.of(), check("{ bindings: [ { agentId: 'b', match: { channel: 'webchat' } } ] }"),
                "without agents.list the id is used as written");
        assertEquals(List.of(), check("{ agents: { list: [ { id: 'Work' } ] }, bindings: [ { agentId: 'WORK', match: { channel: 'webchat' } } ] }"),
                "ids compare normalised");
        Issue e = only(check("{ agents: { list: [ { id: 'a' }, { id: 'a' } ] } }"));
        assertEquals("agents.list.1.id", e.path());
        assertTrue(!e.warning());
    }

    @Test
    void theShippedDefaultConfigIsValid() throws Exception {
        String shipped = new String(GatehouseSchemaTest.class.getResourceAsStream("/dist/gatehouse.json").readAllBytes());
        assertEquals(List.of(), schema.validate(parser.parse(Path.of("gatehouse.json"), shipped), Set.of(), Set.of()));
    }

    @Test
    void suggestionDistanceIsForTypos() {
        assertEquals(1, Suggest.distance("gatway", "gateway"));
        assertEquals(1, Suggest.distance("bnidings", "bindings"));
        assertTrue(Suggest.closest("bnidings", Set.of("bindings", "agents")).isPresent());
        assertTrue(Suggest.closest("x", Set.of("gateway")).isEmpty());
    }

    @Test
    void locationsPointAtValues() {
        Map<String, int[]> at = parser.locations("{\n  gateway: {\n    port: 'x',\n  },\n  bindings: [ {}, { agentId: 1 } ],\n}");
        assertEquals(3, at.get("gateway.port")[0]);
        assertEquals(11, at.get("gateway.port")[1]);
        assertEquals(5, at.get("bindings.1.agentId")[0]);
        assertEquals(5, at.get("bindings.1")[0]);
    }
}
