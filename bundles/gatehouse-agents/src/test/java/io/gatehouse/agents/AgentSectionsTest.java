package io.gatehouse.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.gatehouse.api.config.schema.Issue;

/** Issue case 9: wrong types under agents and models are errors at their path, never a silent fallback. */
class AgentSectionsTest {

    private static List<Issue> agents(Object value) {
        List<Issue> out = new ArrayList<>();
        AgentSections.AGENTS.check("agents", value, out);
        return out.stream().filter(i -> !i.warning()).toList();
    }

    private static void rejected(Object value, String path, String reason) {
        List<Issue> issues = agents(value);
        assertTrue(issues.stream().anyMatch(i -> i.path().equals(path) && i.reason().contains(reason)),
                value + " -> " + issues);
    }

    @Test
    void aModelThatIsNotAStringOrAnObjectIsRejected() {
        rejected(Map.of("defaults", Map.of("model", 42)), "agents.defaults.model", "got 42");
        rejected(Map.of("defaults", Map.of("model", "")), "agents.defaults.model", "expected");
        rejected(Map.of("list", List.of(Map.of("id", "a", "model", true))), "agents.list.0.model", "got true");
        rejected(Map.of("defaults", Map.of("model", Map.of("provider", 7))), "agents.defaults.model", "expected");
        assertEquals(List.of(), agents(Map.of("defaults", Map.of("model", "openai/gpt-4o-mini"))));
        assertEquals(List.of(), agents(Map.of("defaults", Map.of("model", Map.of("provider", "ollama", "model", "m",
                "temperature", 0.2)))));
    }

    @Test
    void historyLimitIsANonNegativeInteger() {
        rejected(Map.of("defaults", Map.of("historyLimit", "x")), "agents.defaults.historyLimit", "got \"x\"");
        rejected(Map.of("defaults", Map.of("historyLimit", -1)), "agents.defaults.historyLimit", "got -1");
        rejected(Map.of("defaults", Map.of("historyLimit", 2.5)), "agents.defaults.historyLimit", "got 2.5");
        rejected(Map.of("defaults", Map.of("historyLimit", BigInteger.TWO.pow(64).add(BigInteger.TEN))),
                "agents.defaults.historyLimit", "expected");
        assertEquals(List.of(), agents(Map.of("defaults", Map.of("historyLimit", 0))));
    }

    @Test
    void unknownNestedKeysAreErrorsWithADidYouMean() {
        rejected(Map.of("defaults", Map.of("histroyLimit", 3)), "agents.defaults.histroyLimit", "historyLimit");
        rejected(Map.of("list", List.of(Map.of("id", "a", "workspce", "/x"))), "agents.list.0.workspce", "workspace");
        rejected(Map.of("list", List.of(Map.of("name", "no id"))), "agents.list.0", "missing required field \"id\"");
    }

    @Test
    void providerOptionsAreTyped() {
        List<Issue> out = new ArrayList<>();
        AgentSections.MODELS.check("models", Map.of("providers", Map.of("p", Map.of("stream", "yes", "timeoutMs", -5))), out);
        assertTrue(out.stream().anyMatch(i -> i.path().equals("models.providers.p.stream")), out.toString());
        assertTrue(out.stream().anyMatch(i -> i.path().equals("models.providers.p.timeoutMs")), out.toString());
    }
}
