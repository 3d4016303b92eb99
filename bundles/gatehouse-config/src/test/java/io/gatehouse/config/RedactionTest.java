package io.gatehouse.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** What config:get, config:show, Metatype descriptions and error messages may show of a config. */
class RedactionTest {

    @SuppressWarnings("unchecked")
    private static Map<String, Object> provider(Object shown) {
        return (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) shown).get("models"))
                .get("providers")).get("vllm");
    }

    private static Map<String, Object> config(Map<String, Object> vllm) {
        return Map.of("models", Map.of("providers", Map.of("vllm", vllm)));
    }

    @Test
    void headerValuesAreSecretWhateverTheHeaderIsCalled() {
        Map<String, Object> headers = new LinkedHashMap<>();
        headers.put("Authorization", "Bearer hdr-secret-1");
        headers.put("x-api-key", "hdr-secret-2");
        headers.put("Api-Key", "hdr-secret-3");
        headers.put("X-Custom-Tenant", "hdr-secret-4");
        headers.put("X-Numeric", 12345678);
        headers.put("X-From-Env", "${VLLM_HEADER}");
        Object shown = Redaction.redact(null, config(Map.of("headers", headers, "type", "openai-compatible")));
        String text = shown.toString();
        for (String secret : List.of("hdr-secret-1", "hdr-secret-2", "hdr-secret-3", "hdr-secret-4", "12345678")) {
            assertFalse(text.contains(secret), text);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> h = (Map<String, Object>) provider(shown).get("headers");
        assertEquals(List.of("Authorization", "x-api-key", "Api-Key", "X-Custom-Tenant", "X-Numeric", "X-From-Env"),
                List.copyOf(h.keySet()), "header names stay visible");
        assertEquals(Redaction.REDACTED, h.get("Authorization"));
        assertEquals("${VLLM_HEADER}", h.get("X-From-Env"), "an environment reference names the source, not the secret");
        assertEquals("openai-compatible", provider(shown).get("type"));
    }

    @Test
    void urlUserInfoAndCredentialQueryParametersAreSecret() {
        Object shown = Redaction.redact(null, config(Map.of(
                "baseUrl", "http://alice:pw-in-url@127.0.0.1:9/v1",
                "mirror", "https://only-a-token@git.example.org/repo?api_key=q-secret&page=2",
                "envUrl", "https://bob:${VLLM_PW}@gpu1:8000/v1",
                "plain", "https://api.openai.com/v1?page=2")));
        Map<String, Object> p = provider(shown);
        assertEquals("http://<redacted>@127.0.0.1:9/v1", p.get("baseUrl"));
        assertEquals("https://<redacted>@git.example.org/repo?api_key=<redacted>&page=2", p.get("mirror"));
        assertEquals("https://bob:${VLLM_PW}@gpu1:8000/v1", p.get("envUrl"));
        assertEquals("https://api.openai.com/v1?page=2", p.get("plain"));
    }

    @Test
    void passwordWithAnAtSignIsHiddenWhole() {
        assertEquals("http://<redacted>@host/x", Redaction.scrub("http://u:p@ss@host/x"));
        assertEquals("cannot reach http://<redacted>@h:9/v1/chat: refused", Redaction.scrub("cannot reach http://u:pw@h:9/v1/chat: refused"));
        assertEquals("header Bearer <redacted> rejected", Redaction.scrub("header Bearer sk-abcdefgh12345 rejected"));
        assertEquals("the token rule applies; mail me at a@b.org", Redaction.scrub("the token rule applies; mail me at a@b.org"));
    }

    @Test
    void authLikeKeysAreSecretButCountsAreNot() {
        for (String key : List.of("token", "botToken", "apiKey", "api_key", "x-api-key", "Authorization", "auth", "basicAuth",
                "password", "passwd", "clientSecret", "privateKey", "credentials", "cookie", "accessKey", "pwd", "key", "bearer")) {
            assertTrue(Redaction.isSecretKey(key), key);
        }
        for (String key : List.of("maxTokens", "contextTokens", "baseUrl", "model", "type", "keyboard", "authorName", "port",
                "headers", "timeoutMs")) {
            assertFalse(Redaction.isSecretKey(key), key);
        }
        Object shown = Redaction.redact(null, Map.of("agents", Map.of("defaults", Map.of("maxTokens", 1024, "auth", "user:pw"))));
        assertEquals("{agents={defaults={maxTokens=1024, auth=<redacted>}}}".length(), shown.toString().length(), shown.toString());
        assertTrue(shown.toString().contains("maxTokens=1024") && shown.toString().contains("auth=<redacted>"), shown.toString());
    }

    /** The Telegram section (channels.telegram): botToken and webhookSecret, at the top and per account. */
    @Test
    void telegramTokensAndWebhookSecretsAreRedacted() {
        String token = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0";
        Object shown = Redaction.redact(null, Map.of("channels", Map.of("telegram", Map.of("botToken", token,
                "webhookSecret", "wh-secret-1", "webhookUrl", "https://bot.example.org/telegram/webhook", "dmPolicy", "pairing",
                "accounts", List.of(Map.of("id", "ops", "botToken", "987654321:BBHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1",
                        "webhookSecret", "wh-secret-2"))))));
        String text = shown.toString();
        for (String secret : List.of(token, "BBHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1", "wh-secret-1", "wh-secret-2")) {
            assertFalse(text.contains(secret), text);
        }
        assertTrue(text.contains("webhookUrl=https://bot.example.org/telegram/webhook") && text.contains("dmPolicy=pairing")
                && text.contains("id=ops"), text);
        assertTrue(Redaction.isSecretPath("channels.telegram.botToken"));
        assertTrue(Redaction.isSecretPath("channels.telegram.webhookSecret"));
    }

    @Test
    void secretPathsCoverHeaderValuesAndSecretKeys() {
        assertTrue(Redaction.isSecretPath("models.providers.vllm.headers.X-Tenant"));
        assertTrue(Redaction.isSecretPath("gateway.auth.token"));
        assertTrue(Redaction.isSecretPath("channels.telegram.accounts.0.botToken"));
        assertTrue(Redaction.isSecretPath("models.providers.vllm.apiKeys.1"));
        assertFalse(Redaction.isSecretPath("models.providers.vllm.headers"));
        assertFalse(Redaction.isSecretPath("gateway.auth.mode"));
        assertFalse(Redaction.isSecretPath("gateway.port"));
    }
}
