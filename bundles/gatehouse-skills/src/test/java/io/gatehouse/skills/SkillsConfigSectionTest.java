package io.gatehouse.skills;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.gatehouse.api.config.ReloadRule;
import io.gatehouse.api.config.schema.Issue;

class SkillsConfigSectionTest {
    final SkillsConfigSection section = new SkillsConfigSection();

    List<Issue> check(Object value) {
        List<Issue> out = new ArrayList<>();
        section.schema().check("skills", value, out);
        return out;
    }

    @Test
    void theReferencesFormIsValid() {
        assertEquals(List.of(), check(Map.of(
                "allowBundled", List.of("gog"),
                "load", Map.of("watch", true, "watchDebounceMs", 250, "extraDirs", List.of("~/more-skills")),
                "entries", Map.of("github", Map.of("enabled", true, "apiKey", "ghp_x", "env", Map.of("GH_HOST", "x"),
                        "config", Map.of("any", 1))),
                "limits", Map.of("maxSkillsInPrompt", 50, "maxSkillFileBytes", 100_000),
                "install", Map.of("preferBrew", false, "nodeManager", "pnpm"))));
    }

    @Test
    void unknownKeysAreErrorsWithADidYouMean() {
        List<Issue> issues = check(Map.of("load", Map.of("watchDebounce", 100)));
        assertEquals(1, issues.size(), issues::toString);
        assertEquals("skills.load.watchDebounce", issues.get(0).path());
        assertTrue(issues.get(0).reason().contains("did you mean \"watchDebounceMs\""), issues.get(0).reason());
        assertFalse(issues.get(0).warning());
    }

    @Test
    void wrongTypesAndRangesAreErrors() {
        List<Issue> issues = check(Map.of("load", Map.of("watch", "yes", "watchDebounceMs", -1, "extraDirs", "dir")));
        assertEquals(3, issues.size(), issues::toString);
    }

    @Test
    void secretsAreNeverEchoed() {
        List<Issue> issues = check(Map.of("entries", Map.of("x", Map.of("apiKey", 12345678, "env", Map.of("TOKEN", 987654321)))));
        assertEquals(2, issues.size(), issues::toString);
        for (Issue i : issues) {
            assertFalse(i.reason().contains("12345678") || i.reason().contains("987654321"), i.reason());
        }
    }

    @Test
    void changesAreHotWithTheSkillsAction() {
        assertEquals(List.of(ReloadRule.hot("skills", "reload-skills")), section.reloadRules());
        assertEquals("skills", section.prefix());
    }
}
