package io.gatehouse.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.gatehouse.api.config.ConfigException;

/** The shell door's output: secrets never shown, failures worded once. */
class ConfigCommandsTest {
    private static final Map<String, Object> RAW = Map.of(
            "gateway", Map.of("auth", Map.of("token", "gw-secret-token-1"), "port", 18789),
            "models", Map.of("providers", Map.of("vllm", Map.of("type", "openai-compatible",
                    "baseUrl", "http://alice:pw-in-url@127.0.0.1:9/v1",
                    "headers", Map.of("Authorization", "Bearer hdr-secret-1", "x-api-key", "hdr-secret-2", "Api-Key", "hdr-secret-3")))));

    private static ConfigCommands commands(List<String> findings) {
        ConfigDoor door = (ConfigDoor) Proxy.newProxyInstance(ConfigDoor.class.getClassLoader(), new Class<?>[] {ConfigDoor.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "currentRaw" -> RAW;
                    case "file" -> Path.of("/opt/gatehouse/etc/gatehouse.json");
                    case "validateFile" -> findings;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        return new ConfigCommands(door);
    }

    @Test
    void getAndShowNeverPrintHeaderValuesUrlCredentialsOrTokens() throws Exception {
        ConfigCommands c = commands(List.of());
        String all = c.show() + c.show("models") + c.get("models.providers.vllm.headers") + c.get("models.providers.vllm.baseUrl")
                + c.get("models.providers.vllm.headers.Authorization") + c.get("gateway.auth");
        for (String secret : List.of("gw-secret-token-1", "pw-in-url", "hdr-secret-1", "hdr-secret-2", "hdr-secret-3")) {
            assertFalse(all.contains(secret), secret + " in\n" + all);
        }
        assertTrue(all.contains("\"x-api-key\" : \"<redacted>\"") && all.contains("127.0.0.1:9/v1"), all);
    }

    @Test
    void aFailedValidationSaysErrorOnce() {
        ConfigCommands c = commands(List.of("warning: /tmp/x.json:4:3: bindings.0.agentId: agent \"nope\" is not in agents.list",
                "error: /tmp/x.json:2:3: gatway: unknown key \"gatway\" (did you mean \"gateway\"?)"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.validate("/tmp/x.json"));
        String shown = "Error: " + e.getMessage(); // what the remote shell prints
        assertFalse(shown.startsWith("Error: error:"), shown);
        assertEquals("Error: /tmp/x.json: 1 error", shown.lines().findFirst().orElseThrow());
        assertEquals("error: /tmp/x.json:2:3: gatway: unknown key \"gatway\" (did you mean \"gateway\"?)", shown.lines().toList().get(1));
    }

    @Test
    void aBadValueForASecretIsRefusedWithoutEchoingIt() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> commands(List.of()).set("gateway.auth.token", "{sk_live_not_json"));
        assertFalse(e.getMessage().contains("sk_live"), e.getMessage());
        assertTrue(e.getMessage().contains("gateway.auth.token"), e.getMessage());
    }
}
