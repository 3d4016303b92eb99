import static support.BenchSupport.*;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import support.BenchFailure;
import support.BenchSupport;
import support.Gateway;
import support.MockModel;
import support.NioLoad;
import support.Table;

/**
 * Concurrent conversations with real model latency: N users write at the same time through
 * {@code POST /v1/chat/completions} to an agent whose model (an OpenAI-compatible server of this
 * harness, {@link MockModel}) answers after a fixed delay, plain or streamed (pieces over the delay).
 *
 * <pre>
 * javac -d CLASSES bench/support/*.java bench/TurnsBench.java
 * java -cp CLASSES TurnsBench --home DIR [--conversations 100,1000,5000] [--delay-ms 2000] [--modes plain,stream]
 * </pre>
 *
 * Per phase (N conversations, one mode): the client ({@link NioLoad}: one thread, one keep-alive connection
 * per conversation) opens N connections first (unmeasured), then sends the N messages at once, each from its
 * own peer (own session), and checks every reply ({@code mock: <message>}). The same N requests sent
 * straight to the mock model first give the harness's own share ("harness alone"). Figures: time from the first send to the last answer; per
 * message the answer time (send to whole response) and the gateway's overhead = answer time - model
 * delay; the gateway JVM's threads and RSS sampled every 50 ms (peak); its CPU over the phase.
 *
 * <p>The home must be a private copy of the distribution (bench/turns.sh makes one); this harness adds the
 * mock provider and the agent's model to its gatehouse.json. All traffic stays on 127.0.0.1; every wait
 * is bounded; the gateway is stopped before exit. Exit status: 0 measured, 1 harness failure, 2 usage.
 */
public final class TurnsBench {
    static final Pattern PLAIN_CONTENT = Pattern.compile("\"message\":\\{\"role\":\"assistant\",\"content\":\"((?:[^\"\\\\]|\\\\.)*)\"");
    static final Pattern DELTA_CONTENT = Pattern.compile("\"delta\":\\{\"content\":\"((?:[^\"\\\\]|\\\\.)*)\"\\}");

    final Path home;
    final Path outDir;
    final List<Integer> sizes;
    final long delayMs;
    final List<String> modes;
    final int pieces;
    /** bench/floor/floor.sh instead of the gateway: what the two HTTP stacks alone cost (null: the gateway). */
    Path floor;
    Gateway gateway;
    MockModel model;
    URI chat;
    long clkTck = 100;

    TurnsBench(Path home, Path outDir, List<Integer> sizes, long delayMs, List<String> modes, int pieces) {
        this.home = home;
        this.outDir = outDir;
        this.sizes = sizes;
        this.delayMs = delayMs;
        this.modes = modes;
        this.pieces = pieces;
    }

    public static void main(String[] args) {
        Path home = null;
        String sizes = "100,1000,5000";
        long delay = 2000;
        String modes = "plain,stream";
        int pieces = 10;
        Path floor = null;
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--home" -> home = Path.of(value(args, ++i, a));
                    case "--conversations" -> sizes = value(args, ++i, a);
                    case "--delay-ms" -> delay = Long.parseLong(value(args, ++i, a));
                    case "--modes" -> modes = value(args, ++i, a);
                    case "--pieces" -> pieces = Integer.parseInt(value(args, ++i, a));
                    case "--floor" -> floor = Path.of(value(args, ++i, a));
                    case "-h", "--help" -> {
                        usage(System.out);
                        System.exit(0);
                    }
                    default -> throw new IllegalArgumentException("unknown option " + a);
                }
            }
            if (home == null) {
                throw new IllegalArgumentException("--home is required");
            }
            if (delay < 0 || pieces < 1) {
                throw new IllegalArgumentException("--delay-ms >= 0, --pieces >= 1");
            }
        } catch (IllegalArgumentException e) {
            System.err.println("TurnsBench: " + e.getMessage());
            usage(System.err);
            System.exit(2);
        }
        List<Integer> n = new ArrayList<>();
        for (String s : sizes.split(",")) {
            n.add(Integer.parseInt(s.trim()));
        }
        List<String> m = new ArrayList<>();
        for (String s : modes.split(",")) {
            if (!s.equals("plain") && !s.equals("stream")) {
                System.err.println("TurnsBench: --modes takes plain and/or stream");
                System.exit(2);
            }
            m.add(s);
        }
        Path h = home.toAbsolutePath().normalize();
        TurnsBench bench = new TurnsBench(h, h.resolve("data/bench"), n, delay, m, pieces);
        bench.floor = floor;
        BenchSupport.runAndExit("TurnsBench", null, () -> {
            Files.createDirectories(bench.outDir);
            bench.run();
        });
    }

    static void usage(java.io.PrintStream out) {
        out.println("usage: java -cp CLASSES TurnsBench --home DIR [--conversations 100,1000,5000] [--delay-ms 2000]");
        out.println("           [--modes plain,stream] [--pieces 10] [--floor bench/floor/floor.sh]");
    }

    void run() throws IOException, InterruptedException, BenchFailure {
        clkTck = clkTck();
        System.out.printf(Locale.ROOT, "Gatehouse concurrent conversations benchmark (openai channel -> openai-compatible provider -> mock model)%n");
        System.out.printf(Locale.ROOT, "  machine   nproc %d, %s%n", Runtime.getRuntime().availableProcessors(), javaVersionLine());
        System.out.printf(Locale.ROOT, "  load avg  %s at the start%n", loadAverage());
        System.out.printf(Locale.ROOT, "  plan      conversations %s, modes %s, model delay %d ms (streamed: %d pieces over the delay)%n%n",
                sizes, modes, delayMs, pieces);

        model = new MockModel(delayMs, pieces);
        configure();
        gateway = floor == null ? Gateway.launch(home, outDir.resolve("console.out"), "gatehouse-bench", 60_000, 20)
                : Gateway.launch(List.of(floor.toString(), home.toString(), Integer.toString(model.port())), home,
                        outDir.resolve("console.out"), "gatehouse-bench", 60_000, 20);
        if (floor != null) {
            System.out.printf(Locale.ROOT, "  FLOOR: %s instead of the gateway (Jetty in, JDK HttpClient out, nothing else)%n", floor);
        }
        int port = Integer.parseInt(gateway.listen.substring(gateway.listen.lastIndexOf(':') + 1));
        chat = URI.create("http://127.0.0.1:" + port + "/v1/chat/completions");
        Thread.sleep(2000);
        double idleRss = rssMb(gateway.pid);
        int idleThreads = threads(gateway.pid);
        System.out.printf(Locale.ROOT, "  gateway pid %d on %s, idle RSS %.1f MB, %d threads; mock model on 127.0.0.1:%d%n%n",
                gateway.pid, gateway.listen, idleRss, idleThreads, model.port());

        // one conversation first: the whole path works before anything is measured
        Phase probe = phase(1, "plain", "probe");
        if (probe.ok != 1) {
            throw new BenchFailure("the first message failed: " + probe.errors + " " + probe.firstError + "\n" + tail(gateway.console, 20));
        }

        Table t = new Table("p50", 90, 99);
        List<Phase> all = new ArrayList<>();
        int round = 0;
        for (int n : sizes) {
            for (String mode : modes) {
                Phase p = phase(n, mode, "r" + (round++));
                all.add(p);
                report(t, p);
            }
        }
        Thread.sleep(1000);
        double rss = rssMb(gateway.pid);
        double hwm = hwmMb(gateway.pid);
        int threadsAfter = threads(gateway.pid);
        double stop = gateway.stop(60_000);
        model.close();

        t.section("Gateway JVM");
        t.row("RSS idle after start (VmRSS)", List.of(idleRss), "MB", "", "");
        t.count("threads idle after start", idleThreads, "", "");
        t.row("RSS after the run (VmRSS)", List.of(rss), "MB", "", "");
        t.row("peak RSS of the whole run (VmHWM)", List.of(hwm), "MB", "<= 400 MB", verdict(hwm <= 400));
        t.count("threads after the run", threadsAfter, "", "");
        t.row("graceful stop (SIGTERM -> exit)", List.of(stop), "ms", "", "");

        System.out.println();
        System.out.printf(Locale.ROOT, "nproc %d; load avg %s at the end; model delay %d ms%n", Runtime.getRuntime().availableProcessors(),
                loadAverage(), delayMs);
        System.out.println();
        t.print(System.out);
        System.out.println();
        System.out.println("answer time: message sent -> whole response read (streamed: to data: [DONE]); overhead = answer time - model delay");
        System.out.println("threads, RSS: the gateway JVM (/proc/<pid>/status), sampled every 50 ms during the phase; cpu: its cores used on average");
        for (Phase p : all) {
            if (!p.errors.isEmpty()) {
                System.out.println("errors in '" + p.title() + "': " + p.errors + " first: " + p.firstError);
            }
        }
    }

    /** The mock provider and the agent's model, added to the home's gatehouse.json before start. */
    void configure() throws IOException {
        Path conf = home.resolve("etc/gatehouse.json");
        String text = Files.readString(conf);
        int brace = text.indexOf("{\n");
        if (brace < 0) {
            throw new IOException(conf + ": no line starting the config object");
        }
        String add = "\n  // added by TurnsBench: the benchmark's mock model\n"
                + "  models: { providers: { mock: { type: \"openai-compatible\", baseUrl: \"http://127.0.0.1:" + model.port()
                + "/v1\", model: \"mock\", maxRetries: 0, timeoutMs: 120000 } } },\n"
                + "  agents: { defaults: { model: \"mock/mock\" }, maxQueuedTurns: 100000 },\n";
        Files.writeString(conf, text.substring(0, brace + 1) + add + text.substring(brace + 2));
    }

    static final class Phase {
        final int n;
        final String mode;
        final List<Double> answerMs = Collections.synchronizedList(new ArrayList<>());
        final List<Double> overheadMs = Collections.synchronizedList(new ArrayList<>());
        /** The same requests straight to the mock: what the harness and the mock cost alone. */
        final List<Double> harnessMs = new ArrayList<>();
        final Map<String, Long> errors = new TreeMap<>();
        volatile String firstError;
        int ok;
        double lastAnswerMs;
        double sendMs;
        int peakThreads;
        double peakRss;
        double cores;
        /** Gateway CPU (user + sys) over the phase, per conversation. */
        double cpuMsPerTurn;
        long modelMax;
        /** From the first send to the first / last request reaching the model. */
        double firstArrivalMs;
        double arrivalsMs;

        Phase(int n, String mode) {
            this.n = n;
            this.mode = mode;
        }

        String title() {
            return String.format(Locale.ROOT, "%d concurrent conversations, %s", n, mode);
        }

        synchronized void error(String kind, String detail) {
            errors.merge(kind, 1L, Long::sum);
            if (firstError == null) {
                firstError = detail;
            }
        }
    }

    Phase phase(int n, String mode, String tag) throws IOException, InterruptedException, BenchFailure {
        Phase p = new Phase(n, mode);
        boolean stream = mode.equals("stream");
        if (n > 1) {
            System.out.printf(Locale.ROOT, "  running: %s%n", p.title());
        }
        InetSocketAddress gatewayAddress = new InetSocketAddress("127.0.0.1", chat.getPort());
        // The harness alone: the same n requests straight to the mock model (no gateway), for reference.
        if (n > 1) {
            try (NioLoad direct = new NioLoad(new InetSocketAddress("127.0.0.1", model.port()))) {
                direct.open(n, 500, 60_000);
                List<byte[]> reqs = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    reqs.add(request("direct", "hello " + tag + " " + i, stream));
                }
                for (NioLoad.Exchange e : direct.exchange(reqs, delayMs + 60_000)) {
                    if (e.error == null && e.status == 200) {
                        p.harnessMs.add((e.doneNanos - e.sentNanos) / 1e6 - delayMs);
                    }
                }
            }
        }
        try (NioLoad load = new NioLoad(gatewayAddress)) {
            // n connections opened first (unmeasured), at most 500 connecting at once, and each used once for
            // GET /v1/models: an open socket may still wait in the kernel's accept queue; an answered one is
            // the gateway's, so what is measured next is the turns, not the accepting of connections
            load.open(n, 500, 120_000);
            byte[] models = "GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
            List<byte[]> warm = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                warm.add(models);
            }
            for (NioLoad.Exchange e : load.exchange(warm, 120_000)) {
                if (e.error != null || e.status != 200) {
                    throw new BenchFailure("a warm-up GET /v1/models failed: " + (e.error != null ? e.error : "http " + e.status));
                }
            }
            List<byte[]> reqs = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                reqs.add(request("conv-" + tag + "-" + i, "hello " + tag + " " + i, stream));
            }
            model.maxInFlight.set(0);
            model.resetArrivals();
            Sampler sampler = new Sampler(gateway.pid);
            sampler.start();
            long cpu0 = cpuTicks(gateway.pid);
            long t0 = System.nanoTime();
            List<NioLoad.Exchange> ex = load.exchange(reqs, delayMs + 120_000);
            long t1 = System.nanoTime();
            sampler.stop();
            long ticks = cpuTicks(gateway.pid) - cpu0;
            p.cores = ticks / (double) clkTck / ((t1 - t0) / 1e9);
            p.cpuMsPerTurn = ticks * 1000.0 / clkTck / n;
            long last = t0;
            long lastSent = t0;
            for (int i = 0; i < n; i++) {
                NioLoad.Exchange e = ex.get(i);
                lastSent = Math.max(lastSent, e.sentNanos);
                if (e.error != null) {
                    p.error("io", e.error);
                    continue;
                }
                last = Math.max(last, e.doneNanos);
                String body = e.bodyText();
                if (e.status != 200) {
                    p.error("http " + e.status, "http " + e.status + ": " + abbreviate(body));
                    continue;
                }
                String text = "hello " + tag + " " + i;
                String got = stream ? streamed(body) : plain(body);
                if (!("mock: " + text).equals(got)) {
                    p.error("wrong reply", "wrong reply: " + abbreviate(body));
                    continue;
                }
                double ms = (e.doneNanos - e.sentNanos) / 1e6;
                p.answerMs.add(ms);
                p.overheadMs.add(ms - delayMs);
                p.ok++;
            }
            p.sendMs = (lastSent - t0) / 1e6;
            p.lastAnswerMs = (last - t0) / 1e6;
            p.peakThreads = sampler.peakThreads;
            p.peakRss = sampler.peakRss;
            p.modelMax = model.maxInFlight.get();
            p.arrivalsMs = model.firstArrival == 0 ? 0 : (model.lastArrival - t0) / 1e6;
            p.firstArrivalMs = model.firstArrival == 0 ? 0 : (model.firstArrival - t0) / 1e6;
        }
        if (n > 1) {
            System.out.printf(Locale.ROOT, "    %d ok of %d, last answer %.0f ms after the first send, overhead p50 %.1f p99 %.1f ms "
                    + "(harness alone p50 %.1f p99 %.1f), peak threads %d, peak RSS %.0f MB, model requests in flight at once %d, at the model %.0f..%.0f ms after the first send%n",
                    p.ok, n, p.lastAnswerMs, median(p.overheadMs), percentile(p.overheadMs, 99), median(p.harnessMs),
                    percentile(p.harnessMs, 99), p.peakThreads, p.peakRss, p.modelMax, p.firstArrivalMs, p.arrivalsMs);
        }
        Thread.sleep(500);
        return p;
    }

    /** A chat request from {@code peer} (its own session) as HTTP/1.1 bytes. */
    byte[] request(String peer, String text, boolean stream) {
        byte[] body = ("{\"model\":\"gatehouse\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\""
                + text + "\"}]}").getBytes(StandardCharsets.UTF_8);
        byte[] head = ("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "X-Gatehouse-Peer: direct:" + peer + "\r\nContent-Length: " + body.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] r = new byte[head.length + body.length];
        System.arraycopy(head, 0, r, 0, head.length);
        System.arraycopy(body, 0, r, head.length, body.length);
        return r;
    }

    static String plain(String body) {
        Matcher m = PLAIN_CONTENT.matcher(body);
        return m.find() ? m.group(1) : null;
    }

    static String streamed(String body) {
        if (!body.contains("data: [DONE]")) {
            return null;
        }
        StringBuilder b = new StringBuilder();
        Matcher m = DELTA_CONTENT.matcher(body);
        while (m.find()) {
            b.append(m.group(1));
        }
        return b.toString();
    }

    void report(Table t, Phase p) {
        t.section(p.title() + String.format(Locale.ROOT, " (model %d ms)", delayMs));
        t.text("answered ok", p.ok + " of " + p.n, "");
        t.count("errors", p.errors.values().stream().mapToLong(Long::longValue).sum(), "0", verdict(p.errors.isEmpty()));
        t.row("first send -> last answer", List.of(p.lastAnswerMs), "ms", p.n >= 5000 ? "<= " + (delayMs + 500) + " ms" : "",
                p.n >= 5000 ? verdict(p.lastAnswerMs <= delayMs + 500) : "");
        t.row("answer time (send -> whole reply)", p.answerMs, "ms", "", "");
        t.row("gateway overhead (answer - delay)", p.overheadMs, "ms", "p99 <= 100 ms", verdict(percentile(p.overheadMs, 99) <= 100));
        if (!p.harnessMs.isEmpty()) {
            t.row("  harness alone (same n, no gateway)", p.harnessMs, "ms", "", "");
        }
        t.text("  time to send all N messages", fmt(p.sendMs), "ms");
        t.text("  model requests in flight at once", Long.toString(p.modelMax), "");
        t.text("  requests reach the model (first..last)", fmt(p.firstArrivalMs) + " .. " + fmt(p.arrivalsMs), "ms");
        t.count("gateway threads (peak)", p.peakThreads, "< 100", verdict(p.peakThreads < 100));
        t.row("gateway RSS (peak VmRSS)", List.of(p.peakRss), "MB", "<= 400 MB", verdict(p.peakRss <= 400));
        t.text("gateway cpu", fmt(p.cores), "cores");
        t.text("gateway cpu per conversation", fmt(p.cpuMsPerTurn), "ms");
    }

    /** Samples the gateway's threads and RSS. */
    static final class Sampler implements Runnable {
        final long pid;
        volatile boolean running = true;
        volatile int peakThreads;
        volatile double peakRss;
        final Thread thread = new Thread(this, "sampler");

        Sampler(long pid) {
            this.pid = pid;
            thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join(2000);
        }

        @Override
        public void run() {
            while (running) {
                try {
                    peakThreads = Math.max(peakThreads, threads(pid));
                    peakRss = Math.max(peakRss, rssMb(pid));
                    Thread.sleep(50);
                } catch (Exception e) {
                    return;
                }
            }
        }
    }

    static int threads(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("Threads:")) {
                return Integer.parseInt(line.substring(8).trim());
            }
        }
        return -1;
    }

    static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    static long clkTck() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            p.waitFor(10, TimeUnit.SECONDS);
            return Long.parseLong(out);
        } catch (IOException | InterruptedException | NumberFormatException e) {
            return 100;
        }
    }
}
