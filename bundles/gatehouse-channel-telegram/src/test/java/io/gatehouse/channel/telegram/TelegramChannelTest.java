package io.gatehouse.channel.telegram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.gatehouse.api.channel.InboundMessage;
import io.gatehouse.api.channel.MessageSink;
import io.gatehouse.api.channel.Reply;
import io.gatehouse.api.channel.TurnRejectedException;
import io.gatehouse.api.skills.SkillsChangeEvent;
import io.gatehouse.api.skills.SkillsSnapshot;
import io.gatehouse.skills.load.SkillCommands;
import io.gatehouse.skills.load.SkillsEngine;
import io.gatehouse.testsupport.FakeConfigService;

/** The channel against a loopback Bot API, with an echo sink standing in for the agents. */
class TelegramChannelTest {
    static final String TOKEN = "123456:TESTTOKENtesttokenTESTTOKEN";
    static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir
    Path data;

    FakeBotApi api;
    volatile TelegramChannel channel;
    EchoSink sink;

    /**
     * Echoes on a thread of its own; {@code hold} keeps turns whose text matches waiting; deltas streamed in pieces.
     * Like the agent runtime at its {@code agents.maxQueuedTurns}, it refuses a message with
     * {@link TurnRejectedException} while {@code maxUnfinished} turns are not done.
     */
    static final class EchoSink implements MessageSink {
        final ExecutorService pool = Executors.newCachedThreadPool();
        final List<InboundMessage> received = new CopyOnWriteArrayList<>();
        final Map<String, CompletableFuture<Void>> held = new ConcurrentHashMap<>();
        final AtomicInteger unfinished = new AtomicInteger();
        volatile String hold;
        volatile int maxUnfinished = Integer.MAX_VALUE;

        @Override
        public CompletionStage<Reply> deliver(InboundMessage message, Consumer<String> onDelta) {
            received.add(message);
            if (unfinished.incrementAndGet() > maxUnfinished) {
                unfinished.decrementAndGet();
                return CompletableFuture.failedFuture(new TurnRejectedException("the gateway is busy: " + maxUnfinished
                        + " turns are waiting (agents.maxQueuedTurns " + maxUnfinished + "); try again later", 2));
            }
            CompletableFuture<Reply> r = new CompletableFuture<>();
            r.whenComplete((reply, e) -> unfinished.decrementAndGet());
            CompletableFuture<Void> gate = hold != null && message.text().contains(hold)
                    ? held.computeIfAbsent(message.text(), k -> new CompletableFuture<>()) : CompletableFuture.completedFuture(null);
            gate.thenRunAsync(() -> {
                String reply = "echo: " + message.text();
                int step = Math.max(1, reply.length() / 3);
                for (int i = 0; i < reply.length(); i += step) {
                    onDelta.accept(reply.substring(i, Math.min(reply.length(), i + step)));
                }
                r.complete(new Reply(reply, null, "echo"));
            }, pool);
            return r;
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        api = new FakeBotApi();
        sink = new EchoSink();
    }

    @AfterEach
    void tearDown() {
        if (channel != null) {
            channel.deactivate();
        }
        api.close();
        sink.pool.shutdownNow();
    }

    Map<String, Object> section(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("botToken", TOKEN);
        m.put("apiRoot", api.root());
        m.put("pollTimeoutSeconds", 1);
        m.put("dmPolicy", "open");
        m.put("allowFrom", List.of("*"));
        m.put("streaming", "off");
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    void start(Map<String, Object> section) throws Exception {
        channel = new TelegramChannel(data);
        channel.start(section, sink);
    }

    static String dm(long from, long messageId, String text) {
        return "{'message_id':" + messageId + ",'from':{'id':" + from + ",'first_name':'Ann'},'chat':{'id':" + from
                + ",'type':'private'},'date':1,'text':'" + text + "'}";
    }

    static boolean text(FakeBotApi.Call c, String t) {
        return c.method().equals("sendMessage") && c.params().path("text").asText().equals(t);
    }

    static void await(BooleanSupplier cond, String what) {
        Gateway.await(cond, what);
    }

    /** Polls a condition with a deadline. */
    static final class Gateway {
        static void await(BooleanSupplier cond, String what) {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!cond.getAsBoolean()) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("timed out waiting for " + what);
                }
                Thread.onSpinWait();
                try {
                    new java.util.concurrent.CountDownLatch(1).await(10, java.util.concurrent.TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(e);
                }
            }
        }
    }

    Map<String, Object> account() {
        return channel.accounts().get(0);
    }

    /** The skills service as the channel sees it: the real skills engine over a folder of SKILL.md files. */
    static final class EngineSkills implements SkillsSnapshot {
        final SkillsEngine engine;

        EngineSkills(SkillsEngine engine) {
            this.engine = engine;
        }

        @Override
        public List<Skill> skillsFor(String agentId) {
            return engine.view(agentId).skills().skills();
        }

        @Override
        public long version(String agentId) {
            return engine.version(agentId);
        }

        @Override
        public AgentSkills forAgent(String agentId) {
            return engine.view(agentId).skills();
        }

        @Override
        public Optional<Invocation> invocation(String agentId, String text) {
            return SkillCommands.resolve(forAgent(agentId).commands(), text);
        }

        @Override
        public Optional<String> body(String agentId, String name) throws IOException {
            return engine.body(agentId, name);
        }

        @Override
        public Optional<String> resource(String agentId, String name, String relativePath) throws IOException {
            return engine.resource(agentId, name, relativePath);
        }

        @Override
        public Map<String, String> environment(String agentId, String name) {
            return engine.environment(agentId, name);
        }
    }

    static void skill(Path skillsDir, String folder, String frontMatter) throws IOException {
        Path dir = Files.createDirectories(skillsDir.resolve(folder));
        Files.writeString(dir.resolve("SKILL.md"), "---\n" + frontMatter + "---\n# " + folder + "\n");
    }

    static List<String> menu(FakeBotApi.Call c) {
        List<String> names = new ArrayList<>();
        c.params().path("commands").forEach(n -> names.add(n.path("command").asText()));
        return names;
    }

    static String menuDescription(FakeBotApi.Call c, String command) {
        for (var n : c.params().path("commands")) {
            if (n.path("command").asText().equals(command)) {
                return n.path("description").asText();
            }
        }
        throw new AssertionError("no command " + command + " in " + menu(c));
    }

    @Test
    void theCommandMenuFollowsTheSkills(@TempDir Path home) throws Exception {
        Path skillsDir = home.resolve("skills");
        skill(skillsDir, "weather", "name: weather\ndescription: Tells the weather\n");
        // a chat command only (the model never sees it): on the menu
        skill(skillsDir, "deploy", "name: Deploy Now!\ndescription: Ships the build\ndisable-model-invocation: true\n");
        // for the model only: never on the menu
        skill(skillsDir, "internal", "name: internal\ndescription: Model only\nuser-invocable: false\n");
        // a skill named like a channel command gets the name the skills service gives it, which the agents invoke
        skill(skillsDir, "help", "name: help\ndescription: Skill help\n");
        FakeConfigService config = new FakeConfigService(Map.of("agents", Map.of("list", List.of(Map.of("id", "main", "default", true)))));
        try (SkillsEngine engine = new SkillsEngine(config::current, home, null, Map.of("PATH", "/nonexistent"), "Linux", e -> {
            TelegramChannel c = channel;
            if (c != null) {
                c.skillsChanged(e);
            }
        })) {
            engine.start();
            EngineSkills skills = new EngineSkills(engine);
            Set<String> expected = new HashSet<>();
            skills.forAgent("main").commands().forEach(c -> expected.add(c.name()));
            assertEquals(Set.of("weather", "deploy_now", "help_2"), expected, "the skills service's commands");

            channel = new TelegramChannel(data);
            channel.skills = skills;
            channel.router = new io.gatehouse.api.routing.Router() {
                @Override
                public io.gatehouse.api.routing.ResolvedRoute resolve(io.gatehouse.api.routing.RouteRequest r) {
                    return new io.gatehouse.api.routing.ResolvedRoute("main", r.channel(), r.accountId(), "agent:main:main",
                            "agent:main:main", "main", "default");
                }

                @Override
                public io.gatehouse.api.routing.RouteExplanation explain(io.gatehouse.api.routing.RouteRequest r) {
                    throw new UnsupportedOperationException();
                }
            };
            channel.start(section(), sink);
            FakeBotApi.Call first = api.await(c -> c.method().equals("setMyCommands"), 1, WAIT).get(0);
            assertEquals(List.of("start", "new", "status", "help"), menu(first).subList(0, 4));
            assertEquals(Set.of("weather", "deploy_now", "help_2"), new HashSet<>(menu(first).subList(4, menu(first).size())));
            assertEquals("Ships the build", menuDescription(first, "deploy_now"));

            // a skill goes: published; the same change heard again sends nothing; the next real change is the third call
            Files.delete(skillsDir.resolve("weather/SKILL.md"));
            engine.reload();
            List<FakeBotApi.Call> calls = api.await(c -> c.method().equals("setMyCommands"), 2, WAIT);
            assertEquals(Set.of("start", "new", "status", "help", "deploy_now", "help_2"), new HashSet<>(menu(calls.get(1))));
            channel.skillsChanged(new SkillsChangeEvent(null, SkillsChangeEvent.Reason.MANUAL, null, engine.version("main")));
            skill(skillsDir, "news", "name: news\ndescription: Reads the news\n");
            engine.reload();
            calls = api.await(c -> c.method().equals("setMyCommands"), 3, WAIT);
            assertEquals(Set.of("start", "new", "status", "help", "deploy_now", "help_2", "news"), new HashSet<>(menu(calls.get(2))));
            // the account's thread has run everything queued before this message: no fourth menu was sent
            api.inject(TOKEN, dm(42, 1, "after"));
            api.await(c -> text(c, "echo: after"), 1, WAIT);
            assertEquals(3, api.sent("setMyCommands").size());
            channel.deactivate(); // before the engine closes: no event reaches a stopped channel
            channel = null;
        }
    }

    @Test
    void aFullGatewayIsAnsweredWithBusyAndWhenToSendAgain() throws Exception {
        sink.hold = "slow";
        sink.maxUnfinished = 1;
        start(section());
        api.inject(TOKEN, dm(42, 1, "slow one"));
        await(() -> sink.held.containsKey("slow one"), "the first turn running");

        api.inject(TOKEN, dm(42, 2, "hello"));
        FakeBotApi.Call busy = api.await(c -> c.method().equals("sendMessage"), 1, WAIT).get(0);
        String text = busy.params().path("text").asText();
        assertEquals(42, busy.params().path("chat_id").asLong());
        assertTrue(text.contains("busy") && text.contains("send it again in 2 s"), text);
        assertFalse(text.contains("failed"), "not the generic failure: " + text);
        assertEquals(1L, ((Number) account().get("refusedBusy")).longValue());

        // the refused message was answered (not replayed later) and the gateway takes messages again once it has room
        sink.held.get("slow one").complete(null);
        api.await(c -> text(c, "echo: slow one"), 1, WAIT);
        api.inject(TOKEN, dm(42, 3, "hello"));
        api.await(c -> text(c, "echo: hello"), 1, WAIT);
        assertEquals(3, api.sent("sendMessage").size(), "busy, then the two answers");
        assertEquals(1L, ((Number) account().get("refusedBusy")).longValue());
    }

    @Test
    void aDirectMessageIsAnsweredOnceAndARedeliveryIsDropped() throws Exception {
        start(section());
        api.inject(TOKEN, dm(42, 7, "hello"));
        List<FakeBotApi.Call> r = api.await(c -> text(c, "echo: hello"), 1, WAIT);
        assertEquals(42, r.get(0).params().path("chat_id").asLong());
        assertEquals("HTML", r.get(0).params().path("parse_mode").asText());
        assertFalse(r.get(0).params().has("reply_parameters"), "no quote in a direct chat");
        InboundMessage m = sink.received.get(0);
        assertEquals("direct", m.route().peer().kind());
        assertEquals("42", m.route().peer().id());
        assertEquals("7", m.attributes().get("telegram.message_id"));
        assertFalse(api.await(c -> c.method().equals("setMyCommands"), 1, WAIT).isEmpty(), "the command menu published");
        // typing is sent as the turn starts, but its request may complete after the reply's (echo answers at once)
        assertFalse(api.await(c -> c.method().equals("sendChatAction") && c.params().path("chat_id").asLong() == 42, 1, WAIT)
                .isEmpty(), "typing shown");

        // Telegram sends the same message again (an acknowledgement it lost): dropped
        api.inject(TOKEN, dm(42, 7, "hello"));
        await(() -> ((Number) account().get("duplicatesDropped")).longValue() == 1, "the duplicate dropped");
        api.inject(TOKEN, dm(42, 8, "next"));
        api.await(c -> text(c, "echo: next"), 1, WAIT);
        assertEquals(1, api.calls(c -> text(c, "echo: hello")).size(), "answered once");
        assertEquals(2, sink.received.size());
        Map<String, Object> row = account();
        assertEquals("polling", row.get("state"));
        assertEquals("@TestNameBot", row.get("bot"));
        assertEquals(3L, ((Number) row.get("lastUpdateId")).longValue());
        assertFalse(row.toString().contains("TESTTOKENtest"), row.toString());
    }

    @Test
    void aRestartReplaysTheTurnThatWasRunningAndNothingElse() throws Exception {
        start(section());
        api.inject(TOKEN, dm(42, 1, "first"));
        api.await(c -> text(c, "echo: first"), 1, WAIT);
        sink.hold = "slow";
        api.inject(TOKEN, dm(42, 2, "slow one"));
        await(() -> sink.held.containsKey("slow one"), "the turn running");
        // the framework goes away while the turn runs: the reply is never sent by this instance
        channel.deactivate();
        channel = null;
        sink.hold = null;
        start(section());
        api.await(c -> text(c, "echo: slow one"), 1, WAIT);
        api.inject(TOKEN, dm(42, 3, "third"));
        api.await(c -> text(c, "echo: third"), 1, WAIT);
        assertEquals(1, api.calls(c -> text(c, "echo: first")).size(), "not answered again");
        assertEquals(1, api.calls(c -> text(c, "echo: slow one")).size());
        assertEquals(1L, ((Number) account().get("replayed")).longValue());
        assertEquals(null, account().get("lastError"), "no conflicting poller: " + account());
    }

    @Test
    void aLongReplyIsSplitOnParagraphs() throws Exception {
        start(section());
        String para = "word ".repeat(99) + "end.";
        String text = String.join("\\n\\n", para, para, para, para, para, para, para, para, para);
        api.inject(TOKEN, dm(42, 1, text));
        List<FakeBotApi.Call> parts = api.await(c -> c.method().equals("sendMessage"), 2, WAIT);
        for (FakeBotApi.Call c : parts) {
            assertTrue(c.params().path("text").asText().length() <= 4000);
            assertTrue(c.params().path("text").asText().endsWith("end."));
        }
        String joined = String.join("\n\n", parts.stream().map(c -> c.params().path("text").asText()).toList());
        assertEquals("echo: " + text.replace("\\n", "\n"), joined);
    }

    @Test
    void rejectedHtmlIsSentAsPlainText() throws Exception {
        start(section());
        api.failNext("sendMessage", 1, 400, "{\"ok\":false,\"error_code\":400,\"description\":\"Bad Request: can't parse entities: unsupported start tag\"}");
        api.inject(TOKEN, dm(42, 1, "**bold**"));
        List<FakeBotApi.Call> sends = api.await(c -> c.method().equals("sendMessage"), 2, WAIT);
        assertEquals("echo: <b>bold</b>", sends.get(0).params().path("text").asText());
        assertEquals("echo: **bold**", sends.get(1).params().path("text").asText());
        assertFalse(sends.get(1).params().has("parse_mode"));
    }

    @Test
    void a429IsHonouredWithItsRetryAfter() throws Exception {
        start(section());
        api.failNext("sendMessage", 1, 429, "{\"ok\":false,\"error_code\":429,\"description\":\"Too Many Requests: retry after 1\",\"parameters\":{\"retry_after\":1}}");
        api.inject(TOKEN, dm(42, 1, "hi"));
        List<FakeBotApi.Call> sends = api.await(c -> c.method().equals("sendMessage"), 2, WAIT);
        long gap = sends.get(1).at() - sends.get(0).at();
        assertTrue(gap >= 950, "waited retry_after (1 s): " + gap + " ms");
        assertEquals(1L, ((Number) account().get("rateLimited")).longValue());
    }

    @Test
    void fiveHundredsAreRetriedWithBackoff() throws Exception {
        start(section());
        api.failNext("sendMessage", 2, 502, "{\"ok\":false,\"error_code\":502,\"description\":\"Bad Gateway\"}");
        api.inject(TOKEN, dm(42, 1, "hi"));
        api.await(c -> text(c, "echo: hi"), 3, WAIT);
        assertEquals(3, api.sent("sendMessage").size());
    }

    @Test
    void a401FailsTheAccountWithAReasonAndStopsItsPoller() throws Exception {
        api.failNext("getMe", 1, 401, "{\"ok\":false,\"error_code\":401,\"description\":\"Unauthorized\"}");
        start(section());
        await(() -> "failed".equals(account().get("state")), "the account failed");
        String error = String.valueOf(account().get("lastError"));
        assertTrue(error.contains("401") && error.contains("botToken"), error);
        assertFalse(error.contains("TESTTOKENtest"), error);
        assertEquals(0, api.sent("getUpdates").size());
    }

    @Test
    void aHungPollIsAbandonedByTheWatchdog() throws Exception {
        channel = new TelegramChannel(data);
        channel.stallMarginMs(300);
        api.hangPolls(60_000);
        channel.start(section("pollTimeoutSeconds", 0), sink);
        await(() -> ((Number) account().get("stalls")).longValue() >= 1, "a stall");
        assertTrue(String.valueOf(account().get("lastError")).contains("did not answer"), account().toString());
        api.hangPolls(0);
        api.inject(TOKEN, dm(42, 1, "after the stall"));
        api.await(c -> text(c, "echo: after the stall"), 1, WAIT);
    }

    @Test
    void pairingThenApproval() throws Exception {
        start(section("dmPolicy", "pairing", "allowFrom", List.of()));
        api.inject(TOKEN, dm(42, 1, "hello?"));
        FakeBotApi.Call code = api.await(c -> c.method().equals("sendMessage"), 1, WAIT).get(0);
        List<Map<String, Object>> pending = channel.pendingPairings();
        assertEquals(1, pending.size());
        String c = (String) pending.get(0).get("code");
        assertTrue(code.params().path("text").asText().contains(c), code.toString());
        assertTrue(sink.received.isEmpty(), "nothing reached an agent");
        api.inject(TOKEN, dm(42, 2, "still there?"));
        await(() -> api.sent("getUpdates").size() > 4, "polled past it");
        assertEquals(1, api.sent("sendMessage").size(), "the code is sent once");

        assertThrows(IllegalArgumentException.class, () -> channel.approvePairing("WRONG123"));
        String approved = channel.approvePairing(c);
        assertTrue(approved.contains("42"), approved);
        api.await(cl -> cl.method().equals("sendMessage") && cl.params().path("text").asText().contains("approved"), 1, WAIT);
        api.inject(TOKEN, dm(42, 3, "now?"));
        api.await(cl -> text(cl, "echo: now?"), 1, WAIT);
    }

    @Test
    void aForumTopicIsAnsweredInTheTopic() throws Exception {
        start(section("groupPolicy", "open", "requireMention", false));
        api.inject(TOKEN, "{'message_id':5,'from':{'id':42},'chat':{'id':-1001,'type':'supergroup','is_forum':true},"
                + "'message_thread_id':77,'is_topic_message':true,'text':'in the topic'}");
        FakeBotApi.Call r = api.await(c -> text(c, "echo: in the topic"), 1, WAIT).get(0);
        assertEquals(-1001, r.params().path("chat_id").asLong());
        assertEquals(77, r.params().path("message_thread_id").asLong());
        assertEquals(5, r.params().path("reply_parameters").path("message_id").asLong());
        assertEquals("-1001:topic:77", sink.received.get(0).route().peer().id());
        FakeBotApi.Call typing = api.await(c -> c.method().equals("sendChatAction"), 1, WAIT).get(0);
        assertEquals(77, typing.params().path("message_thread_id").asLong());
    }

    @Test
    void streamingShowsAPreviewAndEditsItInPlace() throws Exception {
        start(section("streaming", "partial", "streamThrottleMs", 250));
        String text = "a fairly long message that streams in pieces";
        api.inject(TOKEN, dm(42, 1, text));
        api.await(c -> c.method().equals("editMessageText") && c.params().path("text").asText().equals("echo: " + text), 1, WAIT);
        List<FakeBotApi.Call> sends = api.sent("sendMessage");
        assertEquals(1, sends.size(), "one message, edited in place: " + sends);
        assertFalse(sends.get(0).params().has("parse_mode"), "the preview is plain text");
        long preview = 1000;
        for (FakeBotApi.Call e : api.sent("editMessageText")) {
            assertEquals(preview, e.params().path("message_id").asLong());
        }
    }

    @Test
    void anInvalidSectionKeepsTheLastGoodOneRunningAndSaysWhy() throws Exception {
        channel = new TelegramChannel(data);
        IllegalArgumentException first = assertThrows(IllegalArgumentException.class,
                () -> channel.start(section("dmPolicy", "pairng"), sink));
        assertTrue(first.getMessage().contains("channels.telegram.dmPolicy") && first.getMessage().contains("did you mean \"pairing\""),
                first.getMessage());
        channel.start(section(), sink);
        api.inject(TOKEN, dm(42, 1, "before"));
        api.await(c -> text(c, "echo: before"), 1, WAIT);
        channel.stop();
        channel.start(section("pollTimeoutSeconds", 99, "botTokn", "x"), sink);
        String error = String.valueOf(account().get("configError"));
        assertTrue(error.contains("channels.telegram.pollTimeoutSeconds") && error.contains("channels.telegram.botTokn")
                && error.contains("previous"), error);
        api.inject(TOKEN, dm(42, 2, "after"));
        api.await(c -> text(c, "echo: after"), 1, WAIT);
        channel.stop();
        channel.start(section(), sink);
        assertEquals(null, account().get("configError"));
    }

    @Test
    void twoAccountsWithOneTokenRunOnce() throws Exception {
        Map<String, Object> accounts = new LinkedHashMap<>();
        accounts.put("a", Map.of("botToken", TOKEN));
        accounts.put("b", Map.of("botToken", TOKEN));
        Map<String, Object> s = section();
        s.remove("botToken");
        s.put("accounts", accounts);
        start(s);
        List<Map<String, Object>> rows = channel.accounts();
        assertEquals(2, rows.size());
        Map<String, Object> b = rows.stream().filter(r -> r.get("accountId").equals("b")).findFirst().orElseThrow();
        assertEquals("failed", b.get("state"));
        assertTrue(String.valueOf(b.get("lastError")).contains("same bot token as account a"), b.toString());
        api.inject(TOKEN, dm(42, 1, "x"));
        api.await(c -> text(c, "echo: x"), 1, WAIT);
        assertEquals(1, api.maxConcurrentPolls());
        assertEquals(0, api.conflicts());
    }

    @Test
    void aChannelRestartKeepsOnePollerAndLosesNothing() throws Exception {
        start(section());
        for (int i = 0; i < 5; i++) {
            api.inject(TOKEN, dm(42, 100 + i, "m" + i));
            channel.stop();
            channel.start(section(), sink);
        }
        for (int i = 0; i < 5; i++) {
            int k = i;
            api.await(c -> text(c, "echo: m" + k), 1, WAIT);
        }
        for (int i = 0; i < 5; i++) {
            int k = i;
            assertEquals(1, api.calls(c -> text(c, "echo: m" + k)).size());
        }
        // Telegram ends an older poll when a newer one comes (409): no poller that still runs ever saw that
        assertEquals(null, account().get("lastError"), account().toString());
        assertEquals("polling", account().get("state"));
    }
}
