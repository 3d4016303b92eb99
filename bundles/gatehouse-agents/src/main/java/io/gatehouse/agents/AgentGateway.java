package io.gatehouse.agents;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.gatehouse.agents.session.SessionStore;
import io.gatehouse.api.agent.ModelProvider;
import io.gatehouse.api.channel.InboundMessage;
import io.gatehouse.api.channel.MessageSink;
import io.gatehouse.api.channel.Reply;
import io.gatehouse.api.config.ConfigService;
import io.gatehouse.api.memory.MemorySearch;
import io.gatehouse.api.routing.ResolvedRoute;
import io.gatehouse.api.routing.RouteRequest;
import io.gatehouse.api.routing.Router;
import io.gatehouse.api.skills.SkillsSnapshot;
import io.gatehouse.launcher.api.InFlightWork;

/**
 * Where channels deliver messages. Each message is routed with the bindings in force
 * ({@link Router}), then its turn runs on this component's threads, one at a time per session key:
 * the agent's settings are read from {@link ConfigService#current()} when the turn starts (so an
 * agent added, changed or removed applies to the next message), the prompt is the agent's workspace
 * {@code AGENTS.md}, the skills snapshot and memory hits (when those services are present), the
 * session's recent history and the message; the model provider named by the agent's {@code model}
 * streams the reply. The user line, the reply (or the error) go to the session transcript.
 *
 * <p>Also the {@code agent-turns} {@link InFlightWork}: running plus queued turns, which a restart
 * or stop waits for.
 */
@Component(service = {MessageSink.class, InFlightWork.class}, configurationPid = AgentGateway.PID)
@Designate(ocd = AgentGateway.Config.class)
public final class AgentGateway implements MessageSink, InFlightWork {
    /** Not {@code gatehouse.agents}: that PID mirrors the config file's {@code agents} section. */
    static final String PID = "gatehouse.turns";
    private static final Logger LOG = LoggerFactory.getLogger(AgentGateway.class);

    @ObjectClassDefinition(name = "Gatehouse agents", description = "Agent turns: threads and queue.")
    public @interface Config {
        @AttributeDefinition(description = "Threads running agent turns (turns of one session always run one after the other).", min = "1")
        int turnThreads() default 8;

        @AttributeDefinition(description = "Most turns waiting to run; a message beyond that fails at once.", min = "1")
        int maxQueuedTurns() default 1000;

        @AttributeDefinition(description = "On stop, how long queued and running turns may still finish (ms).", min = "0")
        long drainTimeoutMs() default 30_000;
    }

    private final Router router;
    private final ConfigService config;
    private final SessionStore store;
    private final Path home;
    private final Lanes lanes;
    private final long drainTimeoutMs;
    private final WorkspaceInstructions instructions = new WorkspaceInstructions();
    private final Map<String, ModelProvider> providers = new ConcurrentHashMap<>();

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile SkillsSnapshot skills;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile MemorySearch memory;

    @Activate
    public AgentGateway(BundleContext context, Config c, @Reference Router router, @Reference ConfigService config,
            @Reference SessionStore store) {
        this(router, config, store, homeOf(context), c.turnThreads(), c.maxQueuedTurns(), c.drainTimeoutMs());
    }

    AgentGateway(Router router, ConfigService config, SessionStore store, Path home, int threads, int maxQueued,
            long drainTimeoutMs) {
        this.router = router;
        this.config = config;
        this.store = store;
        this.home = home;
        this.drainTimeoutMs = drainTimeoutMs;
        this.lanes = new Lanes("gatehouse-agent-turn-", Math.max(1, threads), Math.max(1, maxQueued));
    }

    private static Path homeOf(BundleContext context) {
        String data = context.getProperty("gatehouse.data");
        Path p = data == null ? null : Path.of(data).toAbsolutePath().getParent();
        return p != null ? p : Path.of("").toAbsolutePath();
    }

    @Reference(service = ModelProvider.class, cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "removeProvider")
    void addProvider(ModelProvider provider, Map<String, Object> properties) {
        String id = providerId(properties);
        if (id != null) {
            providers.put(id, provider);
        } else {
            LOG.warn("a model provider without the {} service property is ignored: {}", ModelProvider.PROVIDER_ID, provider);
        }
    }

    void removeProvider(ModelProvider provider, Map<String, Object> properties) {
        String id = providerId(properties);
        if (id != null) {
            providers.remove(id, provider);
        }
    }

    private static String providerId(Map<String, Object> properties) {
        return properties.get(ModelProvider.PROVIDER_ID) instanceof String s && !s.isBlank() ? s.trim() : null;
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        if (!lanes.close(drainTimeoutMs)) {
            LOG.warn("agent turns still running after {} ms at stop were interrupted", drainTimeoutMs);
        }
        instructions.clear();
    }

    @Override
    public CompletionStage<Reply> deliver(InboundMessage message, Consumer<String> onDelta) {
        CompletableFuture<Reply> result = new CompletableFuture<>();
        ResolvedRoute route;
        try {
            route = threaded(router.resolve(message.route()), message);
        } catch (RuntimeException e) {
            LOG.warn("routing failed for a message on channel {}: {}", message.route().channel(), e.toString());
            result.completeExceptionally(new AgentTurnException("routing failed: " + e.getMessage(), e));
            return result;
        }
        Consumer<String> deltas = onDelta == null ? d -> { } : onDelta;
        try {
            lanes.submit(route.sessionKey(), () -> turn(message, route, deltas, result));
        } catch (RejectedExecutionException e) {
            LOG.warn("agent {} session {}: turn not accepted: {}", route.agentId(), route.sessionKey(), e.getMessage());
            result.completeExceptionally(new AgentTurnException("agent " + route.agentId() + ": turn not accepted: "
                    + e.getMessage(), e));
        }
        return result;
    }

    /** The route with the thread's session key when the channel names a thread ({@link InboundMessage#SESSION_THREAD}). */
    static ResolvedRoute threaded(ResolvedRoute route, InboundMessage message) {
        String thread = message.attributes().get(InboundMessage.SESSION_THREAD);
        if (thread == null || thread.isBlank()) {
            return route;
        }
        return new ResolvedRoute(route.agentId(), route.channel(), route.accountId(),
                route.sessionKey() + ":thread:" + thread.strip().toLowerCase(java.util.Locale.ROOT), route.mainSessionKey(),
                route.lastRoutePolicy(), route.matchedBy());
    }

    /** Runs one turn; returns what completes the caller's stage. */
    private Runnable turn(InboundMessage message, ResolvedRoute route, Consumer<String> onDelta, CompletableFuture<Reply> result) {
        String agent = route.agentId();
        String key = route.sessionKey();
        long started = System.nanoTime();
        AgentSettings settings;
        List<Map<String, String>> messages;
        Map<String, Object> info = routeInfo(message, route);
        boolean reset = "true".equals(message.attributes().get(InboundMessage.SESSION_RESET));
        try {
            settings = AgentSettings.of(config.current(), agent);
            if (reset) {
                store.append(agent, key, line(SessionStore.RESET, "", info)); // the history starts over here
                if (message.text() == null || message.text().isBlank()) {
                    Reply done = new Reply("", route, settings.modelName());
                    return () -> result.complete(done);
                }
            }
            List<Map<String, String>> history = reset ? List.of() : store.history(agent, key, settings.historyLimit());
            String text = skillCommand(agent, message.text()); // "/skill args" -> the reference's skill request
            messages = prompt(settings, text, history);
            store.append(agent, key, line("user", text, info));
        } catch (Exception | LinkageError e) {
            return fail(result, agent, key, "agent " + agent + " session " + key + ": cannot prepare the turn: " + e, e, null);
        }
        String provider = settings.providerType();
        ModelProvider p = providers.get(provider);
        if (p == null) {
            return fail(result, agent, key, "agent " + agent + ": no model provider \"" + provider + "\" (model "
                    + settings.agent().get("model") + "; installed: " + new TreeSet<>(providers.keySet()) + ")", null, settings);
        }
        String text;
        try {
            text = p.complete(messages, settings.options(), safe(onDelta, agent, key));
        } catch (Exception | LinkageError e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            String why = e.getMessage() == null ? e.toString() : e.getMessage();
            return fail(result, agent, key, "agent " + agent + ": model provider " + settings.providerRef() + " failed: " + why, e, settings);
        }
        text = text == null ? "" : text;
        Map<String, Object> reply = line("assistant", text, info);
        reply.put("provider", settings.providerRef());
        reply.put("model", settings.modelName());
        reply.put("durationMs", (System.nanoTime() - started) / 1_000_000);
        try {
            store.append(agent, key, reply);
        } catch (Exception e) {
            LOG.warn("agent {} session {}: cannot record the reply: {}", agent, key, e.toString());
        }
        Reply done = new Reply(text, route, settings.modelName());
        return () -> result.complete(done);
    }

    private Runnable fail(CompletableFuture<Reply> result, String agent, String key, String message, Throwable cause,
            AgentSettings settings) {
        LOG.warn("{}", message, cause instanceof java.io.IOException || cause == null ? null : cause);
        Map<String, Object> err = new LinkedHashMap<>();
        err.put("role", "error");
        err.put("content", message);
        if (settings != null) {
            err.put("provider", settings.providerRef());
        }
        try {
            store.append(agent, key, err);
        } catch (Exception e) {
            LOG.warn("agent {} session {}: cannot record the error: {}", agent, key, e.toString());
        }
        AgentTurnException failure = new AgentTurnException(message, cause);
        return () -> result.completeExceptionally(failure);
    }

    private static Consumer<String> safe(Consumer<String> onDelta, String agent, String key) {
        boolean[] broken = {false};
        return d -> {
            if (d == null || d.isEmpty() || broken[0]) {
                return;
            }
            try {
                onDelta.accept(d);
            } catch (RuntimeException e) {
                broken[0] = true; // the channel went away: the reply is still completed and recorded
                LOG.debug("agent {} session {}: the channel's delta consumer failed: {}", agent, key, e.toString());
            }
        };
    }

    private static Map<String, Object> line(String role, String content, Map<String, Object> info) {
        Map<String, Object> l = new LinkedHashMap<>();
        l.put("role", role);
        l.put("content", content);
        l.putAll(info);
        return l;
    }

    private static Map<String, Object> routeInfo(InboundMessage message, ResolvedRoute route) {
        Map<String, Object> m = new LinkedHashMap<>();
        RouteRequest r = message.route();
        m.put("channel", route.channel());
        m.put("accountId", route.accountId());
        if (r.peer() != null) {
            m.put("peer", r.peer().kind() + ":" + r.peer().id());
        }
        m.put("matchedBy", route.matchedBy());
        return m;
    }

    /** System (workspace instructions, skills, memory hits), then the history, then the message. */
    List<Map<String, String>> prompt(AgentSettings settings, String text, List<Map<String, String>> history) throws Exception {
        List<String> parts = new ArrayList<>();
        String agentsMd = instructions.read(settings.workspace(home));
        if (agentsMd != null && !agentsMd.isEmpty()) {
            parts.add(agentsMd);
        }
        SkillsSnapshot sk = skills;
        if (sk != null) {
            try {
                String block = sk.prompt(settings.agentId()); // the reference's skills block, "" without skills
                if (block != null && !block.isBlank()) {
                    parts.add(block.strip());
                }
            } catch (RuntimeException e) {
                LOG.warn("agent {}: skills snapshot failed, the turn goes on without skills: {}", settings.agentId(), e.toString());
            }
        }
        MemorySearch mem = memory;
        int limit = settings.memoryResults();
        if (mem != null && limit > 0 && text != null && !text.isBlank()) {
            try {
                List<MemorySearch.Hit> hits = mem.search(settings.agentId(), text, limit);
                if (hits != null && !hits.isEmpty()) {
                    StringBuilder b = new StringBuilder("## Memory\n");
                    for (MemorySearch.Hit h : hits) {
                        b.append("- ").append(h.path()).append(": ").append(h.snippet()).append('\n');
                    }
                    parts.add(b.toString().strip());
                }
            } catch (RuntimeException e) {
                LOG.warn("agent {}: memory search failed, the turn goes on without memory: {}", settings.agentId(), e.toString());
            }
        }
        List<Map<String, String>> messages = new ArrayList<>();
        if (!parts.isEmpty()) {
            messages.add(Map.of("role", "system", "content", String.join("\n\n", parts)));
        }
        messages.addAll(history);
        messages.add(Map.of("role", "user", "content", text == null ? "" : text));
        return messages;
    }

    /** The text a turn uses: a user-invocable skill's chat command becomes the reference's skill request. */
    private String skillCommand(String agent, String text) {
        SkillsSnapshot sk = skills;
        if (sk == null || text == null || !text.trim().startsWith("/")) {
            return text;
        }
        try {
            return sk.invocation(agent, text).map(SkillsSnapshot.Invocation::prompt).orElse(text);
        } catch (RuntimeException e) {
            LOG.warn("agent {}: skill commands unavailable, the message goes as written: {}", agent, e.toString());
            return text;
        }
    }

    // --- InFlightWork

    @Override
    public String name() {
        return "agent-turns";
    }

    @Override
    public int pending() {
        return lanes.running() + lanes.queued();
    }

    @Override
    public void beginDrain() {
        // New messages keep being accepted: the launcher stops handing out connections, and a message
        // that already arrived must not fail. The drain waits for pending() to reach zero.
        LOG.info("drain: {} agent turn(s) running, {} queued", lanes.running(), lanes.queued());
    }

    int running() {
        return lanes.running();
    }

    int queued() {
        return lanes.queued();
    }
}
