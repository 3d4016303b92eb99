package io.gatehouse.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.gatehouse.api.config.ReloadRule;
import io.gatehouse.api.config.schema.Issue;

/** The memorySearch shape: the reference's keys pass, each kind of mistake is named with its path. */
class MemorySectionTest {
    final MemorySection section = new MemorySection();

    List<Issue> check(Map<String, Object> value) {
        List<Issue> out = new ArrayList<>();
        section.schema().check("memorySearch", value, out);
        return out;
    }

    static String only(List<Issue> issues) {
        assertEquals(1, issues.size(), issues::toString);
        return issues.get(0).path() + ": " + issues.get(0).reason();
    }

    @Test
    void theReferenceKeysPass() {
        assertEquals(List.of(), check(Map.ofEntries(
                Map.entry("enabled", true),
                Map.entry("sources", List.of("memory", "sessions")),
                Map.entry("extraPaths", List.of("docs", "/srv/notes")),
                Map.entry("provider", "openai"),
                Map.entry("model", "text-embedding-3-small"),
                Map.entry("remote", Map.of("baseUrl", "http://127.0.0.1:8080/v1", "apiKey", "sk-secret", "headers",
                        Map.of("X-Team", "a"))),
                Map.entry("chunking", Map.of("tokens", 400, "overlap", 80)),
                Map.entry("sync", Map.of("watch", true, "watchDebounceMs", 1500, "onSessionStart", true, "onSearch", true,
                        "intervalMinutes", 60, "sessions", Map.of("deltaBytes", 100000, "deltaMessages", 50))),
                Map.entry("query", Map.of("maxResults", 6, "minScore", 0.35, "hybrid", Map.of("enabled", true, "vectorWeight", 0.7,
                        "textWeight", 0.3, "candidateMultiplier", 4, "mmr", Map.of("enabled", true, "lambda", 0.7),
                        "temporalDecay", Map.of("enabled", true, "halfLifeDays", 30)))),
                Map.entry("cache", Map.of("enabled", true, "maxEntries", 50000)),
                Map.entry("experimental", Map.of("sessionMemory", true)))));
    }

    @Test
    void anUnknownKeyGetsADidYouMean() {
        assertEquals("memorySearch.sync.watchDebounce: unknown key \"watchDebounce\" (did you mean \"watchDebounceMs\"?)",
                only(check(Map.of("sync", Map.of("watchDebounce", 100)))));
    }

    @Test
    void wrongTypesAndRangesNameThePath() {
        assertEquals("memorySearch.chunking.tokens: expected an integer 1-100000, got 0",
                only(check(Map.of("chunking", Map.of("tokens", 0)))));
        assertEquals("memorySearch.query.minScore: expected a number 0-1, got 1.5", only(check(Map.of("query", Map.of("minScore", 1.5)))));
        assertEquals("memorySearch.sources.0: expected one of memory, sessions, got \"session\" (did you mean \"sessions\"?)",
                only(check(Map.of("sources", List.of("session")))));
        assertEquals("memorySearch.provider: expected one of auto, local, openai, none, got \"gemini\"",
                only(check(Map.of("provider", "gemini"))));
        assertEquals("memorySearch.remote.baseUrl: expected an http:// or https:// URL",
                only(check(Map.of("remote", Map.of("baseUrl", "ftp://x")))));
    }

    @Test
    void aSecretIsNeverEchoed() {
        String msg = only(check(Map.of("remote", Map.of("apiKey", 12345678))));
        assertTrue(msg.startsWith("memorySearch.remote.apiKey: expected a string"), msg);
        assertFalse(msg.contains("12345678"), msg);
        msg = only(check(Map.of("remote", Map.of("headers", Map.of("Authorization", List.of("Bearer abc"))))));
        assertFalse(msg.contains("abc"), msg);
    }

    @Test
    void anOverlapNotBelowTokensIsAWarningAndClamped() {
        List<Issue> issues = check(Map.of("chunking", Map.of("tokens", 10, "overlap", 10)));
        assertEquals(1, issues.size(), issues::toString);
        assertTrue(issues.get(0).warning());
        assertEquals(9, MemorySettings.of(Map.of("chunking", Map.of("tokens", 10, "overlap", 10))).overlap());
    }

    @Test
    void everyChangeIsHotAndNamesNoAction() {
        assertEquals(List.of(ReloadRule.hot("memorySearch")), section.reloadRules());
        assertEquals("memorySearch", section.prefix());
    }

    @Test
    void defaultsAreTheReferences() {
        MemorySettings s = MemorySettings.defaults();
        assertEquals(400, s.tokens());
        assertEquals(80, s.overlap());
        assertEquals(6, s.query().maxResults());
        // the reference's floor, except with the shipped model, whose cosines run lower
        assertEquals(MemorySettings.MIN_SCORE_LOCAL, s.query().minScore());
        assertEquals(0.35, MemorySettings.of(Map.of("provider", "openai")).query().minScore());
        assertEquals(0.35, MemorySettings.of(Map.of("provider", "none")).query().minScore());
        assertEquals(0.5, MemorySettings.of(Map.of("query", Map.of("minScore", 0.5))).query().minScore());
        assertEquals(0.7, s.query().vectorWeight(), 1e-9);
        assertEquals(0.3, s.query().textWeight(), 1e-9);
        assertEquals(4, s.query().candidateMultiplier());
        assertEquals(1500, s.sync().watchDebounceMs());
        assertEquals(100_000, s.sync().deltaBytes());
        assertEquals(50, s.sync().deltaMessages());
        assertEquals(List.of("memory"), s.sources());
        assertEquals("local:all-minilm-l6-v2-q", s.embedderKey());
        assertFalse(s.query().mmr());
        assertFalse(s.query().decay());
        assertEquals(30, s.query().halfLifeDays());
        // weights are clamped and normalised to sum 1
        MemorySettings w = MemorySettings.of(Map.of("query", Map.of("hybrid", Map.of("vectorWeight", 2, "textWeight", 1))));
        assertEquals(0.5, w.query().vectorWeight(), 1e-9);
        assertEquals(0.5, w.query().textWeight(), 1e-9);
    }

    @Test
    void anAgentsOwnMemorySearchIsCheckedWithTheSectionsShape() {
        Map<String, Object> cfg = Map.of("agents", Map.of(
                "defaults", Map.of("memorySearch", Map.of("query", Map.of("minScore", 0.2))),
                "list", List.of(Map.of("id", "main"),
                        Map.of("id", "notes", "memorySearch", Map.of("provider", "none", "chunking", Map.of("tokens", 200))),
                        Map.of("id", "typo", "memorySearch", Map.of("query", Map.of("maxResult", 3))),
                        Map.of("id", "model", "memorySearch", Map.of("model", "text-embedding-3-large")))));
        List<Issue> issues = section.crossCheck(cfg);
        assertEquals(2, issues.size(), issues::toString);
        assertEquals("agents.list.2.memorySearch.query.maxResult: unknown key \"maxResult\" (did you mean \"maxResults\"?)",
                issues.get(0).path() + ": " + issues.get(0).reason());
        assertEquals("agents.list.3.memorySearch.model", issues.get(1).path());
        assertTrue(issues.get(1).reason().contains("one per gateway"), issues.get(1).reason());
        assertEquals(List.of(), section.crossCheck(Map.of("agents", Map.of("list", List.of(Map.of("id", "main"))))));
        assertEquals("agents.defaults.memorySearch: expected an object, got a string",
                only(section.crossCheck(Map.of("agents", Map.of("defaults", Map.of("memorySearch", "on"))))));
    }
}
