import static support.BenchSupport.*;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import support.BenchFailure;
import support.Gateway;
import support.BenchSupport;
import support.Table;

/**
 * End-to-end message benchmark: messages/s and latency through the openai channel
 * ({@code POST /v1/chat/completions}) with the echo agent, on loopback.
 *
 * <pre>
 * javac -d CLASSES bench/support/*.java bench/E2eBench.java
 * java -cp CLASSES E2eBench --home DIR [--clients N] [--duration-s S] [--warmup-s S] [--rates LIST]
 * </pre>
 *
 * Phases: (1) saturation, N clients each with its own peer (own session) sending back to back;
 * (2) the same with every client on one peer (one session: its turns are serialised);
 * each phase uses peers of its own, so its sessions start empty;
 * (3) saturation with {@code stream: true} (time to first chunk and total); (4) fixed rates, open
 * loop: requests are scheduled at the rate and sent at their time whatever the responses, over at
 * most N connections; latency is measured from the scheduled time (no coordinated omission).
 * Every phase runs {@code --warmup-s} unrecorded, then {@code --duration-s} recorded.
 *
 * <p>The home must be a private copy of the distribution with {@code session.dmScope} set to a
 * per-peer scope (bench/e2e.sh makes one). All traffic goes to 127.0.0.1; every wait is bounded;
 * the gateway started here is stopped before exit. Exit status: 0 measured, 1 harness failure, 2 usage.
 */
public final class E2eBench {

    static final long READY_DEADLINE_MS = 60_000;
    static final long STOP_DEADLINE_MS = 60_000;
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    static final long DRAIN_DEADLINE_MS = 40_000; // after a phase ends: in-flight and queued requests
    static final Pattern NON_STREAM_CONTENT = Pattern.compile("\"message\":\\{\"role\":\"assistant\",\"content\":\"((?:[^\"\\\\]|\\\\.)*)\"");
    static final Pattern DELTA_CONTENT = Pattern.compile("\"delta\":\\{\"content\":\"((?:[^\"\\\\]|\\\\.)*)\"\\}");

    final Path home;
    final Path outDir;
    final int clients;
    final long durationMs;
    final long warmupMs;
    final List<String> rates;
    final boolean skipShared;
    final boolean skipStream;
    /** Send with a plain socket per client thread (keep-alive, prebuilt request, minimal parsing) instead of the JDK client. */
    boolean rawClient;
    HttpClient http;
    URI uri;
    long gatewayPid;
    Process gateway;
    /** bench/floor/floor.sh instead of the gateway: what Jetty alone costs for the same exchange (null: the gateway). */
    Path floor;
    long clkTck = 100;

    E2eBench(Path home, Path outDir, int clients, long durationMs, long warmupMs, List<String> rates, boolean skipShared,
            boolean skipStream) {
        this.home = home;
        this.outDir = outDir;
        this.clients = clients;
        this.durationMs = durationMs;
        this.warmupMs = warmupMs;
        this.rates = rates;
        this.skipShared = skipShared;
        this.skipStream = skipStream;
    }

    public static void main(String[] args) {
        Path home = null;
        Path outDir = null;
        int clients = 64;
        double duration = 15;
        double warmup = 3;
        String rates = "200,500,1000,50%,75%";
        boolean noShared = false;
        boolean noStream = false;
        boolean rawClientOpt = false;
        Path floor = null;
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--home" -> home = Path.of(value(args, ++i, a));
                    case "--out" -> outDir = Path.of(value(args, ++i, a));
                    case "--clients" -> clients = Integer.parseInt(value(args, ++i, a));
                    case "--duration-s" -> duration = Double.parseDouble(value(args, ++i, a));
                    case "--warmup-s" -> warmup = Double.parseDouble(value(args, ++i, a));
                    case "--rates" -> rates = value(args, ++i, a);
                    case "--no-shared" -> noShared = true;
                    case "--no-stream" -> noStream = true;
                    case "--raw-client" -> rawClientOpt = true;
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
            if (clients < 1 || clients > 1024 || duration <= 0 || duration > 3600 || warmup < 0 || warmup > 600) {
                throw new IllegalArgumentException("--clients 1..1024, --duration-s 0..3600, --warmup-s 0..600");
            }
            for (String r : rates.isBlank() ? new String[0] : rates.split(",")) {
                double v = Double.parseDouble(r.trim().replace("%", ""));
                if (v <= 0 || v > 1_000_000) {
                    throw new IllegalArgumentException("bad rate " + r);
                }
            }
            if (!Files.isExecutable(home.resolve("bin/gatehouse")) || !Files.isDirectory(home.resolve("lib"))) {
                throw new IllegalArgumentException(home + " is not a Gatehouse distribution (no bin/gatehouse or lib/)");
            }
        } catch (IllegalArgumentException e) {
            System.err.println("E2eBench: " + e.getMessage());
            usage(System.err);
            System.exit(2);
        }
        home = home.toAbsolutePath().normalize();
        if (outDir == null) {
            outDir = home.resolve("data/bench");
        }
        List<String> rateList = new ArrayList<>();
        for (String r : rates.split(",")) {
            if (!r.isBlank()) {
                rateList.add(r.trim());
            }
        }
        // constructing only stores the settings; the work happens in run()
        E2eBench bench = new E2eBench(home, outDir, clients, (long) (duration * 1000), (long) (warmup * 1000), rateList, noShared, noStream);
        bench.rawClient = rawClientOpt;
        bench.floor = floor;
        Path out = outDir;
        BenchSupport.runAndExit("E2eBench", null, () -> {
            Files.createDirectories(out);
            bench.run();
        });
    }

    static void usage(java.io.PrintStream out) {
        out.println("usage: java -cp CLASSES E2eBench --home DIR [--clients N (64)] [--duration-s S (15)] [--warmup-s S (3)]");
        out.println("           [--rates LIST (200,500,1000,50%,75%)] [--no-shared] [--no-stream] [--out DIR]");
        out.println("  --clients    concurrent clients (= connections) of every phase");
        out.println("  --rates      fixed rates in msg/s; N% is N percent of the measured saturation rate; '' for none");
        out.println("  --no-shared  skip the one-session saturation run; --no-stream skip the streaming run");
        out.println("  --raw-client each client thread a plain keep-alive socket (less harness CPU than java.net.http)");
    }

    // ------------------------------------------------------------------------------------------ run

    void run() throws IOException, InterruptedException, BenchFailure {
        clkTck = clkTck();
        String javaLine = javaVersionLine();
        String loadStart = loadAverage();
        System.out.printf(Locale.ROOT, "Gatehouse end-to-end message benchmark (openai channel, echo agent)%n");
        System.out.printf(Locale.ROOT, "  home      %s%n", home);
        System.out.printf(Locale.ROOT, "  machine   nproc %d, %s, %s %s%n", Runtime.getRuntime().availableProcessors(),
                javaLine, System.getProperty("os.name"), System.getProperty("os.arch"));
        System.out.printf(Locale.ROOT, "  load avg  %s at the start (other work on the machine skews the figures)%n", loadStart);
        System.out.printf(Locale.ROOT, "  plan      %d clients; every phase %.0f s warm-up + %.0f s measured; fixed rates %s%n%n",
                clients, warmupMs / 1000.0, durationMs / 1000.0, rates.isEmpty() ? "none" : String.join(", ", rates));

        launch();
        Thread.sleep(2000);
        double idleRss = rssMb(gatewayPid);
        System.out.printf(Locale.ROOT, "  gateway pid %d on %s, idle RSS %.1f MB%n%n", gatewayPid, uri, idleRss);

        http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .executor(Executors.newFixedThreadPool(4, r -> {
                    Thread t = new Thread(r, "http-client");
                    t.setDaemon(true);
                    return t;
                }))
                .build();

        // Sanity check: one message, one reply, before anything is measured.
        Sample probe = send("direct:bench-probe", "probe", false);
        if (probe.error != null) {
            throw new BenchFailure("the first request failed: " + probe.error + "\n" + tail(outDir.resolve("console.out"), 20));
        }

        Table t = new Table("p50", 90, 99);
        List<Phase> phases = new ArrayList<>();

        Phase sat = closedLoop("saturation, own session per client", false, false);
        phases.add(sat);
        report(t, sat);
        Phase shared = null;
        if (!skipShared) {
            shared = closedLoop("saturation, one shared session", true, false);
            phases.add(shared);
            report(t, shared);
        }
        if (!skipStream) {
            Phase st = closedLoop("saturation, stream: true, own session per client", false, true);
            phases.add(st);
            report(t, st);
        }
        double satRate = sat.okMeasured / (durationMs / 1000.0);
        for (String r : rates) {
            double rate = r.endsWith("%") ? satRate * Double.parseDouble(r.substring(0, r.length() - 1)) / 100.0
                    : Double.parseDouble(r);
            String label = r.endsWith("%") ? String.format(Locale.ROOT, "%s of saturation = %.0f msg/s", r, rate)
                    : String.format(Locale.ROOT, "%.0f msg/s", rate);
            Phase p = openLoop(label, rate);
            phases.add(p);
            report(t, p);
        }

        Thread.sleep(2000);
        double rss = rssMb(gatewayPid);
        double hwm = hwmMb(gatewayPid);
        String loadEnd = loadAverage();
        int threads = procStatusInt(gatewayPid, "Threads:");
        long sessions = countSessions();
        double stop = stop();

        t.section("Gateway JVM");
        t.row("RSS idle after start (VmRSS)", List.of(idleRss), "MB", "", "");
        t.row("RSS after the run (VmRSS)", List.of(rss), "MB", "", "");
        t.row("peak RSS (VmHWM)", List.of(hwm), "MB", "", "");
        t.count("threads after the run", threads, "", "");
        t.count("session transcripts written", sessions, "", "");
        t.row("graceful stop (SIGTERM -> exit)", List.of(stop), "ms", "", "");

        System.out.println();
        System.out.printf(Locale.ROOT, "nproc %d; load avg %s at the start, %s at the end%n",
                Runtime.getRuntime().availableProcessors(), loadStart, loadEnd);
        System.out.println();
        t.print(System.out);
        System.out.println();
        System.out.println("latency: send (or scheduled time, fixed rates) -> whole response read; ttfc: -> first SSE data line");
        System.out.println("cpu: cores used on average in the measured window (gateway JVM / this harness; same machine)");
        for (Phase p : phases) {
            if (!p.errors.isEmpty()) {
                System.out.println("errors in '" + p.name + "': " + p.errors + (p.firstError == null ? "" : " first: " + p.firstError));
            }
        }
    }

    void report(Table t, Phase p) {
        t.section(p.title());
        if (p.rate > 0) {
            t.text("achieved rate", fmt(p.achieved()), "msg/s");
            t.row("latency from scheduled time", p.latMs, "ms", "", "");
            t.row("  service time (from send)", p.serviceMs, "ms", "", "");
        } else {
            t.text("throughput", fmt(p.achieved()), "msg/s");
            if (p.stream) {
                t.row("time to first chunk", p.ttfcMs, "ms", "", "");
                t.row("total (to data: [DONE])", p.latMs, "ms", "", "");
            } else {
                t.row("latency", p.latMs, "ms", "", "");
            }
        }
        t.text("  p50 first / last tenth of window", fmt(median(tenth(p.latMs, true))) + " / "
                + fmt(median(tenth(p.latMs, false))), "ms");
        t.count("errors", p.errorCount(), "", "");
        t.text("cpu gateway / harness", fmt(p.gatewayCores) + " / " + fmt(p.harnessCores), "cores");
        t.count("connections (max seen)", p.maxConnections, "", "");
        System.out.printf(Locale.ROOT, "  %-62s %8.0f msg/s  p50 %6.1f ms  p99 %7.1f ms  max %7.1f ms  errors %d%n",
                p.name, p.achieved(), median(p.latMs), percentile(p.latMs, 99), max(p.latMs), p.errorCount());
    }

    /** The first or last tenth of the samples, in completion order. */
    static List<Double> tenth(List<Double> v, boolean first) {
        int n = Math.max(1, v.size() / 10);
        return v.size() < 10 ? v : first ? v.subList(0, n) : v.subList(v.size() - n, v.size());
    }

    // ---------------------------------------------------------------------------------- phases

    static final class Phase {
        final String name;
        final boolean stream;
        final double rate; // 0: closed loop
        final double seconds;
        final List<Double> latMs = new ArrayList<>();
        final List<Double> serviceMs = new ArrayList<>();
        final List<Double> ttfcMs = new ArrayList<>();
        final Map<String, Long> errors = new TreeMap<>();
        String firstError;
        long okMeasured;
        double spanSeconds; // measured window, extended to the last completion of a measured request (open loop)
        double gatewayCores;
        double harnessCores;
        int maxConnections;
        int clients;

        Phase(String name, boolean stream, double rate, double seconds) {
            this.name = name;
            this.stream = stream;
            this.rate = rate;
            this.seconds = seconds;
            this.spanSeconds = seconds;
        }

        long errorCount() {
            return errors.values().stream().mapToLong(Long::longValue).sum();
        }

        double achieved() {
            return okMeasured / spanSeconds;
        }

        String title() {
            return rate > 0
                    ? String.format(Locale.ROOT, "Fixed rate %s, open loop, %d connections max, %.0f s", name, clients, seconds)
                    : String.format(Locale.ROOT, "Saturation: %d clients back to back, %s, %.0f s", clients, name.replace("saturation, ", ""),
                            seconds);
        }

        synchronized void add(Sample s, double latencyMs) {
            if (s.error != null) {
                errors.merge(s.error, 1L, Long::sum);
                if (firstError == null) {
                    firstError = s.detail;
                }
                return;
            }
            okMeasured++;
            latMs.add(latencyMs);
            serviceMs.add(s.totalMs);
            if (s.ttfcMs >= 0) {
                ttfcMs.add(s.ttfcMs);
            }
        }
    }

    /** Every client sends its next message as soon as the previous reply is read. */
    Phase closedLoop(String name, boolean sharedSession, boolean stream) throws InterruptedException, IOException, BenchFailure {
        Phase p = new Phase(name, stream, 0, durationMs / 1000.0);
        p.clients = clients;
        System.out.printf(Locale.ROOT, "  running: %s (%d clients, %.0f s + %.0f s warm-up)%n", name, clients,
                durationMs / 1000.0, warmupMs / 1000.0);
        long start = System.nanoTime();
        long measureFrom = start + TimeUnit.MILLISECONDS.toNanos(warmupMs);
        long end = measureFrom + TimeUnit.MILLISECONDS.toNanos(durationMs);
        List<Thread> threads = new ArrayList<>();
        String tag = Long.toString(System.nanoTime() % 100000, 36);
        for (int c = 0; c < clients; c++) {
            String peer = sharedSession ? "direct:bench-shared" : "direct:bench-" + tag + "-" + c;
            int client = c;
            Thread th = new Thread(() -> {
                long seq = 0;
                while (true) {
                    long t0 = System.nanoTime();
                    if (t0 >= end) {
                        break;
                    }
                    Sample s = send(peer, "m " + tag + " " + client + " " + (seq++), stream);
                    if (t0 >= measureFrom) {
                        p.add(s, s.totalMs);
                    }
                    if (s.error != null && s.error.startsWith("io")) {
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10)); // no hot loop on a dead gateway
                    }
                }
            }, "client-" + c);
            th.setDaemon(true);
            threads.add(th);
        }
        threads.forEach(Thread::start);
        monitor(p, measureFrom, end);
        joinAll(threads, end);
        return p;
    }

    /**
     * Requests are scheduled every 1/rate s and queued at their time; {@code clients} workers (one
     * connection each, its own peer) send them. Latency counts from the scheduled time, so waiting for
     * a free connection is part of it.
     */
    Phase openLoop(String name, double rate) throws InterruptedException, IOException, BenchFailure {
        Phase p = new Phase(name, false, rate, durationMs / 1000.0);
        p.clients = clients;
        System.out.printf(Locale.ROOT, "  running: fixed rate %s (%d connections max, %.0f s + %.0f s warm-up)%n", name, clients,
                durationMs / 1000.0, warmupMs / 1000.0);
        LinkedBlockingQueue<Long> tickets = new LinkedBlockingQueue<>();
        long start = System.nanoTime();
        long measureFrom = start + TimeUnit.MILLISECONDS.toNanos(warmupMs);
        long end = measureFrom + TimeUnit.MILLISECONDS.toNanos(durationMs);
        long drainDeadline = end + TimeUnit.MILLISECONDS.toNanos(DRAIN_DEADLINE_MS);
        double periodNs = 1e9 / rate;
        AtomicLong lastDone = new AtomicLong(end);
        Thread scheduler = new Thread(() -> {
            long i = 0;
            while (true) {
                long due = start + (long) (i * periodNs);
                if (due >= end) {
                    break;
                }
                long now = System.nanoTime();
                if (due > now) {
                    LockSupport.parkNanos(due - now);
                    continue;
                }
                tickets.add(due); // late wake-ups catch up: every due ticket is queued with its own time
                i++;
            }
        }, "scheduler");
        scheduler.setDaemon(true);
        List<Thread> threads = new ArrayList<>();
        String tag = Long.toString(System.nanoTime() % 100000, 36);
        for (int c = 0; c < clients; c++) {
            String peer = "direct:bench-" + tag + "-" + c;
            int client = c;
            Thread th = new Thread(() -> {
                long seq = 0;
                while (true) {
                    Long due;
                    try {
                        due = tickets.poll(50, TimeUnit.MILLISECONDS);
                    } catch (InterruptedException e) {
                        return;
                    }
                    if (due == null) {
                        if (System.nanoTime() >= end && !scheduler.isAlive()) {
                            return;
                        }
                        continue;
                    }
                    if (System.nanoTime() > drainDeadline) {
                        if (due >= measureFrom) {
                            p.add(Sample.failed("not sent before the drain deadline", null), 0);
                        }
                        continue;
                    }
                    Sample s = send(peer, "r " + tag + " " + client + " " + (seq++), false);
                    long done = System.nanoTime();
                    if (due >= measureFrom) {
                        p.add(s, (done - due) / 1e6);
                        lastDone.accumulateAndGet(done, Math::max);
                    }
                }
            }, "worker-" + c);
            th.setDaemon(true);
            threads.add(th);
        }
        threads.forEach(Thread::start);
        scheduler.start();
        monitor(p, measureFrom, end);
        joinAll(threads, drainDeadline + TimeUnit.SECONDS.toNanos(35));
        p.spanSeconds = Math.max(p.seconds, (lastDone.get() - measureFrom) / 1e9);
        return p;
    }

    /** Waits for the measured window, reading the gateway's CPU time and the open connections. */
    void monitor(Phase p, long measureFrom, long end) throws InterruptedException, IOException {
        sleepUntil(measureFrom);
        long gw0 = cpuTicks(gatewayPid);
        long me0 = ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
        long t0 = System.nanoTime();
        while (System.nanoTime() < end) {
            p.maxConnections = Math.max(p.maxConnections, connections());
            sleepUntil(Math.min(end, System.nanoTime() + 1_000_000_000L));
        }
        double s = (System.nanoTime() - t0) / 1e9;
        p.gatewayCores = (cpuTicks(gatewayPid) - gw0) / (double) clkTck / s;
        long me1 = ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
        p.harnessCores = (me1 - me0) / 1e9 / s;
    }

    static void sleepUntil(long nanoTime) throws InterruptedException {
        long d;
        while ((d = nanoTime - System.nanoTime()) > 0) {
            Thread.sleep(Math.max(1, d / 1_000_000));
        }
    }

    static void joinAll(List<Thread> threads, long deadline) throws InterruptedException, BenchFailure {
        long bound = deadline + TimeUnit.SECONDS.toNanos(REQUEST_TIMEOUT.toSeconds() + 5);
        for (Thread th : threads) {
            long left = bound - System.nanoTime();
            if (left > 0) {
                th.join(Math.max(1, left / 1_000_000));
            }
            if (th.isAlive()) {
                throw new BenchFailure(th.getName() + " did not finish within its bound");
            }
        }
    }

    // ----------------------------------------------------------------------------------- requests

    static final class Sample {
        String error; // null: ok; else the kind (counted)
        String detail;
        double totalMs;
        double ttfcMs = -1;

        static Sample failed(String kind, String detail) {
            Sample s = new Sample();
            s.error = kind;
            s.detail = detail == null ? kind : detail;
            return s;
        }
    }

    /** One POST /v1/chat/completions; checks that the reply is the echo of the message. Never throws. */
    /** One keep-alive connection per client thread, for --raw-client. */
    final ThreadLocal<RawConnection> raw = new ThreadLocal<>();

    /** A plain HTTP/1.1 keep-alive connection: writes a request, reads one whole response. */
    static final class RawConnection implements AutoCloseable {
        final java.net.Socket socket;
        final java.io.BufferedInputStream in;
        final java.io.OutputStream out;

        RawConnection(URI uri) throws IOException {
            socket = new java.net.Socket();
            socket.setTcpNoDelay(true);
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", uri.getPort()), 5_000);
            socket.setSoTimeout((int) REQUEST_TIMEOUT.toMillis());
            in = new java.io.BufferedInputStream(socket.getInputStream(), 16 * 1024);
            out = new java.io.BufferedOutputStream(socket.getOutputStream(), 4 * 1024);
        }

        /** Status, then the body (Content-Length or chunked, read to its end so the connection can be reused). */
        int exchange(byte[] request, StringBuilder body, boolean[] reusable) throws IOException {
            out.write(request);
            out.flush();
            String status = line();
            if (status == null) {
                throw new IOException("connection closed before a response");
            }
            int code = Integer.parseInt(status.substring(9, 12));
            long length = -1;
            boolean chunked = false;
            reusable[0] = true;
            String h;
            while (!(h = line()).isEmpty()) {
                int c = h.indexOf(':');
                String name = h.substring(0, c).trim();
                String value = h.substring(c + 1).trim();
                if (name.equalsIgnoreCase("Content-Length")) {
                    length = Long.parseLong(value);
                } else if (name.equalsIgnoreCase("Transfer-Encoding") && value.equalsIgnoreCase("chunked")) {
                    chunked = true;
                } else if (name.equalsIgnoreCase("Connection") && value.equalsIgnoreCase("close")) {
                    reusable[0] = false;
                }
            }
            if (chunked) {
                while (true) {
                    int n = Integer.parseInt(line().split(";")[0].trim(), 16);
                    if (n == 0) {
                        while (!line().isEmpty()) {
                            // trailers
                        }
                        break;
                    }
                    body.append(new String(in.readNBytes(n), StandardCharsets.UTF_8));
                    line();
                }
            } else if (length >= 0) {
                body.append(new String(in.readNBytes((int) length), StandardCharsets.UTF_8));
            }
            return code;
        }

        private String line() throws IOException {
            StringBuilder b = new StringBuilder(64);
            int c;
            while ((c = in.read()) >= 0) {
                if (c == '\n') {
                    int l = b.length();
                    return l > 0 && b.charAt(l - 1) == '\r' ? b.substring(0, l - 1) : b.toString();
                }
                b.append((char) c);
            }
            return b.length() == 0 ? null : b.toString();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    Sample sendRaw(String peer, String text, boolean stream) {
        byte[] bodyBytes = ("{\"model\":\"gatehouse\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\""
                + text + "\"}]}").getBytes(StandardCharsets.UTF_8);
        byte[] head = ("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1:" + uri.getPort() + "\r\nContent-Type: application/json\r\n"
                + "X-Gatehouse-Peer: " + peer + "\r\nContent-Length: " + bodyBytes.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] request = new byte[head.length + bodyBytes.length];
        System.arraycopy(head, 0, request, 0, head.length);
        System.arraycopy(bodyBytes, 0, request, head.length, bodyBytes.length);
        String expected = "echo: " + text;
        long t0 = System.nanoTime();
        RawConnection c = raw.get();
        try {
            if (c == null) {
                c = new RawConnection(uri);
                raw.set(c);
            }
            StringBuilder body = new StringBuilder(512);
            boolean[] reusable = {true};
            int code = c.exchange(request, body, reusable);
            Sample s = new Sample();
            s.totalMs = (System.nanoTime() - t0) / 1e6;
            if (!reusable[0]) {
                c.close();
                raw.remove();
            }
            if (code != 200) {
                return Sample.failed("http " + code, "http " + code + ": " + clip(body.toString()));
            }
            if (!stream) {
                Matcher m = NON_STREAM_CONTENT.matcher(body);
                return m.find() && m.group(1).equals(expected) ? s : Sample.failed("wrong reply", "wrong reply: " + clip(body.toString()));
            }
            StringBuilder content = new StringBuilder();
            Matcher m = DELTA_CONTENT.matcher(body);
            while (m.find()) {
                content.append(m.group(1));
            }
            if (body.indexOf("data: [DONE]") < 0) {
                return Sample.failed("stream without [DONE]", null);
            }
            s.ttfcMs = s.totalMs; // the whole body is read at once here; no first-chunk time
            return content.toString().equals(expected) ? s : Sample.failed("wrong reply", "wrong streamed reply: " + clip(content.toString()));
        } catch (IOException | RuntimeException e) {
            if (c != null) {
                try {
                    c.close();
                } catch (IOException ignored) {
                    // closing
                }
                raw.remove();
            }
            return Sample.failed("io " + e.getClass().getSimpleName(), e.toString());
        }
    }

    Sample send(String peer, String text, boolean stream) {
        if (rawClient) {
            return sendRaw(peer, text, stream);
        }
        String body = "{\"model\":\"gatehouse\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\""
                + text + "\"}]}";
        HttpRequest req = HttpRequest.newBuilder(uri)
                .timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json")
                .header("X-Gatehouse-Peer", peer)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        String expected = "echo: " + text;
        long t0 = System.nanoTime();
        try {
            if (!stream) {
                HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
                Sample s = new Sample();
                s.totalMs = (System.nanoTime() - t0) / 1e6;
                if (r.statusCode() != 200) {
                    return Sample.failed("http " + r.statusCode(), "http " + r.statusCode() + ": " + clip(r.body()));
                }
                Matcher m = NON_STREAM_CONTENT.matcher(r.body());
                if (!m.find() || !m.group(1).equals(expected)) {
                    return Sample.failed("wrong reply", "wrong reply: " + clip(r.body()));
                }
                return s;
            }
            HttpResponse<InputStream> r = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = r.body();
                    BufferedReader br = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                if (r.statusCode() != 200) {
                    String b = new String(in.readNBytes(4096), StandardCharsets.UTF_8);
                    return Sample.failed("http " + r.statusCode(), "http " + r.statusCode() + ": " + clip(b));
                }
                Sample s = new Sample();
                StringBuilder content = new StringBuilder();
                boolean done = false;
                String line;
                int lines = 0;
                while (!done && (line = br.readLine()) != null && lines++ < 10_000) {
                    if (!line.startsWith("data: ")) {
                        continue;
                    }
                    if (s.ttfcMs < 0) {
                        s.ttfcMs = (System.nanoTime() - t0) / 1e6;
                    }
                    String data = line.substring(6);
                    if (data.equals("[DONE]")) {
                        done = true;
                    } else if (data.startsWith("{\"error\"")) {
                        return Sample.failed("stream error event", "stream error event: " + clip(data));
                    } else {
                        Matcher m = DELTA_CONTENT.matcher(data);
                        if (m.find()) {
                            content.append(m.group(1));
                        }
                    }
                }
                s.totalMs = (System.nanoTime() - t0) / 1e6;
                if (!done) {
                    return Sample.failed("stream without [DONE]", null);
                }
                // Read the body to its end (the terminal chunk) before closing it. Closing the JDK client's
                // InputStream early races with the connection going back to the pool: the client cancels
                // (closes) a connection it has just pooled and the next request on it fails with "HTTP/1.1
                // header parser received no bytes" (docs/benchmarks.md). The gateway never closed them.
                while (br.read() >= 0) {
                    // nothing follows [DONE] but the end of the body
                }
                if (!content.toString().equals(expected)) {
                    return Sample.failed("wrong reply", "wrong streamed reply: " + clip(content.toString()));
                }
                return s;
            }
        } catch (HttpTimeoutException e) {
            return Sample.failed("timeout (" + REQUEST_TIMEOUT.toSeconds() + " s)", e.toString());
        } catch (IOException e) {
            return Sample.failed("io " + e.getClass().getSimpleName(), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Sample.failed("interrupted", null);
        } catch (RuntimeException e) {
            return Sample.failed("client " + e.getClass().getSimpleName(), e.toString());
        }
    }

    static String clip(String s) {
        s = s.replace('\n', ' ');
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }

    // ------------------------------------------------------------------------------------- the host

    /** utime + stime of a process, in clock ticks. */
    static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15 of proc(5)
    }

    static long clkTck() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            CHILDREN.add(p);
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            p.waitFor(10, TimeUnit.SECONDS);
            CHILDREN.remove(p);
            return Long.parseLong(out);
        } catch (IOException | InterruptedException | NumberFormatException e) {
            return 100;
        }
    }

    static int procStatusInt(long pid, String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith(field)) {
                return Integer.parseInt(line.substring(field.length()).trim());
            }
        }
        return -1;
    }

    /** Established TCP connections to the gateway port (client side: remote port = gateway port). */
    int connections() throws IOException {
        String port = String.format(Locale.ROOT, ":%04X", uri.getPort());
        int n = 0;
        for (String file : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path f = Path.of(file);
            if (!Files.exists(f)) {
                continue;
            }
            for (String line : Files.readAllLines(f)) {
                String[] c = line.trim().split("\\s+");
                if (c.length > 3 && c[2].endsWith(port) && c[3].equals("01")) {
                    n++;
                }
            }
        }
        return n;
    }

    long countSessions() throws IOException {
        Path dir = home.resolve("data/agents/main/sessions");
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (var s = Files.list(dir)) {
            return s.filter(f -> f.getFileName().toString().endsWith(".jsonl")).count();
        }
    }

    // ------------------------------------------------------------------------------------- gateway

    void launch() throws IOException, InterruptedException, BenchFailure {
        Path console = outDir.resolve("console.out");
        Gateway g = floor == null ? Gateway.launch(home, console, "gatehouse-bench", READY_DEADLINE_MS, 20)
                : Gateway.launch(List.of(floor.toString(), home.toString(), "0", "echo"), home, console, "gatehouse-bench",
                        READY_DEADLINE_MS, 20);
        if (floor != null) {
            System.out.printf(Locale.ROOT, "  FLOOR: %s instead of the gateway (Jetty only, a fixed echo, nothing else)%n", floor);
        }
        gateway = g.process;
        gatewayPid = g.pid;
        int colon = g.listen.lastIndexOf(':');
        uri = URI.create("http://127.0.0.1:" + g.listen.substring(colon + 1) + "/v1/chat/completions");
    }

    double stop() throws InterruptedException, BenchFailure {
        return stopChild(gateway, STOP_DEADLINE_MS);
    }
}
