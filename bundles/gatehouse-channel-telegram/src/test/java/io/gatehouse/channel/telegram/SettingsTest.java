package io.gatehouse.channel.telegram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.gatehouse.api.config.schema.Issue;
import io.gatehouse.channel.telegram.TelegramSettings.Account;
import io.gatehouse.channel.telegram.TelegramSettings.DmPolicy;

class SettingsTest {
    private static final String TOKEN = "123456:AAbbCCddEEffGGhhIIjjKKllMMnnOOpp";

    @TempDir
    Path home;

    private static List<Issue> check(Map<String, Object> section) {
        List<Issue> out = new ArrayList<>();
        TelegramSettings.schema().check("channels.telegram", section, out);
        return out;
    }

    @Test
    void aValidSectionHasNoFindings() {
        assertEquals(List.of(), check(Map.of("botToken", TOKEN, "dmPolicy", "allowlist", "allowFrom", List.of(42, "@alice"),
                "groups", Map.of("-1001", Map.of("requireMention", false, "topics", Map.of("7", Map.of("enabled", false)))),
                "accounts", Map.of("ops", Map.of("tokenFile", "etc/ops.token", "apiRoot", "http://127.0.0.1:9100")))));
    }

    @Test
    void unknownKeysAreErrorsWithASuggestion() {
        List<Issue> found = check(Map.of("botTokn", TOKEN));
        assertEquals(1, found.size(), found.toString());
        assertEquals("channels.telegram.botTokn", found.get(0).path());
        assertTrue(found.get(0).reason().contains("did you mean \"botToken\""), found.toString());
        found = check(Map.of("accounts", Map.of("a", Map.of("dmPolcy", "open"))));
        assertEquals("channels.telegram.accounts.a.dmPolcy", found.get(0).path());
    }

    @Test
    void aSecretIsNeverEchoedInAFinding() {
        List<Issue> found = check(Map.of("botToken", 12345678, "webhookSecret", "has spaces and a secret"));
        String all = found.toString();
        assertFalse(all.contains("12345678"), all);
        assertFalse(all.contains("has spaces"), all);
        assertTrue(found.stream().anyMatch(i -> i.path().equals("channels.telegram.botToken")), all);
        assertTrue(found.stream().anyMatch(i -> i.path().equals("channels.telegram.webhookSecret")), all);
    }

    @Test
    void openNeedsAStarInAllowFromAlsoWhenInherited() {
        assertTrue(check(Map.of("dmPolicy", "open")).stream().anyMatch(i -> i.path().equals("channels.telegram.dmPolicy")));
        assertEquals(List.of(), check(Map.of("dmPolicy", "open", "allowFrom", List.of("*"))));
        List<Issue> found = check(Map.of("allowFrom", List.of("42"), "accounts", Map.of("b", Map.of("dmPolicy", "open", "botToken", TOKEN))));
        assertTrue(found.stream().anyMatch(i -> i.path().equals("channels.telegram.accounts.b.dmPolicy")), found.toString());
    }

    @Test
    void badValuesAreNamed() {
        List<Issue> found = check(Map.of("dmPolicy", "pairng", "textChunkLimit", 5000, "apiRoot", "ftp://x", "webhookUrl", "https://x.y/hook",
                "pollTimeoutSeconds", 99));
        String all = found.toString();
        assertTrue(all.contains("did you mean \"pairing\""), all);
        assertTrue(found.stream().anyMatch(i -> i.path().equals("channels.telegram.textChunkLimit")), all);
        assertTrue(found.stream().anyMatch(i -> i.path().equals("channels.telegram.apiRoot")), all);
        assertTrue(found.stream().anyMatch(i -> i.path().equals("channels.telegram.webhookSecret")), "webhookUrl needs a secret: " + all);
        assertTrue(found.stream().anyMatch(i -> i.path().equals("channels.telegram.pollTimeoutSeconds")), all);
    }

    @Test
    void accountsInheritTheSectionAndOverrideIt() throws Exception {
        Files.writeString(home.resolve("ops.token"), "777:opsTOKENopsTOKENops\n");
        TelegramSettings s = TelegramSettings.parse(Map.of("botToken", TOKEN, "dmPolicy", "allowlist", "allowFrom", List.of(42, "tg:43", "@Alice"),
                "accounts", Map.of("ops", Map.of("tokenFile", "ops.token", "dmPolicy", "pairing"))), k -> null, home);
        assertEquals(List.of(), s.problems);
        assertEquals(2, s.accounts.size());
        Account ops = s.accounts.stream().filter(a -> a.id().equals("ops")).findFirst().orElseThrow();
        Account def = s.accounts.stream().filter(a -> a.id().equals("default")).findFirst().orElseThrow();
        assertEquals("777:opsTOKENopsTOKENops", ops.token());
        assertEquals(DmPolicy.PAIRING, ops.dmPolicy());
        assertEquals(List.of("42", "43", "@alice"), ops.allowFrom(), "inherited, normalised");
        assertEquals(DmPolicy.ALLOWLIST, def.dmPolicy());
        assertEquals(TOKEN, def.token());
        assertEquals("777", ops.botKey());
        assertEquals(TelegramSettings.DEFAULT_API_ROOT, def.apiRoot());
        assertFalse(ops.tokenSource().contains("opsTOKEN"));
    }

    @Test
    void theDefaultAccountTakesTheEnvironmentToken() {
        TelegramSettings s = TelegramSettings.parse(Map.of("enabled", true), k -> k.equals("TELEGRAM_BOT_TOKEN") ? TOKEN : null, home);
        assertEquals(1, s.accounts.size());
        assertEquals("environment TELEGRAM_BOT_TOKEN", s.accounts.get(0).tokenSource());
    }

    @Test
    void problemsNameTheAccountAndNeverTheToken() {
        Map<String, Object> accounts = new java.util.LinkedHashMap<>();
        accounts.put("a", Map.of("botToken", TOKEN));
        accounts.put("b", Map.of("botToken", TOKEN));
        accounts.put("c", Map.of("tokenFile", "missing.token"));
        accounts.put("d", Map.of("enabled", true));
        TelegramSettings s = TelegramSettings.parse(Map.of("accounts", accounts), k -> null, home);
        assertEquals(List.of("a"), s.accounts.stream().map(Account::id).toList());
        assertEquals(3, s.problems.size(), s.problems.toString());
        String all = s.problems.toString();
        assertFalse(all.contains("AAbbCC"), all);
        assertTrue(all.contains("same bot token as account a"), all);
        assertTrue(all.contains("missing.token"), all);
        assertTrue(all.contains("accounts.d.botToken or tokenFile"), all);
    }

    @Test
    void aDisabledAccountIsNotStarted() {
        TelegramSettings s = TelegramSettings.parse(Map.of("accounts", Map.of("a", Map.of("botToken", TOKEN, "enabled", false))), k -> null, home);
        assertEquals(List.of(), s.accounts);
        assertEquals(List.of(), s.problems);
    }
}
