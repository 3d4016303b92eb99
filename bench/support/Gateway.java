package support;

import static support.BenchSupport.CHILDREN;
import static support.BenchSupport.readTrimmed;
import static support.BenchSupport.stopChild;
import static support.BenchSupport.tail;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code bin/gatehouse run} of a distribution home started by a harness: launch until
 * {@code GET /healthz} answers 200, {@code gateway:status --json} restarts, stop with SIGTERM.
 */
public final class Gateway {

    static final Pattern RESTARTS_FIELD = Pattern.compile("\"restarts\"\\s*:\\s*(\\d+)");

    public final Path home;
    public final Process process;
    /** Output and error of the run. */
    public final Path console;
    /** The JVM's pid (bin/gatehouse execs java; checked against data/run/gatehouse.pid). */
    public long pid;
    /** data/run/gateway.listen, host:port. */
    public String listen;
    /** Launch to the first /healthz 200. */
    public double readyMs;

    Gateway(Path home, Process process, Path console) {
        this.home = home;
        this.process = process;
        this.console = console;
    }

    /**
     * Starts {@code bin/gatehouse --home HOME run} (output to {@code console}, stdin /dev/null) and
     * returns once GET /healthz answers 200, polling every {@code pollMs}.
     */
    public static Gateway launch(Path home, Path console, String userAgent, long deadlineMs, long pollMs)
            throws IOException, InterruptedException, BenchFailure {
        return launch(List.of(home.resolve("bin/gatehouse").toString(), "--home", home.toString(), "run"), home, console,
                userAgent, deadlineMs, pollMs);
    }

    /**
     * As {@link #launch(Path, Path, String, long, long)} with another command that serves the home the same
     * way (writes {@code data/run/gateway.listen}, answers {@code /healthz}): the benchmarks' floor process.
     */
    public static Gateway launch(List<String> command, Path home, Path console, String userAgent, long deadlineMs, long pollMs)
            throws IOException, InterruptedException, BenchFailure {
        Path run = home.resolve("data/run");
        // Stale files of an earlier run must not point the probe anywhere; the launcher writes new ones.
        Files.deleteIfExists(run.resolve("gateway.listen"));
        Files.deleteIfExists(run.resolve("admin.port"));
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(console.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().remove("GATEHOUSE_HOME");
        pb.environment().remove("GATEHOUSE_TOKEN"); // the benchmarks send no token
        long t0 = System.nanoTime();
        Gateway g = new Gateway(home, pb.start(), console);
        CHILDREN.add(g.process);
        long deadline = t0 + TimeUnit.MILLISECONDS.toNanos(deadlineMs);
        String lastProblem = "no answer yet";
        while (true) {
            if (!g.process.isAlive()) {
                throw new BenchFailure("the gateway exited with status " + g.process.exitValue() + " during start\n"
                        + tail(console, 20));
            }
            if (System.nanoTime() > deadline) {
                throw new BenchFailure("not ready within " + deadlineMs + " ms (" + lastProblem + ")\n" + tail(console, 20));
            }
            String listen = readTrimmed(run.resolve("gateway.listen"));
            if (listen != null) {
                try {
                    int code = BenchSupport.healthz(listen, userAgent, true);
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
            Thread.sleep(pollMs);
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

    /** BenchFailure with the console's last lines when the gateway process has exited. */
    public void ensureAlive(String during) throws BenchFailure {
        if (!process.isAlive()) {
            throw new BenchFailure("the gateway exited with status " + process.exitValue() + " during " + during + "\n"
                    + tail(console, 20));
        }
    }

    /**
     * The {@code restarts} field of {@code gateway:status --json}. IOException when the command
     * fails (e.g. not registered yet while a new framework starts): worth retrying.
     */
    public long statusRestarts(boolean tcpNoDelay) throws IOException, BenchFailure {
        ShellResult r = BenchSupport.shell(home, "gateway:status --json", tcpNoDelay);
        if (r.status != 0) {
            throw new IOException("gateway:status exited with " + r.status + ": " + (r.err + r.out).strip());
        }
        Matcher m = RESTARTS_FIELD.matcher(r.out);
        if (!m.find()) {
            throw new BenchFailure("no \"restarts\" field in gateway:status --json: " + r.out);
        }
        return Long.parseLong(m.group(1));
    }

    /** SIGTERM (Process.destroy), waits for the exit; returns the time it took. SIGKILL after the deadline. */
    public double stop(long deadlineMs) throws InterruptedException, BenchFailure {
        double ms = stopChild(process, deadlineMs);
        if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            throw new BenchFailure("pid " + pid + " is still alive after the gateway process exited");
        }
        return ms;
    }
}
