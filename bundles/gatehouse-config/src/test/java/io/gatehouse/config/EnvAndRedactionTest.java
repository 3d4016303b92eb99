package io.gatehouse.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.gatehouse.api.config.schema.Issue;

class EnvAndRedactionTest {
    private final EnvSubstitution env = new EnvSubstitution(Map.of("TG_TOKEN", "s3cret", "HOST", "example.org")::get);

    @Test
    void substitutesInStringsAnywhereAndKeepsEscapes() {
        List<Issue> issues = new ArrayList<>();
        Map<String, Object> out = env.resolve(Map.of("channels", Map.of("telegram", Map.of("botToken", "${TG_TOKEN}",
                "url", "https://${HOST}/x", "literal", "$${TG_TOKEN}", "list", List.of("${HOST}")))), issues);
        assertEquals(List.of(), issues);
        @SuppressWarnings("unchecked")
        Map<String, Object> tg = (Map<String, Object>) ((Map<String, Object>) out.get("channels")).get("telegram");
        assertEquals("s3cret", tg.get("botToken"));
        assertEquals("https://example.org/x", tg.get("url"));
        assertEquals("${TG_TOKEN}", tg.get("literal"));
        assertEquals(List.of("example.org"), tg.get("list"));
    }

    @Test
    void missingVariableIsAnErrorAtItsPath() {
        List<Issue> issues = new ArrayList<>();
        env.resolve(Map.of("models", Map.of("list", List.of(Map.of("apiKey", "${NOPE}")))), issues);
        assertEquals(1, issues.size());
        assertEquals("models.list.0.apiKey", issues.get(0).path());
        assertEquals("environment variable NOPE is not set", issues.get(0).reason());
    }

    @Test
    void secretsAreRedactedButEnvReferencesShown() {
        Object shown = Redaction.redact(null, Map.of("gateway", Map.of("auth", Map.of("token", "abc123")),
                "channels", Map.of("telegram", Map.of("botToken", "${TG_TOKEN}", "name", "bot")),
                "models", Map.of("openai", Map.of("apiKey", "sk-live", "baseUrl", "http://x"))));
        String text = shown.toString();
        assertTrue(!text.contains("abc123") && !text.contains("sk-live"), text);
        assertTrue(text.contains("${TG_TOKEN}") && text.contains("http://x") && text.contains("bot"), text);
        assertTrue(text.contains(Redaction.REDACTED), text);
    }
}
