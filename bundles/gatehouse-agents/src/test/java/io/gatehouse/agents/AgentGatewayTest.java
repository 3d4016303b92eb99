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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.gatehouse.agents.provider.EchoProvider;
import io.gatehouse.agents.session.SessionStore;
import io.gatehouse.api.agent.ModelProvider;
import io.gatehouse.api.channel.InboundMessage;
import io.gatehouse.api.channel.Reply;
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
        List<Map<String, Object>> lines = store.read("main", r.route().sessionKey());
        assertEquals(List.of("user", "assistant"), lines.stream().map(l -> l.get("role")).toList());
        assertEquals("webchat", lines.get(0).get("channel"));
        assertEquals("direct:alice", lines.get(0).get("peer"));
        assertEquals("echo", lines.get(1).get("model"));
        assertTrue(Files.exists(home.resolve("data/agents/main/sessions/agent.main.webchat.direct.alice.jsonl")));
        assertEquals(0, gateway.pending());
    }

    @Test
    void aSessionResetStartsTheHistoryOver() throws Exception {
        await(gateway.deliver(msg("bob", "before"), d -> { }));
        InboundMessage reset = new InboundMessage(msg("bob", "").route(), "", System.currentTimeMillis(),
                Map.of(InboundMessage.SESSION_RESET, "true"));
        Reply r = await(gateway.deliver(reset, d -> { }));
        assertEquals("", r.text(), "a bare reset asks no model");
        String key = r.route().sessionKey();
        assertEquals(List.of(), store.history("main", key, 10));
        await(gateway.deliver(msg("bob", "after"), d -> { }));
        assertEquals(List.of("after", "echo: after"), store.history("main", key, 10).stream().map(m -> m.get("content")).toList());
        InboundMessage resetWithText = new InboundMessage(msg("bob", "").route(), "fresh start", System.currentTimeMillis(),
                Map.of(InboundMessage.SESSION_RESET, "true"));
        assertEquals("echo: fresh start", await(gateway.deliver(resetWithText, d -> { })).text());
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
        assertEquals(plain.route().sessionKey() + ":thread:1234:42", threaded.route().sessionKey());
        assertEquals(List.of("in a topic", "echo: in a topic"),
                store.history("main", threaded.route().sessionKey(), 10).stream().map(m -> m.get("content")).toList());
        assertEquals(List.of("in the chat", "echo: in the chat"),
                store.history("main", plain.route().sessionKey(), 10).stream().map(m -> m.get("content")).toList());
    }

    /** A provider that records what it was asked and can hold a turn until released. */
    static final class Recording implements ModelProvider {
        final List<List<Map<String, String>>> prompts = new CopyOnWriteArrayList<>();
        final List<Map<String, Object>> options = new CopyOnWriteArrayList<>();
        final Map<String, CountDownLatch> holds = new HashMap<>();
        final Map<String, CountDownLatch> started = new HashMap<>();

        synchronized CountDownLatch hold(String text) {
            started.put(text, new CountDownLatch(1));
            return holds.computeIfAbsent(text, t -> new CountDownLatch(1));
        }

        @Override
        public String complete(List<Map<String, String>> messages, Map<String, Object> opts, java.util.function.Consumer<String> onDelta)
                throws Exception {
            prompts.add(messages);
            options.add(opts);
            String text = messages.get(messages.size() - 1).get("content");
            CountDownLatch h;
            synchronized (this) {
                h = holds.get(text);
                if (started.containsKey(text)) {
                    started.get(text).countDown();
                }
            }
            if (h != null && !h.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("never released");
            }
            if (text.startsWith("fail")) {
                throw new IllegalStateException("the model is on fire");
            }
            onDelta.accept("ok " + text);
            return "ok " + text;
        }

        List<String> lastUserTexts() {
            List<String> out = new ArrayList<>();
            for (List<Map<String, String>> p : prompts) {
                out.add(p.get(p.size() - 1).get("content"));
            }
            return out;
        }
    }

    @Test
    void turnsOfOneSessionRunOneAfterTheOtherOthersInParallel() throws Exception {
        Recording rec = new Recording();
        gateway.addProvider(rec, Map.of(ModelProvider.PROVIDER_ID, "rec"));
        config.set(Map.of("agents", Map.of("defaults", Map.of("model", "rec"))));
        CountDownLatch first = rec.hold("first");
        CompletableFuture<Reply> a1 = gateway.deliver(msg("alice", "first"), d -> { }).toCompletableFuture();
        assertTrue(rec.started.get("first").await(10, TimeUnit.SECONDS));
        CompletableFuture<Reply> a2 = gateway.deliver(msg("alice", "second"), d -> { }).toCompletableFuture();
        // another session is not held up by alice's
        assertEquals("ok other", await(gateway.deliver(msg("bob", "other"), d -> { })).text());
        assertFalse(a1.isDone());
        assertFalse(a2.isDone());
        assertFalse(rec.lastUserTexts().contains("second"), "second waits for first: " + rec.lastUserTexts());
        assertEquals(2, gateway.pending(), "one running, one queued");
        first.countDown();
        assertEquals("ok first", await(a1).text());
        assertEquals("ok second", await(a2).text());
        assertEquals(List.of("first", "other", "second"), rec.lastUserTexts());
        // the second turn saw the first exchange as history
        List<Map<String, String>> second = rec.prompts.get(2);
        assertEquals(List.of(Map.of("role", "user", "content", "first"), Map.of("role", "assistant", "content", "ok first"),
                Map.of("role", "user", "content", "second")), second);
        assertEquals(0, gateway.pending());
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
        List<Map<String, String>> p = rec.prompts.get(1);
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
        String system = rec.prompts.get(0).get(0).get("content");
        assertTrue(system.contains("<available_skills><name>weather</name></available_skills>"), system);
        assertTrue(system.contains("- notes/2026.md: alice likes tea"), system);
        assertEquals(List.of("main|what do I like?|5"), queries);

        gateway.memory = (agent, query, limit) -> {
            throw new IllegalStateException("index broken");
        };
        assertEquals("ok still", await(gateway.deliver(msg("alice", "still"), d -> { })).text(), "memory failures do not fail turns");

        // a skill's chat command becomes the skill request, for the model and in the transcript
        await(gateway.deliver(msg("alice", "/weather Paris"), d -> { }));
        List<Map<String, String>> last = rec.prompts.get(rec.prompts.size() - 1);
        assertEquals("Use the \"weather\" skill for this request.\n\nUser input:\nParis", last.get(last.size() - 1).get("content"));
        assertEquals("/unknown x", lastUserText(rec, "/unknown x"));
    }

    private String lastUserText(Recording rec, String text) throws Exception {
        await(gateway.deliver(msg("alice", text), d -> { }));
        List<Map<String, String>> last = rec.prompts.get(rec.prompts.size() - 1);
        return last.get(last.size() - 1).get("content");
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
        CountDownLatch hold = rec.hold("slow");
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
        hold.countDown();
        stopper.join(10_000);
        assertEquals("ok slow", slow.get(1, TimeUnit.SECONDS).text());
        assertEquals("ok next", next.get(1, TimeUnit.SECONDS).text());
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> gateway.deliver(msg("fred", "late"), d -> { }).toCompletableFuture().get(1, TimeUnit.SECONDS));
        assertTrue(e.getCause().getMessage().contains("stopping"), e.getCause().getMessage());
    }
}
