package io.gatehouse.canvas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.gatehouse.api.config.ReloadRule;
import io.gatehouse.api.config.schema.Issue;

class CanvasSectionTest {
    final CanvasSection section = new CanvasSection();

    private List<Issue> check(Object value) {
        List<Issue> out = new ArrayList<>();
        section.schema().check("canvasHost", value, out);
        return out;
    }

    private static List<Issue> errors(List<Issue> issues) {
        return issues.stream().filter(i -> !i.warning()).toList();
    }

    @Test
    void ownsCanvasHostWithOneHotRule() {
        assertEquals("canvasHost", section.prefix());
        assertEquals(List.of(ReloadRule.hot("canvasHost", "reload-canvas")), section.reloadRules());
    }

    @Test
    void theKeysItKnows() {
        assertEquals(List.of(), check(Map.of("enabled", true, "root", "data/canvas", "liveReload", false,
                "advertisedUrl", "https://gw.example.com/canvas/")));
        assertEquals(List.of(), check(Map.of()));
    }

    @Test
    void unknownKeysAreErrorsWithASuggestion() {
        List<Issue> issues = check(Map.of("liveReloud", true));
        assertEquals(1, issues.size(), issues.toString());
        assertEquals("canvasHost.liveReloud", issues.get(0).path());
        assertTrue(issues.get(0).reason().contains("did you mean \"liveReload\""), issues.toString());
        assertFalse(issues.get(0).warning());
    }

    @Test
    void wrongTypesAreErrors() {
        assertEquals("canvasHost.liveReload", errors(check(Map.of("liveReload", "yes"))).get(0).path());
        assertEquals("canvasHost.enabled", errors(check(Map.of("enabled", 1))).get(0).path());
        assertEquals("canvasHost.root", errors(check(Map.of("root", ""))).get(0).path());
        assertTrue(errors(check(Map.of("root", "bad\u0000path"))).get(0).reason().startsWith("not a usable folder path"));
        assertEquals("canvasHost", errors(check(List.of())).get(0).path());
    }

    @Test
    void advertisedUrlMustBeAnHttpUrlWithoutCredentialsAndIsNeverEchoed() {
        for (String bad : List.of("ftp://x/canvas/", "gw.example.com/canvas/", "https:///canvas/", "http://x/c?a=1",
                "http://x/c#frag", "http://a b/")) {
            List<Issue> e = errors(check(Map.of("advertisedUrl", bad)));
            assertEquals(1, e.size(), bad + " " + e);
            assertEquals("canvasHost.advertisedUrl", e.get(0).path());
        }
        List<Issue> creds = errors(check(Map.of("advertisedUrl", "https://alice:hunter2@gw.example.com/canvas/")));
        assertEquals(1, creds.size());
        assertTrue(creds.get(0).reason().contains("credentials"), creds.toString());
        assertFalse(creds.get(0).reason().contains("hunter2"), creds.toString());
        assertFalse(creds.get(0).reason().contains("alice"), creds.toString());
        assertEquals(1, errors(check(Map.of("advertisedUrl", 5))).size());
    }

    @Test
    void anAdvertisedUrlWithoutPathIsAWarningSuggestingCanvas() {
        List<Issue> issues = check(Map.of("advertisedUrl", "https://gw.example.com"));
        assertEquals(1, issues.size());
        assertTrue(issues.get(0).warning());
        assertTrue(issues.get(0).reason().contains("https://gw.example.com/canvas/"), issues.toString());
    }

    @Test
    void theReferencesPortIsAcceptedWithAWarning() {
        List<Issue> issues = check(Map.of("port", 18793));
        assertEquals(1, issues.size());
        assertTrue(issues.get(0).warning());
        assertEquals("canvasHost.port", issues.get(0).path());
    }
}
