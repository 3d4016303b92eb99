import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lifecycle benchmark of a Gatehouse distribution: cold start, in-process framework restart, idle
 * RSS and refused connections during restarts.
 *
 * <pre>
 * java bench/LifecycleBench.java --home DIR [--cold N] [--restarts M] [--settle-ms MS]
 *                                [--pause-ms MS] [--via wire|cli]
 * </pre>
 *
 * The home must be a copy of the distribution that nothing else uses (bench/lifecycle.sh makes
 * one in a temp folder, with a free loopback port). Runs with the JDK 17 source launcher and no
 * dependencies. All traffic goes to 127.0.0.1. Every wait has a deadline; every gateway process
 * started here is stopped before the program exits (a shutdown hook covers errors and signals).
 *
 * <p>Exit status: 0 when the measurements ran (whether or not the targets are met), 1 when the
 * harness itself failed (the gateway did not start, a restart never completed, ...), 2 on bad usage.
 */
public final class LifecycleBench {

    // Targets from the issue ("foundation"). Informational: they never change the exit status.
    static final double TARGET_COLD_START_MS = 1500;
    static final double TARGET_RESTART_MS = 700;
    static final double TARGET_IDLE_RSS_MB = 150;
    static final long TARGET_REFUSED = 0;

    static final long READY_DEADLINE_MS = 60_000;   // cold start to /healthz 200
    static final long RESTART_DEADLINE_MS = 60_000; // restart request to /healthz 200 with the counter moved
    static final long STOP_DEADLINE_MS = 60_000;    // SIGTERM to exit, then SIGKILL
    static final int HTTP_CONNECT_TIMEOUT_MS = 5_000;
    static final int HTTP_READ_TIMEOUT_MS = 45_000;  // longer than the launcher's 30 s ready bound
    static final int SHELL_READ_TIMEOUT_MS = 45_000;

    static final Pattern READY_LINE = Pattern.compile(
            "gateway ready on (\\S+) in (\\d+) ms \\(framework (\\d+), restarts so far (\\d+)\\)");
    static final Pattern RESTARTS_FIELD = Pattern.compile("\"restarts\"\\s*:\\s*(\\d+)");

    /** Every gateway or shell process started here; the shutdown hook ends those still alive. */
    static final List<Process> CHILDREN = new CopyOnWriteArrayList<>();

    final Path home;
    final int coldStarts;
    final int restarts;
    final long settleMs;
    final long pauseMs;
    final boolean viaCli;
    final boolean withClient;
    final Path outDir;
    int launches;

    LifecycleBench(Path home, int coldStarts, int restarts, long settleMs, long pauseMs, boolean viaCli,
            boolean withClient, Path outDir) {
        this.home = home;
        this.coldStarts = coldStarts;
        this.restarts = restarts;
        this.settleMs = settleMs;
        this.pauseMs = pauseMs;
        this.viaCli = viaCli;
        this.withClient = withClient;
        this.outDir = outDir;
    }

    public static void main(String[] args) {
        Path home = null;
        Path outDir = null;
        int cold = 5;
        int restarts = 20;
        long settle = 2000;
        long pause = 250;
        boolean cli = false;
        boolean client = true;
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--home" -> home = Path.of(value(args, ++i, a));
                    case "--out" -> outDir = Path.of(value(args, ++i, a));
                    case "--cold" -> cold = Integer.parseInt(value(args, ++i, a));
                    case "--restarts" -> restarts = Integer.parseInt(value(args, ++i, a));
                    case "--settle-ms" -> settle = Long.parseLong(value(args, ++i, a));
                    case "--pause-ms" -> pause = Long.parseLong(value(args, ++i, a));
                    case "--via" -> {
                        String v = value(args, ++i, a);
                        if (!v.equals("wire") && !v.equals("cli")) {
                            throw new IllegalArgumentException("--via: expected wire or cli, got " + v);
                        }
                        cli = v.equals("cli");
                    }
                    case "--no-client" -> client = false;
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
            if (cold < 1 || restarts < 1 || settle < 0 || pause < 0) {
                throw new IllegalArgumentException("--cold and --restarts must be >= 1, the pauses >= 0");
            }
            if (!Files.isExecutable(home.resolve("bin/gatehouse")) || !Files.isDirectory(home.resolve("lib"))) {
                throw new IllegalArgumentException(home + " is not a Gatehouse distribution (no bin/gatehouse or lib/)");
            }
        } catch (IllegalArgumentException e) {
            System.err.println("LifecycleBench: " + e.getMessage());
            usage(System.err);
            System.exit(2);
        }
        home = home.toAbsolutePath().normalize();
        if (outDir == null) {
            outDir = home.resolve("data/bench");
        }
        Runtime.getRuntime().addShutdownHook(new Thread(LifecycleBench::endChildren, "bench-cleanup"));
        int status;
        try {
            Files.createDirectories(outDir);
            new LifecycleBench(home, cold, restarts, settle, pause, cli, client, outDir).run();
            status = 0;
        } catch (BenchFailure | IOException e) {
            System.err.println();
            System.err.println("LifecycleBench: FAILED: " + e.getMessage());
            status = 1;
        } catch (InterruptedException e) {
            System.err.println("LifecycleBench: interrupted");
            status = 1;
        } finally {
            endChildren();
        }
        System.exit(status);
    }

    static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    static void usage(java.io.PrintStream out) {
        out.println("usage: java bench/LifecycleBench.java --home DIR [--cold N (5)] [--restarts M (20)]");
        out.println("           [--settle-ms MS (2000)] [--pause-ms MS (250)] [--via wire|cli (wire)] [--no-client] [--out DIR]");
        out.println("  --home      a private copy of the distribution (bench/lifecycle.sh makes one)");
        out.println("  --settle-ms idle time before reading VmRSS");
        out.println("  --pause-ms  idle time between two restarts");
        out.println("  --via       wire: send gateway:restart over the admin socket and time from the request;");
        out.println("              cli: run bin/gatehouse shell gateway:restart and time from its exit");
        out.println("  --no-client time the restarts without the client loop (no refused-connection count)");
        out.println("  --out       where console output of the gateway runs goes (default HOME/data/bench)");
    }

    // ------------------------------------------------------------------------------------------ run

    void run() throws IOException, InterruptedException, BenchFailure {
        String javaLine = javaVersionLine();
        System.out.printf(Locale.ROOT, "Gatehouse lifecycle benchmark%n");
        System.out.printf(Locale.ROOT, "  home      %s%n", home);
        System.out.printf(Locale.ROOT, "  machine   nproc %d, %s, %s %s%n", Runtime.getRuntime().availableProcessors(),
                javaLine, System.getProperty("os.name"), System.getProperty("os.arch"));
        System.out.printf(Locale.ROOT, "  load avg  %s (other work on the machine skews the figures)%n", loadAverage());
        System.out.printf(Locale.ROOT, "  plan      %d cold starts, %d framework restarts (request via %s, %s), "
                + "settle %d ms before RSS%n%n", coldStarts, restarts, viaCli ? "bin/gatehouse shell" : "admin socket",
                withClient ? "client loop on" : "no client loop", settleMs);

        // ---- (1) cold starts, with idle RSS after each and the graceful stop time
        List<Double> coldMs = new ArrayList<>();
        List<Double> coldLauncherMs = new ArrayList<>();
        List<Double> coldRssMb = new ArrayList<>();
        List<Double> stopMs = new ArrayList<>();
        for (int i = 1; i <= coldStarts; i++) {
            long logOffset = logSize();
            Gateway g = launch();
            double ms = g.readyMs;
            coldMs.add(ms);
            List<ReadyLine> lines = readyLines(logOffset);
            lines.stream().filter(l -> l.framework == 0).findFirst().ifPresent(l -> coldLauncherMs.add((double) l.ms));
            Thread.sleep(settleMs);
            double rss = rssMb(g.pid);
            coldRssMb.add(rss);
            double stop = stop(g);
            stopMs.add(stop);
            System.out.printf(Locale.ROOT, "  cold start %d/%d: %6.0f ms to /healthz 200 (pid %d), idle RSS %.1f MB, "
                    + "stop %.0f ms%n", i, coldStarts, ms, g.pid, rss, stop);
        }

        // ---- (2)-(4) framework restarts on one gateway, with a client loop counting refusals
        long logOffset = logSize();
        Gateway g = launch();
        System.out.printf(Locale.ROOT, "  restart phase: gateway up in %.0f ms (pid %d) on %s%n", g.readyMs, g.pid, g.listen);
        Thread.sleep(settleMs);
        double rssBefore = rssMb(g.pid);
        long restartsBefore = statusRestarts(g);
        if (restartsBefore != 0) {
            throw new BenchFailure("a fresh gateway reports " + restartsBefore + " restarts");
        }
        LoadClient load = new LoadClient(g.listen);
        Thread loadThread = new Thread(load, "bench-load");
        loadThread.setDaemon(true);
        if (withClient) {
            loadThread.start();
        }
        List<Double> restartMs = new ArrayList<>();
        List<Double> replyMs = new ArrayList<>();
        try {
            // Let the client reach its pace before the first restart.
            Thread.sleep(Math.max(pauseMs, 200));
            for (int i = 1; i <= restarts; i++) {
                long expected = restartsBefore + i;
                RestartTiming t = restartOnce(g, expected);
                restartMs.add(t.totalMs);
                if (t.replyMs >= 0) {
                    replyMs.add(t.replyMs);
                }
                System.out.printf(Locale.ROOT, "  restart %2d/%d: %6.0f ms to /healthz 200 with restarts=%d%n", i, restarts,
                        t.totalMs, expected);
                Thread.sleep(pauseMs);
            }
        } finally {
            load.stop.set(true);
            if (withClient) {
                loadThread.join(HTTP_READ_TIMEOUT_MS + 5_000L);
            }
        }
        if (loadThread.isAlive()) {
            throw new BenchFailure("the client thread did not finish");
        }
        Thread.sleep(settleMs);
        double rssAfter = rssMb(g.pid);
        double rssPeak = hwmMb(g.pid);
        long restartsAfter = statusRestarts(g);
        double lastStop = stop(g);
        List<Double> launcherRestartMs = new ArrayList<>();
        for (ReadyLine l : readyLines(logOffset)) {
            if (l.framework >= 1) {
                launcherRestartMs.add((double) l.ms);
            }
        }
        System.out.printf(Locale.ROOT, "  restart phase: gateway stopped in %.0f ms; status said restarts=%d; load avg %s%n%n",
                lastStop, restartsAfter, loadAverage());

        // ---- report
        Table t = new Table();
        t.section("Cold start: launch `bin/gatehouse run` -> first GET /healthz 200");
        t.row("cold start", coldMs, "ms", "<= " + fmt(TARGET_COLD_START_MS) + " ms",
                verdict(median(coldMs) <= TARGET_COLD_START_MS));
        t.row("  launcher view (log `in N ms`)", coldLauncherMs, "ms", "", "");
        t.row("graceful stop (SIGTERM -> exit)", stopMs, "ms", "", "");
        t.section("Framework restart: " + (viaCli ? "`bin/gatehouse shell gateway:restart` returned" : "restart request sent")
                + " -> /healthz 200 with `restarts` incremented");
        t.row("framework restart", restartMs, "ms", "<= " + fmt(TARGET_RESTART_MS) + " ms",
                verdict(median(restartMs) <= TARGET_RESTART_MS));
        t.row("  launcher view (log `in N ms`)", launcherRestartMs, "ms", "", "");
        if (!replyMs.isEmpty()) {
            t.row("  restart command round trip", replyMs, "ms", "", "");
        }
        t.section("Idle RSS of the gateway JVM (VmRSS, " + settleMs + " ms after the last activity)");
        t.row("after start (each cold start)", coldRssMb, "MB", "<= " + fmt(TARGET_IDLE_RSS_MB) + " MB",
                verdict(max(coldRssMb) <= TARGET_IDLE_RSS_MB));
        t.row("after start (restart phase)", List.of(rssBefore), "MB", "<= " + fmt(TARGET_IDLE_RSS_MB) + " MB",
                verdict(rssBefore <= TARGET_IDLE_RSS_MB));
        t.row("after " + restarts + " restarts", List.of(rssAfter), "MB", "<= " + fmt(TARGET_IDLE_RSS_MB) + " MB",
                verdict(rssAfter <= TARGET_IDLE_RSS_MB));
        t.row("  peak RSS (VmHWM) of that run", List.of(rssPeak), "MB", "", "");
        if (withClient) {
            t.section("Client during the restarts: new connection per GET /healthz, Connection: close");
            t.count("requests", load.total(), "", "");
            t.count("ok (200)", load.ok, "", "");
            t.count("refused (ConnectException)", load.refused, "0", verdict(load.refused <= TARGET_REFUSED));
            t.count("failed (other IOException)", load.failedIo, "", "");
            t.count("failed (not 200)", load.failedStatus, "", "");
            t.row("request latency (longest = max)", load.latenciesMs(), "ms", "", "");
        } else {
            t.section("Client during the restarts: not run (--no-client)");
        }
        t.print(System.out);
        System.out.println();
        System.out.println("PASS/MISS is informational: cold start and restart are judged on the median, RSS on the");
        System.out.println("largest idle reading, refused connections on the count. Exit status 0 unless the harness failed.");
        if (!load.errors.isEmpty()) {
            System.out.println("Client errors by kind:");
            load.errors.forEach((k, v) -> System.out.printf(Locale.ROOT, "  %6d  %s%n", v, k));
        }
        if (restartsAfter != restartsBefore + restarts) {
            throw new BenchFailure("expected " + (restartsBefore + restarts) + " restarts in gateway:status, got "
                    + restartsAfter);
        }
    }

    // ------------------------------------------------------------------------------------- gateway

    static final class Gateway {
        Process process;
        long pid;
        String listen;
        double readyMs;
        Path console;
    }

    /** Starts {@code bin/gatehouse run} and returns once GET /healthz answers 200. */
    Gateway launch() throws IOException, InterruptedException, BenchFailure {
        Path run = home.resolve("data/run");
        // Stale files of an earlier run must not point the probe anywhere; the launcher writes new ones.
        Files.deleteIfExists(run.resolve("gateway.listen"));
        Files.deleteIfExists(run.resolve("admin.port"));
        Gateway g = new Gateway();
        g.console = outDir.resolve("console-" + (++launches) + ".out");
        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/gatehouse").toString(), "--home", home.toString(), "run")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(g.console.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().remove("GATEHOUSE_HOME");
        long t0 = System.nanoTime();
        g.process = pb.start();
        CHILDREN.add(g.process);
        long deadline = t0 + TimeUnit.MILLISECONDS.toNanos(READY_DEADLINE_MS);
        String lastProblem = "no answer yet";
        while (true) {
            if (!g.process.isAlive()) {
                throw new BenchFailure("the gateway exited with status " + g.process.exitValue() + " during start\n"
                        + tail(g.console, 20));
            }
            if (System.nanoTime() > deadline) {
                throw new BenchFailure("not ready within " + READY_DEADLINE_MS + " ms (" + lastProblem + ")\n"
                        + tail(g.console, 20));
            }
            String listen = readTrimmed(run.resolve("gateway.listen"));
            if (listen != null) {
                try {
                    int code = healthz(listen);
                    if (code == 200) {
                        g.readyMs = (System.nanoTime() - t0) / 1e6;
                        g.listen = listen;
                        break;
                    }
                    lastProblem = "/healthz answered " + code;
                } catch (IOException e) {
                    lastProblem = e.toString();
                }
            }
            Thread.sleep(5);
        }
        g.pid = g.process.pid();
        // bin/gatehouse execs java, so the child is the JVM; trust the pid file should that ever change.
        String pidFile = readTrimmed(run.resolve("gatehouse.pid"));
        if (pidFile != null && !pidFile.equals(Long.toString(g.pid))) {
            long filePid = Long.parseLong(pidFile);
            if (ProcessHandle.of(filePid).map(ProcessHandle::isAlive).orElse(false)) {
                g.pid = filePid;
            }
        }
        return g;
    }

    /** SIGTERM (Process.destroy), waits for the exit; returns the time it took. SIGKILL after the deadline. */
    double stop(Gateway g) throws InterruptedException, BenchFailure {
        long t0 = System.nanoTime();
        g.process.destroy();
        boolean exited = g.process.waitFor(STOP_DEADLINE_MS, TimeUnit.MILLISECONDS);
        double ms = (System.nanoTime() - t0) / 1e6;
        if (!exited) {
            g.process.destroyForcibly();
            g.process.waitFor(10, TimeUnit.SECONDS);
            throw new BenchFailure("the gateway did not stop within " + STOP_DEADLINE_MS + " ms of SIGTERM; killed it");
        }
        CHILDREN.remove(g.process);
        if (ProcessHandle.of(g.pid).map(ProcessHandle::isAlive).orElse(false)) {
            throw new BenchFailure("pid " + g.pid + " is still alive after the gateway process exited");
        }
        return ms;
    }

    static final class RestartTiming {
        double totalMs;
        double replyMs = -1;
    }

    /**
     * Asks for one restart and waits until gateway:status reports {@code expected} restarts and then
     * /healthz answers 200. The counter moves only once the old framework has stopped, so the 200
     * that follows comes from the new framework.
     */
    RestartTiming restartOnce(Gateway g, long expected) throws IOException, InterruptedException, BenchFailure {
        RestartTiming t = new RestartTiming();
        long t0;
        if (viaCli) {
            Process p = new ProcessBuilder(home.resolve("bin/gatehouse").toString(), "--home", home.toString(), "shell",
                    "gateway:restart", "bench")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(outDir.resolve("shell.out").toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            CHILDREN.add(p);
            if (!p.waitFor(SHELL_READ_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new BenchFailure("bin/gatehouse shell gateway:restart did not return");
            }
            CHILDREN.remove(p);
            t0 = System.nanoTime();
            if (p.exitValue() != 0) {
                throw new BenchFailure("bin/gatehouse shell gateway:restart exited with " + p.exitValue() + "\n"
                        + tail(outDir.resolve("shell.out"), 5));
            }
        } else {
            t0 = System.nanoTime();
            ShellResult r = shell("gateway:restart bench");
            t.replyMs = (System.nanoTime() - t0) / 1e6;
            if (r.status != 0) {
                throw new BenchFailure("gateway:restart exited with " + r.status + ": " + r.out + r.err);
            }
        }
        long deadline = t0 + TimeUnit.MILLISECONDS.toNanos(RESTART_DEADLINE_MS);
        String lastProblem = "no answer yet";
        while (System.nanoTime() < deadline) {
            if (!g.process.isAlive()) {
                throw new BenchFailure("the gateway exited during restart " + expected + "\n" + tail(g.console, 20));
            }
            try {
                long seen = statusRestarts(g);
                if (seen > expected) {
                    throw new BenchFailure("restarts jumped to " + seen + ", expected " + expected);
                }
                if (seen == expected) {
                    int code = healthz(g.listen);
                    if (code == 200) {
                        t.totalMs = (System.nanoTime() - t0) / 1e6;
                        return t;
                    }
                    lastProblem = "/healthz answered " + code;
                } else {
                    lastProblem = "gateway:status says restarts=" + seen;
                }
            } catch (IOException e) {
                lastProblem = e.toString();
            }
            Thread.sleep(2);
        }
        throw new BenchFailure("restart " + expected + " not done within " + RESTART_DEADLINE_MS + " ms (" + lastProblem
                + ")\n" + tail(g.console, 20));
    }

    long statusRestarts(Gateway g) throws IOException, BenchFailure {
        ShellResult r = shell("gateway:status --json");
        if (r.status != 0) {
            // e.g. the command is not registered yet while a new framework starts
            throw new IOException("gateway:status exited with " + r.status + ": " + (r.err + r.out).strip());
        }
        Matcher m = RESTARTS_FIELD.matcher(r.out);
        if (!m.find()) {
            throw new BenchFailure("no \"restarts\" field in gateway:status --json: " + r.out);
        }
        return Long.parseLong(m.group(1));
    }

    // ------------------------------------------------------------------------- remote shell (wire)

    record ShellResult(int status, String out, String err) {
    }

    /**
     * Runs a Gogo command over the admin socket with the protocol of the launcher's ShellClient:
     * {@code GATEHOUSE-SHELL 1}, token and command lines; frames of type O/E/X, length, payload.
     */
    ShellResult shell(String command) throws IOException {
        String portText = readTrimmed(home.resolve("data/run/admin.port"));
        String token = readTrimmed(home.resolve("data/admin.token"));
        if (portText == null || token == null) {
            throw new IOException("no admin port or token file yet");
        }
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", Integer.parseInt(portText)), HTTP_CONNECT_TIMEOUT_MS);
            s.setSoTimeout(SHELL_READ_TIMEOUT_MS);
            OutputStream o = s.getOutputStream();
            o.write(("GATEHOUSE-SHELL 1\n" + token + "\n" + command + "\n").getBytes(StandardCharsets.UTF_8));
            o.flush();
            DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream()));
            StringBuilder out = new StringBuilder();
            StringBuilder err = new StringBuilder();
            while (true) {
                int type = in.read();
                if (type < 0) {
                    throw new EOFException("the gateway closed the shell connection before the command finished");
                }
                int len = in.readInt();
                if (len < 0 || len > 16 << 20) {
                    throw new IOException("bad shell frame length " + len);
                }
                byte[] payload = in.readNBytes(len);
                if (payload.length != len) {
                    throw new EOFException("short shell frame");
                }
                switch (type) {
                    case 'O' -> out.append(new String(payload, StandardCharsets.UTF_8));
                    case 'E' -> err.append(new String(payload, StandardCharsets.UTF_8));
                    case 'X' -> {
                        return new ShellResult(ByteBuffer.wrap(payload).getInt(), out.toString(), err.toString());
                    }
                    default -> throw new IOException("unknown shell frame type " + type);
                }
            }
        }
    }

    // ----------------------------------------------------------------------------------------- HTTP

    /** GET /healthz on a new connection with Connection: close; returns the status code. */
    static int healthz(String listen) throws IOException {
        int colon = listen.lastIndexOf(':');
        String host = listen.substring(0, colon);
        if (host.equals("0.0.0.0")) {
            host = "127.0.0.1";
        }
        if (!host.equals("127.0.0.1")) {
            throw new IOException("refusing to send traffic to " + listen + ": the benchmark talks to 127.0.0.1 only");
        }
        int port = Integer.parseInt(listen.substring(colon + 1));
        try (Socket s = new Socket()) {
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(host, port), HTTP_CONNECT_TIMEOUT_MS);
            s.setSoTimeout(HTTP_READ_TIMEOUT_MS);
            OutputStream o = s.getOutputStream();
            o.write(("GET /healthz HTTP/1.1\r\nHost: " + host + ":" + port
                    + "\r\nUser-Agent: gatehouse-lifecycle-bench\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            o.flush();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[8192];
            int n = 0;
            // Read the whole response (the server closes), bounded in size.
            while (n < buf.length) {
                int r = in.read(buf, n, buf.length - n);
                if (r < 0) {
                    break;
                }
                n += r;
            }
            String head = new String(buf, 0, n, StandardCharsets.ISO_8859_1);
            if (!head.startsWith("HTTP/1.")) {
                throw new IOException(n == 0 ? "empty response" : "not an HTTP response");
            }
            int sp = head.indexOf(' ');
            return Integer.parseInt(head.substring(sp + 1, sp + 4));
        }
    }

    /** A client thread: new TCP connection per GET /healthz, as fast as it can, until stopped. */
    static final class LoadClient implements Runnable {
        final String listen;
        final AtomicBoolean stop = new AtomicBoolean();
        volatile long ok;
        volatile long refused;
        volatile long failedIo;
        volatile long failedStatus;
        final Map<String, Long> errors = new TreeMap<>();
        long[] latencyNs = new long[1 << 16];
        int latencies;

        LoadClient(String listen) {
            this.listen = listen;
        }

        long total() {
            return ok + refused + failedIo + failedStatus;
        }

        @Override
        public void run() {
            while (!stop.get()) {
                long t0 = System.nanoTime();
                try {
                    int code = healthz(listen);
                    if (code == 200) {
                        ok++;
                    } else {
                        failedStatus++;
                        error("HTTP " + code);
                    }
                } catch (ConnectException e) {
                    refused++;
                    error("refused: " + e.getMessage());
                } catch (BindException e) {
                    failedIo++;
                    error("client-side bind: " + e.getMessage());
                } catch (SocketTimeoutException e) {
                    failedIo++;
                    error("timeout: " + e.getMessage());
                } catch (IOException | RuntimeException e) {
                    failedIo++;
                    error(e.getClass().getSimpleName() + ": " + e.getMessage());
                }
                record(System.nanoTime() - t0);
            }
        }

        void error(String kind) {
            synchronized (errors) {
                errors.merge(kind, 1L, Long::sum);
            }
        }

        void record(long ns) {
            if (latencies == latencyNs.length) {
                latencyNs = Arrays.copyOf(latencyNs, latencies * 2);
            }
            latencyNs[latencies++] = ns;
        }

        List<Double> latenciesMs() {
            List<Double> l = new ArrayList<>(latencies);
            for (int i = 0; i < latencies; i++) {
                l.add(latencyNs[i] / 1e6);
            }
            return l;
        }
    }

    // ------------------------------------------------------------------------------------ the host

    /** VmRSS of a process in MB (MiB). */
    static double rssMb(long pid) throws IOException, BenchFailure {
        return procStatusMb(pid, "VmRSS:");
    }

    static double hwmMb(long pid) throws IOException, BenchFailure {
        return procStatusMb(pid, "VmHWM:");
    }

    static double procStatusMb(long pid, String field) throws IOException, BenchFailure {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith(field)) {
                String[] parts = line.substring(field.length()).trim().split("\\s+");
                return Long.parseLong(parts[0]) / 1024.0; // kB
            }
        }
        throw new BenchFailure("no " + field + " in /proc/" + pid + "/status");
    }

    record ReadyLine(long ms, int framework, long restartsSoFar) {
    }

    Path logFile() {
        return home.resolve("data/log/gatehouse.log");
    }

    long logSize() throws IOException {
        Path f = logFile();
        return Files.exists(f) ? Files.size(f) : 0;
    }

    /** The launcher's "gateway ready ... in N ms" lines written after the given offset of the log. */
    List<ReadyLine> readyLines(long offset) throws IOException {
        List<ReadyLine> lines = new ArrayList<>();
        Path f = logFile();
        if (!Files.exists(f)) {
            return lines;
        }
        String text;
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "r")) {
            long len = raf.length();
            long from = offset <= len ? offset : 0; // the log rolled: read it all
            byte[] b = new byte[(int) Math.min(len - from, 64L << 20)];
            raf.seek(from);
            raf.readFully(b);
            text = new String(b, StandardCharsets.UTF_8);
        }
        Matcher m = READY_LINE.matcher(text);
        while (m.find()) {
            lines.add(new ReadyLine(Long.parseLong(m.group(2)), Integer.parseInt(m.group(3)), Long.parseLong(m.group(4))));
        }
        return lines;
    }

    static String javaVersionLine() {
        // The same java that bin/gatehouse picks: JAVA_HOME, else PATH.
        String javaHome = System.getenv("JAVA_HOME");
        String java = javaHome != null && Files.isExecutable(Path.of(javaHome, "bin", "java"))
                ? Path.of(javaHome, "bin", "java").toString() : "java";
        try {
            Process p = new ProcessBuilder(java, "-version").redirectErrorStream(true).start();
            CHILDREN.add(p);
            String first = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().findFirst()
                    .orElse("?");
            p.waitFor(10, TimeUnit.SECONDS);
            CHILDREN.remove(p);
            return first.trim();
        } catch (IOException | InterruptedException e) {
            return "java " + System.getProperty("java.version");
        }
    }

    /** The 1, 5 and 15 minute load averages from /proc/loadavg. */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    static String readTrimmed(Path f) throws IOException {
        try {
            String s = Files.readString(f).trim();
            return s.isEmpty() ? null : s;
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    static String tail(Path f, int n) {
        try {
            List<String> all = Files.readAllLines(f);
            StringBuilder b = new StringBuilder("  last lines of " + f + ":\n");
            for (String l : all.subList(Math.max(0, all.size() - n), all.size())) {
                b.append("    ").append(l).append('\n');
            }
            return b.toString();
        } catch (IOException e) {
            return "  (no " + f + ")";
        }
    }

    /** Ends every child still alive: SIGTERM, then SIGKILL after a bound. */
    static void endChildren() {
        for (Process p : CHILDREN) {
            if (!p.isAlive()) {
                continue;
            }
            p.descendants().forEach(ProcessHandle::destroy);
            p.destroy();
            try {
                if (!p.waitFor(STOP_DEADLINE_MS / 2, TimeUnit.MILLISECONDS)) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                    p.waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
            }
        }
        CHILDREN.clear();
    }

    static final class BenchFailure extends Exception {
        private static final long serialVersionUID = 1L;

        BenchFailure(String message) {
            super(message);
        }
    }

    // ---------------------------------------------------------------------------------- statistics

    static List<Double> sorted(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        s.sort(null);
        return s;
    }

    static double median(List<Double> v) {
        if (v.isEmpty()) {
            return Double.NaN;
        }
        List<Double> s = sorted(v);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    /** Nearest-rank percentile. */
    static double percentile(List<Double> v, double p) {
        if (v.isEmpty()) {
            return Double.NaN;
        }
        List<Double> s = sorted(v);
        int rank = (int) Math.ceil(p / 100.0 * s.size());
        return s.get(Math.max(0, Math.min(s.size() - 1, rank - 1)));
    }

    static double max(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    static double min(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    static String verdict(boolean pass) {
        return pass ? "PASS" : "MISS";
    }

    static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        return Math.abs(v) >= 100 || v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v)
                : String.format(Locale.ROOT, "%.1f", v);
    }

    /** A plain text table: figure, n, min, median, p95, max, unit, target, verdict. */
    static final class Table {
        final List<String[]> rows = new ArrayList<>();

        void section(String title) {
            rows.add(new String[] {title});
        }

        void row(String name, List<Double> v, String unit, String target, String verdict) {
            rows.add(new String[] {name, Integer.toString(v.size()), fmt(min(v)), fmt(median(v)),
                    v.size() >= 2 ? fmt(percentile(v, 95)) : "-", fmt(max(v)), unit, target, verdict});
        }

        void count(String name, long value, String target, String verdict) {
            rows.add(new String[] {name, "", "", Long.toString(value), "", "", "", target, verdict});
        }

        void print(java.io.PrintStream out) {
            String[] head = {"figure", "n", "min", "median", "p95", "max", "unit", "target", "result"};
            int[] w = new int[head.length];
            for (int i = 0; i < head.length; i++) {
                w[i] = head[i].length();
            }
            for (String[] r : rows) {
                if (r.length > 1) {
                    for (int i = 0; i < r.length; i++) {
                        w[i] = Math.max(w[i], r[i].length());
                    }
                }
            }
            int total = Arrays.stream(w).sum() + 2 * (w.length - 1);
            out.println(line(head, w));
            out.println("-".repeat(total));
            for (String[] r : rows) {
                if (r.length == 1) {
                    out.println(r[0]);
                } else {
                    out.println(line(r, w));
                }
            }
        }

        static String line(String[] cells, int[] w) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < cells.length; i++) {
                boolean left = i == 0 || i >= 6;
                String c = cells[i];
                String pad = " ".repeat(w[i] - c.length());
                b.append(left ? c + pad : pad + c);
                if (i < cells.length - 1) {
                    b.append("  ");
                }
            }
            return b.toString().stripTrailing();
        }
    }
}
