package io.gatehouse.channel.telegram;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;

import io.gatehouse.api.channel.InboundMessage;
import io.gatehouse.api.channel.MessageSink;
import io.gatehouse.api.channel.Reply;
import io.gatehouse.api.channel.TurnRejectedException;
import io.gatehouse.api.routing.ResolvedRoute;
import io.gatehouse.api.routing.RouteRequest;
import io.gatehouse.api.routing.Router;
import io.gatehouse.api.skills.SkillsSnapshot;
import io.gatehouse.channel.telegram.DeliveryLog.Entry;
import io.gatehouse.channel.telegram.DeliveryLog.State;
import io.gatehouse.channel.telegram.Inbound.Kind;
import io.gatehouse.channel.telegram.Inbound.Prepared;
import io.gatehouse.channel.telegram.TelegramSettings.Account;

/**
 * One running Telegram account (one bot): receives its updates (long polling, or a webhook), records them
 * in the bot's {@link DeliveryLog} before anything else happens, hands messages to the agents and sends the
 * replies.
 *
 * <p>Threads: all of the account's state changes run on its own single thread, one task at a time; network
 * calls are asynchronous and come back to it; delays run on the channel's timer. Nothing waits for Telegram
 * or for an agent while holding a thread.
 *
 * <p>Polling: one {@code getUpdates} at a time with the recorded offset and {@code timeout}; a poll that has
 * not answered within its timeout plus {@link #STALL_MARGIN_MS} is abandoned and started again (the
 * watchdog; counted as a stall). Errors: 401 fails the account (its poller stops; the others run on), 409
 * (a webhook is set) deletes the webhook, 429 waits {@code retry_after}, anything else backs off
 * exponentially with jitter.
 */
final class TelegramAccount {
    private static final Logger LOG = LoggerFactory.getLogger(TelegramAccount.class);
    static final long STALL_MARGIN_MS = 5_000;
    /** Turns running at once per account before polling pauses (the agents queue the rest of a burst anyway). */
    static final int MAX_IN_FLIGHT = 256;
    /** A streamed reply shows a preview message once it has this much text. */
    static final int MIN_PREVIEW_CHARS = 30;
    static final int SEND_ATTEMPTS = 6;
    static final List<String> ALLOWED_UPDATES = List.of("message", "edited_message", "callback_query");

    /** What the account needs from its channel. */
    interface Host {
        MessageSink sink();

        Router router();

        SkillsSnapshot skills();

        PairingStore pairing();

        ScheduledExecutorService timer();

        java.net.http.HttpClient http();

        /** How long past its timeout a poll may go unanswered before the watchdog abandons it. */
        default long stallMarginMs() {
            return STALL_MARGIN_MS;
        }
    }

    final Account settings;
    private final Host host;
    private final DeliveryLog log;
    private final BotApi api;
    private final ExecutorService exec;

    // state, changed on exec only (volatile for status readers)
    private volatile String state = "starting";
    private volatile String lastError;
    private volatile long lastErrorAt;
    private volatile long botId;
    private volatile String botUsername;
    /** getMe's {@code has_topics_enabled}: direct messages in a topic get a session of their own. */
    private volatile boolean dmTopics;
    private volatile long pollStartedAt;
    private volatile long lastPollAt;
    private volatile long lastStallAt;
    private CompletableFuture<JsonNode> poll;
    private long generation;
    private int consecutiveErrors;
    private boolean pausedForBackpressure;
    private volatile boolean stopping;
    private ScheduledFuture<?> watchdog;
    private int inFlight;

    private final AtomicLong messagesIn;
    private final AtomicLong messagesOut;
    private final AtomicLong duplicates;
    private final AtomicLong stalls;
    private final AtomicLong replayed;
    private final AtomicLong refusedBusy;
    private final Object repliesLock = new Object();
    private int pendingReplies; // guarded by repliesLock

    /** An account's counters: kept by the channel across its restarts (a config change), reset with the process. */
    static final class Stats {
        final AtomicLong messagesIn = new AtomicLong();
        final AtomicLong messagesOut = new AtomicLong();
        final AtomicLong duplicates = new AtomicLong();
        final AtomicLong stalls = new AtomicLong();
        final AtomicLong replayed = new AtomicLong();
        /** Messages the agent runtime refused because the gateway was full; their senders were told to send again. */
        final AtomicLong refusedBusy = new AtomicLong();
    }

    TelegramAccount(Account settings, Host host, DeliveryLog log) {
        this(settings, host, log, new Stats());
    }

    TelegramAccount(Account settings, Host host, DeliveryLog log, Stats stats) {
        this.settings = settings;
        this.messagesIn = stats.messagesIn;
        this.messagesOut = stats.messagesOut;
        this.duplicates = stats.duplicates;
        this.stalls = stats.stalls;
        this.replayed = stats.replayed;
        this.refusedBusy = stats.refusedBusy;
        this.host = host;
        this.log = log;
        this.api = new BotApi(host.http(), settings.apiRoot(), settings.token(), BotApi.delays(host.timer()));
        this.exec = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "gatehouse-telegram-" + settings.id());
            t.setDaemon(true);
            return t;
        });
    }

    String id() {
        return settings.id();
    }

    BotApi api() {
        return api;
    }

    // ---- lifecycle

    void start() {
        exec.execute(this::init);
        if (!settings.webhook()) {
            watchdog = host.timer().scheduleWithFixedDelay(() -> run(this::checkStall), 1, 1, TimeUnit.SECONDS);
        }
    }

    /**
     * Stops receiving now, lets replies being sent finish (bounded), then stops the account's thread. A turn
     * still running has its message left {@link State#DISPATCHED}: it runs again at the next start.
     */
    void stop(long replyWaitMs) {
        stopping = true;
        if (watchdog != null) {
            watchdog.cancel(false);
        }
        run(() -> {
            generation++;
            if (poll != null) {
                poll.cancel(true);
                poll = null;
            }
            if (!"failed".equals(state)) {
                state = "stopped";
            }
        });
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(replyWaitMs);
        synchronized (repliesLock) {
            while (pendingReplies > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    LOG.warn("telegram account {}: {} reply(ies) still being sent after {} ms; stopping anyway", id(), pendingReplies, replyWaitMs);
                    break;
                }
                try {
                    repliesLock.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        exec.shutdown();
        try {
            if (!exec.awaitTermination(5, TimeUnit.SECONDS)) {
                exec.shutdownNow();
            }
        } catch (InterruptedException e) {
            exec.shutdownNow();
            Thread.currentThread().interrupt();
        }
        try {
            log.sync();
        } catch (IOException e) {
            LOG.warn("telegram account {}: delivery log not synced at stop: {}", id(), e.toString());
        }
    }

    /** Runs on the account's thread; dropped once it is stopped. */
    private void run(Runnable r) {
        try {
            exec.execute(() -> {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    LOG.error("telegram account {}: {}", id(), e.toString(), e);
                    error("internal error: " + e);
                }
            });
        } catch (RejectedExecutionException e) {
            // stopped
        }
    }

    private void error(String message) {
        lastError = Secrets.redact(message, settings.token());
        lastErrorAt = System.currentTimeMillis();
    }

    private void fail(String message) {
        error(message);
        state = "failed";
        generation++;
        if (poll != null) {
            poll.cancel(true);
            poll = null;
        }
        if (watchdog != null) {
            watchdog.cancel(false);
        }
        LOG.error("telegram account {} failed: {}", id(), lastError);
    }

    private void init() {
        if (stopping) {
            return;
        }
        api.call("getMe", Map.of(), Duration.ofSeconds(30)).whenComplete((me, e) -> run(() -> {
            if (stopping) {
                return;
            }
            if (e != null) {
                TelegramException te = TelegramException.of(e);
                if (te.unauthorized()) {
                    fail("401 Unauthorized: Telegram rejected the bot token (from " + settings.tokenSource()
                            + "); fix channels.telegram and the channel restarts");
                    return;
                }
                consecutiveErrors++;
                state = "backoff";
                error("getMe: " + te.getMessage());
                LOG.warn("telegram account {}: {}; retrying", id(), lastError);
                later(te.code() == 429 ? 0 : BotApi.backoffMs(consecutiveErrors - 1), this::init);
                return;
            }
            consecutiveErrors = 0;
            botId = me.path("id").asLong();
            botUsername = me.hasNonNull("username") ? me.path("username").asText() : null;
            dmTopics = me.path("has_topics_enabled").asBoolean(false);
            LOG.info("telegram account {}: bot @{} (id {}), {}", id(), botUsername, botId,
                    settings.webhook() ? "webhook " + settings.webhookPath() : "long polling");
            if (settings.nativeCommands()) {
                publishCommands();
            }
            replay();
            if (settings.webhook()) {
                setWebhook();
            } else {
                state = "polling";
                poll();
            }
        }));
    }

    private void later(long ms, Runnable r) {
        try {
            host.timer().schedule(() -> run(r), Math.max(0, ms), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // stopping
        }
    }

    // ---- commands (setMyCommands)

    /** Telegram's limit on the commands of one menu. */
    static final int MAX_MENU_COMMANDS = 100;

    /**
     * The bot's menu: the channel's commands and the skill commands of the account's agent, exactly as the
     * skills service names them ({@link SkillsSnapshot.AgentSkills#commands()}: user-invocable skills only,
     * command-safe and unique per agent), so that the menu offers what the agent runtime will invoke.
     */
    List<Map<String, String>> commands() {
        List<Map<String, String>> out = new ArrayList<>();
        out.add(Map.of("command", "start", "description", "Start talking to the assistant"));
        out.add(Map.of("command", "new", "description", "Start a new session"));
        out.add(Map.of("command", "status", "description", "Show the agent and session of this chat"));
        out.add(Map.of("command", "help", "description", "List the commands"));
        // the skills service already keeps these names out; a skill must never shadow the channel's own
        Set<String> taken = new HashSet<>(List.of("start", "new", "status", "help", "reset"));
        SkillsSnapshot skills = host.skills();
        Router router = host.router();
        if (skills != null && router != null) {
            try {
                ResolvedRoute r = router.resolve(new RouteRequest(TelegramChannel.ID, id(), null, null, null, List.of(), null));
                for (SkillsSnapshot.Command c : skills.forAgent(r.agentId()).commands()) {
                    if (out.size() >= MAX_MENU_COMMANDS) {
                        break;
                    }
                    if (taken.add(c.name())) {
                        out.add(Map.of("command", c.name(), "description", c.description()));
                    }
                }
            } catch (RuntimeException e) {
                LOG.debug("telegram account {}: skills for the command menu unavailable: {}", id(), e.toString());
            }
        }
        return out;
    }

    /** The menu last sent to Telegram (account thread only), so that an unchanged menu is not sent again. */
    private List<Map<String, String>> publishedCommands;

    private void publishCommands() {
        List<Map<String, String>> cmds = commands();
        if (cmds.equals(publishedCommands)) {
            return;
        }
        publishedCommands = cmds;
        api.send("setMyCommands", Map.of("commands", cmds), 3).whenComplete((r, e) -> {
            if (e != null) {
                TelegramException te = TelegramException.of(e);
                LOG.warn("telegram account {}: setMyCommands failed: {}", id(), te.getMessage());
                run(() -> {
                    if (publishedCommands == cmds) {
                        publishedCommands = null; // the next change tries again
                    }
                });
            } else {
                LOG.debug("telegram account {}: {} commands published", id(), cmds.size());
            }
        });
    }

    /**
     * The skills (or the agent this account routes to) changed: the menu is published again when it is not
     * the one Telegram has. Runs on the account's thread; nothing before getMe has answered.
     */
    void refreshCommands() {
        run(() -> {
            if (!stopping && botId != 0 && settings.nativeCommands()) {
                publishCommands();
            }
        });
    }

    // ---- receiving: long polling

    private void poll() {
        if (stopping || "failed".equals(state)) {
            return;
        }
        if (inFlight >= MAX_IN_FLIGHT) {
            pausedForBackpressure = true;
            return;
        }
        pausedForBackpressure = false;
        long gen = ++generation;
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("offset", log.offset());
        params.put("timeout", settings.pollTimeoutSeconds());
        params.put("allowed_updates", ALLOWED_UPDATES);
        pollStartedAt = System.currentTimeMillis();
        // The watchdog abandons the poll first; the request timeout is only the last resort.
        Duration requestTimeout = Duration.ofMillis(settings.pollTimeoutSeconds() * 1000L + host.stallMarginMs() + 30_000);
        CompletableFuture<JsonNode> f = api.call("getUpdates", params, requestTimeout);
        poll = f;
        f.whenComplete((r, e) -> run(() -> onPoll(gen, r, e)));
    }

    private void checkStall() {
        long started = pollStartedAt;
        if (stopping || started == 0 || poll == null || !"polling".equals(state) && !"stalled".equals(state)) {
            return;
        }
        long waited = System.currentTimeMillis() - started;
        if (waited > settings.pollTimeoutSeconds() * 1000L + host.stallMarginMs()) {
            lastStallAt = System.currentTimeMillis();
            error("getUpdates did not answer within " + waited + " ms (timeout " + settings.pollTimeoutSeconds()
                    + " s + " + host.stallMarginMs() + " ms): abandoned and restarted");
            stalls.incrementAndGet();
            LOG.warn("telegram account {}: {}", id(), lastError);
            generation++;
            poll.cancel(true);
            poll = null;
            pollStartedAt = 0;
            poll();
        }
    }

    private void onPoll(long gen, JsonNode result, Throwable err) {
        if (gen != generation || stopping) {
            return; // abandoned (watchdog, stop, restart): its answer is not ours any more
        }
        poll = null;
        pollStartedAt = 0;
        lastPollAt = System.currentTimeMillis();
        if (err != null) {
            TelegramException te = TelegramException.of(err);
            if (te.unauthorized()) {
                fail("401 Unauthorized: Telegram rejected the bot token (from " + settings.tokenSource()
                        + "); this account stopped polling; fix channels.telegram and the channel restarts");
                return;
            }
            if (te.code() == 409) {
                error("getUpdates: " + te.getMessage());
                if (te.description().toLowerCase(Locale.ROOT).contains("webhook")) {
                    LOG.info("telegram account {}: a webhook is set; deleting it to poll", id());
                    api.send("deleteWebhook", Map.of("drop_pending_updates", false), 3)
                            .whenComplete((r, e) -> run(this::poll));
                    return;
                }
            }
            consecutiveErrors++;
            state = "backoff";
            error("getUpdates: " + te.getMessage());
            long wait = te.code() == 429 ? 0 : BotApi.backoffMs(consecutiveErrors - 1);
            LOG.warn("telegram account {}: {}; polling again in {} ms", id(), lastError, wait);
            later(wait, () -> {
                if (!"failed".equals(state) && !stopping) {
                    state = "polling";
                    poll();
                }
            });
            return;
        }
        consecutiveErrors = 0;
        state = "polling";
        if (result != null && result.isArray() && !result.isEmpty()) {
            long gen2 = generation;
            receive(result).whenComplete((ok, e) -> run(() -> {
                if (gen2 != generation || stopping) {
                    return;
                }
                if (Boolean.TRUE.equals(ok)) {
                    poll();
                } else if (!"failed".equals(state)) {
                    later(BotApi.backoffMs(0), this::poll); // not recorded: poll again from the same offset
                }
            }));
            return;
        }
        poll();
    }

    // ---- receiving: the one path every update takes

    /**
     * Decides, records (on disk before anything else) and then dispatches a batch. Completes with false when
     * it could not be recorded: then nothing was dispatched, and the updates come again.
     */
    private CompletableFuture<Boolean> receive(JsonNode updates) {
        long maxId = -1;
        List<Entry> dispatched = new ArrayList<>();
        List<Entry> done = new ArrayList<>();
        List<Prepared> todo = new ArrayList<>();
        Set<String> inBatch = new HashSet<>();
        for (JsonNode u : updates) {
            long uid = u.path("update_id").asLong();
            maxId = Math.max(maxId, uid);
            Prepared p;
            try {
                p = Inbound.prepare(settings, botId, botUsername, dmTopics, host.pairing()::isApproved, u);
            } catch (RuntimeException e) {
                LOG.warn("telegram account {}: update {} could not be read ({}); skipped", id(), uid, e.toString());
                continue;
            }
            if (!p.hasMessage()) {
                LOG.debug("telegram account {}: update {}: {}", id(), uid, p.reason());
                continue;
            }
            if (log.get(p.chat(), p.messageId()) != null || !inBatch.add(p.key())) {
                duplicates.incrementAndGet();
                LOG.info("telegram account {}: chat {} message {} (update {}) was already received; dropped", id(), p.chat(),
                        p.messageId(), uid);
                continue;
            }
            if (p.kind() == Kind.NONE) {
                LOG.debug("telegram account {}: chat {} message {}: {}", id(), p.chat(), p.messageId(), p.reason());
                done.add(new Entry(p.chat(), p.messageId(), uid, State.DONE, null, System.currentTimeMillis()));
            } else {
                // kept for a replay; a token in it (test servers echo it back) never reaches the disk
                String raw = u.toString().replace(settings.token(), Secrets.REDACTED);
                dispatched.add(new Entry(p.chat(), p.messageId(), uid, State.DISPATCHED, raw, System.currentTimeMillis()));
                todo.add(p);
            }
        }
        try {
            log.recordBatch(maxId + 1, maxId, dispatched, done, false);
        } catch (IOException e) {
            error("cannot record received updates in " + log.dir() + " (" + e.getMessage() + "): not acknowledged, they come again");
            LOG.error("telegram account {}: {}", id(), lastError);
            return CompletableFuture.completedFuture(false);
        }
        // Nothing reaches an agent, and the next poll (which acknowledges the batch) does not start, before
        // the record is on disk; records of replies written meanwhile share the same force.
        CompletableFuture<Boolean> recorded = new CompletableFuture<>();
        log.durable().whenComplete((v, e) -> run(() -> {
            if (e != null) {
                fail("cannot write the delivery log in " + log.dir() + " (" + e.getMessage()
                        + "): stopped receiving, so that nothing is acknowledged that is not recorded");
                recorded.complete(false);
                return;
            }
            for (int i = 0; i < todo.size(); i++) {
                handle(todo.get(i), dispatched.get(i), false);
            }
            recorded.complete(true);
        }));
        return recorded;
    }

    /** A webhook update: recorded like a polled one; the stage completes once it is durable (then Telegram gets 200). */
    CompletableFuture<Boolean> receiveWebhook(JsonNode update) {
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        try {
            exec.execute(() -> {
                try {
                    if (stopping || "failed".equals(state)) {
                        done.complete(false);
                        return;
                    }
                    lastPollAt = System.currentTimeMillis();
                    com.fasterxml.jackson.databind.node.ArrayNode one = BotApi.JSON.createArrayNode();
                    one.add(update);
                    receive(one).whenComplete((ok, e) -> done.complete(e == null && Boolean.TRUE.equals(ok)));
                } catch (RuntimeException e) {
                    done.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            done.complete(false);
        }
        return done;
    }

    private void setWebhook() {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("url", settings.webhookUrl());
        params.put("secret_token", settings.webhookSecret());
        params.put("allowed_updates", ALLOWED_UPDATES);
        params.put("drop_pending_updates", false);
        api.send("setWebhook", params, SEND_ATTEMPTS).whenComplete((r, e) -> run(() -> {
            if (e != null) {
                TelegramException te = TelegramException.of(e);
                if (te.unauthorized()) {
                    fail("401 Unauthorized: Telegram rejected the bot token (from " + settings.tokenSource() + ")");
                } else {
                    state = "backoff";
                    error("setWebhook: " + te.getMessage());
                    later(BotApi.backoffMs(consecutiveErrors++), this::setWebhook);
                }
                return;
            }
            state = "webhook";
            LOG.info("telegram account {}: webhook set; Telegram posts to {}", id(), settings.webhookPath());
        }));
    }

    /** Messages recorded but not answered when the bot last stopped: their turns run again. */
    private void replay() {
        for (Entry e : log.unfinished()) {
            if (e.state == State.SENDING && e.preview == 0 || e.raw == null) {
                LOG.warn("telegram account {}: the reply to {} was being sent when the gateway stopped; it is not sent again", id(), e);
                mark(e, State.DONE, 0, 0, false);
                continue;
            }
            JsonNode u;
            try {
                u = BotApi.JSON.readTree(e.raw);
            } catch (IOException ex) {
                mark(e, State.DONE, 0, 0, false);
                continue;
            }
            Prepared p = Inbound.prepare(settings, botId, botUsername, dmTopics, host.pairing()::isApproved, u);
            replayed.incrementAndGet();
            LOG.info("telegram account {}: replaying {} ({})", id(), e, p.kind());
            if (p.kind() == Kind.NONE) {
                mark(e, State.DONE, 0, 0, false);
            } else {
                handle(p, e, true);
            }
        }
    }

    // ---- handling

    private void handle(Prepared p, Entry entry, boolean replay) {
        messagesIn.incrementAndGet();
        switch (p.kind()) {
            case AGENT, NEW_SESSION -> turn(p, entry, replay);
            case START -> local(p, entry, "Hi" + (p.senderName().isEmpty() ? "" : " " + p.senderName().split(" ")[0])
                    + "! I pass your messages to the assistant. Just write.\n\n/new starts a new session, /status shows where this chat goes.");
            case HELP -> local(p, entry, help());
            case STATUS -> local(p, entry, status(p));
            case PAIR -> pair(p, entry, replay);
            default -> mark(entry, State.DONE, 0, 0, false);
        }
    }

    private String help() {
        StringBuilder b = new StringBuilder("**Commands**\n");
        for (Map<String, String> c : commands()) {
            b.append("- /").append(c.get("command")).append(": ").append(c.get("description")).append('\n');
        }
        return b.toString().strip();
    }

    private String status(Prepared p) {
        Router router = host.router();
        StringBuilder b = new StringBuilder("**Status**\n");
        b.append("- account: `").append(id()).append("`\n");
        if (router != null) {
            try {
                ResolvedRoute r = router.resolve(p.route());
                b.append("- agent: `").append(r.agentId()).append("`\n");
                b.append("- session: `").append(r.sessionKey()).append("`\n");
                b.append("- matched by: `").append(r.matchedBy()).append("`\n");
            } catch (RuntimeException e) {
                b.append("- routing failed: ").append(e.getMessage()).append('\n');
            }
        }
        b.append("- peer: `").append(p.route().peer().kind()).append(':').append(p.route().peer().id()).append('`');
        return b.toString();
    }

    private void pair(Prepared p, Entry entry, boolean replay) {
        PairingStore.Issued issued;
        try {
            issued = host.pairing().request(id(), p.senderId(), p.senderName().isEmpty() ? p.username() : p.senderName());
        } catch (IOException e) {
            error("pairing: cannot save the request: " + e.getMessage());
            mark(entry, State.DONE, 0, 0, false);
            return;
        }
        if (issued == null) {
            LOG.info("telegram account {}: sender {} asked to pair, but {} requests are pending already", id(), p.senderId(),
                    PairingStore.MAX_PENDING);
            mark(entry, State.DONE, 0, 0, false);
            return;
        }
        if (!issued.created() && !replay) {
            mark(entry, State.DONE, 0, 0, false); // the code was sent with the first message
            return;
        }
        String code = issued.request().code();
        LOG.info("telegram account {}: pairing request {} from sender {} ({}); approve with: channels:pair telegram {}", id(), code,
                p.senderId(), issued.request().name(), code);
        local(p, entry, "I don't know you yet, so I can't pass your messages on.\n\nYour pairing code: `" + code
                + "`\n\nAsk the operator of this gateway to approve it:\n`channels:pair telegram " + code + "`");
    }

    /** Tells an approved sender (best effort). */
    void notifyApproved(String sender) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("chat_id", Long.parseLong(sender));
        params.put("text", "✅ You are approved. Send me a message to talk to the assistant.");
        api.send("sendMessage", params, SEND_ATTEMPTS).whenComplete((r, e) -> {
            if (e == null) {
                messagesOut.incrementAndGet();
            } else {
                LOG.warn("telegram account {}: could not tell sender {} about the approval: {}", id(), sender,
                        TelegramException.of(e).getMessage());
            }
        });
    }

    private void local(Prepared p, Entry entry, String markdown) {
        beginReply();
        deliverReply(p, entry, markdown, null).whenComplete((v, e) -> endReply());
    }

    // ---- agent turns

    private void turn(Prepared p, Entry entry, boolean replay) {
        MessageSink sink = host.sink();
        if (sink == null) {
            LOG.info("telegram account {}: channel stopping; {} is answered after the next start", id(), entry);
            return; // stays DISPATCHED: replayed at the next start
        }
        inFlight++;
        beginReply();
        Map<String, String> attrs = new LinkedHashMap<>(p.attributes());
        if (p.kind() == Kind.NEW_SESSION) {
            attrs.put(InboundMessage.SESSION_RESET, "true");
        }
        InboundMessage m = new InboundMessage(p.route(), p.text(), entry.at, attrs);
        Typing typing = new Typing(p);
        Stream stream = new Stream(p, entry);
        if (replay && entry.preview != 0) {
            stream.preview = entry.preview; // finish the preview that was shown before the crash, in place
            stream.frozen = true;
        } else if (!settings.streaming()) {
            stream.frozen = true;
        }
        CompletableFuture<Reply> turn;
        try {
            turn = sink.deliver(m, d -> run(() -> stream.delta(d))).toCompletableFuture();
        } catch (RuntimeException e) {
            turn = CompletableFuture.failedFuture(e);
        }
        turn.whenComplete((reply, err) -> run(() -> {
            typing.stop();
            String text;
            if (err != null) {
                Throwable c = err instanceof java.util.concurrent.CompletionException && err.getCause() != null ? err.getCause() : err;
                if (c instanceof TurnRejectedException full) {
                    // the gateway is full (agents.maxQueuedTurns) or stopping: nothing was recorded, so the
                    // sender has to send it again; debug only, a full gateway would otherwise flood the log
                    refusedBusy.incrementAndGet();
                    LOG.debug("telegram account {}: the turn for {} was refused: {}", id(), entry, c.getMessage());
                    text = busyText(full.retryAfterSeconds());
                } else {
                    LOG.warn("telegram account {}: the turn for {} failed: {}", id(), entry, c.toString());
                    text = "⚠️ Sorry, that did not work: the assistant failed to answer. Try again in a moment.";
                }
            } else if ((reply.text() == null || reply.text().isBlank()) && p.kind() == Kind.NEW_SESSION) {
                text = "✨ New session started.";
            } else {
                text = reply.text() == null ? "" : reply.text();
            }
            stream.finish(text).whenComplete((v, e) -> run(() -> {
                inFlight--;
                endReply();
                if (pausedForBackpressure && inFlight < MAX_IN_FLIGHT / 2) {
                    poll();
                }
            }));
        }));
    }

    /** The reply to a message the full gateway refused: it was not taken, so the sender sends it again. */
    static String busyText(long retryAfterSeconds) {
        return "⏳ The gateway is busy and did not take this message; please send it again in " + retryAfterSeconds + " s.";
    }

    private void beginReply() {
        synchronized (repliesLock) {
            pendingReplies++;
        }
    }

    private void endReply() {
        synchronized (repliesLock) {
            pendingReplies--;
            repliesLock.notifyAll();
        }
    }

    /** The typing indicator while a turn runs: sent now and every 4 s (Telegram shows it for 5 s). */
    private final class Typing {
        private final ScheduledFuture<?> repeat;

        Typing(Prepared p) {
            Map<String, Object> params = new LinkedHashMap<>();
            params.put("chat_id", p.chat());
            params.put("action", "typing");
            if (p.threadId() != null) {
                params.put("message_thread_id", p.threadId()); // General (1) too: typing needs it there
            }
            Runnable send = () -> api.call("sendChatAction", params, Duration.ofSeconds(10)).whenComplete((r, e) -> {
                if (e != null) {
                    LOG.debug("telegram account {}: sendChatAction: {}", id(), TelegramException.of(e).getMessage());
                }
            });
            send.run();
            ScheduledFuture<?> f;
            try {
                f = host.timer().scheduleWithFixedDelay(send, 4, 4, TimeUnit.SECONDS);
            } catch (RejectedExecutionException e) {
                f = null;
            }
            repeat = f;
        }

        void stop() {
            if (repeat != null) {
                repeat.cancel(false);
            }
        }
    }

    /**
     * A reply as it is produced: with streaming on, a preview message (plain text) once there is enough text,
     * edited in place at most every {@code streamThrottleMs}; at the end the whole reply replaces the preview
     * (as HTML) and further parts follow as new messages. Every Bot API call of one reply goes through
     * {@link #chain}, in order.
     */
    private final class Stream {
        final Prepared p;
        final Entry entry;
        final StringBuilder text = new StringBuilder();
        long preview;
        boolean frozen; // no preview updates (streaming off, a replay, or the reply is done)
        boolean previewRequested;
        long lastEditAt;
        String lastShown = "";
        ScheduledFuture<?> pendingEdit;
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);

        Stream(Prepared p, Entry entry) {
            this.p = p;
            this.entry = entry;
        }

        void delta(String d) {
            if (frozen) {
                return;
            }
            text.append(d);
            if (!previewRequested) {
                if (text.length() >= MIN_PREVIEW_CHARS) {
                    previewRequested = true;
                    String first = shown();
                    lastShown = first;
                    lastEditAt = System.currentTimeMillis();
                    chain = chain.thenCompose(v -> markSending(entry)).thenCompose(ok -> {
                        if (!ok) {
                            return CompletableFuture.completedFuture(null);
                        }
                        return sendPart(p, first, true, false).thenAccept(id -> run(() -> {
                            if (id != null && id != 0) {
                                preview = id;
                                mark(entry, State.SENDING, id, 0, false); // on disk with the next force
                            }
                        }));
                    }).exceptionally(e -> {
                        LOG.debug("telegram account {}: preview failed: {}", id(), TelegramException.of(e).getMessage());
                        return null;
                    });
                }
                return;
            }
            if (pendingEdit == null) {
                long delay = Math.max(0, lastEditAt + settings.streamThrottleMs() - System.currentTimeMillis());
                try {
                    pendingEdit = host.timer().schedule(() -> run(this::edit), delay, TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException e) {
                    // stopping
                }
            }
        }

        /** The preview text: the reply so far, cut to the first message's size. */
        private String shown() {
            int limit = settings.textChunkLimit();
            return text.length() <= limit ? text.toString() : text.substring(0, limit - 1) + "…";
        }

        private void edit() {
            pendingEdit = null;
            if (frozen) {
                return;
            }
            String now = shown();
            if (now.equals(lastShown)) {
                return;
            }
            lastShown = now;
            lastEditAt = System.currentTimeMillis();
            chain = chain.thenCompose(v -> preview == 0 ? CompletableFuture.completedFuture(null)
                    : editText(p, preview, now, false).exceptionally(e -> null));
        }

        /** The whole reply is there: deliver it (replacing the preview), then mark the message answered. */
        CompletableFuture<Void> finish(String whole) {
            frozen = true;
            if (pendingEdit != null) {
                pendingEdit.cancel(false);
                pendingEdit = null;
            }
            CompletableFuture<Void> done = new CompletableFuture<>();
            chain.whenComplete((v, e) -> run(() -> deliverReply(p, entry, whole, this).whenComplete((v2, e2) -> done.complete(null))));
            return done;
        }
    }

    // ---- sending

    /**
     * The SENDING mark, on disk before the first call that may show the user something (completes with false,
     * and nothing is sent, when it cannot be written: a reply is never sent without it).
     */
    private CompletableFuture<Boolean> markSending(Entry entry) {
        try {
            if (entry.state != State.SENDING) {
                log.mark(entry, State.SENDING, 0, 0, false);
            }
        } catch (IOException e) {
            error("cannot record a reply as being sent (" + e.getMessage() + "); not sent, so that it can never be sent twice");
            LOG.error("telegram account {}: {}", id(), lastError);
            return CompletableFuture.completedFuture(false);
        }
        return log.durable().handle((v, e) -> {
            if (e != null) {
                error("cannot record a reply as being sent (" + e.getMessage() + "); not sent, so that it can never be sent twice");
                LOG.error("telegram account {}: {}", id(), lastError);
                return false;
            }
            return true;
        });
    }

    private void mark(Entry e, State s, long preview, int parts, boolean force) {
        try {
            log.mark(e, s, preview, parts, force);
        } catch (IOException ex) {
            LOG.warn("telegram account {}: cannot record {} as {}: {}", id(), e, s, ex.toString());
        }
    }

    /**
     * Sends a reply in parts (Markdown as HTML, plain text when Telegram rejects the HTML): into the preview
     * when there is one (an edit), then as new messages; parts a replay finds sent already are skipped.
     */
    private CompletableFuture<Void> deliverReply(Prepared p, Entry entry, String markdown, Stream stream) {
        List<String> parts = ReplySplitter.split(markdown, settings.textChunkLimit());
        if (parts.isEmpty()) {
            if (stream != null && stream.preview != 0) {
                parts = List.of(stream.lastShown.isEmpty() ? "…" : stream.lastShown);
            } else {
                mark(entry, State.REPLIED, 0, 0, false);
                return CompletableFuture.completedFuture(null);
            }
        }
        long preview = stream != null ? stream.preview : 0;
        boolean[] allowed = {true};
        CompletableFuture<Void> chain = markSending(entry).thenAccept(ok -> allowed[0] = ok);
        int start = Math.max(entry.parts, 0);
        List<String> all = parts;
        for (int i = 0; i < all.size(); i++) {
            int k = i;
            if (k == 0 && preview != 0) {
                String first = all.get(0);
                if (stream.lastShown.equals(first) && TelegramHtml.render(first).equals(TelegramHtml.escape(first))) {
                    continue; // the preview shows the whole first part already, and it has no markup: nothing to edit
                }
                chain = chain.thenCompose(v -> !allowed[0] ? CompletableFuture.completedFuture(null)
                        : editText(p, preview, first, true).thenAccept(x -> run(() -> mark(entry, State.SENDING, 0, 1, false))));
                continue;
            }
            if (k < start) {
                continue; // sent before a crash
            }
            chain = chain.thenCompose(v -> !allowed[0] ? CompletableFuture.completedFuture(null)
                    : sendPart(p, all.get(k), k == 0, true).thenAccept(id -> run(() -> mark(entry, State.SENDING, 0, k + 1, false))));
        }
        return chain.handle((v, e) -> {
            run(() -> {
                if (e != null) {
                    TelegramException te = TelegramException.of(e);
                    error("reply to chat " + p.chat() + " message " + p.messageId() + " not sent: " + te.getMessage());
                    LOG.warn("telegram account {}: {}", id(), lastError);
                    if (te.unauthorized()) {
                        fail("401 Unauthorized: Telegram rejected the bot token (from " + settings.tokenSource() + ")");
                    }
                    mark(entry, State.DONE, 0, 0, false);
                } else if (allowed[0]) {
                    mark(entry, State.REPLIED, 0, 0, false);
                }
            });
            return null;
        });
    }

    /** One message; completes with its message id (0 when Telegram did not say). */
    private CompletableFuture<Long> sendPart(Prepared p, String markdown, boolean first, boolean html) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("chat_id", p.chat());
        if (p.sendThreadId() != null) {
            params.put("message_thread_id", p.sendThreadId());
        }
        if (first && p.group()) {
            params.put("reply_parameters", Map.of("message_id", p.messageId(), "allow_sending_without_reply", true));
        }
        if (html) {
            params.put("text", TelegramHtml.render(markdown));
            params.put("parse_mode", "HTML");
        } else {
            params.put("text", markdown);
        }
        return api.send("sendMessage", params, SEND_ATTEMPTS).handle((r, e) -> {
            if (e == null) {
                messagesOut.incrementAndGet();
                return CompletableFuture.completedFuture(r.path("message_id").asLong());
            }
            TelegramException te = TelegramException.of(e);
            if (html && te.entitiesRejected()) {
                LOG.info("telegram account {}: Telegram rejected the HTML ({}); sending the text plain", id(), te.description());
                return sendPart(p, markdown, first, false);
            }
            if (te.threadNotFound() && params.containsKey("message_thread_id")) {
                LOG.info("telegram account {}: topic {} of chat {} not found; sending to the chat", id(), p.sendThreadId(), p.chat());
                Prepared noThread = new Prepared(p.kind(), p.updateId(), p.hasMessage(), p.chat(), p.messageId(), p.chatType(), p.group(),
                        p.threadId(), null, p.senderId(), p.username(), p.senderName(), p.text(), p.route(), p.attributes(), p.reason());
                return sendPart(noThread, markdown, first, html);
            }
            return CompletableFuture.<Long>failedFuture(te);
        }).thenCompose(f -> f);
    }

    private CompletableFuture<Void> editText(Prepared p, long messageId, String markdown, boolean html) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("chat_id", p.chat());
        params.put("message_id", messageId);
        if (html) {
            params.put("text", TelegramHtml.render(markdown));
            params.put("parse_mode", "HTML");
        } else {
            params.put("text", markdown);
        }
        return api.send("editMessageText", params, html ? SEND_ATTEMPTS : 2).handle((r, e) -> {
            if (e == null) {
                return CompletableFuture.<Void>completedFuture(null);
            }
            TelegramException te = TelegramException.of(e);
            if (te.notModified()) {
                return CompletableFuture.<Void>completedFuture(null);
            }
            if (html && te.entitiesRejected()) {
                return editText(p, messageId, markdown, false);
            }
            return CompletableFuture.<Void>failedFuture(te);
        }).thenCompose(f -> f);
    }

    // ---- status

    Map<String, Object> status() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("accountId", id());
        m.put("state", state);
        m.put("mode", settings.webhook() ? "webhook" : "polling");
        m.put("bot", botUsername == null ? null : "@" + botUsername);
        m.put("botId", Secrets.botKey(settings.token()));
        m.put("tokenSource", settings.tokenSource());
        m.put("lastUpdateId", log.lastUpdateId());
        m.putAll(log.summary());
        m.put("messagesIn", messagesIn.get());
        m.put("messagesOut", messagesOut.get());
        m.put("duplicatesDropped", duplicates.get());
        m.put("replayed", replayed.get());
        m.put("refusedBusy", refusedBusy.get());
        m.put("stalls", stalls.get());
        m.put("lastStallAt", lastStallAt == 0 ? null : Instant.ofEpochMilli(lastStallAt).toString());
        m.put("lastPollAt", lastPollAt == 0 ? null : Instant.ofEpochMilli(lastPollAt).toString());
        m.put("rateLimited", api.rateLimitedCount());
        long until = api.rateLimitedUntil();
        m.put("rateLimitedUntil", until == 0 ? null : Instant.ofEpochMilli(until).toString());
        m.put("lastError", lastError);
        m.put("lastErrorAt", lastErrorAt == 0 ? null : Instant.ofEpochMilli(lastErrorAt).toString());
        return m;
    }

    String state() {
        return state;
    }
}
