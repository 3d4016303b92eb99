package io.gatehouse.channel.telegram;

import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.osgi.framework.BundleContext;
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
import io.gatehouse.api.channel.MessageSink;
import io.gatehouse.api.routing.Router;
import io.gatehouse.api.skills.SkillsChangeEvent;
import io.gatehouse.api.skills.SkillsListener;
import io.gatehouse.api.skills.SkillsSnapshot;

/**
 * The {@code telegram} channel: the Telegram Bot API accounts of {@code channels.telegram} (see
 * {@link TelegramSettings}), each a {@link TelegramAccount}. The channel manager starts it with the section
 * and restarts it in process (after draining) when the section changes; every start reads the section
 * afresh and every stop ends every poller before the next start begins one, so a bot is polled once per
 * process. A bot's {@link DeliveryLog} stays open across restarts (replies of the previous run can still
 * be recorded) and closes when the bot leaves the config or the bundle stops.
 *
 * <p>Files: {@code data/telegram/bot-<bot id>/} (delivery log per bot), {@code data/telegram/pairing.json}.
 */
@Component(service = {ChannelAdapter.class, TelegramChannel.class, SkillsListener.class},
        property = ChannelAdapter.CHANNEL_ID + "=" + TelegramChannel.ID)
public final class TelegramChannel implements ChannelAdapter, ChannelAccounts, ChannelPairing, TelegramAccount.Host, SkillsListener {
    private static final Logger LOG = LoggerFactory.getLogger(TelegramChannel.class);
    public static final String ID = "telegram";
    /** How long a stop lets replies being sent finish. */
    static final long REPLY_WAIT_MS = 10_000;

    private final Path home;
    private final Path dataDir;
    private final ScheduledExecutorService timer;
    private final ExecutorService httpExecutor;
    private final HttpClient http;
    private final Object lifecycle = new Object();
    /** Open delivery logs by bot key; guarded by lifecycle. */
    private final Map<String, DeliveryLog> logs = new LinkedHashMap<>();
    private volatile Map<String, TelegramAccount> accounts = Map.of();
    /** Counters by account id, across restarts of the channel. */
    private final Map<String, TelegramAccount.Stats> stats = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile List<TelegramSettings.Problem> problems = List.of();
    private volatile MessageSink sink;
    private volatile PairingStore pairing;
    private volatile boolean deactivated;
    /** The last section that passed the schema, and why the one in force did not (null when it did). */
    private Map<String, Object> lastGood; // guarded by lifecycle
    private volatile String configError;
    private volatile long stallMarginMs = TelegramAccount.STALL_MARGIN_MS;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    volatile Router router;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    volatile SkillsSnapshot skills;

    @Activate
    public TelegramChannel(BundleContext context) {
        this(dataOf(context));
    }

    /** @param data the gateway's data directory */
    TelegramChannel(Path data) {
        this.dataDir = data.resolve("telegram");
        Path parent = data.toAbsolutePath().getParent();
        this.home = parent != null ? parent : data.toAbsolutePath();
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, daemon("gatehouse-telegram-timer"));
        t.setRemoveOnCancelPolicy(true);
        this.timer = t;
        this.httpExecutor = Executors.newFixedThreadPool(2, daemon("gatehouse-telegram-http"));
        this.http = HttpClient.newBuilder().executor(httpExecutor).connectTimeout(Duration.ofSeconds(10))
                .version(HttpClient.Version.HTTP_1_1).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    private static Path dataOf(BundleContext context) {
        String data = context.getProperty("gatehouse.data");
        return data != null ? Path.of(data) : Path.of("data");
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread th = new Thread(r, name + "-" + n.incrementAndGet());
            th.setDaemon(true);
            return th;
        };
    }

    @Override
    public String id() {
        return ID;
    }

    /** Skills changed: each running account's command menu follows (published only when it differs). */
    @Override
    public void skillsChanged(SkillsChangeEvent event) {
        for (TelegramAccount a : accounts.values()) {
            a.refreshCommands();
        }
    }

    @Override
    public void start(Map<String, Object> channelConfig, MessageSink sink) throws Exception {
        synchronized (lifecycle) {
            if (deactivated) {
                throw new IllegalStateException("the telegram channel component is stopped");
            }
            stopAccounts();
            if (pairing == null) {
                pairing = new PairingStore(dataDir.resolve("pairing.json"));
            }
            // The config pipeline checks the section against this bundle's schema before it is in force;
            // should an invalid one arrive all the same, the accounts run on with the last good one.
            List<io.gatehouse.api.config.schema.Issue> issues = new ArrayList<>();
            TelegramSettings.schema().check(TelegramSection.PREFIX, channelConfig, issues);
            issues.removeIf(io.gatehouse.api.config.schema.Issue::warning);
            Map<String, Object> section = channelConfig;
            if (!issues.isEmpty()) {
                StringBuilder b = new StringBuilder("invalid config:");
                for (var i : issues) {
                    b.append(' ').append(i.path()).append(": ").append(i.reason()).append(';');
                }
                String why = b.substring(0, b.length() - 1);
                if (lastGood == null) {
                    configError = why;
                    throw new IllegalArgumentException(why);
                }
                configError = why + " (running with the previous channels.telegram)";
                LOG.error("telegram: {}", configError);
                section = lastGood;
            } else {
                lastGood = channelConfig;
                configError = null;
            }
            TelegramSettings s = TelegramSettings.parse(section, System::getenv, home);
            List<TelegramSettings.Problem> found = new ArrayList<>(s.problems);
            Map<String, TelegramAccount> started = new LinkedHashMap<>();
            Set<String> bots = new HashSet<>();
            this.sink = sink;
            for (TelegramSettings.Account a : s.accounts) {
                String bot = a.botKey();
                DeliveryLog log = logs.get(bot);
                if (log == null) {
                    try {
                        log = DeliveryLog.open(dataDir.resolve("bot-" + bot));
                    } catch (IOException e) {
                        found.add(new TelegramSettings.Problem(a.id(), Secrets.redact(e.getMessage(), a.token())));
                        continue;
                    }
                    logs.put(bot, log);
                    if (log.droppedOnOpen() > 0) {
                        LOG.warn("telegram bot {}: a torn record at the end of {} was dropped (the gateway stopped while writing it)", bot,
                                log.dir().resolve("journal"));
                    }
                }
                bots.add(bot);
                TelegramAccount acc = new TelegramAccount(a, this, log, stats.computeIfAbsent(a.id(), k -> new TelegramAccount.Stats()));
                started.put(a.id(), acc);
            }
            // bots no longer configured: their logs close
            for (var it = logs.entrySet().iterator(); it.hasNext();) {
                var e = it.next();
                if (!bots.contains(e.getKey())) {
                    e.getValue().close();
                    it.remove();
                }
            }
            problems = List.copyOf(found);
            accounts = Map.copyOf(started);
            for (TelegramSettings.Problem p : found) {
                LOG.error("telegram account {} not started: {}", p.accountId(), p.reason());
            }
            for (TelegramAccount acc : started.values()) {
                acc.start();
            }
            if (started.isEmpty() && !found.isEmpty()) {
                StringBuilder b = new StringBuilder("no telegram account could start:");
                for (TelegramSettings.Problem p : found) {
                    b.append(" account ").append(p.accountId()).append(": ").append(p.reason()).append(';');
                }
                throw new IllegalStateException(b.substring(0, b.length() - 1));
            }
            LOG.info("telegram channel started: {} account(s){}", started.size(),
                    found.isEmpty() ? "" : ", " + found.size() + " not started (channels:list shows why)");
        }
    }

    @Override
    public void stop() {
        synchronized (lifecycle) {
            sink = null;
            stopAccounts();
        }
    }

    private void stopAccounts() {
        Map<String, TelegramAccount> running = accounts;
        accounts = Map.of();
        for (TelegramAccount a : running.values()) {
            a.stop(REPLY_WAIT_MS);
        }
    }

    @Deactivate
    void deactivate() {
        synchronized (lifecycle) {
            deactivated = true;
            sink = null;
            stopAccounts();
            for (DeliveryLog l : logs.values()) {
                l.close();
            }
            logs.clear();
        }
        timer.shutdownNow();
        httpExecutor.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
            httpExecutor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The running account with this webhook path, or null. */
    TelegramAccount webhookAccount(String path) {
        for (TelegramAccount a : accounts.values()) {
            if (a.settings.webhook() && a.settings.webhookPath().equals(path)) {
                return a;
            }
        }
        return null;
    }

    // ---- Host

    @Override
    public MessageSink sink() {
        return sink;
    }

    @Override
    public Router router() {
        return router;
    }

    @Override
    public SkillsSnapshot skills() {
        return skills;
    }

    @Override
    public PairingStore pairing() {
        return pairing;
    }

    @Override
    public ScheduledExecutorService timer() {
        return timer;
    }

    @Override
    public HttpClient http() {
        return http;
    }

    @Override
    public long stallMarginMs() {
        return stallMarginMs;
    }

    /** For tests: a shorter watchdog margin. */
    void stallMarginMs(long ms) {
        stallMarginMs = ms;
    }

    // ---- ChannelAccounts, ChannelPairing

    @Override
    public List<Map<String, Object>> accounts() {
        List<Map<String, Object>> rows = new ArrayList<>();
        Map<String, TelegramAccount> running = accounts;
        running.values().stream().sorted((x, y) -> x.id().compareTo(y.id())).forEach(a -> {
            Map<String, Object> row = a.status();
            if (configError != null) {
                row.put("configError", configError);
            }
            rows.add(row);
        });
        for (TelegramSettings.Problem p : problems) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put(ACCOUNT_ID, p.accountId());
            m.put(STATE, "failed");
            m.put(LAST_ERROR, p.reason());
            rows.add(m);
        }
        return rows;
    }

    @Override
    public String approvePairing(String code) throws Exception {
        PairingStore store = pairing;
        if (store == null) {
            throw new IllegalStateException("the telegram channel has not started (no channels.telegram section?)");
        }
        PairingStore.Request r = store.approve(code);
        TelegramAccount a = accounts.get(r.accountId());
        if (a != null) {
            a.notifyApproved(r.sender());
        }
        LOG.info("telegram account {}: sender {} approved by the operator (code {})", r.accountId(), r.sender(), r.code());
        return "approved sender " + r.sender() + (r.name() == null || r.name().isBlank() ? "" : " (" + r.name() + ")") + " on telegram account "
                + r.accountId() + (a == null ? " (account not running: not notified)" : "; they were told");
    }

    @Override
    public List<Map<String, Object>> pendingPairings() {
        PairingStore store = pairing;
        if (store == null) {
            return List.of();
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (PairingStore.Request r : store.pending()) {
            out.add(PairingStore.row(r));
        }
        return out;
    }
}
