package io.gatehouse.agents;

import io.gatehouse.testsupport.FakeConfigService;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.gatehouse.agents.provider.EchoProvider;
import io.gatehouse.agents.session.SessionStore;
import io.gatehouse.api.agent.AgentTool;
import io.gatehouse.api.agent.ModelProvider;
import io.gatehouse.api.agent.ModelReply;
import io.gatehouse.api.agent.ModelRequest;
import io.gatehouse.api.channel.InboundMessage;
import io.gatehouse.api.channel.Reply;
import io.gatehouse.api.channel.TurnRejectedException;
import io.gatehouse.api.memory.MemorySearch;
import io.gatehouse.api.routing.ResolvedRoute;
import io.gatehouse.api.routing.RouteExplanation;
import io.gatehouse.api.routing.RouteRequest;
import io.gatehouse.api.routing.Router;
import io.gatehouse.api.skills.SkillsSnapshot;

class AgentGatewayTest {
    @TempDir
    Path home;
    FakeConfigService config;
    SessionStore store;
    AgentGateway gateway;
    /** peer id to agent: what the fake router resolves. */
    final Map<String, String> routes = new HashMap<>();

    final Router router = new Router() {
        @Override
        public ResolvedRoute resolve(RouteRequest r) {
            String agent = routes.getOrDefault(r.peer().id(), "main");
            String key = "agent:" + agent + ":" + r.channel() + ":direct:" + r.peer().id();
            return new ResolvedRoute(agent, r.channel(), "default", key, "agent:" + agent + ":main", "session", "default");
        }

        @Override
        public RouteExplanation explain(RouteRequest request) {
            throw new UnsupportedOperationException();
        }
    };

    @BeforeEach
    void setUp() {
        config = new FakeConfigService(Map.of());
        store = new SessionStore(home.resolve("data/agents"));
        gateway = new AgentGateway(router, config, store, home, 4, 100, 5_000);
        gateway.addProvider(new EchoProvider(), Map.of(ModelProvider.PROVIDER_ID, "echo"));
    }

    @AfterEach
    void tearDown() throws Exception {
        gateway.deactivate();
        store.close(); // its index writer must be done before the temp folder goes
    }

    static InboundMessage msg(String peer, String text) {
        return new InboundMessage(new RouteRequest("webchat", null, new RouteRequest.Peer("direct", peer), null, null, List.of(), null),
                text, System.currentTimeMillis());
    }

    /** Every turn ended: replied and its transcript lines written. */
    void settled() throws InterruptedException {
        Poll.until(() -> gateway.pending() == 0);
    }

    static Reply await(java.util.concurrent.CompletionStage<Reply> s) throws Exception {
        return s.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void echoRepliesStreamsAndRecordsTheSession() throws Exception {
        List<String> deltas = new CopyOnWriteArrayList<>();
        Reply r = await(gateway.deliver(msg("alice", "hello there"), deltas::add));
        assertEquals("echo: hello there", r.text());
        assertEquals("echo", r.model());
        assertEquals("main", r.route().agentId());
        assertEquals(r.text(), String.join("", deltas));
        assertTrue(deltas.size() > 1);
        settled(); // the reply came first; the turn ends once its transcript lines are written
        List<Map<String, Object>> lines = store.read("main", r.route().sessionKey());
        assertEquals(List.of("user", "assistant"), lines.stream().map(l -> l.get("role")).toList());
        assertEquals("webchat", lines.get(0).get("channel"));
        assertEquals("direct:alice", lines.get(0).get("peer"));
        assertEquals("echo", lines.get(1).get("model"));
        assertTrue(Files.exists(home.resolve("data/agents/main/sessions/agent.main.webchat.direct.alice.jsonl")));
        settled();
    }

    @Test
    void aSessionResetStartsTheHistoryOver() throws Exception {
        await(gateway.deliver(msg("bob", "before"), d -> { }));
        InboundMessage reset = new InboundMessage(msg("bob", "").route(), "", System.currentTimeMillis(),
                Map.of(InboundMessage.SESSION_RESET, "true"));
        Reply r = await(gateway.deliver(reset, d -> { }));
        assertEquals("", r.text(), "a bare reset asks no model");
        settled();
        String key = r.route().sessionKey();
        assertEquals(List.of(), store.history("main", key, 10));
        await(gateway.deliver(msg("bob", "after"), d -> { }));
        settled();
        assertEquals(List.of("after", "echo: after"), store.history("main", key, 10).stream().map(m -> m.get("content")).toList());
        InboundMessage resetWithText = new InboundMessage(msg("bob", "").route(), "fresh start", System.currentTimeMillis(),
                Map.of(InboundMessage.SESSION_RESET, "true"));
        assertEquals("echo: fresh start", await(gateway.deliver(resetWithText, d -> { })).text());
        settled();
        assertEquals(List.of("fresh start", "echo: fresh start"),
                store.history("main", key, 10).stream().map(m -> m.get("content")).toList());
        assertEquals(List.of("user", "assistant", "reset", "user", "assistant", "reset", "user", "assistant"),
                store.read("main", key).stream().map(l -> l.get("role")).toList(), "the transcript keeps everything");
    }

    @Test
    void aThreadOfTheConversationHasASessionOfItsOwn() throws Exception {
        Reply plain = await(gateway.deliver(msg("carol", "in the chat"), d -> { }));
        InboundMessage inTopic = new InboundMessage(msg("carol", "").route(), "in a topic", System.currentTimeMillis(),
                Map.of(InboundMessage.SESSION_THREAD, "1234:42"));
        Reply threaded = await(gateway.deliver(inTopic, d -> { }));
        settled();
        assertEquals(plain.route().sessionKey() + ":thread:1234:42", threaded.route().sessionKey());
        assertEquals(List.of("in a topic", "echo: in a topic"),
                store.history("main", threaded.route().sessionKey(), 10).stream().map(m -> m.get("content")).toList());
        assertEquals(List.of("in the chat", "echo: in the chat"),
                store.history("main", plain.route().sessionKey(), 10).stream().map(m -> m.get("content")).toList());
    }

    /**
     * A provider that records what it was asked and answers at once, or holds a turn (without a
     * thread) until the test releases it.
     */
    static final class Recording implements ModelProvider {
        final List<List<Map<String, Object>>> prompts = new CopyOnWriteArrayList<>();
        final List<Map<String, Object>> options = new CopyOnWriteArrayList<>();
        final List<ModelRequest> requests = new CopyOnWriteArrayList<>();
        final Map<String, CompletableFuture<Void>> holds = new ConcurrentHashMap<>();
        final Map<String, CountDownLatch> started = new ConcurrentHashMap<>();
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger maxInFlight = new AtomicInteger();
        final AtomicInteger cancelled = new AtomicInteger();
        volatile boolean holdAll;
        final CompletableFuture<Void> releaseAll = new CompletableFuture<>();
        volatile boolean tools;

        CompletableFuture<Void> hold(String text) {
            started.put(text, new CountDownLatch(1));
            return holds.computeIfAbsent(text, t -> new CompletableFuture<>());
        }

        @Override
        public boolean supportsTools(Map<String, Object> options) {
            return tools;
        }

        @Override
        public CompletionStage<ModelReply> complete(ModelRequest request, Consumer<String> onDelta) {
            prompts.add(request.messages());
            options.add(request.options());
            requests.add(request);
            String text = request.lastUserText();
            CountDownLatch s = started.get(text);
            if (s != null) {
                s.countDown();
            }
            CompletableFuture<Void> h = holds.get(text);
            if (h == null && holdAll) {
                h = releaseAll;
            }
            int now = inFlight.incrementAndGet();
            maxInFlight.accumulateAndGet(now, Math::max);
            request.cancelled().thenRun(cancelled::incrementAndGet);
            CompletableFuture<Void> wait = h == null ? CompletableFuture.completedFuture(null) : h;
            return wait.thenApply(v -> {
                inFlight.decrementAndGet();
                if (text.startsWith("fail")) {
                    throw new IllegalStateException("the model is on fire");
                }
                onDelta.accept("ok " + text);
                return new ModelReply("ok " + text);
            });
        }

        List<String> lastUserTexts() {
            List<String> out = new ArrayList<>();
            for (List<Map<String, Object>> p : prompts) {
                out.add(String.valueOf(p.get(p.size() - 1).get("content")));
            }
            return out;
        }
    }

    @Test
    void turnsOfOneSessionRunOneAfterTheOtherOthersInParallel() throws Exception {
        Recording rec = new Recording();
        gateway.addProvider(rec, Map.of(ModelProvider.PROVIDER_ID, "rec"));
        config.set(Map.of("agents", Map.of("defaults", Map.of("model", "rec"))));
        CompletableFuture<Void> first = rec.hold("first");
        CompletableFuture<Reply> a1 = gateway.deliver(msg("alice", "first"), d -> { }).toCompletableFuture();
        assertTrue(rec.started.get("first").await(10, TimeUnit.SECONDS));
        CompletableFuture<Reply> a2 = gateway.deliver(msg("alice", "second"), d -> { }).toCompletableFuture();
        // another session is not held up by alice's
        assertEquals("ok other", await(gateway.deliver(msg("bob", "other"), d -> { })).text());
        assertFalse(a1.isDone());
        assertFalse(a2.isDone());
        assertFalse(rec.lastUserTexts().contains("second"), "second waits for first: " + rec.lastUserTexts());
        Poll.until(() -> gateway.pending() == 2); // one running, one queued (bob's turn ends once its lines are written)
        first.complete(null);
        assertEquals("ok first", await(a1).text());
        assertEquals("ok second", await(a2).text());
        assertEquals(List.of("first", "other", "second"), rec.lastUserTexts());
        // the second turn saw the first exchange as history
        List<Map<String, Object>> second = rec.prompts.get(2);
        assertEquals(List.of(Map.of("role", "user", "content", "first"), Map.of("role", "assistant", "content", "ok first"),
                Map.of("role", "user", "content", "second")), second);
        settled();
    }

    @Test
    void agentSettingsAreReadPerMessage() throws Exception {
        Recording rec = new Recording();
        gateway.addProvider(rec, Map.of(ModelProvider.PROVIDER_ID, "rec"));
        Path ws = home.resolve("workspaces/helper");
        Files.createDirectories(ws);
        Files.writeString(ws.resolve("AGENTS.md"), "You are the helper.\n");
        config.set(Map.of("agents", Map.of("list", List.of(Map.of("id", "main", "default", true),
                Map.of("id", "helper", "workspace", "workspaces/helper", "model", "local/llama3", "historyLimit", 1))),
                "models", Map.of("providers", Map.of("local", Map.of("type", "rec", "baseUrl", "http://127.0.0.1:1/v1", "model", "x")))));
        routes.put("carol", "helper");
        Reply r = await(gateway.deliver(msg("carol", "hi"), d -> { }));
        assertEquals("ok hi", r.text());
        assertEquals("llama3", r.model());
        assertEquals("helper", r.route().agentId());
        assertEquals(Map.of("baseUrl", "http://127.0.0.1:1/v1", "model", "llama3"), rec.options.get(0));
        assertEquals(Map.of("role", "system", "content", "You are the helper."), rec.prompts.get(0).get(0));

        // the workspace file changes: the next turn reads it again
        Files.writeString(ws.resolve("AGENTS.md"), "You are the new helper.");
        Files.setLastModifiedTime(ws.resolve("AGENTS.md"), FileTime.fromMillis(System.currentTimeMillis() + 5_000));
        await(gateway.deliver(msg("carol", "again"), d -> { }));
        List<Map<String, Object>> p = rec.prompts.get(1);
        assertEquals("You are the new helper.", p.get(0).get("content"));
        assertEquals(3, p.size(), "system, one history message (historyLimit 1), the message: " + p);

        // the agent's model changes in the config: the next message uses it
        config.set(Map.of("agents", Map.of("list", List.of(Map.of("id", "helper", "model", Map.of("provider", "echo"))))));
        assertEquals("echo", await(gateway.deliver(msg("carol", "third"), d -> { })).model());
    }

    @Test
    void skillsAndMemoryGoIntoTheSystemPrompt() throws Exception {
        Recording rec = new Recording();
        gateway.addProvider(rec, Map.of(ModelProvider.PROVIDER_ID, "rec"));
        config.set(Map.of("agents", Map.of("defaults", Map.of("model", "rec"))));
        gateway.skills = new FixedSkills();
        List<String> queries = new CopyOnWriteArrayList<>();
        gateway.memory = (agent, query, limit) -> {
            queries.add(agent + "|" + query + "|" + limit);
            return List.of(new MemorySearch.Hit("notes/2026.md", "alice likes tea", 0.9));
        };
        await(gateway.deliver(msg("alice", "what do I like?"), d -> { }));
        String system = (String) rec.prompts.get(0).get(0).get("content");
        assertTrue(system.contains("<available_skills><name>weather</name></available_skills>"), system);
        assertTrue(system.contains("- notes/2026.md: alice likes tea"), system);
        assertEquals(List.of("main|what do I like?|5"), queries);

        gateway.memory = (agent, query, limit) -> {
            throw new IllegalStateException("index broken");
        };
        assertEquals("ok still", await(gateway.deliver(msg("alice", "still"), d -> { })).text(), "memory failures do not fail turns");

        // a skill's chat command becomes the skill request, for the model and in the transcript
        await(gateway.deliver(msg("alice", "/weather Paris"), d -> { }));
        List<Map<String, Object>> last = rec.prompts.get(rec.prompts.size() - 1);
        assertEquals("Use the \"weather\" skill for this request.\n\nUser input:\nParis", last.get(last.size() - 1).get("content"));
        assertEquals("/unknown x", lastUserText(rec, "/unknown x"));
    }

    private String lastUserText(Recording rec, String text) throws Exception {
        await(gateway.deliver(msg("alice", text), d -> { }));
        List<Map<String, Object>> last = rec.prompts.get(rec.prompts.size() - 1);
        return (String) last.get(last.size() - 1).get("content");
    }

    /** One skill, "weather", with its prompt block and chat command. */
    static final class FixedSkills implements SkillsSnapshot {
        static final Command WEATHER = new Command("weather", "weather", "looks up the weather");

        @Override
        public List<Skill> skillsFor(String agentId) {
            return List.of(new Skill("weather", "looks up the weather", "/skills/weather/SKILL.md"));
        }

        @Override
        public long version(String agentId) {
            return 1;
        }

        @Override
        public AgentSkills forAgent(String agentId) {
            return new AgentSkills(agentId, null, 1, skillsFor(agentId), List.of(WEATHER),
                    "<available_skills><name>weather</name></available_skills>");
        }

        @Override
        public java.util.Optional<Invocation> invocation(String agentId, String text) {
            return text.startsWith("/weather ") ? java.util.Optional.of(new Invocation(WEATHER, text.substring(9),
                    "Use the \"weather\" skill for this request.\n\nUser input:\n" + text.substring(9))) : java.util.Optional.empty();
        }

        @Override
        public java.util.Optional<String> body(String agentId, String name) {
            return java.util.Optional.empty();
        }

        @Override
        public java.util.Optional<String> resource(String agentId, String name, String relativePath) {
            return java.util.Optional.empty();
        }

        @Override
        public Map<String, String> environment(String agentId, String name) {
            return Map.of();
        }
    }

    @Test
    void providerErrorsFailTheTurnAndAreRecorded() throws Exception {
        Recording rec = new Recording();
        gateway.addProvider(rec, Map.of(ModelProvider.PROVIDER_ID, "rec"));
        config.set(Map.of("agents", Map.of("defaults", Map.of("model", "rec/m1"))));
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> gateway.deliver(msg("dave", "fail please"), d -> { }).toCompletableFuture().get(10, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof AgentTurnException);
        assertEquals("agent main: model provider rec failed: the model is on fire", e.getCause().getMessage());
        settled(); // the reply came first; the turn ends once its transcript lines are written
        List<Map<String, Object>> lines = store.read("main", "agent:main:webchat:direct:dave");
        assertEquals(List.of("user", "error"), lines.stream().map(l -> l.get("role")).toList());
        assertEquals("fail please", lines.get(0).get("content"));

        config.set(Map.of("agents", Map.of("defaults", Map.of("model", "nope/x"))));
        ExecutionException missing = assertThrows(ExecutionException.class,
                () -> gateway.deliver(msg("dave", "hello"), d -> { }).toCompletableFuture().get(10, TimeUnit.SECONDS));
        assertTrue(missing.getCause().getMessage().contains("no model provider \"nope\""), missing.getCause().getMessage());
        assertTrue(missing.getCause().getMessage().contains("[echo, rec]"), missing.getCause().getMessage());
        // the history of the next turn holds only user and assistant messages
        config.set(Map.of());
        assertEquals("echo: ok", await(gateway.deliver(msg("dave", "ok"), d -> { })).text());
    }

    @Test
    void aBrokenDeltaConsumerDoesNotFailTheTurn() throws Exception {
        Reply r = await(gateway.deliver(msg("erin", "hi"), d -> {
            throw new IllegalStateException("client went away");
        }));
        assertEquals("echo: hi", r.text());
    }

    @Test
    void stopDrainsQueuedTurnsThenRefusesNewOnes() throws Exception {
        Recording rec = new Recording();
        gateway.addProvider(rec, Map.of(ModelProvider.PROVIDER_ID, "rec"));
        config.set(Map.of("agents", Map.of("defaults", Map.of("model", "rec"))));
        CompletableFuture<Void> hold = rec.hold("slow");
        CompletableFuture<Reply> slow = gateway.deliver(msg("fred", "slow"), d -> { }).toCompletableFuture();
        CompletableFuture<Reply> next = gateway.deliver(msg("fred", "next"), d -> { }).toCompletableFuture();
        assertTrue(rec.started.get("slow").await(10, TimeUnit.SECONDS));
        Thread stopper = new Thread(() -> {
            try {
                gateway.deactivate();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        stopper.start();
        hold.complete(null);
        stopper.join(10_000);
        assertEquals("ok slow", slow.get(1, TimeUnit.SECONDS).text());
        assertEquals("ok next", next.get(1, TimeUnit.SECONDS).text());
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> gateway.deliver(msg("fred", "late"), d -> { }).toCompletableFuture().get(1, TimeUnit.SECONDS));
        assertTrue(e.getCause().getMessage().contains("stopping"), e.getCause().getMessage());
    }

    // ------------------------------------------------------------------------------- waiting, caps

    Recording recording(Map<String, Object> cfg) {
        Recording rec = new Recording();
        gateway.addProvider(rec, Map.of(ModelProvider.PROVIDER_ID, "rec"));
        config.set(cfg);
        return rec;
    }

    static Map<String, Object> cfg(Object... kv) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void twoHundredWaitingTurnsRunAtOnceOnTwoThreads() throws Exception {
        Recording rec = recording(cfg("agents", Map.of("defaults", Map.of("model", "rec"))));
        rec.holdAll = true;
        List<CompletableFuture<Reply>> replies = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            replies.add(gateway.deliver(msg("user" + i, "hi " + i), d -> { }).toCompletableFuture());
        }
        // every turn reached the model at once, although the gateway has 4 turn threads (none is waiting)
        assertEquals(200, rec.requests.size());
        assertEquals(200, gateway.running());
        assertEquals(0, gateway.queued());
        assertEquals(200, gateway.snapshot().running());
        rec.releaseAll.complete(null);
        for (int i = 0; i < 200; i++) {
            assertEquals("ok hi " + i, await(replies.get(i)).text());
        }
        Poll.until(() -> gateway.pending() == 0);
        assertEquals(200, gateway.snapshot().completed());
    }

    @Test
    void aProviderCapHoldsRequestsInFlightAndServesAgentsInTurn() throws Exception {
        Recording rec = recording(cfg(
                "agents", Map.of("list", List.of(Map.of("id", "main", "default", true, "model", "capped/m"), Map.of("id", "other", "model", "capped/m"))),
                "models", Map.of("providers", Map.of("capped", Map.of("type", "rec", "maxConcurrent", 2)))));
        routes.put("o1", "other");
        Map<String, CompletableFuture<Void>> holds = new HashMap<>();
        for (String t : List.of("main 0", "main 1", "main 2", "main 3", "main 4", "other 0")) {
            holds.put(t, rec.hold(t));
        }
        List<CompletableFuture<Reply>> mains = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            mains.add(gateway.deliver(msg("m" + i, "main " + i), d -> { }).toCompletableFuture());
        }
        CompletableFuture<Reply> other = gateway.deliver(msg("o1", "other 0"), d -> { }).toCompletableFuture();
        assertEquals(2, rec.requests.size(), "two requests in flight to the capped provider");
        TurnStatsAssert.provider(gateway.snapshot(), "capped", 2, 2, 4);
        assertEquals(4, gateway.queued(), "waiting for the provider counts as queued");

        // one slot frees: it goes to 'other', which holds none, although main's turns waited longer
        holds.get("main 0").complete(null);
        Poll.until(() -> rec.requests.size() == 3);
        assertEquals("other 0", rec.lastUserTexts().get(2));
        holds.get("main 1").complete(null);
        Poll.until(() -> rec.requests.size() == 4);
        assertEquals("main 2", rec.lastUserTexts().get(3));
        holds.values().forEach(h -> h.complete(null));
        assertTrue(rec.maxInFlight.get() <= 2, "never more than 2 in flight: " + rec.maxInFlight.get());
        for (CompletableFuture<Reply> f : mains) {
            await(f);
        }
        await(other);
    }

    @Test
    void anAgentCapLimitsItsTurnsOnly() throws Exception {
        Recording rec = recording(cfg("agents", Map.of("list", List.of(
                Map.of("id", "main", "default", true, "model", "rec", "maxConcurrent", 1),
                Map.of("id", "free", "model", "rec")))));
        routes.put("f1", "free");
        routes.put("f2", "free");
        rec.holdAll = true;
        CompletableFuture<Reply> a = gateway.deliver(msg("a", "a"), d -> { }).toCompletableFuture();
        CompletableFuture<Reply> b = gateway.deliver(msg("b", "b"), d -> { }).toCompletableFuture();
        gateway.deliver(msg("f1", "f1"), d -> { });
        gateway.deliver(msg("f2", "f2"), d -> { });
        assertEquals(List.of("a", "f1", "f2"), rec.lastUserTexts(), "b waits for main's one slot; free is not capped");
        assertEquals(1, gateway.queued());
        rec.releaseAll.complete(null);
        await(a);
        assertEquals("ok b", await(b).text());
    }

    @Test
    void raisingACapInTheConfigReleasesWaitingTurnsAtOnce() throws Exception {
        Recording rec = recording(cfg("agents", Map.of("defaults", Map.of("model", "p/m")),
                "models", Map.of("providers", Map.of("p", Map.of("type", "rec", "maxConcurrent", 1)))));
        rec.holdAll = true;
        for (int i = 0; i < 4; i++) {
            gateway.deliver(msg("u" + i, "x" + i), d -> { });
        }
        assertEquals(1, rec.requests.size());
        config.set(cfg("agents", Map.of("defaults", Map.of("model", "p/m")),
                "models", Map.of("providers", Map.of("p", Map.of("type", "rec", "maxConcurrent", 3)))));
        gateway.configChanged(config);
        Poll.until(() -> rec.requests.size() == 3);
        rec.releaseAll.complete(null);
        Poll.until(() -> gateway.pending() == 0);
        assertEquals(4, rec.requests.size());
    }

    @Test
    void aFullQueueRefusesAtOnceWithRetryAfter() throws Exception {
        Recording rec = recording(cfg("agents", Map.of("maxQueuedTurns", 3, "defaults", Map.of("model", "rec"))));
        rec.holdAll = true;
        gateway.deliver(msg("same", "one"), d -> { }); // runs
        for (int i = 0; i < 3; i++) {
            gateway.deliver(msg("same", "queued " + i), d -> { }); // behind it, in its session
        }
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> gateway.deliver(msg("someone", "too many"), d -> { }).toCompletableFuture().get(1, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof TurnRejectedException, e.toString());
        assertTrue(e.getCause().getMessage().contains("3 turns are waiting"), e.getCause().getMessage());
        assertTrue(((TurnRejectedException) e.getCause()).retryAfterSeconds() >= 1);
        assertEquals(1, gateway.snapshot().rejected());
        assertTrue(store.read("main", "agent:main:webchat:direct:someone").isEmpty(), "a refused message is not recorded");
        rec.releaseAll.complete(null);
        Poll.until(() -> gateway.pending() == 0);
        assertEquals("ok later", await(gateway.deliver(msg("someone", "later"), d -> { })).text());
    }

    @Test
    void cancellingARunningTurnAbortsTheModelRequestAndTheSessionGoesOn() throws Exception {
        Recording rec = recording(cfg("agents", Map.of("defaults", Map.of("model", "rec"))));
        rec.hold("long");
        CompletableFuture<Reply> running = gateway.deliver(msg("gina", "long"), d -> { }).toCompletableFuture();
        CompletableFuture<Reply> queued = gateway.deliver(msg("gina", "after"), d -> { }).toCompletableFuture();
        assertTrue(rec.started.get("long").await(10, TimeUnit.SECONDS));
        running.cancel(true); // the client went away
        Poll.until(() -> rec.cancelled.get() == 1);
        assertEquals("ok after", await(queued).text(), "the session's next turn runs");
        settled(); // the reply came first; the turn ends once its transcript lines are written
        List<Map<String, Object>> lines = store.read("main", "agent:main:webchat:direct:gina");
        assertEquals(List.of("user", "error", "user", "assistant"), lines.stream().map(l -> l.get("role")).toList());
        assertTrue(String.valueOf(lines.get(1).get("content")).startsWith("turn cancelled"), lines.toString());
        assertEquals(1, gateway.snapshot().cancelled());
        settled();
    }

    @Test
    void aCancelIsRecordedAsACancelEvenWhenTheAbortedModelRequestFailsAtOnce() throws Exception {
        // Like the JDK HTTP client: aborting the request fails the provider's stage on the cancelling
        // thread. Its handler runs on the turn pool; it must find the turn already cancelled. The
        // provider holds the cancelling thread a moment so that a wrong order shows as a failed turn.
        CountDownLatch atModel = new CountDownLatch(1);
        ModelProvider abortsAtOnce = new ModelProvider() {
            @Override
            public CompletionStage<ModelReply> complete(ModelRequest request, Consumer<String> onDelta) {
                CompletableFuture<ModelReply> f = new CompletableFuture<>();
                request.cancelled().thenRun(() -> {
                    f.completeExceptionally(new java.util.concurrent.CancellationException());
                    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
                    while (gateway.snapshot().failed() == 0 && System.nanoTime() < deadline) {
                        Thread.onSpinWait(); // gives a wrongly ordered handler the time to record a failure
                    }
                });
                atModel.countDown();
                return f;
            }
        };
        gateway.addProvider(abortsAtOnce, Map.of(ModelProvider.PROVIDER_ID, "aborts"));
        config.set(cfg("agents", Map.of("defaults", Map.of("model", "aborts/x"))));
        CompletableFuture<Reply> turn = gateway.deliver(msg("ivan", "hello?"), d -> { }).toCompletableFuture();
        assertTrue(atModel.await(10, TimeUnit.SECONDS));
        turn.cancel(true);
        Poll.until(() -> gateway.snapshot().cancelled() + gateway.snapshot().failed() == 1);
        settled();
        assertEquals(1, gateway.snapshot().cancelled());
        assertEquals(0, gateway.snapshot().failed());
        List<Map<String, Object>> lines = store.read("main", "agent:main:webchat:direct:ivan");
        assertTrue(String.valueOf(lines.get(lines.size() - 1).get("content")).startsWith("turn cancelled"), lines.toString());
    }

    @Test
    void cancellingAQueuedTurnWithdrawsIt() throws Exception {
        Recording rec = recording(cfg("agents", Map.of("defaults", Map.of("model", "rec"))));
        CompletableFuture<Void> first = rec.hold("first");
        gateway.deliver(msg("hank", "first"), d -> { });
        CompletableFuture<Reply> second = gateway.deliver(msg("hank", "second"), d -> { }).toCompletableFuture();
        CompletableFuture<Reply> third = gateway.deliver(msg("hank", "third"), d -> { }).toCompletableFuture();
        assertEquals(2, gateway.queued());
        second.cancel(true);
        Poll.until(() -> gateway.queued() == 1); // withdrawn once its "cancelled" line is written
        first.complete(null);
        assertEquals("ok third", await(third).text());
        assertEquals(List.of("first", "third"), rec.lastUserTexts(), "the cancelled turn never reached the model");
    }

    @Test
    void aTurnThatTakesTooLongIsCancelled() throws Exception {
        Recording rec = recording(cfg("agents", Map.of("defaults", Map.of("model", "rec", "turnTimeoutMs", 50))));
        rec.hold("never");
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> gateway.deliver(msg("ivy", "never"), d -> { }).toCompletableFuture().get(10, TimeUnit.SECONDS));
        assertTrue(e.getCause().getMessage().contains("no reply within 50 ms"), e.getCause().getMessage());
        Poll.until(() -> rec.cancelled.get() == 1);
    }

    // ------------------------------------------------------------------------------------ tools

    /** A model that calls tools as scripted, then answers with what the tools said. */
    static final class ToolModel implements ModelProvider {
        final List<ModelRequest> requests = new CopyOnWriteArrayList<>();
        final List<List<ModelReply.ToolCall>> script;

        ToolModel(List<List<ModelReply.ToolCall>> script) {
            this.script = script;
        }

        @Override
        public boolean supportsTools(Map<String, Object> options) {
            return true;
        }

        @Override
        public CompletionStage<ModelReply> complete(ModelRequest request, Consumer<String> onDelta) {
            requests.add(request);
            int round = requests.size() - 1;
            if (round < script.size() && request.toolChoice() == ModelRequest.ToolChoice.AUTO) {
                onDelta.accept("thinking " + round);
                return CompletableFuture.supplyAsync(() -> new ModelReply("thinking " + round, script.get(round)),
                        CompletableFuture.delayedExecutor(5, TimeUnit.MILLISECONDS, Runnable::run));
            }
            StringBuilder b = new StringBuilder("done:");
            for (Map<String, Object> m : request.messages()) {
                if ("tool".equals(m.get("role"))) {
                    b.append(" [").append(m.get("content")).append(']');
                }
            }
            onDelta.accept(b.toString());
            return CompletableFuture.completedFuture(new ModelReply(b.toString()));
        }
    }

    static AgentTool tool(String name, java.util.function.Function<Map<String, Object>, CompletionStage<String>> call) {
        return new AgentTool() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public String description() {
                return "the " + name + " tool";
            }

            @Override
            public Map<String, Object> parameters() {
                return Map.of("type", "object", "properties", Map.of("text", Map.of("type", "string")));
            }

            @Override
            public CompletionStage<String> call(Map<String, Object> arguments, Context context) {
                return call.apply(arguments);
            }
        };
    }

    @Test
    @SuppressWarnings("unchecked")
    void theModelCallsToolsAndGetsTheirResultsBack() throws Exception {
        ToolModel model = new ToolModel(List.of(
                List.of(new ModelReply.ToolCall("c1", "canvas.write", "{\"text\":\"hello\"}"),
                        new ModelReply.ToolCall("c2", "nope", "{}")),
                List.of(new ModelReply.ToolCall("c3", "slow.tool", "not json"),
                        new ModelReply.ToolCall("c4", "broken", "{}"))));
        gateway.addProvider(model, Map.of(ModelProvider.PROVIDER_ID, "tm"));
        List<AgentTool.Context> contexts = new CopyOnWriteArrayList<>();
        gateway.addTool(new AgentTool() {
            @Override
            public String name() {
                return "canvas.write";
            }

            @Override
            public String description() {
                return "writes";
            }

            @Override
            public Map<String, Object> parameters() {
                return Map.of("type", "object");
            }

            @Override
            public CompletionStage<String> call(Map<String, Object> arguments, Context context) {
                contexts.add(context);
                // answers later, from another thread: the turn holds no thread meanwhile
                return CompletableFuture.supplyAsync(() -> "wrote " + arguments.get("text"),
                        CompletableFuture.delayedExecutor(10, TimeUnit.MILLISECONDS, Runnable::run));
            }
        }, Map.of(AgentTool.NAME, "canvas.write"));
        gateway.addTool(tool("slow.tool", a -> CompletableFuture.completedFuture("unused")), Map.of(AgentTool.NAME, "slow.tool"));
        gateway.addTool(tool("broken", a -> {
            throw new IllegalStateException("tool broke");
        }), Map.of(AgentTool.NAME, "broken"));
        config.set(cfg("agents", Map.of("defaults", Map.of("model", "tm"))));

        List<String> deltas = new CopyOnWriteArrayList<>();
        InboundMessage m = new InboundMessage(msg("jo", "draw").route(), "draw", 0, Map.of(InboundMessage.HTTP_HOST, "gw:1"));
        Reply r = await(gateway.deliver(m, deltas::add));
        assertEquals("thinking 0\n\nthinking 1\n\ndone: [wrote hello] [error: no tool named \"nope\" (tools: broken, canvas.write, slow.tool)]"
                + " [error: the arguments are not a JSON object: " , r.text().substring(0, r.text().indexOf("not a JSON object: ") + 19));
        assertTrue(r.text().endsWith("[error: tool broke]"), r.text());
        assertEquals(r.text(), String.join("", deltas), "the deltas join to the reply, round separators included");
        assertEquals(3, model.requests.size());
        assertEquals(List.of("broken", "canvas.write", "slow.tool"), model.requests.get(0).tools().stream().map(ModelRequest.Tool::name).toList());
        assertEquals("jo", contexts.get(0).sessionKey().substring(contexts.get(0).sessionKey().length() - 2));
        assertEquals("gw:1", contexts.get(0).attributes().get(InboundMessage.HTTP_HOST));
        // the second request carries the assistant's calls and the tool results, in the OpenAI format
        List<Map<String, Object>> second = model.requests.get(1).messages();
        Map<String, Object> assistant = second.get(second.size() - 3);
        assertEquals("assistant", assistant.get("role"));
        assertEquals("c1", ((List<Map<String, Object>>) assistant.get("tool_calls")).get(0).get("id"));
        assertEquals(Map.of("role", "tool", "tool_call_id", "c1", "content", "wrote hello"), second.get(second.size() - 2));
        settled(); // the reply came first; the turn ends once its transcript lines are written
        List<Map<String, Object>> lines = store.read("main", r.route().sessionKey());
        assertEquals(List.of("user", "tool", "tool", "tool", "tool", "assistant"), lines.stream().map(l -> l.get("role")).toList());
        assertEquals(2, lines.get(5).get("toolRounds"));
    }

    @Test
    void toolRoundsAreBoundedAndTheLastRoundMustAnswer() throws Exception {
        List<List<ModelReply.ToolCall>> forever = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            forever.add(List.of(new ModelReply.ToolCall("c" + i, "echo.tool", "{}")));
        }
        ToolModel model = new ToolModel(forever);
        gateway.addProvider(model, Map.of(ModelProvider.PROVIDER_ID, "tm"));
        gateway.addTool(tool("echo.tool", a -> CompletableFuture.completedFuture("again")), Map.of(AgentTool.NAME, "echo.tool"));
        config.set(cfg("agents", Map.of("defaults", Map.of("model", "tm", "maxToolRounds", 2))));
        Reply r = await(gateway.deliver(msg("kim", "loop"), d -> { }));
        assertEquals(3, model.requests.size(), "two tool rounds, then the answer");
        assertEquals(ModelRequest.ToolChoice.NONE, model.requests.get(2).toolChoice());
        assertTrue(r.text().endsWith("done: [again] [again]"), r.text());

        // tools: false offers none
        config.set(cfg("agents", Map.of("defaults", Map.of("model", "tm", "tools", false))));
        model.requests.clear();
        await(gateway.deliver(msg("kim", "no tools"), d -> { }));
        assertTrue(model.requests.get(0).tools().isEmpty());
    }

    @Test
    void turnsStatsShowsWhatWaits() throws Exception {
        Recording rec = recording(cfg("agents", Map.of("defaults", Map.of("model", "p/m")),
                "models", Map.of("providers", Map.of("p", Map.of("type", "rec", "maxConcurrent", 1)))));
        rec.holdAll = true;
        gateway.deliver(msg("a", "a"), d -> { });
        gateway.deliver(msg("b", "b"), d -> { });
        gateway.deliver(msg("b", "b2"), d -> { });
        String text = TurnCommands.text(gateway.snapshot());
        assertTrue(text.contains("running       1"), text);
        assertTrue(text.contains("queued        2 of at most 100"), text);
        assertTrue(text.matches("(?s).*\\n  p +1 +1 +1 .*"), text);
        rec.releaseAll.complete(null);
        Poll.until(() -> gateway.pending() == 0);
    }
}
