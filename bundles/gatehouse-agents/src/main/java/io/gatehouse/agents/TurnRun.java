package io.gatehouse.agents;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.gatehouse.api.agent.AgentTool;
import io.gatehouse.api.agent.ModelProvider;
import io.gatehouse.api.agent.ModelReply;
import io.gatehouse.api.agent.ModelRequest;
import io.gatehouse.api.channel.InboundMessage;
import io.gatehouse.api.channel.Reply;
import io.gatehouse.api.routing.ResolvedRoute;
import io.gatehouse.api.routing.RouteRequest;

/**
 * One agent turn, as a chain of steps that each end by handing the turn to whatever it waits for
 * (its session, an agent or provider slot, the model, the tools); no step blocks on one of them.
 *
 * <pre>
 * start ─► agent slot ─► provider slot ─► prepare (history, prompt, user line) ─► model request
 *                              ▲                                                     │
 *                              └── tool calls: run them (async), hand back results ◄─┤ (bounded rounds)
 *                                                                                    ▼
 *                                                       record the reply ─► complete the stage
 * </pre>
 *
 * Cancelling (client gone, timeout, stop) withdraws the turn from whatever it waits for and signals the
 * provider to abort its request. Every outcome is recorded in the session transcript once.
 */
final class TurnRun {
    private static final Logger LOG = LoggerFactory.getLogger(TurnRun.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };
    /** Between the texts of two model rounds of one turn (text, tool calls, more text). */
    static final String ROUND_SEPARATOR = "\n\n";
    private static final int MAX_TOOL_RESULT_IN_TRANSCRIPT = 2000;

    private final AgentGateway gw;
    private final TurnEngine engine;
    final InboundMessage message;
    final ResolvedRoute route;
    final String key;
    final String agent;
    final long acceptedNanos = System.nanoTime();
    private final Consumer<String> onDelta;
    final CompletableFuture<Reply> result = new CompletableFuture<>();
    private final CompletableFuture<Void> cancelSignal = new CompletableFuture<>();

    // Engine bookkeeping, guarded by counts.
    final Object counts = new Object();
    volatile boolean countedRunning;
    boolean countedDone;

    // Turn state, guarded by this.
    private boolean done;
    private boolean userRecorded;
    /** This turn's transcript writes, in order (see {@link #record}). */
    private CompletableFuture<Void> recorded = CompletableFuture.completedFuture(null);
    private Gate.Waiter waiter;
    private Gate waitingOn;
    private Gate agentSlot;
    private Gate providerSlot;
    private ScheduledFuture<?> timeout;
    private long started;

    // Written by the step that owns the turn (one at a time), read by later steps.
    private AgentSettings settings;
    private ModelProvider provider;
    private List<Map<String, Object>> messages;
    /** The user's text as the turn uses it (a skill command expanded); null until prepared. */
    private volatile String userText;
    private List<ModelRequest.Tool> toolSpecs = List.of();
    private Map<String, AgentTool> tools = Map.of();
    private int round;
    private final StringBuilder text = new StringBuilder();
    /** A tool round ended after some text: the next text of the turn goes after {@link #ROUND_SEPARATOR}. */
    private volatile boolean roundBoundary;
    private volatile boolean separatorStreamed;
    private volatile boolean deltasBroken;
    /** The channel asked to start the session over ({@link InboundMessage#SESSION_RESET}). */
    private final boolean reset;

    TurnRun(AgentGateway gw, TurnEngine engine, InboundMessage message, ResolvedRoute route, Consumer<String> onDelta) {
        this.gw = gw;
        this.engine = engine;
        this.message = message;
        this.route = route;
        this.key = route.sessionKey();
        this.agent = route.agentId();
        this.onDelta = onDelta == null ? d -> { } : onDelta;
        this.reset = "true".equals(message.attributes().get(InboundMessage.SESSION_RESET));
        // the channel cancelling the stage cancels the turn
        result.whenComplete((r, e) -> {
            if (e instanceof CancellationException) {
                cancel("the channel cancelled the turn (client gone or timed out)");
            }
        });
    }

    // ------------------------------------------------------------------------------------------ steps

    /** The session's turn has come: read the agent's settings, then wait for the agent's slot. */
    void start() {
        synchronized (this) {
            if (done) {
                return;
            }
            started = System.nanoTime();
        }
        AgentSettings s;
        try {
            s = gw.settings(agent);
        } catch (RuntimeException | LinkageError e) {
            fail("agent " + agent + " session " + key + ": cannot read the agent's settings: " + e, e);
            return;
        }
        settings = s;
        if (reset) {
            // /new: the history starts over at this line (written before the turn's other lines; the
            // session's next turn starts once they are written, so it reads only what follows)
            record(line(io.gatehouse.agents.session.SessionStore.RESET, ""));
            if (message.text() == null || message.text().isBlank()) {
                if (claim()) {
                    Reply done = new Reply("", route, s.modelName());
                    end(TurnEngine.Outcome.COMPLETED, () -> result.complete(done));
                }
                return;
            }
        }
        long limit = s.turnTimeoutMs();
        if (limit > 0) {
            long left = limit - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - acceptedNanos);
            ScheduledFuture<?> f = engine.timer().schedule(() -> cancel("no reply within " + limit + " ms (turnTimeoutMs)"),
                    Math.max(1, left), TimeUnit.MILLISECONDS);
            synchronized (this) {
                timeout = f;
            }
        }
        ModelProvider p = gw.provider(s.providerType());
        if (p == null) {
            fail("agent " + agent + ": no model provider \"" + s.providerType() + "\" (model " + s.agent().get("model")
                    + "; installed: " + new TreeSet<>(gw.providerIds()) + ")", null);
            return;
        }
        provider = p;
        acquire(engine.agentGate(agent), "", s.maxConcurrent(), true, this::providerSlot);
    }

    /** Waits for a slot of the provider (every model request of the turn does). */
    private void providerSlot() {
        acquire(engine.providerGate(settings.providerRef()), agent, settings.providerMaxConcurrent(), false, this::request);
    }

    /** Has the slots: prepares the prompt on the first round, then sends the model request. */
    private void request() {
        if (messages == null) {
            engine.markRunning(this);
            try {
                prepare();
            } catch (Exception | LinkageError e) {
                fail("agent " + agent + " session " + key + ": cannot prepare the turn: " + e, e);
                return;
            }
        }
        ModelRequest req = new ModelRequest(messages, settings.options(), toolSpecs,
                round >= settings.maxToolRounds() ? ModelRequest.ToolChoice.NONE : ModelRequest.ToolChoice.AUTO,
                cancelSignal.minimalCompletionStage());
        CompletionStage<ModelReply> call;
        try {
            call = provider.complete(req, this::delta);
            if (call == null) {
                throw new IllegalStateException("the provider returned no completion stage");
            }
        } catch (RuntimeException | LinkageError e) {
            call = CompletableFuture.failedFuture(e);
        }
        if (call instanceof CompletableFuture<ModelReply> f && f.isDone()) {
            call.whenComplete(this::modelDone); // answered at once (echo): go on on this thread
        } else {
            call.whenCompleteAsync(this::modelDone, engine.executor());
        }
    }

    /** History, prompt and tools; records the user's message. Runs once, on the first model request. */
    private void prepare() throws Exception {
        List<Map<String, String>> history = reset ? List.of() : gw.store().history(agent, key, settings.historyLimit());
        userText = gw.skillCommand(agent, message.text()); // "/skill args" -> the reference's skill request
        List<Map<String, String>> prompt = gw.prompt(settings, userText, history);
        List<Map<String, Object>> m = new ArrayList<>(prompt.size() + 4);
        for (Map<String, String> p : prompt) {
            m.add(new LinkedHashMap<>(p));
        }
        if (settings.maxToolRounds() > 0 && provider.supportsTools(settings.options())) {
            Map<String, AgentTool> offered = new LinkedHashMap<>();
            List<ModelRequest.Tool> specs = new ArrayList<>();
            for (Map.Entry<String, AgentTool> e : gw.tools().entrySet()) {
                if (settings.toolAllowed(e.getKey())) {
                    try {
                        specs.add(new ModelRequest.Tool(e.getKey(), e.getValue().description(), e.getValue().parameters()));
                        offered.put(e.getKey(), e.getValue());
                    } catch (RuntimeException | LinkageError broken) {
                        LOG.warn("tool {} cannot describe itself and is not offered: {}", e.getKey(), broken.toString());
                    }
                }
            }
            tools = offered;
            toolSpecs = specs;
        }
        messages = m;
        recordUser();
    }

    private void modelDone(ModelReply reply, Throwable err) {
        releaseProvider();
        synchronized (this) {
            if (done) {
                return;
            }
        }
        if (err != null) {
            Throwable c = unwrap(err);
            String why = c.getMessage() == null ? c.toString() : c.getMessage();
            fail("agent " + agent + ": model provider " + settings.providerRef() + " failed: " + why, c);
            return;
        }
        if (reply == null) {
            reply = new ModelReply("");
        }
        if (!reply.text().isEmpty()) {
            if (roundBoundary) {
                text.append(ROUND_SEPARATOR);
            }
            text.append(reply.text());
        }
        roundBoundary = false;
        separatorStreamed = false;
        if (!reply.toolCalls().isEmpty() && !tools.isEmpty() && round < settings.maxToolRounds()) {
            runTools(reply);
        } else {
            if (!reply.toolCalls().isEmpty()) {
                LOG.debug("agent {} session {}: tool calls after the last round (or no tools offered) are ignored", agent, key);
            }
            finish();
        }
    }

    /** Runs the round's tool calls at once (each completes on its own), then asks the model again. */
    private void runTools(ModelReply reply) {
        round++;
        roundBoundary = text.length() > 0;
        List<Map<String, Object>> calls = new ArrayList<>();
        for (ModelReply.ToolCall c : reply.toolCalls()) {
            Map<String, Object> fn = new LinkedHashMap<>();
            fn.put("name", c.name());
            fn.put("arguments", c.arguments() == null ? "{}" : c.arguments());
            Map<String, Object> call = new LinkedHashMap<>();
            call.put("id", c.id());
            call.put("type", "function");
            call.put("function", fn);
            calls.add(call);
        }
        Map<String, Object> assistant = new LinkedHashMap<>();
        assistant.put("role", "assistant");
        assistant.put("content", reply.text().isEmpty() ? null : reply.text());
        assistant.put("tool_calls", calls);
        messages.add(assistant);

        AgentTool.Context ctx = new AgentTool.Context(agent, key, settings.workspace(gw.home()), message.attributes());
        List<CompletableFuture<String>> results = new ArrayList<>();
        for (ModelReply.ToolCall c : reply.toolCalls()) {
            results.add(callTool(c, ctx));
        }
        CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).whenCompleteAsync((v, e) -> {
            synchronized (this) {
                if (done) {
                    return;
                }
            }
            List<ModelReply.ToolCall> cs = reply.toolCalls();
            for (int i = 0; i < cs.size(); i++) {
                String out = results.get(i).getNow("error: no result");
                Map<String, Object> tm = new LinkedHashMap<>();
                tm.put("role", "tool");
                tm.put("tool_call_id", cs.get(i).id());
                tm.put("content", out);
                messages.add(tm);
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("role", "tool");
                line.put("name", cs.get(i).name());
                line.put("arguments", cs.get(i).arguments());
                line.put("content", out.length() <= MAX_TOOL_RESULT_IN_TRANSCRIPT ? out
                        : out.substring(0, MAX_TOOL_RESULT_IN_TRANSCRIPT) + "...");
                line.put("round", round);
                record(line);
            }
            providerSlot();
        }, engine.executor());
    }

    /** One tool call: completes with the text for the model (errors included), never exceptionally. */
    private CompletableFuture<String> callTool(ModelReply.ToolCall c, AgentTool.Context ctx) {
        CompletableFuture<String> out = new CompletableFuture<>();
        AgentTool tool = tools.get(c.name());
        if (tool == null) {
            out.complete("error: no tool named \"" + c.name() + "\" (tools: " + String.join(", ", tools.keySet()) + ")");
            return out;
        }
        Map<String, Object> args;
        try {
            String a = c.arguments() == null || c.arguments().isBlank() ? "{}" : c.arguments();
            args = JSON.readValue(a, MAP);
            if (args == null) {
                args = Map.of();
            }
        } catch (Exception e) {
            out.complete("error: the arguments are not a JSON object: " + e.getMessage());
            return out;
        }
        CompletionStage<String> st;
        try {
            st = tool.call(args, ctx);
            if (st == null) {
                throw new IllegalStateException("the tool returned no completion stage");
            }
        } catch (RuntimeException | LinkageError e) {
            st = CompletableFuture.failedFuture(e);
        }
        st.whenComplete((v, e) -> {
            if (e != null) {
                Throwable x = unwrap(e);
                out.complete("error: " + (x.getMessage() == null ? x.toString() : x.getMessage()));
            } else {
                out.complete(v == null ? "" : v);
            }
        });
        long limit = settings.toolTimeoutMs();
        if (limit > 0 && !out.isDone()) {
            ScheduledFuture<?> f = engine.timer().schedule(
                    () -> out.complete("error: the tool " + c.name() + " did not answer within " + limit + " ms"),
                    limit, TimeUnit.MILLISECONDS);
            out.whenComplete((v, e) -> f.cancel(false));
        }
        return out;
    }

    /** The reply: recorded, then the stage completes. */
    private void finish() {
        String reply = text.toString();
        Map<String, Object> line = line("assistant", reply);
        line.put("provider", settings.providerRef());
        line.put("model", settings.modelName());
        line.put("durationMs", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        if (round > 0) {
            line.put("toolRounds", round);
        }
        if (!claim()) {
            return;
        }
        record(line);
        Reply done = new Reply(reply, route, settings.modelName());
        end(TurnEngine.Outcome.COMPLETED, () -> result.complete(done));
    }

    private void fail(String why, Throwable cause) {
        if (!claim()) {
            return;
        }
        LOG.warn("{}", why, cause instanceof java.io.IOException || cause == null ? null : cause);
        recordUser();
        Map<String, Object> err = new LinkedHashMap<>();
        err.put("role", "error");
        err.put("content", why);
        if (settings != null) {
            err.put("provider", settings.providerRef());
        }
        record(err);
        AgentTurnException failure = new AgentTurnException(why, cause);
        end(TurnEngine.Outcome.FAILED, () -> result.completeExceptionally(failure));
    }

    /**
     * Cancels the turn wherever it is: withdrawn from its session's queue or a slot's queue, or its model
     * request aborted. Recorded as an error line; the stage fails (unless the channel cancelled it).
     */
    void cancel(String why) {
        Gate.Waiter w;
        Gate g;
        synchronized (this) {
            if (done) {
                return;
            }
            w = waiter;
            g = waitingOn;
            waiter = null;
            waitingOn = null;
        }
        if (g != null) {
            g.cancel(w);
        }
        // claimed before the model request is aborted: the abort fails the provider's stage, and its
        // handler (on another thread) must find the turn done, or the cancel is recorded as a failure
        boolean mine = claim();
        cancelSignal.complete(null);
        if (!mine) {
            return;
        }
        LOG.info("agent {} session {}: turn cancelled: {}", agent, key, why);
        recordUser();
        Map<String, Object> err = new LinkedHashMap<>();
        err.put("role", "error");
        err.put("content", "turn cancelled: " + why);
        err.put("cancelled", true);
        if (text.length() > 0) {
            err.put("partial", text.toString());
        }
        record(err);
        AgentTurnException failure = new AgentTurnException("agent " + agent + ": turn cancelled: " + why, null);
        end(TurnEngine.Outcome.CANCELLED, () -> result.completeExceptionally(failure));
    }

    // ------------------------------------------------------------------------------------- plumbing

    /** Takes the slot of a gate now or when one is free; then runs {@code next} (on the pool when it waited). */
    private void acquire(Gate gate, String gateKey, int limit, boolean agentGate, Runnable next) {
        Gate.Waiter w = gate.acquire(gateKey, limit, () -> granted(gate, agentGate, next));
        if (w == null) {
            granted(gate, agentGate, next);
            return;
        }
        boolean withdraw;
        synchronized (this) {
            withdraw = done;
            if (!done) {
                waiter = w;
                waitingOn = gate;
            }
        }
        if (withdraw && !gate.cancel(w)) {
            // granted meanwhile: granted() sees the turn done and gives the slot back
            LOG.trace("slot granted to a cancelled turn");
        }
    }

    private void granted(Gate gate, boolean agentGate, Runnable next) {
        boolean giveBack;
        synchronized (this) {
            waiter = null;
            waitingOn = null;
            giveBack = done;
            if (!done) {
                if (agentGate) {
                    agentSlot = gate;
                } else {
                    providerSlot = gate;
                }
            }
        }
        if (giveBack) {
            engine.runAll(gate.release(agentGate ? "" : agent));
            return;
        }
        next.run();
    }

    private void releaseProvider() {
        Gate g;
        synchronized (this) {
            g = providerSlot;
            providerSlot = null;
        }
        if (g != null) {
            engine.runAll(g.release(agent));
        }
    }

    /** Marks the turn done; false when another outcome got there first. */
    private boolean claim() {
        synchronized (this) {
            if (done) {
                return false;
            }
            done = true;
            return true;
        }
    }

    /**
     * Gives back the slots and completes the stage (the client gets its reply now); once the turn's
     * transcript lines are written, tells the engine, and the session's next turn starts (it reads this one's
     * history). Until then the turn still counts as in flight, so a drain waits for its lines too.
     */
    private void end(TurnEngine.Outcome outcome, Runnable completion) {
        Gate a;
        Gate p;
        ScheduledFuture<?> t;
        synchronized (this) {
            a = agentSlot;
            p = providerSlot;
            t = timeout;
            agentSlot = null;
            providerSlot = null;
            timeout = null;
        }
        if (t != null) {
            t.cancel(false);
        }
        if (p != null) {
            engine.runAll(p.release(agent));
        }
        if (a != null) {
            engine.runAll(a.release(""));
        }
        try {
            completion.run();
        } catch (RuntimeException e) {
            LOG.debug("agent {} session {}: a reply callback failed: {}", agent, key, e.toString());
        }
        CompletableFuture<Void> lines;
        synchronized (this) {
            lines = recorded;
        }
        lines.whenComplete((v, e) -> engine.finished(this, outcome));
    }

    /** Streams a piece of the reply to the channel; a failing channel does not fail the turn. */
    private void delta(String d) {
        if (d == null || d.isEmpty() || deltasBroken || cancelSignal.isDone()) {
            return;
        }
        try {
            if (roundBoundary && !separatorStreamed) {
                separatorStreamed = true; // once, before the round's first piece; modelDone() adds it to the text
                onDelta.accept(ROUND_SEPARATOR);
            }
            onDelta.accept(d);
        } catch (RuntimeException e) {
            deltasBroken = true; // the channel went away: the reply is still completed and recorded
            LOG.debug("agent {} session {}: the channel's delta consumer failed: {}", agent, key, e.toString());
        }
    }

    private synchronized void recordUser() {
        if (userRecorded) {
            return;
        }
        userRecorded = true;
        String u = userText;
        record(line("user", u != null ? u : message.text()));
    }

    /**
     * Writes a transcript line after the turn's earlier lines; its lines keep their order and the session's
     * next turn starts only after them. A line to a transcript the store has open is one small write, done here:
     * handing it to another thread cost more than the write, and the session's next turn waited for that
     * thread. Otherwise (a new session's file to create, which can take a millisecond, and a burst of new
     * sessions queues on the folder) it goes to a transcript thread, and the turn never waits for the disk.
     */
    private void record(Map<String, Object> line) {
        synchronized (this) {
            if (recorded.isDone() && gw.store().isOpen(agent, key)) {
                write(line);
            } else {
                recorded = recorded.thenRunAsync(() -> write(line), engine.recorder());
            }
        }
    }

    private void write(Map<String, Object> line) {
        try {
            gw.store().append(agent, key, line);
        } catch (Exception e) {
            LOG.warn("agent {} session {}: cannot record a {} line: {}", agent, key, line.get("role"), e.toString());
        }
    }

    private Map<String, Object> line(String role, String content) {
        Map<String, Object> l = new LinkedHashMap<>();
        l.put("role", role);
        l.put("content", content);
        RouteRequest r = message.route();
        l.put("channel", route.channel());
        l.put("accountId", route.accountId());
        if (r.peer() != null) {
            l.put("peer", r.peer().kind() + ":" + r.peer().id());
        }
        l.put("matchedBy", route.matchedBy());
        return l;
    }

    private static Throwable unwrap(Throwable e) {
        while ((e instanceof CompletionException || e instanceof java.util.concurrent.ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }
}
