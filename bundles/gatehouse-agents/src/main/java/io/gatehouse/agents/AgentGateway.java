package io.gatehouse.agents;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
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
import io.gatehouse.api.agent.AgentTool;
import io.gatehouse.api.agent.ModelProvider;
import io.gatehouse.api.agent.TurnStats;
import io.gatehouse.api.channel.InboundMessage;
import io.gatehouse.api.channel.MessageSink;
import io.gatehouse.api.channel.Reply;
import io.gatehouse.api.channel.TurnRejectedException;
import io.gatehouse.api.config.ConfigService;
import io.gatehouse.api.config.ConfigSnapshot;
import io.gatehouse.api.memory.MemorySearch;
import io.gatehouse.api.routing.ResolvedRoute;
import io.gatehouse.api.routing.Router;
import io.gatehouse.api.skills.SkillsSnapshot;
import io.gatehouse.launcher.api.InFlightWork;

/**
 * Where channels deliver messages. Each message is routed with the bindings in force ({@link Router}),
 * then its turn ({@link TurnRun}) runs, one at a time per session key, without holding a thread while it
 * waits for its session, a slot, the model or a tool ({@link TurnEngine}): the agent's settings are read
 * from {@link ConfigService#current()} when the turn starts (so an agent added, changed or removed
 * applies to the next message), the prompt is the agent's workspace {@code AGENTS.md}, the skills
 * snapshot and memory hits (when those services are present), the session's recent history and the
 * message; the model provider named by the agent's {@code model} streams the reply, calling the
 * registered {@link AgentTool}s when it supports tools. The user line, tool calls, the reply (or the
 * error) go to the session transcript.
 *
 * <p>Also the {@code agent-turns} {@link InFlightWork} (running plus queued turns, which a restart or
 * stop waits for) and {@link TurnStats} ({@code gateway:status}, {@code turns:stats}).
 */
@Component(service = {MessageSink.class, InFlightWork.class, TurnStats.class}, configurationPid = AgentGateway.PID)
@Designate(ocd = AgentGateway.Config.class)
public final class AgentGateway implements MessageSink, InFlightWork, TurnStats {
    /** Not {@code gatehouse.agents}: that PID mirrors the config file's {@code agents} section. */
    static final String PID = "gatehouse.turns";
    private static final Logger LOG = LoggerFactory.getLogger(AgentGateway.class);
    static final int DEFAULT_MAX_QUEUED = 10_000;

    @ObjectClassDefinition(name = "Gatehouse agents", description = "Agent turns: worker threads, queue cap, drain.")
    public @interface Config {
        @AttributeDefinition(description = "Threads for the CPU part of turns (prompt, transcript, reply); no thread waits "
                + "for a model, so this does not limit concurrent turns. 0: the number of cores (at least 2).", min = "0")
        int turnThreads() default 0;

        @AttributeDefinition(description = "Most turns waiting to start (behind their session or for a slot); a message "
                + "beyond that is refused at once (HTTP 429). agents.maxQueuedTurns in gatehouse.json overrides it.", min = "1")
        int maxQueuedTurns() default DEFAULT_MAX_QUEUED;

        @AttributeDefinition(description = "On stop, how long queued and running turns may still finish (ms).", min = "0")
        long drainTimeoutMs() default 30_000;
    }

    private final Router router;
    private final ConfigService config;
    private final SessionStore store;
    private final Path home;
    private final TurnEngine engine;
    private final long drainTimeoutMs;
    private final int defaultMaxQueued;
    private final WorkspaceInstructions instructions = new WorkspaceInstructions();
    private final Map<String, ModelProvider> providers = new ConcurrentHashMap<>();
    /** Tool name to tool, sorted so every turn offers them in the same order. */
    private final Map<String, AgentTool> tools = new ConcurrentSkipListMap<>();

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
        this.defaultMaxQueued = Math.max(1, maxQueued);
        int n = threads > 0 ? threads : Math.max(2, Runtime.getRuntime().availableProcessors());
        this.engine = new TurnEngine("gatehouse-agent-turn-", n, this::maxQueued);
    }

    private static Path homeOf(BundleContext context) {
        String data = context.getProperty("gatehouse.data");
        Path p = data == null ? null : Path.of(data).toAbsolutePath().getParent();
        return p != null ? p : Path.of("").toAbsolutePath();
    }

    /** {@code agents.maxQueuedTurns} of the config in force, else the component's {@code maxQueuedTurns}. */
    private int maxQueued() {
        Object v = config.current().get("agents.maxQueuedTurns").orElse(null);
        return v instanceof Number n && n.intValue() > 0 ? n.intValue() : defaultMaxQueued;
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

    @Reference(service = AgentTool.class, cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "removeTool")
    void addTool(AgentTool tool, Map<String, Object> properties) {
        String name = toolName(tool, properties);
        if (name == null) {
            return;
        }
        AgentTool previous = tools.putIfAbsent(name, tool);
        if (previous != null && previous != tool) {
            LOG.warn("a second tool named {} is ignored while the first is registered", name);
        }
    }

    void removeTool(AgentTool tool, Map<String, Object> properties) {
        String name = toolName(tool, properties);
        if (name != null) {
            tools.remove(name, tool);
        }
    }

    private static String toolName(AgentTool tool, Map<String, Object> properties) {
        String name = properties.get(AgentTool.NAME) instanceof String s && !s.isBlank() ? s.trim() : null;
        if (name == null) {
            try {
                name = tool.name();
            } catch (RuntimeException e) {
                name = null;
            }
        }
        if (name == null || !name.matches("[A-Za-z0-9._-]{1,64}")) {
            LOG.warn("a tool without a usable name ({} service property: letters, digits, . _ -) is ignored: {}", AgentTool.NAME, tool);
            return null;
        }
        return name;
    }

    /** The config service's hash changed (a reload was applied): new slot limits apply to waiting turns now. */
    @Reference(name = "configHash", service = ConfigService.class, updated = "configChanged")
    void configBound(ConfigService c) {
        // the service itself is the constructor's; this reference only follows its hash property
    }

    void configChanged(ConfigService c) {
        ConfigSnapshot now = c.current();
        engine.limits(ref -> AgentSettings.providerLimit(now, ref), agent -> AgentSettings.agentLimit(now, agent));
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        if (!engine.close(drainTimeoutMs)) {
            LOG.warn("agent turns still running after {} ms at stop were cancelled", drainTimeoutMs);
        }
        instructions.clear();
    }

    @Override
    public CompletionStage<Reply> deliver(InboundMessage message, Consumer<String> onDelta) {
        ResolvedRoute route;
        try {
            route = threaded(router.resolve(message.route()), message);
        } catch (RuntimeException e) {
            LOG.warn("routing failed for a message on channel {}: {}", message.route().channel(), e.toString());
            return CompletableFuture.failedFuture(new AgentTurnException("routing failed: " + e.getMessage(), e));
        }
        TurnRun turn = new TurnRun(this, engine, message, route, onDelta);
        try {
            engine.submit(turn);
        } catch (TurnRejectedException e) {
            LOG.debug("agent {} session {}: turn refused: {}", route.agentId(), route.sessionKey(), e.getMessage());
            return CompletableFuture.failedFuture(e);
        }
        return turn.result;
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

    // --- what turns use

    ConfigService config() {
        return config;
    }

    /** The agents' settings of one config snapshot (computed once per agent, not per turn). */
    private record SettingsOf(ConfigSnapshot snapshot, Map<String, AgentSettings> byAgent) {
    }

    private volatile SettingsOf settingsOf = new SettingsOf(null, Map.of());

    /** The agent's settings in the config in force; read again after every config change. */
    AgentSettings settings(String agentId) {
        ConfigSnapshot snap = config().current();
        SettingsOf c = settingsOf;
        if (c.snapshot() != snap) {
            c = new SettingsOf(snap, new java.util.concurrent.ConcurrentHashMap<>());
            settingsOf = c;
        }
        AgentSettings s = c.byAgent().get(agentId);
        if (s == null) {
            s = AgentSettings.of(snap, agentId);
            c.byAgent().put(agentId, s);
        }
        return s;
    }

    SessionStore store() {
        return store;
    }

    Path home() {
        return home;
    }

    ModelProvider provider(String id) {
        return providers.get(id);
    }

    Set<String> providerIds() {
        return providers.keySet();
    }

    /** The registered tools, by name. */
    Map<String, AgentTool> tools() {
        return tools;
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
    String skillCommand(String agent, String text) {
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

    // --- InFlightWork, TurnStats

    @Override
    public String name() {
        return "agent-turns";
    }

    @Override
    public int pending() {
        return engine.pending();
    }

    @Override
    public void beginDrain() {
        // New messages keep being accepted: the launcher stops handing out connections, and a message
        // that already arrived must not fail. The drain waits for pending() to reach zero.
        LOG.info("drain: {} agent turn(s) running, {} queued", engine.running(), engine.queued());
    }

    @Override
    public Snapshot snapshot() {
        return engine.snapshot();
    }

    int running() {
        return engine.running();
    }

    int queued() {
        return engine.queued();
    }
}
