package io.gatehouse.channels;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.gatehouse.api.channel.ChannelAccounts;
import io.gatehouse.api.channel.ChannelAdapter;
import io.gatehouse.api.channel.ChannelPairing;
import io.gatehouse.api.channel.InboundMessage;
import io.gatehouse.api.channel.MessageSink;
import io.gatehouse.api.channel.Reply;
import io.gatehouse.api.config.ConfigService;
import io.gatehouse.api.config.ConfigSnapshot;
import io.gatehouse.api.config.ReloadHandler;
import io.gatehouse.api.config.ReloadPlan;
import io.gatehouse.api.config.ReloadRule;
import io.gatehouse.api.config.ConfigSection;
import io.gatehouse.api.config.schema.Shape;
import io.gatehouse.launcher.api.InFlightWork;
import io.gatehouse.support.secrets.Secrets;

/**
 * Runs the channel adapters: starts each one whose channel is enabled with its {@code channels.<id>}
 * section and a sink that counts its in-flight messages; stops it when it leaves; restarts one channel
 * in process, after its in-flight messages drain (bounded by {@code gateway.reload.deferralTimeoutMs}),
 * when {@code channels.<id>} changes.
 *
 * <p>A channel is enabled when {@code channels.<id>.enabled} is not {@code false} and either the section
 * exists or the adapter carries the service property {@link #DEFAULT_ENABLED} {@code = true} (webchat and
 * openai do: they need no credentials and sit behind the gateway token rule).
 */
@Component(immediate = true, service = {ChannelManager.class, ReloadHandler.class, ConfigSection.class, InFlightWork.class},
        property = {
                ReloadHandler.ACTIONS + "=" + ChannelManager.RESTART_CHANNEL + "*",
                ConfigSection.PREFIX + "=channels",
                Constants.SERVICE_RANKING + ":Integer=100"})
public final class ChannelManager implements ReloadHandler, ConfigSection, InFlightWork {
    private static final Logger LOG = LoggerFactory.getLogger(ChannelManager.class);

    public static final String RESTART_CHANNEL = "restart-channel:";
    /** Adapter service property: start the channel even without a {@code channels.<id>} section. */
    public static final String DEFAULT_ENABLED = "gatehouse.channel.defaultEnabled";
    static final String DEFERRAL_TIMEOUT = "gateway.reload.deferralTimeoutMs";
    static final long DEFAULT_DEFERRAL_MS = 30_000;

    public enum State { RUNNING, STOPPED, FAILED }

    /** One adapter and its bookkeeping. */
    final class Channel {
        final String id;
        final ChannelAdapter adapter;
        final boolean defaultEnabled;
        final Object lifecycle = new Object(); // serialises start/stop/restart of this channel
        /** Messages in flight; no lock on the message path, waiters are woken when it drops to zero. */
        private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
        volatile State state = State.STOPPED;
        volatile boolean enabled;
        volatile long startedAt;
        volatile long starts;
        volatile String lastError;
        volatile Map<String, Object> appliedSection; // the section it was last started or stopped with
        final MessageSink countingSink = this::deliver;

        Channel(String id, ChannelAdapter adapter, boolean defaultEnabled) {
            this.id = id;
            this.adapter = adapter;
            this.defaultEnabled = defaultEnabled;
        }

        private CompletionStage<Reply> deliver(InboundMessage message, Consumer<String> onDelta) {
            inFlight.incrementAndGet();
            CompletionStage<Reply> stage;
            try {
                MessageSink s = sink;
                stage = s != null ? s.deliver(message, onDelta)
                        : CompletableFuture.failedFuture(new IllegalStateException("no agent runtime (MessageSink) available"));
            } catch (RuntimeException e) {
                stage = CompletableFuture.failedFuture(e);
            }
            // The adapter writes its reply in callbacks on the stage returned here; complete that stage
            // first, so those callbacks run before the message stops counting, and a drain that waits
            // for it (restart, adapter leaving) ends after the reply is written, not just produced.
            CompletableFuture<Reply> replied = new CompletableFuture<>();
            // The adapter cancels (client gone, timed out): so does the turn, whose model request is aborted.
            CompletionStage<Reply> turn = stage;
            replied.whenComplete((r, e) -> {
                if (replied.isCancelled()) {
                    try {
                        turn.toCompletableFuture().cancel(true);
                    } catch (UnsupportedOperationException notCancellable) {
                        // a stage that cannot be cancelled completes on its own
                    }
                }
            });
            stage.whenComplete((r, e) -> {
                try {
                    if (e != null) {
                        replied.completeExceptionally(e instanceof java.util.concurrent.CompletionException ? e
                                : new java.util.concurrent.CompletionException(e));
                    } else {
                        replied.complete(r);
                    }
                } finally {
                    exit();
                }
            });
            return replied;
        }

        private void exit() {
            if (inFlight.decrementAndGet() == 0) {
                synchronized (this) {
                    notifyAll();
                }
            }
        }

        int inFlight() {
            return inFlight.get();
        }

        /** Waits until nothing is in flight or the deadline passes; the count left. */
        synchronized int awaitDrained(long deadlineNanos) throws InterruptedException {
            while (inFlight.get() > 0) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                wait(Math.max(1, Math.min(50, left / 1_000_000))); // the count is not read under this lock: re-check often
            }
            return inFlight.get();
        }
    }

    private final ConfigService config;
    /**
     * Runs config-triggered channel restarts, so the config pipeline (which calls reload handlers
     * under its lock) never waits for a channel to drain.
     */
    private final java.util.concurrent.ExecutorService restarter = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "gatehouse-channel-restart");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Channel> channels = new ConcurrentHashMap<>();
    private final Map<ChannelAdapter, String> ids = new ConcurrentHashMap<>();
    /** Channels whose adapter went away and that are draining before they stop. */
    private final java.util.Set<Channel> leaving = ConcurrentHashMap.newKeySet();
    private volatile boolean active;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile MessageSink sink;

    @Activate
    public ChannelManager(@Reference ConfigService config) {
        this.config = config;
    }

    @Activate
    void activate() {
        active = true;
        for (Channel c : channels.values()) {
            startIfEnabled(c);
        }
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        active = false;
        restarter.shutdown();
        if (!restarter.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS)) {
            restarter.shutdownNow();
        }
        for (Channel c : channels.values()) {
            stop(c);
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindAdapter(ChannelAdapter adapter, ServiceReference<ChannelAdapter> ref) {
        String id;
        try {
            id = adapter.id();
        } catch (RuntimeException e) {
            LOG.warn("channel adapter {} has no usable id: {}", ref, e.toString());
            return;
        }
        boolean defaultEnabled = Boolean.parseBoolean(String.valueOf(ref.getProperty(DEFAULT_ENABLED)));
        Channel c = new Channel(id, adapter, defaultEnabled);
        Channel previous = channels.putIfAbsent(id, c);
        if (previous != null) {
            LOG.warn("channel {}: a second adapter ({}) is ignored while {} is registered", id, ref, previous.adapter);
            return;
        }
        ids.put(adapter, id);
        LOG.info("channel adapter {} registered by {}", id, ref.getBundle().getSymbolicName());
        if (active) {
            startIfEnabled(c);
        }
    }

    /**
     * The adapter is going (its plugin is disabled, its bundle stops): let its in-flight messages finish
     * first, bounded by {@code gateway.reload.deferralTimeoutMs}, then stop it. DS unregisters the
     * service before it deactivates the adapter component, so the adapter can still send those replies.
     */
    void unbindAdapter(ChannelAdapter adapter) {
        String id = ids.remove(adapter);
        if (id == null) {
            return;
        }
        Channel c = channels.remove(id);
        if (c == null) {
            return;
        }
        leaving.add(c); // still counted by pending(): a framework restart waits for these too
        try {
            synchronized (c.lifecycle) {
                int inFlight = c.inFlight();
                if (inFlight > 0) {
                    long timeout = deferralTimeoutMs();
                    LOG.info("channel {}: adapter leaving; waiting up to {} ms for {} in-flight message(s) before stopping it",
                            id, timeout, inFlight);
                    long t0 = System.nanoTime();
                    int left = c.awaitDrained(t0 + timeout * 1_000_000L);
                    long waited = (System.nanoTime() - t0) / 1_000_000;
                    if (left > 0) {
                        LOG.warn("channel {}: {} message(s) still in flight after {} ms; stopping anyway", id, left, waited);
                    } else {
                        LOG.info("channel {}: drained in {} ms", id, waited);
                    }
                }
                stop(c);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop(c); // asked to hurry: stop now rather than leave a running adapter behind
        } finally {
            leaving.remove(c);
        }
        LOG.info("channel adapter {} unregistered", id);
    }

    // ---- lifecycle

    private Map<String, Object> section(String id) {
        Object s = config.current().get("channels." + id).orElse(null);
        if (s instanceof Map<?, ?> m) {
            @SuppressWarnings("unchecked")
            Map<String, Object> section = (Map<String, Object>) m;
            return section;
        }
        return null;
    }

    private void startIfEnabled(Channel c) {
        synchronized (c.lifecycle) {
            Map<String, Object> section = section(c.id);
            c.appliedSection = section;
            boolean enabled = section == null ? c.defaultEnabled : !Boolean.FALSE.equals(section.get("enabled"));
            c.enabled = enabled;
            if (!enabled) {
                LOG.info("channel {} is disabled ({})", c.id,
                        section == null ? "no channels." + c.id + " section" : "channels." + c.id + ".enabled = false");
                return;
            }
            if (c.state == State.RUNNING) {
                return;
            }
            try {
                c.adapter.start(section == null ? Map.of() : section, c.countingSink);
                c.state = State.RUNNING;
                c.startedAt = System.currentTimeMillis();
                c.starts++;
                c.lastError = null;
                LOG.info("channel {} started", c.id);
            } catch (Exception | LinkageError e) {
                c.state = State.FAILED;
                // shown by channels:list and logged: a channel's error may quote its credentials (a bot token in a URL)
                c.lastError = Secrets.scrub(e.toString());
                LOG.error("channel {} failed to start: {}", c.id, c.lastError);
                try {
                    c.adapter.stop();
                } catch (RuntimeException ignored) {
                    // it did not start
                }
            }
        }
    }

    private void stop(Channel c) {
        synchronized (c.lifecycle) {
            if (c.state == State.RUNNING) {
                try {
                    c.adapter.stop();
                    LOG.info("channel {} stopped", c.id);
                } catch (RuntimeException e) {
                    c.lastError = Secrets.scrub(e.toString());
                    LOG.warn("channel {} failed to stop cleanly: {}", c.id, c.lastError);
                }
            }
            c.state = State.STOPPED;
        }
    }

    /**
     * Waits (bounded) for the channel's in-flight messages to drain, then stops it and starts it with the
     * config in force. Returns a description, or throws when no adapter has this id.
     */
    public String restart(String id, String why) throws InterruptedException {
        Channel c = channels.get(id);
        if (c == null) {
            throw new IllegalArgumentException("no channel adapter with id " + id + " (installed: " + channels.keySet() + ")");
        }
        synchronized (c.lifecycle) {
            long timeout = deferralTimeoutMs();
            long t0 = System.nanoTime();
            int left = c.awaitDrained(t0 + timeout * 1_000_000L);
            long waited = (System.nanoTime() - t0) / 1_000_000;
            if (left > 0) {
                LOG.warn("channel {}: {} message(s) still in flight after {} ms; restarting anyway ({})", id, left, timeout, why);
            }
            stop(c);
            startIfEnabled(c);
            String r = "channel " + id + " restarted (" + why + "; drained in " + waited + " ms"
                    + (left > 0 ? ", " + left + " still in flight" : "") + "): " + c.state.name().toLowerCase();
            LOG.info(r);
            return r;
        }
    }

    private long deferralTimeoutMs() {
        Object v = config.current().get(DEFERRAL_TIMEOUT).orElse(null);
        return v instanceof Number n && n.longValue() >= 0 ? n.longValue() : DEFAULT_DEFERRAL_MS;
    }

    // ---- ConfigSection: channels.<id> belongs to the channel's own bundle (its schema); here only what
    // every channel shares, and which ids have an adapter

    private static final Shape CHANNELS = Shape.mapOf(Shape.object().field("enabled", Shape.bool()).open());

    @Override
    public String prefix() {
        return "channels";
    }

    @Override
    public Shape schema() {
        return CHANNELS;
    }

    @Override
    public String idsPath() {
        return "channels";
    }

    @Override
    public java.util.Set<String> knownIds() {
        return java.util.Set.copyOf(channels.keySet());
    }

    // ---- ReloadHandler, ConfigSection rules, InFlightWork

    @Override
    public void apply(String action, ReloadPlan plan, ConfigSnapshot snapshot) throws Exception {
        if (!action.startsWith(RESTART_CHANNEL)) {
            return;
        }
        String id = action.substring(RESTART_CHANNEL.length());
        Channel c = channels.get(id);
        if (c == null) {
            LOG.debug("{}: no adapter installed; its section is read when one registers", action);
            return;
        }
        if (Objects.equals(section(id), c.appliedSection) && c.state != State.FAILED) {
            LOG.debug("{}: channels.{} unchanged, not restarted", action, id);
            return;
        }
        restarter.execute(() -> {
            try {
                restart(id, "config change");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                LOG.error("restarting channel {} failed: {}", id, e.toString(), e);
            }
        });
    }

    @Override
    public List<ReloadRule> reloadRules() {
        List<ReloadRule> rules = new ArrayList<>();
        List<String> all = new ArrayList<>();
        for (String id : channels.keySet()) {
            rules.add(ReloadRule.hot("channels." + id, RESTART_CHANNEL + id));
            all.add(RESTART_CHANNEL + id);
        }
        if (!all.isEmpty()) {
            // The whole section (added, removed) or a channel with no adapter: offer every installed channel a
            // restart; apply() restarts only those whose channels.<id> differs from the one they run with.
            all.sort(null);
            rules.add(new ReloadRule("channels", ReloadRule.Kind.HOT, all));
        } else {
            // no adapter yet: a change of channels.<id> restarts that channel in place once it exists
            rules.add(ReloadRule.hot("channels", RESTART_CHANNEL + "{id}"));
        }
        return rules;
    }

    @Override
    public String name() {
        return "channel-messages";
    }

    @Override
    public int pending() {
        int n = 0;
        for (Channel c : channels.values()) {
            n += c.inFlight();
        }
        for (Channel c : leaving) {
            n += c.inFlight();
        }
        return n;
    }

    @Override
    public void beginDrain() {
        // channels keep taking messages until the framework stops them; the HTTP filter closes connections
    }

    // ---- status

    /**
     * An adapter's account rows as channels:list shows them: "never secrets" is the adapter's promise, and
     * this holds it to it (values under secret keys redacted, credentials in text scrubbed).
     */
    static Object shown(Object value) {
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(String.valueOf(k), Secrets.isSecretKey(String.valueOf(k)) && v != null
                    && !(v instanceof Boolean) ? Secrets.REDACTED : shown(v)));
            return out;
        }
        if (value instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(v -> out.add(shown(v)));
            return out;
        }
        return value instanceof String s ? Secrets.scrub(s) : value;
    }

    /** One row per installed channel, by id. */
    public List<Map<String, Object>> list() {
        List<Map<String, Object>> rows = new ArrayList<>();
        List<Channel> all = new ArrayList<>(channels.values());
        all.sort(Comparator.comparing(c -> c.id));
        for (Channel c : all) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", c.id);
            row.put("state", c.state.name().toLowerCase());
            row.put("enabled", c.enabled);
            row.put("inFlight", c.inFlight());
            row.put("startedAt", c.startedAt == 0 ? null : java.time.Instant.ofEpochMilli(c.startedAt).toString());
            row.put("starts", c.starts);
            row.put("lastError", c.lastError);
            if (c.adapter instanceof ChannelAccounts a) {
                try {
                    row.put("accounts", shown(a.accounts()));
                } catch (RuntimeException e) {
                    row.put("accounts", List.of());
                    LOG.warn("channel {}: listing its accounts failed: {}", c.id, Secrets.scrub(e.toString()));
                }
            }
            rows.add(row);
        }
        return rows;
    }

    /** The adapter of a channel as a pairing door; throws when there is none or it takes no pairing codes. */
    public ChannelPairing pairing(String id) {
        Channel c = channels.get(id);
        if (c == null) {
            throw new IllegalArgumentException("no channel adapter with id " + id + " (installed: " + new java.util.TreeSet<>(channels.keySet()) + ")");
        }
        if (!(c.adapter instanceof ChannelPairing p)) {
            throw new IllegalArgumentException("channel " + id + " has no pairing codes");
        }
        return p;
    }
}
