package io.gatehouse.itests.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.gatehouse.itests.distribution.TelegramEmulator.Call;

/**
 * The telegram channel of the launched distribution against the Bot API emulator: two bot accounts on one
 * gateway (one with an allow list, groups and forum topics; one with pairing), driven like users (messages
 * through the emulator) and an operator ({@code bin/gatehouse shell}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TelegramTest {
    static final String TOKEN = "710001:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
    static final String SECRET = "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
    static final String PAIR_TOKEN = "710002:BBHdqTcvCH1vGWJxfSeofSAs0K5PALDsbb";
    static final String HOOK_TOKEN = "710003:DDHdqTcvCH1vGWJxfSeofSAs0K5PALDsdd";
    static final String HOOK_SECRET = "hook-secret_42";
    static final String FORUM = "-1001234567890";
    static final Duration WAIT = Duration.ofSeconds(30);

    TelegramEmulator tg;
    Gateway g;
    int port;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        TelegramEmulator.assumeAvailable();
        Path home = Files.createDirectory(dir.resolve("home"));
        Path work = Files.createDirectory(dir.resolve("work"));
        tg = TelegramEmulator.start(work);
        g = Gateway.copyInto(home);
        // the default account reads its token from a file (so it is in no config file or mirror); the other is inline
        Path tokenFile = home.resolve("etc/telegram-default.token");
        Files.writeString(tokenFile, TOKEN + "\n");
        Files.setPosixFilePermissions(tokenFile, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        port = Gateway.freePort();
        g.writeConfig("""
                {
                  gateway: { bind: 'loopback', port: %d, reload: { deferralTimeoutMs: 10000 } },
                  agents: { list: [
                    { id: 'main' },
                    { id: 'support', model: { provider: 'echo', prefix: 'support: ' } },
                    { id: 'forum', model: { provider: 'echo', prefix: 'forum: ' } },
                    { id: 'ops', model: { provider: 'echo', prefix: 'ops: ' } },
                  ] },
                  bindings: [
                    { agentId: 'support', match: { channel: 'telegram', peer: { kind: 'direct', id: '4242' } } },
                    { agentId: 'forum', match: { channel: 'telegram', peer: { kind: 'group', id: '%s:topic:42' } } },
                    { agentId: 'ops', match: { channel: 'telegram', peer: { kind: 'group', id: '%s' } } },
                  ],
                  channels: { telegram: {
                    apiRoot: '%s',
                    pollTimeoutSeconds: 5,
                    dmPolicy: 'allowlist',
                    allowFrom: [4242, 5151, 7373],
                    groupPolicy: 'open',
                    groups: { '%s': { } },
                    accounts: {
                      default: { tokenFile: 'etc/telegram-default.token' },
                      pair: { botToken: '%s', dmPolicy: 'pairing', allowFrom: [] },
                      hook: { botToken: '%s', dmPolicy: 'open', allowFrom: ['*'],
                              webhookUrl: 'http://127.0.0.1:%d/telegram/webhook/hook', webhookSecret: '%s' },
                    },
                  } },
                }
                """.formatted(port, FORUM, FORUM, tg.root, FORUM, PAIR_TOKEN, HOOK_TOKEN, port, HOOK_SECRET));
        Gateway.Result r = g.cli("start");
        assertEquals(0, r.exit(), r.toString());
        g.awaitHealthy(Duration.ofSeconds(60));
        Gateway.await(WAIT, () -> accounts().stream().filter(a -> a.path("state").asText().equals("polling")).count() == 2
                && accounts().stream().anyMatch(a -> a.path("state").asText().equals("webhook")), "two accounts polling, one on a webhook");
    }

    @AfterAll
    void stop() throws Exception {
        try {
            if (g != null) {
                assertNoSecretAnywhere();
            }
        } finally {
            if (g != null) {
                g.close();
            }
            if (tg != null) {
                tg.close();
            }
        }
    }

    List<JsonNode> accounts() {
        Gateway.Result r = g.cli("shell", "channels:list --json");
        if (r.exit() != 0) {
            return List.of();
        }
        try {
            for (JsonNode c : Gateway.JSON.readTree(r.out())) {
                if (c.path("id").asText().equals("telegram")) {
                    List<JsonNode> out = new ArrayList<>();
                    c.path("accounts").forEach(out::add);
                    return out;
                }
            }
        } catch (Exception e) {
            return List.of();
        }
        return List.of();
    }

    JsonNode account(String id) {
        return accounts().stream().filter(a -> a.path("accountId").asText().equals(id)).findFirst().orElseThrow();
    }

    @Test
    void aDirectMessageIsRoutedByBindingAndAnswered() throws Exception {
        tg.dm(TOKEN, 4242, "hello from a bound peer");
        tg.dm(TOKEN, 5151, "hello from another");
        tg.dm(TOKEN, 9999, "hello from a stranger");
        awaitShown(4242, "support: hello from a bound peer");
        awaitShown(5151, "echo: hello from another");
        tg.await(c -> TOKEN.equals(c.token()) && c.method().equals("sendChatAction") && c.chat() == 4242, 1, WAIT, "typing");
        // Markdown arrives as Telegram HTML
        tg.dm(TOKEN, 5151, "make this **bold** and `code`");
        awaitShown(5151, "echo: make this <b>bold</b> and <code>code</code>");
        List<Call> last = tg.calls(c -> TOKEN.equals(c.token()) && c.chat() == 5151 && c.text().contains("<b>bold</b>"));
        assertEquals("HTML", last.get(last.size() - 1).params().path("parse_mode").asText());
        // the stranger (not in allowFrom) gets nothing, and reaches no agent
        tg.dm(TOKEN, 5151, "after the stranger");
        awaitShown(5151, "echo: after the stranger");
        assertEquals(List.of(), tg.calls(c -> c.method().equals("sendMessage") && c.chat() == 9999));

        Gateway.Result sessions = g.cli("shell", "sessions:list --json");
        assertTrue(sessions.out().contains("agent:support:main"), sessions.toString());
        assertFalse(sessions.out().contains("hello from a stranger"));
        JsonNode acc = account("default");
        assertEquals("polling", acc.path("state").asText());
        assertEquals("@TestNameBot", acc.path("bot").asText());
        assertTrue(acc.path("messagesIn").asLong() >= 3, acc.toString());
        assertTrue(acc.path("lastUpdateId").asLong() > 0, acc.toString());
        assertTrue(tg.calls(c -> TOKEN.equals(c.token()) && c.method().equals("setMyCommands")).size() >= 1, "setMyCommands at start");
    }

    @Test
    void aForumTopicIsRoutedByBindingAndAnsweredInTheTopic() throws Exception {
        tg.send(TOKEN, topicMessage(42, "@TestNameBot status of the build?", true));
        Call topic = tg.await(TelegramEmulator.sent(TOKEN, "forum: status of the build?"), 1, WAIT, "the topic's agent").get(0);
        assertEquals(Long.parseLong(FORUM), topic.chat());
        assertEquals(42, topic.params().path("message_thread_id").asLong(), topic.toString());
        assertTrue(topic.params().path("reply_parameters").path("message_id").asLong() > 0, "replies to the message: " + topic);

        // another topic of the group: the group's binding (parent peer)
        tg.send(TOKEN, topicMessage(7, "@TestNameBot and here?", true));
        Call parent = tg.await(TelegramEmulator.sent(TOKEN, "ops: and here?"), 1, WAIT, "the group's agent").get(0);
        assertEquals(7, parent.params().path("message_thread_id").asLong());

        // not mentioned: nothing (requireMention is on by default)
        tg.send(TOKEN, topicMessage(42, "just talking among ourselves", false));
        tg.send(TOKEN, topicMessage(42, "@TestNameBot last one", true));
        tg.await(TelegramEmulator.sent(TOKEN, "forum: last one"), 1, WAIT, "a later reply");
        assertEquals(List.of(), tg.calls(c -> c.method().equals("sendMessage") && c.text().contains("among ourselves")));
        Gateway.Result sessions = g.cli("shell", "sessions:list --json");
        assertTrue(sessions.out().contains("agent:forum:telegram:group:" + FORUM + ":topic:42"), sessions.toString());
        assertTrue(sessions.out().contains("agent:ops:telegram:group:" + FORUM + ":topic:7"), sessions.toString());
    }

    static Map<String, Object> topicMessage(long thread, String text, boolean mention) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("from", Map.of("id", 7373, "is_bot", false, "first_name", "Dev"));
        m.put("chat", Map.of("id", Long.parseLong(FORUM), "type", "supergroup", "title", "Builds", "is_forum", true));
        m.put("message_thread_id", thread);
        m.put("is_topic_message", true);
        m.put("text", text);
        if (mention) {
            m.put("entities", List.of(Map.of("type", "mention", "offset", 0, "length", "@TestNameBot".length())));
        }
        return m;
    }

    @Test
    void anUnknownSenderPairsWithACodeTheOperatorApproves() throws Exception {
        tg.dm(PAIR_TOKEN, 8080, "can I talk to you?");
        Call code = tg.await(c -> PAIR_TOKEN.equals(c.token()) && c.method().equals("sendMessage") && c.chat() == 8080, 1, WAIT,
                "the pairing code").get(0);
        Gateway.Result list = g.cli("shell", "channels:pairing --json telegram");
        assertEquals(0, list.exit(), list.toString());
        JsonNode pending = Gateway.JSON.readTree(list.out());
        assertEquals(1, pending.size(), pending.toString());
        assertEquals("pair", pending.get(0).path("accountId").asText());
        assertEquals("8080", pending.get(0).path("sender").asText());
        String c = pending.get(0).path("code").asText();
        assertTrue(code.text().contains(c) && code.text().contains("channels:pair telegram " + c), code.text());
        assertEquals(List.of(), tg.calls(x -> x.method().equals("__model")), "nothing reached a model");

        Gateway.Result wrong = g.cli("shell", "channels:pair telegram NOTACODE");
        assertTrue(wrong.exit() != 0 && wrong.err().contains("no pending pairing request"), wrong.toString());
        Gateway.Result ok = g.cli("shell", "channels:pair telegram " + c);
        assertEquals(0, ok.exit(), ok.toString());
        assertTrue(ok.out().contains("approved sender 8080"), ok.out());
        tg.await(x -> PAIR_TOKEN.equals(x.token()) && x.method().equals("sendMessage") && x.text().contains("approved"), 1, WAIT,
                "the approval notice");
        tg.dm(PAIR_TOKEN, 8080, "thanks");
        tg.await(TelegramEmulator.sent(PAIR_TOKEN, "echo: thanks"), 1, WAIT, "an answer once paired");
        assertTrue(Files.readString(g.home.resolve("data/telegram/pairing.json")).contains("8080"));
    }

    @Test
    void aReplyOverFourThousandCharactersIsSplitOnParagraphs() throws Exception {
        List<String> paras = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            paras.add(("Paragraph " + i + " of a long answer. ").repeat(16).strip());
        }
        String text = String.join("\n\n", paras);
        assertTrue(text.length() > 4000, "" + text.length());
        tg.dm(TOKEN, 7373, text);
        // streaming: a preview message edited in place, then the rest as new messages
        Gateway.await(WAIT, () -> {
            try {
                return finalTexts(7373).stream().mapToInt(String::length).sum() >= text.length();
            } catch (Exception e) {
                return false;
            }
        }, "the whole reply");
        Gateway.await(WAIT, () -> account("default").path("unfinished").asLong() == 0, "the reply recorded as sent");
        List<String> parts = finalTexts(7373);
        assertEquals(2, parts.size(), parts.toString());
        for (String p : parts) {
            assertTrue(p.length() <= 4096, "a part of " + p.length());
        }
        assertEquals("echo: " + text, String.join("\n\n", parts), "cut between paragraphs, nothing lost");
    }

    /** Waits until the last message of the bot in {@code chat} shows {@code text} (streamed replies are edited in place). */
    void awaitShown(long chat, String text) {
        Gateway.await(WAIT, () -> {
            try {
                List<String> shown = finalTexts(chat);
                return !shown.isEmpty() && shown.get(shown.size() - 1).equals(text);
            } catch (Exception e) {
                return false;
            }
        }, "chat " + chat + " showing \"" + text + "\"");
    }

    /** What chat {@code chat} shows now: each message of the bot with its last edit, in order. */
    List<String> finalTexts(long chat) throws Exception {
        List<String> out = new ArrayList<>();
        List<Long> ids = new ArrayList<>();
        for (Call c : tg.calls(c -> TOKEN.equals(c.token()) && c.chat() == chat && c.status() == 200)) {
            if (c.method().equals("sendMessage")) {
                ids.add(c.result().path("message_id").asLong());
                out.add(c.text());
            } else if (c.method().equals("editMessageText")) {
                int i = ids.indexOf(c.params().path("message_id").asLong());
                if (i >= 0) {
                    out.set(i, c.text());
                }
            }
        }
        return out;
    }

    @Test
    void a429IsHonouredWithItsRetryAfter() throws Exception {
        tg.failNext(TOKEN, "sendMessage", 1, 429, 2, "Too Many Requests: retry after 2");
        tg.dm(TOKEN, 5151, "rate limited");
        Call done = tg.await(TelegramEmulator.sent(TOKEN, "echo: rate limited"), 1, WAIT, "the reply after the 429").get(0);
        List<Call> tries = tg.calls(c -> TOKEN.equals(c.token()) && c.method().equals("sendMessage") && c.text().equals("echo: rate limited"));
        assertEquals(2, tries.size(), tries.toString());
        assertEquals(429, tries.get(0).status());
        long gap = done.at() - tries.get(0).at();
        assertTrue(gap >= 1900, "waited retry_after (2 s) before trying again: " + gap + " ms");
        assertTrue(account("default").path("rateLimited").asLong() >= 1, account("default").toString());
    }

    @Test
    void aWebhookAccountTakesUpdatesWithItsSecretOnlyAndDropsARetry() throws Exception {
        tg.dm(HOOK_TOKEN, 6060, "through the webhook");
        tg.await(c -> HOOK_TOKEN.equals(c.token()) && c.method().equals("sendMessage") && c.chat() == 6060
                && c.text().startsWith("echo: through"), 1, WAIT, "the reply to a webhook update");
        assertEquals("webhook", account("hook").path("state").asText());
        assertTrue(tg.calls(c -> HOOK_TOKEN.equals(c.token()) && c.method().equals("getUpdates")).isEmpty(), "no polling");

        String update = "{\"update_id\":900001,\"message\":{\"message_id\":777001,\"from\":{\"id\":6060,\"first_name\":\"W\"},"
                + "\"chat\":{\"id\":6060,\"type\":\"private\"},\"date\":1,\"text\":\"sent twice\"}}";
        assertEquals(401, postWebhook(update, null), "no secret");
        assertEquals(401, postWebhook(update, "wrong"), "a wrong secret");
        assertEquals(200, postWebhook(update, HOOK_SECRET));
        assertEquals(200, postWebhook(update, HOOK_SECRET), "Telegram retries: accepted, and dropped");
        tg.await(c -> HOOK_TOKEN.equals(c.token()) && c.method().equals("sendMessage") && c.text().equals("echo: sent twice"), 1, WAIT,
                "the answer");
        Gateway.await(WAIT, () -> account("hook").path("duplicatesDropped").asLong() >= 1, "the retry dropped");
        assertEquals(1, tg.calls(c -> c.method().equals("sendMessage") && c.text().equals("echo: sent twice")).size());
    }

    int postWebhook(String body, String secret) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/telegram/webhook/hook"))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (secret != null) {
            b.header("X-Telegram-Bot-Api-Secret-Token", secret);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /**
     * The bot tokens appear in no log and no shell output; the token read from a file appears in no file the
     * gateway writes (the inline one is in the config file, and in the config bundle's copies of it).
     */
    void assertNoSecretAnywhere() throws Exception {
        String log = g.log();
        String pairSecret = PAIR_TOKEN.substring(PAIR_TOKEN.indexOf(':') + 1);
        assertFalse(log.contains(SECRET) || log.contains(pairSecret) || log.contains(HOOK_SECRET), "a secret in the gateway log");
        for (String cmd : List.of("channels:list --json", "channels:list", "config:get channels", "config:show")) {
            Gateway.Result r = g.cli("shell", cmd);
            String all = r.out() + r.err();
            assertFalse(all.contains(SECRET) || all.contains(pairSecret) || all.contains(HOOK_SECRET), cmd + " shows a secret: " + r);
        }
        try (var files = Files.walk(g.home.resolve("data"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                if (Files.size(f) < 5_000_000) {
                    String s = new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1);
                    assertFalse(s.contains(SECRET), "the token in " + f);
                }
            }
        }
    }
}
