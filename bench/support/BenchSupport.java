package support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.gatehouse.support.shell.ShellProtocol;

/**
 * What the benchmark harnesses (bench/*Bench.java) share:
 * child processes, the admin-shell client, the /healthz probe, readings of the host, statistics
 * and number formatting, option parsing. Compiled and run with the distribution's lib/ on the class
 * path, for the gateway's own shell protocol and JSON5 dialect (gatehouse-support).
 */
public final class BenchSupport {

    public static final int CONNECT_TIMEOUT_MS = 5_000;
    public static final int READ_TIMEOUT_MS = 45_000; // longer than the launcher's 30 s ready bound
    /** How long {@link #endChildren} waits after SIGTERM before SIGKILL. */
    static final long END_CHILD_WAIT_MS = 30_000;

    /** Every gateway or helper process started by a harness; {@link #endChildren} ends those still alive. */
    public static final List<Process> CHILDREN = new CopyOnWriteArrayList<>();

    private BenchSupport() {
    }

    // ------------------------------------------------------------------------------------ options

    /** The value of an option at args[i]; IllegalArgumentException when it is missing. */
    public static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    // ---------------------------------------------------------------------------------- processes

    /** Ends every child still alive: SIGTERM, then SIGKILL after a bound. */
    /** The body of a harness's main(). */
    public interface Body {
        void run() throws BenchFailure, java.io.IOException, InterruptedException;
    }

    /**
     * Runs a harness and exits: 0 when it measured, 1 when it failed (with its reason) or was
     * interrupted. Child processes are ended on every way out, including a signal.
     *
     * @param onSignal runs in the shutdown hook before the children are ended (may be null)
     */
    public static void runAndExit(String name, Runnable onSignal, Body body) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (onSignal != null) {
                onSignal.run();
            }
            endChildren();
        }, "bench-cleanup"));
        int status;
        try {
            body.run();
            status = 0;
        } catch (BenchFailure | java.io.IOException e) {
            System.err.println();
            System.err.println(name + ": FAILED: " + e.getMessage());
            status = 1;
        } catch (InterruptedException e) {
            System.err.println(name + ": interrupted");
            status = 1;
        } finally {
            endChildren();
        }
        System.exit(status);
    }

    /**
     * SIGTERM (Process.destroy), waits for the exit and forgets the child; returns the time it took.
     * SIGKILL after the deadline, and a BenchFailure saying so.
     */
    public static double stopChild(Process process, long deadlineMs) throws InterruptedException, BenchFailure {
        long t0 = System.nanoTime();
        process.destroy();
        boolean exited = process.waitFor(deadlineMs, java.util.concurrent.TimeUnit.MILLISECONDS);
        double ms = (System.nanoTime() - t0) / 1e6;
        if (!exited) {
            process.destroyForcibly();
            process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
            throw new BenchFailure("the gateway did not stop within " + deadlineMs + " ms of SIGTERM; killed it");
        }
        CHILDREN.remove(process);
        return ms;
    }

    public static void endChildren() {
        for (Process p : CHILDREN) {
            if (!p.isAlive()) {
                continue;
            }
            p.descendants().forEach(ProcessHandle::destroy);
            p.destroy();
            try {
                if (!p.waitFor(END_CHILD_WAIT_MS, TimeUnit.MILLISECONDS)) {
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

    // --------------------------------------------------------------------- remote shell (wire)

    /**
     * Runs a Gogo command over the admin socket of the gateway in {@code home} with the production
     * client side of the wire protocol (io.gatehouse.support.shell.ShellProtocol, from the distribution's lib/).
     */
    public static ShellResult shell(Path home, String command, boolean tcpNoDelay) throws IOException {
        String portText = readTrimmed(home.resolve("data/run/admin.port"));
        String token = readTrimmed(home.resolve("data/admin.token"));
        if (portText == null || token == null) {
            throw new IOException("no admin port or token file yet");
        }
        ShellProtocol.Result r = ShellProtocol.run(Integer.parseInt(portText), token, command, CONNECT_TIMEOUT_MS,
                READ_TIMEOUT_MS, tcpNoDelay);
        return new ShellResult(r.exit(), r.out(), r.err());
    }

    // --------------------------------------------------------------------------------------- HTTP

    /**
     * GET /healthz on a new connection with Connection: close; returns the status code. Only
     * 127.0.0.1 (or 0.0.0.0, probed on 127.0.0.1) is ever contacted.
     *
     * @param wholeResponse true: TCP_NODELAY, and the response is read to the end (bounded to 8 KiB)
     *                      as a client would; false: only the status line's first 12 bytes are read
     */
    public static int healthz(String listen, String userAgent, boolean wholeResponse) throws IOException {
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
            if (wholeResponse) {
                s.setTcpNoDelay(true);
            }
            s.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MS);
            s.setSoTimeout(READ_TIMEOUT_MS);
            OutputStream o = s.getOutputStream();
            o.write(("GET /healthz HTTP/1.1\r\nHost: " + host + ":" + port
                    + "\r\nUser-Agent: " + userAgent + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            o.flush();
            InputStream in = s.getInputStream();
            if (!wholeResponse) {
                byte[] head = in.readNBytes(12);
                String h = new String(head, StandardCharsets.ISO_8859_1);
                if (!h.startsWith("HTTP/1.") || h.length() < 12) {
                    throw new IOException(head.length == 0 ? "empty response" : "not an HTTP response");
                }
                return Integer.parseInt(h.substring(9, 12));
            }
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

    // ----------------------------------------------------------------------------------- the host

    /** VmRSS of a process in MB (MiB). */
    public static double rssMb(long pid) throws IOException, BenchFailure {
        return procStatusMb(pid, "VmRSS:");
    }

    /** VmHWM (peak RSS) of a process in MB (MiB). */
    public static double hwmMb(long pid) throws IOException, BenchFailure {
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

    /** The first line of {@code java -version} of the java that bin/gatehouse picks. */
    public static String javaVersionLine() {
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
    public static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /** The trimmed content of a file; null when it is missing or blank. */
    public static String readTrimmed(Path f) throws IOException {
        try {
            String s = Files.readString(f).trim();
            return s.isEmpty() ? null : s;
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** The first line of a text (stripped), abbreviated, for a message. */
    public static String firstLine(String s) {
        String t = s.strip();
        int nl = t.indexOf('\n');
        return abbreviate(nl < 0 ? t : t.substring(0, nl));
    }

    /** At most 160 characters, "..." marking a cut. */
    public static String abbreviate(String s) {
        return s.length() <= 160 ? s : s.substring(0, 157) + "...";
    }

    /** The last n lines of a file, indented, for an error message. */
    public static String tail(Path f, int n) {
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

    // --------------------------------------------------------------------------------- statistics

    public static List<Double> sorted(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        s.sort(null);
        return s;
    }

    public static double median(List<Double> v) {
        if (v.isEmpty()) {
            return Double.NaN;
        }
        List<Double> s = sorted(v);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    /** Nearest-rank percentile. */
    public static double percentile(List<Double> v, double p) {
        if (v.isEmpty()) {
            return Double.NaN;
        }
        List<Double> s = sorted(v);
        int rank = (int) Math.ceil(p / 100.0 * s.size());
        return s.get(Math.max(0, Math.min(s.size() - 1, rank - 1)));
    }

    public static double max(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    public static double min(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    public static String verdict(boolean pass) {
        return pass ? "PASS" : "MISS";
    }

    /** "-" for NaN, no decimals from 100 on or for whole numbers, else one decimal. */
    public static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        return Math.abs(v) >= 100 || v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v)
                : String.format(Locale.ROOT, "%.1f", v);
    }
}
