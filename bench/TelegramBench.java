import static support.BenchSupport.*;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import support.BenchFailure;
import support.BenchSupport;
import support.Gateway;
import support.ShellResult;
import support.Table;

/**
 * Telegram channel benchmark: the gateway's telegram channel against the Bot API emulator
 * ({@code telegram-test-api} behind {@code itests/distribution/src/test/node/telegram-shim.cjs}) on loopback,
 * with the echo agent.
 *
 * <pre>
 * javac -d CLASSES bench/support/*.java bench/TelegramBench.java
 * java -cp CLASSES TelegramBench --home DIR --node DIR [--users N] [--duration-s S] [--warmup-s S] [--rates LIST] [--restarts K]
 * </pre>
 *
 * Latency is "update available" (the user's message injected at the emulator) to "reply sent" (the bot's
 * {@code sendMessage} arriving at the emulator), both on the emulator's monotonic clock. Phases: (1)
 * saturation, closed loop: N users (own chats, own sessions) each sending its next message when the
 * previous is answered; (2) fixed rates, open loop; (3) channel restarts ({@code channels:restart telegram})
 * under a steady 20 msg/s stream: the restart's duration and the latency of the messages around it against
 * the stream's baseline. Every wait is bounded; the gateway and the emulator are stopped on exit.
 */
public final class TelegramBench {
    static final String TOKEN = "900001:BENCHbenchBENCHbenchBENCHbenchBENCH";
    static final Pattern LISTENING = Pattern.compile("listening (http://127\\.0\\.0\\.1:\\d+)");
    static final Pattern PORT = Pattern.compile("(?m)^\\s*\"?port\"?\\s*:\\s*(\\d+)");

    final Path home;
    final Path node;
    final int users;
    final long durationMs;
    final long warmupMs;
    final List<String> rates;
    final int restarts;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).version(HttpClient.Version.HTTP_1_1).build();
    String emu;
    Gateway gateway;
    long emulatorPid;

    /** Injections and replies by text, from the emulator's log (its clock, ms). */
    final Map<String, Double> injectedAt = new ConcurrentHashMap<>();
    final Map<String, Double> repliedAt = new ConcurrentHashMap<>();
    final Map<String, Integer> replies = new ConcurrentHashMap<>();
    final Map<String, CountDownLatch> waiting = new ConcurrentHashMap<>();
    final AtomicLong logSeq = new AtomicLong();
    final AtomicBoolean reading = new AtomicBoolean(true);
    /** emulator clock minus this JVM's nanoTime/1e6, from the injections (for the restart windows). */
    final List<Double> clockOffsets = Collections.synchronizedList(new ArrayList<>());
    final Map<String, Double> sentLocal = new ConcurrentHashMap<>();

    TelegramBench(Path home, Path node, int users, long durationMs, long warmupMs, List<String> rates, int restarts) {
        this.home = home;
        this.node = node;
        this.users = users;
        this.durationMs = durationMs;
        this.warmupMs = warmupMs;
        this.rates = rates;
        this.restarts = restarts;
    }

    public static void main(String[] args) {
        Path home = null;
        Path node = null;
        int users = 32;
        long duration = 15_000;
        long warmup = 3_000;
        String rates = "50,100,200";
        int restarts = 5;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--home" -> home = Path.of(value(args, ++i, "--home"));
                    case "--node" -> node = Path.of(value(args, ++i, "--node"));
                    case "--users" -> users = Integer.parseInt(value(args, ++i, "--users"));
                    case "--duration-s" -> duration = 1000L * Integer.parseInt(value(args, ++i, "--duration-s"));
                    case "--warmup-s" -> warmup = 1000L * Integer.parseInt(value(args, ++i, "--warmup-s"));
                    case "--rates" -> rates = value(args, ++i, "--rates");
                    case "--restarts" -> restarts = Integer.parseInt(value(args, ++i, "--restarts"));
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            if (home == null || node == null) {
                throw new IllegalArgumentException("--home and --node are required");
            }
        } catch (IllegalArgumentException e) {
            System.err.println("TelegramBench: " + e.getMessage());
            System.exit(2);
        }
        List<String> rateList = rates.isBlank() ? List.of() : List.of(rates.split(","));
        TelegramBench b = new TelegramBench(home, node, users, duration, warmup, rateList, restarts);
        runAndExit("TelegramBench", null, b::run);
    }

    void run() throws BenchFailure, IOException, InterruptedException {
        System.out.println("TelegramBench: " + javaVersionLine() + "; " + Runtime.getRuntime().availableProcessors() + " cpus; load "
                + loadAverage());
        startEmulator();
        writeConfig();
        Path console = Files.createDirectories(home.resolve("data/bench")).resolve("console.out");
        gateway = Gateway.launch(home, console, "TelegramBench", 90_000, 50);
        System.out.printf(Locale.ROOT, "gateway ready in %.0f ms (pid %d); emulator %s%n", gateway.readyMs, gateway.pid, emu);
        awaitPolling();
        Thread reader = new Thread(this::readLog, "emulator-log");
        reader.setDaemon(true);
        reader.start();
        try {
            Table t = new Table("p50", 90, 99);
            // warm-up (unrecorded), then saturation
            closedLoop("w", users, warmupMs);
            long[] cpu0 = cpu();
            long w0 = System.nanoTime();
            Result sat = closedLoop("s", users, durationMs);
            long[] cpu1 = cpu();
            double secs = (System.nanoTime() - w0) / 1e9;
            t.section("saturation, closed loop: " + users + " users (own chats and sessions), " + durationMs / 1000 + " s");
            t.row("update -> reply latency", sat.latencies, "ms", "", "");
            t.text("throughput", fmt(sat.perSecond()), "msg/s");
            t.text("cpu gateway / emulator / harness", fmt((cpu1[0] - cpu0[0]) / 100.0 / secs) + " / " + fmt((cpu1[1] - cpu0[1]) / 100.0 / secs)
                    + " / " + fmt((cpu1[2] - cpu0[2]) / 100.0 / secs), "cores");
            t.count("replies sent twice", sat.duplicates, "0", verdict(sat.duplicates == 0));
            t.count("unanswered at the end", sat.unanswered, "0", verdict(sat.unanswered == 0));
            for (String r : rates) {
                double rate = r.endsWith("%") ? sat.perSecond() * Double.parseDouble(r.substring(0, r.length() - 1)) / 100
                        : Double.parseDouble(r);
                Result o = openLoop("r" + r.replace("%", "p"), rate, durationMs);
                t.section(String.format(Locale.ROOT, "fixed rate, open loop: %.0f msg/s for %d s", rate, durationMs / 1000));
                t.row("update -> reply latency", o.latencies, "ms", "", "");
                t.text("achieved", fmt(o.perSecond()), "msg/s");
                t.count("unanswered at the end", o.unanswered, "0", verdict(o.unanswered == 0));
            }
            if (restarts > 0) {
                restartPhase(t);
            }
            System.out.println();
            t.print(System.out);
        } finally {
            reading.set(false);
            double stopMs = gateway.stop(60_000);
            System.out.printf(Locale.ROOT, "gateway stopped in %.0f ms%n", stopMs);
        }
    }

    /** utime + stime (clock ticks, 100 per second on Linux) of the gateway, the emulator and this JVM. */
    long[] cpu() throws IOException {
        return new long[] {ticks(gateway.pid), ticks(emulatorPid), ticks(ProcessHandle.current().pid())};
    }

    static long ticks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    // ---- setup

    void startEmulator() throws IOException, InterruptedException, BenchFailure {
        if (!Files.isDirectory(node.resolve("node_modules/telegram-test-api")) || !Files.exists(node.resolve("telegram-shim.cjs"))) {
            throw new BenchFailure(node + " has no telegram-test-api and telegram-shim.cjs (bench/telegram.sh prepares it)");
        }
        Path out = Files.createTempFile("telegram-shim", ".out");
        ProcessBuilder pb = new ProcessBuilder("node", "telegram-shim.cjs", "0").directory(node.toFile())
                .redirectErrorStream(true).redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().put("SHIM_MAX_SECONDS", "3600");
        Process p = pb.start();
        CHILDREN.add(p);
        emulatorPid = p.pid();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            Matcher m = LISTENING.matcher(Files.readString(out));
            if (m.find()) {
                emu = m.group(1);
                return;
            }
            if (!p.isAlive() || System.nanoTime() > deadline) {
                throw new BenchFailure("the emulator did not start: " + Files.readString(out));
            }
            p.waitFor(20, TimeUnit.MILLISECONDS);
        }
    }

    void writeConfig() throws IOException, BenchFailure {
        Path conf = home.resolve("etc/gatehouse.json");
        Matcher m = PORT.matcher(Files.readString(conf));
        if (!m.find()) {
            throw new BenchFailure("no gateway.port in " + conf);
        }
        Files.writeString(conf, """
                // TelegramBench: the echo agent, one session per user, the telegram channel on the emulator
                {
                  gateway: { bind: "loopback", port: %s, reload: { deferralTimeoutMs: 30000 } },
                  logging: { level: "warn", levels: { "io.gatehouse.channels": "info" } },
                  session: { dmScope: "per-channel-peer" },
                  channels: { telegram: { botToken: "%s", apiRoot: "%s", dmPolicy: "open", allowFrom: ["*"], pollTimeoutSeconds: 25 } },
                }
                """.formatted(m.group(1), TOKEN, emu));
    }

    void awaitPolling() throws IOException, InterruptedException, BenchFailure {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String last = "";
        while (System.nanoTime() < deadline) {
            ShellResult r = BenchSupport.shell(home, "channels:list --json", true);
            last = r.out;
            if (r.status == 0 && r.out.contains("\"state\" : \"polling\"")) {
                return;
            }
            Thread.sleep(100);
        }
        throw new BenchFailure("the telegram account is not polling: " + last);
    }

    // ---- the emulator's log

    static final Pattern ENTRY = Pattern.compile("\\{\"seq\":(\\d+),\"token\":(?:\"[^\"]*\"|null),\"method\":\"(\\w+)\",\"params\":\\{(.*?)\\},\"at\":\\d+,\"t\":([0-9.]+)");
    static final Pattern TEXT = Pattern.compile("\"text\":\"((?:[^\"\\\\]|\\\\.)*)\"");

    void readLog() {
        while (reading.get()) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(emu + "/__shim/calls?since=" + logSeq.get()))
                        .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
                String body = r.body();
                Matcher m = ENTRY.matcher(body);
                long next = logSeq.get();
                while (m.find()) {
                    next = Math.max(next, Long.parseLong(m.group(1)) + 1);
                    String method = m.group(2);
                    Matcher tm = TEXT.matcher(m.group(3));
                    if (!tm.find()) {
                        continue;
                    }
                    String text = tm.group(1);
                    double t = Double.parseDouble(m.group(4));
                    if (method.equals("__inject")) {
                        injectedAt.put(text, t);
                        Double local = sentLocal.get(text);
                        if (local != null) {
                            clockOffsets.add(t - local);
                        }
                    } else if (method.equals("sendMessage") && text.startsWith("echo: ")) {
                        String key = text.substring(6);
                        repliedAt.putIfAbsent(key, t);
                        replies.merge(key, 1, Integer::sum);
                        CountDownLatch l = waiting.remove(key);
                        if (l != null) {
                            l.countDown();
                        }
                    }
                }
                logSeq.set(next);
                if (next == logSeq.get()) {
                    Thread.sleep(2);
                }
            } catch (IOException e) {
                // the emulator is going away at the end
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    void inject(long chat, String text) throws IOException, InterruptedException {
        sentLocal.put(text, System.nanoTime() / 1e6);
        String body = "{\"botToken\":\"" + TOKEN + "\",\"from\":{\"id\":" + chat + ",\"is_bot\":false,\"first_name\":\"U\"},\"chat\":{\"id\":"
                + chat + ",\"type\":\"private\"},\"date\":1,\"text\":\"" + text + "\"}";
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(emu + "/sendMessage")).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("inject: HTTP " + r.statusCode());
        }
    }

    // ---- phases

    record Result(List<Double> latencies, long answered, long duplicates, long unanswered, long windowMs) {
        double perSecond() {
            return answered * 1000.0 / windowMs;
        }
    }

    /** Each user sends, waits for its answer, sends again, for {@code ms}. */
    Result closedLoop(String tag, int n, long ms) throws InterruptedException, BenchFailure {
        List<String> sent = Collections.synchronizedList(new ArrayList<>());
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
        AtomicLong answeredInWindow = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        List<String> errors = Collections.synchronizedList(new ArrayList<>());
        for (int u = 0; u < n; u++) {
            int user = u;
            Thread th = new Thread(() -> {
                long seq = 0;
                while (System.nanoTime() < end) {
                    String text = tag + "u" + user + "n" + seq++;
                    CountDownLatch l = new CountDownLatch(1);
                    waiting.put(text, l);
                    try {
                        sent.add(text);
                        inject(100_000 + user, text);
                        if (!l.await(30, TimeUnit.SECONDS)) {
                            errors.add("no answer to " + text + " within 30 s");
                            return;
                        }
                        if (System.nanoTime() <= end) {
                            answeredInWindow.incrementAndGet();
                        }
                    } catch (IOException | InterruptedException e) {
                        errors.add(e.toString());
                        return;
                    }
                }
            }, "user-" + u);
            th.start();
            threads.add(th);
        }
        for (Thread th : threads) {
            th.join(ms + 60_000);
        }
        if (!errors.isEmpty()) {
            throw new BenchFailure(tag + ": " + errors.get(0));
        }
        return result(sent, answeredInWindow.get(), ms);
    }

    /** Messages at a fixed rate (each from the next of {@code users} users), whatever the answers. */
    Result openLoop(String tag, double rate, long ms) throws InterruptedException, BenchFailure {
        List<String> sent = Collections.synchronizedList(new ArrayList<>());
        ScheduledExecutorService s = Executors.newScheduledThreadPool(4);
        long periodNs = (long) (1e9 / rate);
        long count = (long) (rate * ms / 1000);
        List<String> errors = Collections.synchronizedList(new ArrayList<>());
        try {
            for (long i = 0; i < count; i++) {
                long k = i;
                s.schedule(() -> {
                    String text = tag + "n" + k;
                    sent.add(text);
                    try {
                        inject(200_000 + k % users, text);
                    } catch (IOException | InterruptedException e) {
                        errors.add(e.toString());
                    }
                }, i * periodNs, TimeUnit.NANOSECONDS);
            }
        } finally {
            s.shutdown();
            s.awaitTermination(ms + 30_000, TimeUnit.MILLISECONDS);
        }
        if (!errors.isEmpty()) {
            throw new BenchFailure(tag + ": " + errors.get(0));
        }
        awaitAll(sent, 30_000);
        return result(sent, sent.stream().filter(repliedAt::containsKey).count(), ms);
    }

    void awaitAll(List<String> sent, long ms) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
        while (System.nanoTime() < deadline && !sent.stream().allMatch(repliedAt::containsKey)) {
            Thread.sleep(20);
        }
    }

    Result result(List<String> sent, long answered, long windowMs) throws InterruptedException {
        awaitAll(sent, 30_000);
        List<Double> lat = new ArrayList<>();
        long dup = 0;
        long missing = 0;
        synchronized (sent) {
            for (String s : sent) {
                Double a = injectedAt.get(s);
                Double r = repliedAt.get(s);
                if (a == null || r == null) {
                    missing++;
                    continue;
                }
                lat.add(r - a);
                if (replies.getOrDefault(s, 0) > 1) {
                    dup++;
                }
            }
        }
        return new Result(lat, answered, dup, missing, windowMs);
    }

    /** A steady stream with channel restarts in it: how long a restart takes, and what it adds to latency. */
    void restartPhase(Table t) throws IOException, InterruptedException, BenchFailure {
        double rate = 20;
        long between = 3_000;
        long ms = (restarts + 1) * between + 2_000;
        List<String> sent = Collections.synchronizedList(new ArrayList<>());
        List<double[]> windows = new ArrayList<>(); // local clock: start, end
        List<Double> restartMs = new ArrayList<>();
        ScheduledExecutorService s = Executors.newScheduledThreadPool(2);
        long periodNs = (long) (1e9 / rate);
        long count = (long) (rate * ms / 1000);
        for (long i = 0; i < count; i++) {
            long k = i;
            s.schedule(() -> {
                String text = "xn" + k;
                sent.add(text);
                try {
                    inject(300_000 + k % 8, text);
                } catch (IOException | InterruptedException e) {
                    // counted as unanswered
                }
            }, i * periodNs, TimeUnit.NANOSECONDS);
        }
        Thread.sleep(between);
        for (int r = 0; r < restarts; r++) {
            double t0 = System.nanoTime() / 1e6;
            ShellResult res = BenchSupport.shell(home, "channels:restart telegram", true);
            double t1 = System.nanoTime() / 1e6;
            if (res.status != 0 || !res.out.contains("restarted")) {
                throw new BenchFailure("channels:restart failed: " + res.out + res.err);
            }
            restartMs.add(t1 - t0);
            windows.add(new double[] {t0, t1});
            Thread.sleep(between);
        }
        s.shutdown();
        s.awaitTermination(ms + 30_000, TimeUnit.MILLISECONDS);
        awaitAll(sent, 30_000);
        double offset = median(new ArrayList<>(clockOffsets));
        List<Double> base = new ArrayList<>();
        List<Double> hit = new ArrayList<>();
        Map<Integer, Double> worst = new HashMap<>();
        long missing = 0;
        long dup = 0;
        for (String x : sent) {
            Double a = injectedAt.get(x);
            Double r = repliedAt.get(x);
            if (a == null || r == null) {
                missing++;
                continue;
            }
            if (replies.getOrDefault(x, 0) > 1) {
                dup++;
            }
            double lat = r - a;
            double local = a - offset;
            int in = -1;
            for (int w = 0; w < windows.size(); w++) {
                // a message available from 1 s before a restart starts until it has ended is "around" it
                if (local >= windows.get(w)[0] - 1000 && local <= windows.get(w)[1]) {
                    in = w;
                }
            }
            if (in >= 0) {
                hit.add(lat);
                worst.merge(in, lat, Math::max);
            } else {
                base.add(lat);
            }
        }
        double baseP50 = median(base);
        List<Double> added = new ArrayList<>();
        for (double w : worst.values()) {
            added.add(Math.max(0, w - baseP50));
        }
        t.section(String.format(Locale.ROOT, "channel restarts: %d x channels:restart telegram under a %.0f msg/s stream", restarts, rate));
        t.row("channels:restart (drain, stop, start)", restartMs, "ms", "", "");
        t.row("latency, messages not near a restart", base, "ms", "", "");
        t.row("latency, messages around a restart", hit, "ms", "", "");
        t.row("added latency (worst per restart - base p50)", added, "ms", "", "");
        t.count("replies sent twice", dup, "0", verdict(dup == 0));
        t.count("unanswered at the end", missing, "0", verdict(missing == 0));
    }
}
