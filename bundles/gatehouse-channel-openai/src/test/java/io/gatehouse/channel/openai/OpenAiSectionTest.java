package io.gatehouse.channel.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.gatehouse.api.config.schema.Issue;

/** Issue case 9: channels.openai keys are typed (a string where the model list goes was accepted). */
class OpenAiSectionTest {
    private static List<Issue> check(Map<String, Object> value) {
        List<Issue> out = new ArrayList<>();
        new OpenAiSection().schema().check("channels.openai", value, out);
        return out;
    }

    @Test
    void wrongTypesAndUnknownKeysAreErrors() {
        assertEquals("channels.openai.models", check(Map.of("models", "gatehouse")).get(0).path());
        assertEquals("channels.openai.timeoutMs", check(Map.of("timeoutMs", "soon")).get(0).path());
        assertEquals("channels.openai.timeoutMs", check(Map.of("timeoutMs", 0)).get(0).path());
        assertEquals("channels.openai.enabled", check(Map.of("enabled", "yes")).get(0).path());
        Issue typo = check(Map.of("modles", List.of("a"))).get(0);
        assertTrue(typo.reason().contains("did you mean \"models\""), typo.toString());
        assertEquals(List.of(), check(Map.of("models", List.of("gatehouse", "other"), "timeoutMs", 1000, "enabled", true)));
    }
}
