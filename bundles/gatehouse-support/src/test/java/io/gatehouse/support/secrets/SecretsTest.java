package io.gatehouse.support.secrets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SecretsTest {

    @Test
    void errorTextLosesUrlCredentialsAndBearerValues() {
        assertEquals("model provider vllm failed: cannot reach http://<redacted>@127.0.0.1:9/v1/chat/completions",
                Secrets.scrub("model provider vllm failed: cannot reach http://alice:pw-in-url@127.0.0.1:9/v1/chat/completions"));
        assertEquals("Illegal character in authority at index 7: http://<redacted>@gpu1/v1",
                Secrets.scrub("Illegal character in authority at index 7: http://alice:pw in@gpu1/v1".replace("pw in", "pw%20in")));
        assertEquals("GET https://h/v1?key=<redacted>&page=2", Secrets.scrub("GET https://h/v1?key=AIzaSecret&page=2"));
        assertEquals("rejected Bearer <redacted>", Secrets.scrub("rejected Bearer sk-abcdefgh12345"));
        assertEquals("https://bob:${PW}@h/v1", Secrets.scrub("https://bob:${PW}@h/v1"));
    }

    @Test
    void telegramBotTokensInUrlsAndTextAreHidden() {
        String token = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0";
        assertEquals("HTTP 401 from https://api.telegram.org/bot<redacted>/getUpdates",
                Secrets.scrub("HTTP 401 from https://api.telegram.org/bot" + token + "/getUpdates"));
        assertEquals("bad token <redacted>", Secrets.scrub("bad token " + token));
        assertEquals("at 12:30:45 port 127.0.0.1:18789", Secrets.scrub("at 12:30:45 port 127.0.0.1:18789"));
    }

    @Test
    void secretKeys() {
        assertTrue(Secrets.isSecretKey("botToken"));
        assertTrue(Secrets.isSecretKey("webhookSecret"));
        assertTrue(Secrets.isSecretKey("x-api-key"));
        assertTrue(Secrets.isSecretKey("Authorization"));
        assertFalse(Secrets.isSecretKey("maxTokens"));
        assertTrue(Secrets.isEnvReference("${OPENAI_API_KEY}"));
    }
}
