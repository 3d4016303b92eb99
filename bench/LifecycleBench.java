import static support.BenchSupport.*;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import support.BenchFailure;
import support.BenchSupport;
import support.ConnectLoop;
import support.Gateway;
import support.ShellResult;
import support.Table;

/**
 * Lifecycle benchmark of a Gatehouse distribution: cold start, in-process framework restart, idle
 * RSS and refused connections during restarts.
 *
 * <pre>
 * javac -d CLASSES bench/support/*.java bench/LifecycleBench.java
 * java -cp CLASSES LifecycleBench --home DIR [--cold N] [--restarts M] [--settle-ms MS]
 *                                 [--pause-ms MS] [--via wire|cli]
 * </pre>
 *
 * The home must be a copy of the distribution that nothing else uses (bench/lifecycle.sh makes
 * one in a temp folder, with a free loopback port). Needs only the JDK 17 and bench/support/ (what
 * the harnesses share), compiled with it as above.
 * All traffic goes to 127.0.0.1. Every wait has a deadline; every gateway process
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
    static final int SHELL_READ_TIMEOUT_MS = 45_000;

    static final Pattern READY_LINE = Pattern.compile(
            "gateway ready on (\\S+) in (\\d+) ms \\(framework (\\d+), restarts so far (\\d+)\\)");

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
        // constructing only stores the settings; the work happens in run()
        LifecycleBench bench = new LifecycleBench(home, cold, restarts, settle, pause, cli, client, outDir);
        Path out = outDir;
        BenchSupport.runAndExit("LifecycleBench", null, () -> {
            Files.createDirectories(out);
            bench.run();
        });
    }

    static void usage(java.io.PrintStream out) {
        out.println("usage: java -cp CLASSES LifecycleBench --home DIR [--cold N (5)] [--restarts M (20)]");
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
        ConnectLoop.Tally load = new ConnectLoop.Tally("restarts");
        ConnectLoop client = new ConnectLoop(g.listen, "gatehouse-lifecycle-bench", load);
        if (withClient) {
            client.start();
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
            client.stop();
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
        Table t = new Table("median", 95);
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
            t.count("ok (200)", load.ok(), "", "");
            t.count("refused (ConnectException)", load.refused(), "0", verdict(load.refused() <= TARGET_REFUSED));
            t.count("failed (other IOException)", load.failedIo(), "", "");
            t.count("failed (not 200)", load.failedStatus(), "", "");
            t.row("request latency (longest = max)", load.latenciesMs(), "ms", "", "");
        } else {
            t.section("Client during the restarts: not run (--no-client)");
        }
        t.print(System.out);
        System.out.println();
        System.out.println("PASS/MISS is informational: cold start and restart are judged on the median, RSS on the");
        System.out.println("largest idle reading, refused connections on the count. Exit status 0 unless the harness failed.");
        if (!load.errors().isEmpty()) {
            System.out.println("Client errors by kind:");
            load.errors().forEach((k, v) -> System.out.printf(Locale.ROOT, "  %6d  %s%n", v, k));
        }
        if (restartsAfter != restartsBefore + restarts) {
            throw new BenchFailure("expected " + (restartsBefore + restarts) + " restarts in gateway:status, got "
                    + restartsAfter);
        }
    }

    // ------------------------------------------------------------------------------------- gateway

    /** Starts {@code bin/gatehouse run} and returns once GET /healthz answers 200. */
    Gateway launch() throws IOException, InterruptedException, BenchFailure {
        return Gateway.launch(home, outDir.resolve("console-" + (++launches) + ".out"), "gatehouse-lifecycle-bench",
                READY_DEADLINE_MS, 5);
    }

    double stop(Gateway g) throws InterruptedException, BenchFailure {
        return g.stop(STOP_DEADLINE_MS);
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
        return g.statusRestarts(false);
    }

    // ------------------------------------------------------------------------- remote shell (wire)

    /** Runs a Gogo command over the admin socket (see {@link BenchSupport#shell}). */
    ShellResult shell(String command) throws IOException {
        return BenchSupport.shell(home, command, false);
    }

    // ----------------------------------------------------------------------------------------- HTTP

    /** GET /healthz on a new connection with Connection: close, the whole response read; returns the status code. */
    static int healthz(String listen) throws IOException {
        return BenchSupport.healthz(listen, "gatehouse-lifecycle-bench", true);
    }

    // ----------------------------------------------------------------------------- the gateway log

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
}
