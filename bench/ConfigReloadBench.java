import static support.BenchSupport.*;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import io.gatehouse.support.files.Sha256;
import io.gatehouse.support.json5.Json5;
import support.BenchFailure;
import support.BenchSupport;
import support.ShellResult;
import support.Table;

/**
 * Config hot-reload benchmark of a Gatehouse distribution: how long an edit of
 * {@code etc/gatehouse.json} takes to be in force, and whether a burst of complete writes in every
 * common style (in place, editor rename, delete and recreate, slow chunked writer, Kubernetes
 * ConfigMap symlink swap) ever gets a torn, rejected, stale or lost config applied.
 *
 * <pre>
 * javac -d CLASSES bench/support/*.java bench/ConfigReloadBench.java
 * java -cp CLASSES ConfigReloadBench --home DIR [--edits N] [--torture M] [--seed S] [--max-pad CHARS]
 *                                    [--pause-ms MS] [--poll-ms MS] [--observe-ms MS]
 *                                    [--no-leading-comments] [--out DIR]
 * </pre>
 *
 * The home must be a copy of the distribution that nothing else uses (bench/config-reload.sh makes
 * one in a temp folder, with a free loopback port). Needs only the JDK 17 and bench/support/ (what
 * the harnesses share), compiled with it as above. All traffic goes to 127.0.0.1 (the admin socket, and GET /healthz to see the
 * gateway up). Every wait has a deadline; the gateway started here is stopped before the program
 * exits (a shutdown hook covers errors and signals).
 *
 * <p>Every version written is a complete, valid JSON5 file: the distribution's config plus a
 * {@code messages} section (hot-reloadable) with {@code marker} (the version number), {@code pad}
 * (random length) and {@code check} (the first 16 hex digits of sha256 of marker + ":" + pad), so
 * any applied mixture of two versions, or any config that was never written, is recognised.
 *
 * <p>Exit status: 0 when the measurements ran (whether or not the targets are met, bugs found
 * included), 1 when the harness itself failed (the gateway did not start or died, the admin
 * channel never answered, a file could not be written), 2 on bad usage.
 */
public final class ConfigReloadBench {

    // Targets from the issue ("config pipeline"). Informational: they never change the exit status.
    static final double TARGET_P50_MS = 200;      // "several times faster than the reference's ~800 ms"
    static final double REFERENCE_MS = 800;
    static final long TARGET_TORN = 0;
    static final long TARGET_REJECTED = 0;

    static final long READY_DEADLINE_MS = 60_000;   // launch to /healthz 200
    static final long SHELL_DEADLINE_MS = 30_000;   // admin channel answering after ready
    static final long VISIBLE_DEADLINE_MS = 10_000; // one latency edit, write to visible
    static final long HISTORY_DEADLINE_MS = 5_000;  // the history event of a visible edit
    static final long FINAL_DEADLINE_MS = 30_000;   // last torture write to visible
    static final long STOP_DEADLINE_MS = 60_000;    // SIGTERM to exit, then SIGKILL
    static final long THREAD_JOIN_MS = 60_000;
    static final long HISTORY_POLL_MS = 200;        // the history keeps 50 entries: poll well within that
    static final int MAX_ANOMALIES_SHOWN = 10;

    /** The gateway's hash of an empty config: sha256 of "{}". */
    static final String EMPTY_CONFIG_HASH = sha256("{}");

    static final Pattern CONFIG_HASH_FIELD = Pattern.compile("\"configHash\"\\s*:\\s*\"([0-9a-f]{64})\"");
    static final Pattern RESTARTS_FIELD = Pattern.compile("\"restarts\"\\s*:\\s*(\\d+)");

    /** Set by the shutdown hook: no new writes or queries, so the gateway stops without draining them. */
    static volatile boolean shuttingDown;

    final Path home;
    final Path etc;
    final Path conf;
    final int edits;
    final int torture;
    final long seed;
    final int maxPad;
    final long pauseMs;
    final long pollMs;
    final long observeMs;
    final boolean leadingComments;
    final Path outDir;

    Process gateway;
    Path console;
    String listen;

    // The config template: the distribution's file, split where the messages section goes.
    String headerComments;      // comment lines before the opening brace ("" when moved inside)
    String bodyBeforeClose;     // from the opening brace up to (not including) the closing brace
    Map<String, Object> baseMap;
    boolean hashModelOk;

    /** Every version written: marker to what was written. Read by the observer thread. */
    final Map<Long, Written> written = new ConcurrentHashMap<>();
    /** Config hash (as the gateway computes it) to marker, for every version written. */
    final Map<String, Long> markerOfHash = new ConcurrentHashMap<>();
    final HistoryLog historyLog = new HistoryLog();

    ConfigReloadBench(Path home, int edits, int torture, long seed, int maxPad, long pauseMs, long pollMs, long observeMs,
            boolean leadingComments, Path outDir) {
        this.home = home;
        this.etc = home.resolve("etc");
        this.conf = etc.resolve("gatehouse.json");
        this.edits = edits;
        this.torture = torture;
        this.seed = seed;
        this.maxPad = maxPad;
        this.pauseMs = pauseMs;
        this.pollMs = pollMs;
        this.observeMs = observeMs;
        this.leadingComments = leadingComments;
        this.outDir = outDir;
    }

    public static void main(String[] args) {
        Path home = null;
        Path outDir = null;
        int edits = 200;
        int torture = 1000;
        long seed = 42;
        int maxPad = 6000;
        long pause = 10;
        long poll = 1;
        long observe = 5;
        boolean leading = true;
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--home" -> home = Path.of(value(args, ++i, a));
                    case "--out" -> outDir = Path.of(value(args, ++i, a));
                    case "--edits" -> edits = Integer.parseInt(value(args, ++i, a));
                    case "--torture" -> torture = Integer.parseInt(value(args, ++i, a));
                    case "--seed" -> seed = Long.parseLong(value(args, ++i, a));
                    case "--max-pad" -> maxPad = Integer.parseInt(value(args, ++i, a));
                    case "--pause-ms" -> pause = Long.parseLong(value(args, ++i, a));
                    case "--poll-ms" -> poll = Long.parseLong(value(args, ++i, a));
                    case "--observe-ms" -> observe = Long.parseLong(value(args, ++i, a));
                    case "--no-leading-comments" -> leading = false;
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
            if (edits < 0 || torture < 0 || edits + torture == 0 || edits > 100_000 || torture > 100_000) {
                throw new IllegalArgumentException("--edits and --torture must be 0-100000, not both 0");
            }
            if (maxPad < 0 || maxPad > 1_000_000 || pause < 0 || poll < 0 || observe < 0) {
                throw new IllegalArgumentException("--max-pad must be 0-1000000, the intervals >= 0");
            }
            if (!Files.isExecutable(home.resolve("bin/gatehouse")) || !Files.isDirectory(home.resolve("lib"))
                    || !Files.isRegularFile(home.resolve("etc/gatehouse.json"))) {
                throw new IllegalArgumentException(home + " is not a Gatehouse distribution (no bin/gatehouse, lib/ "
                        + "or etc/gatehouse.json)");
            }
        } catch (IllegalArgumentException e) {
            System.err.println("ConfigReloadBench: " + e.getMessage());
            usage(System.err);
            System.exit(2);
        }
        home = home.toAbsolutePath().normalize();
        if (outDir == null) {
            outDir = home.resolve("data/bench");
        }
        // constructing only stores the settings; the work happens in run()
        ConfigReloadBench bench = new ConfigReloadBench(home, edits, torture, seed, maxPad, pause, poll, observe, leading, outDir);
        Path out = outDir;
        BenchSupport.runAndExit("ConfigReloadBench", () -> shuttingDown = true, () -> {
            Files.createDirectories(out);
            bench.run();
        });
    }

    static void usage(PrintStream out) {
        out.println("usage: java -cp CLASSES ConfigReloadBench --home DIR [--edits N (200)] [--torture M (1000)]");
        out.println("           [--seed S (42)] [--max-pad CHARS (6000)] [--pause-ms MS (10)] [--poll-ms MS (1)]");
        out.println("           [--observe-ms MS (5)] [--no-leading-comments] [--out DIR]");
        out.println("  --home        a private copy of the distribution (bench/config-reload.sh makes one)");
        out.println("  --edits       latency phase: in-place rewrites, each waited for (0 skips the phase)");
        out.println("  --torture     torture phase: complete writes in mixed styles, not waited for (0 skips it)");
        out.println("  --seed        seed of every random choice of the harness (styles, pads, chunks, gaps)");
        out.println("  --max-pad     longest random pad string in the torture phase (file size ~ 700 bytes + pad)");
        out.println("  --pause-ms    idle time after each latency edit is applied, before the next write");
        out.println("  --poll-ms     sleep between two config:get polls while waiting for a latency edit");
        out.println("  --observe-ms  sleep between two config:get polls of the torture observer");
        out.println("  --no-leading-comments  put the file's leading comment lines inside the object, so every");
        out.println("                version starts with '{' (isolates how leading comments affect torn reads)");
        out.println("  --out         where the gateway console output and per-edit CSV files go (default HOME/data/bench)");
    }

    // ------------------------------------------------------------------------------------------ run

    void run() throws IOException, InterruptedException, BenchFailure {
        System.out.printf(Locale.ROOT, "Gatehouse config hot-reload benchmark%n");
        System.out.printf(Locale.ROOT, "  home      %s%n", home);
        System.out.printf(Locale.ROOT, "  machine   nproc %d, %s, %s %s%n", Runtime.getRuntime().availableProcessors(),
                javaVersionLine(), System.getProperty("os.name"), System.getProperty("os.arch"));
        System.out.printf(Locale.ROOT, "  load avg  %s (other work on the machine skews the figures)%n", loadAverage());
        System.out.printf(Locale.ROOT, "  plan      %d in-place edits one at a time, then %d mixed-style writes "
                + "(seed %d, pad 0-%d chars, %s)%n%n", edits, torture, seed, maxPad,
                leadingComments ? "files start with the distribution's comment lines" : "files start with '{'");

        prepareTemplate();
        launch();
        System.out.printf(Locale.ROOT, "  gateway up on %s (pid %d)%n", listen, gateway.pid());
        ShellResult status = awaitShell("gateway:status --json");
        String baseHash = sha256(canonical(baseMap));
        Matcher hm = CONFIG_HASH_FIELD.matcher(status.out);
        hashModelOk = hm.find() && hm.group(1).equals(baseHash);
        markerOfHash.put(baseHash, 0L); // the distribution's config, in force before the first edit
        System.out.printf(Locale.ROOT, "  hash model %s%n", hashModelOk
                ? "verified: the harness computes the gateway's config hash (history events are matched by hash)"
                : "NOT verified (gateway:status configHash differs from the harness's); history events are matched by time");
        historyLog.merge(history(awaitShell("config:history --json")));
        long nextMarker = 1;
        Random rnd = new Random(seed);

        Latency lat = null;
        if (edits > 0) {
            lat = latencyPhase(rnd, nextMarker);
            nextMarker += edits;
        }
        Torture tor = null;
        if (torture > 0) {
            tor = torturePhase(rnd, nextMarker);
        }
        double stopMs = stop();
        System.out.printf(Locale.ROOT, "  gateway stopped in %.0f ms; load avg %s%n%n", stopMs, loadAverage());
        report(lat, tor);
    }

    // --------------------------------------------------------------------------- (1) latency phase

    static final class Latency {
        final List<Double> writeToVisible = new ArrayList<>();
        final List<Double> writeToApplied = new ArrayList<>();
        final List<Double> observedToApplied = new ArrayList<>();
        final List<Double> writeToObserved = new ArrayList<>();
        final List<Double> queryRoundTrip = new ArrayList<>();
        final List<Double> writeCall = new ArrayList<>();
        long missed;          // never visible within the deadline
        long noEvent;         // visible, but no history event for it
        long extraEvents;     // history events beyond one per edit
        long notHot;          // the edit's event was not "hot"
        final List<String> anomalies = new ArrayList<>();
    }

    Latency latencyPhase(Random rnd, long firstMarker) throws IOException, InterruptedException, BenchFailure {
        Latency l = new Latency();
        System.out.printf(Locale.ROOT, "  latency phase: %d in-place rewrites, each waited for%n", edits);
        try (PrintWriter csv = new PrintWriter(Files.newBufferedWriter(outDir.resolve("latency.csv")))) {
            csv.println("marker,write_epoch_ms,write_to_visible_ms,observed_at,applied_at,outcome,extra_events");
            for (int k = 0; k < edits; k++) {
                long n = firstMarker + k;
                String pad = randomPad(rnd, 16 + rnd.nextInt(49));
                Written w = version(n, pad, Style.IN_PLACE);
                byte[] bytes = w.text.getBytes(StandardCharsets.UTF_8);
                long tWrite = System.currentTimeMillis();
                long t0 = System.nanoTime();
                writeInPlace(conf, bytes);
                l.writeCall.add((System.nanoTime() - t0) / 1e6);

                // Tight, bounded poll until config:get answers the new marker.
                long deadline = t0 + TimeUnit.MILLISECONDS.toNanos(VISIBLE_DEADLINE_MS);
                double visibleMs = -1;
                String last = "no answer yet";
                while (System.nanoTime() < deadline) {
                    ensureAlive();
                    long q0 = System.nanoTime();
                    try {
                        ShellResult r = shell("config:get messages.marker");
                        long q1 = System.nanoTime();
                        l.queryRoundTrip.add((q1 - q0) / 1e6);
                        if (r.status == 0 && r.out.trim().equals(Long.toString(n))) {
                            visibleMs = (q1 - t0) / 1e6;
                            break;
                        }
                        last = r.status == 0 ? "marker " + r.out.trim() : (r.err + r.out).trim();
                    } catch (IOException e) {
                        last = e.toString();
                    }
                    if (pollMs > 0) {
                        Thread.sleep(pollMs);
                    }
                }
                if (visibleMs < 0) {
                    l.missed++;
                    l.anomalies.add("marker " + n + ": not visible within " + VISIBLE_DEADLINE_MS + " ms (last answer: "
                            + last + ")");
                } else {
                    l.writeToVisible.add(visibleMs);
                }

                // The gateway's own view of this change, from config:history.
                HistEvent match = null;
                int fresh = 0;
                long hDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(visibleMs < 0 ? 0 : HISTORY_DEADLINE_MS);
                do {
                    List<HistEvent> added;
                    try {
                        added = historyLog.merge(history());
                    } catch (IOException e) {
                        added = List.of(); // e.g. a framework restart in progress: ask again
                    }
                    fresh += added.size();
                    for (HistEvent e : added) {
                        if (match == null && matches(e, w, tWrite)) {
                            match = e;
                        } else {
                            l.anomalies.add("marker " + n + ": extra history event " + e.describe(tWrite, this));
                        }
                    }
                    if (match == null) {
                        Thread.sleep(2);
                    }
                } while (match == null && System.nanoTime() < hDeadline);
                if (match == null) {
                    if (visibleMs >= 0) {
                        l.noEvent++;
                        l.anomalies.add("marker " + n + ": visible after " + fmt(visibleMs)
                                + " ms but no history event for it");
                    }
                    l.extraEvents += fresh;
                } else {
                    l.extraEvents += fresh - 1;
                    l.writeToApplied.add((double) (match.appliedAt - tWrite));
                    l.observedToApplied.add((double) (match.appliedAt - match.observedAt));
                    l.writeToObserved.add((double) (match.observedAt - tWrite));
                    if (!"hot".equals(match.outcome)) {
                        l.notHot++;
                        l.anomalies.add("marker " + n + ": outcome " + match.outcome + " (expected hot)");
                    }
                }
                csv.printf(Locale.ROOT, "%d,%d,%s,%d,%d,%s,%d%n", n, tWrite, visibleMs < 0 ? "" : fmt3(visibleMs),
                        match == null ? 0 : match.observedAt, match == null ? 0 : match.appliedAt,
                        match == null ? "" : match.outcome, match == null ? fresh : fresh - 1);
                if ((k + 1) % 25 == 0 || k + 1 == edits) {
                    System.out.printf(Locale.ROOT, "  edit %4d/%d: write -> visible median so far %s ms, last %s ms%n",
                            k + 1, edits, fmt(median(l.writeToVisible)), visibleMs < 0 ? "missed" : fmt(visibleMs));
                }
                Thread.sleep(pauseMs);
            }
        }
        System.out.println();
        return l;
    }

    boolean matches(HistEvent e, Written w, long tWrite) {
        if (hashModelOk) {
            return e.hash.equals(w.hash);
        }
        return e.observedAt >= tWrite - 5 && e.paths.contains("messages") && !"rejected".equals(e.outcome);
    }

    // ---------------------------------------------------------------------------- (2) torture phase

    enum Style {
        IN_PLACE("in-place rewrite"), RENAME("temp file + atomic rename"), RECREATE("delete + recreate"),
        CHUNKED("slow chunked writer"), SYMLINK("Kubernetes ..data swap");

        final String label;

        Style(String label) {
            this.label = label;
        }
    }

    static final class Torture {
        final Map<Style, Integer> styles = new EnumMap<>(Style.class);
        int writesPlain;
        int writesLinked;
        double writeSeconds;
        long firstMarker;
        long lastMarker;
        Observer observer;
        List<HistEvent> events = new ArrayList<>();
        long rejected;
        long foreign;
        long foreignEmpty;
        long restartOutcomes;
        long historyRegressions;
        long historyGaps;
        final Set<Long> appliedMarkers = new LinkedHashSet<>();
        long frameworkRestarts;
        long socketMoves;
        long unreadableAtRestart;
        boolean finalVisible;
        boolean finalMatches;
        String finalDetail = "";
        double finalMs = -1;
        final List<String> anomalies = new ArrayList<>();
    }

    Torture torturePhase(Random rnd, long firstMarker) throws IOException, InterruptedException, BenchFailure {
        Torture t = new Torture();
        t.firstMarker = firstMarker;
        int linkAt = torture / 2; // first half on a plain file, second half through the ..data symlink layout
        System.out.printf(Locale.ROOT, "  torture phase: %d complete writes, styles at random (seed %d), gaps 0-30 ms;%n"
                + "    writes 1-%d on a plain etc/gatehouse.json, then the Kubernetes layout "
                + "(etc/gatehouse.json -> ..data/gatehouse.json, ..data -> ..vN)%n", torture, seed, linkAt);
        long restartsBefore = statusRestarts();
        long logOffset = logSize();
        // The version in force when the phase starts is legitimate too.
        long inForce = firstMarker - 1;
        long phaseStart = System.currentTimeMillis();
        Observer obs = new Observer(phaseStart, inForce == 0);
        Thread obsThread = new Thread(obs::observe, "bench-observer");
        Thread histThread = new Thread(obs::collectHistory, "bench-history");
        obsThread.setDaemon(true);
        histThread.setDaemon(true);
        obsThread.start();
        histThread.start();
        t.observer = obs;
        Written last = null;
        boolean linked = false;
        Path versionDir = null;
        long t0 = System.nanoTime();
        long lastWriteNs = t0;
        try (PrintWriter csv = new PrintWriter(Files.newBufferedWriter(outDir.resolve("torture.csv")))) {
            csv.println("marker,style,layout,bytes,write_epoch_ms,write_ms,gap_ms");
            for (int i = 0; i < torture; i++) {
                ensureAlive();
                if (i == linkAt && !linked) {
                    versionDir = setUpLinkedLayout(firstMarker + i);
                    linked = true;
                }
                long n = firstMarker + i;
                Style style = linked ? Style.values()[rnd.nextInt(5)] : Style.values()[rnd.nextInt(4)];
                String pad = randomPad(rnd, rnd.nextInt(maxPad + 1));
                Written w = version(n, pad, style);
                byte[] bytes = w.text.getBytes(StandardCharsets.UTF_8);
                long tWrite = System.currentTimeMillis();
                long w0 = System.nanoTime();
                Path real = linked ? conf.toRealPath() : conf;
                switch (style) {
                    case IN_PLACE -> writeInPlace(conf, bytes);
                    case RENAME -> writeByRename(real, bytes, n);
                    case RECREATE -> writeByRecreate(real, bytes);
                    case CHUNKED -> writeChunked(conf, bytes, rnd);
                    case SYMLINK -> versionDir = swapLinkedVersion(versionDir, bytes, n);
                }
                lastWriteNs = System.nanoTime();
                double writeMs = (lastWriteNs - w0) / 1e6;
                spans.add(new WriteSpan(n, style, linked, tWrite, System.currentTimeMillis()));
                t.styles.merge(style, 1, Integer::sum);
                if (linked) {
                    t.writesLinked++;
                } else {
                    t.writesPlain++;
                }
                last = w;
                int gap = rnd.nextInt(31);
                csv.printf(Locale.ROOT, "%d,%s,%s,%d,%d,%s,%d%n", n, style.name().toLowerCase(Locale.ROOT),
                        linked ? "linked" : "plain", bytes.length, tWrite, fmt3(writeMs), gap);
                if ((i + 1) % 100 == 0 || i + 1 == torture) {
                    System.out.printf(Locale.ROOT, "  write %4d/%d: %d observations so far, %d torn, %d distinct versions seen%n",
                            i + 1, torture, obs.observations.get(), obs.torn.get(), obs.seen.size());
                }
                Thread.sleep(gap);
            }
        }
        t.writeSeconds = (System.nanoTime() - t0) / 1e9;
        t.writeSeconds = Math.max(t.writeSeconds, 1e-9);
        t.lastMarker = last.marker;

        // Wait (bounded) until the last write is in force.
        long deadline = lastWriteNs + TimeUnit.MILLISECONDS.toNanos(FINAL_DEADLINE_MS);
        String lastAnswer = "no answer yet";
        while (System.nanoTime() < deadline) {
            ensureAlive();
            try {
                ShellResult r = shell("config:get messages");
                if (r.status == 0) {
                    Map<String, Object> m = asMap(Json.parse(r.out));
                    Long marker = m == null ? null : asLong(m.get("marker"));
                    if (marker != null && marker == last.marker) {
                        t.finalMs = (System.nanoTime() - lastWriteNs) / 1e6;
                        t.finalVisible = true;
                        boolean same = last.pad.equals(m.get("pad")) && last.check.equals(m.get("check"));
                        t.finalDetail = same ? "marker, pad and check as written" : "marker as written, pad/check differ";
                        t.finalMatches = same;
                        break;
                    }
                    lastAnswer = "marker " + marker;
                } else {
                    lastAnswer = (r.err + r.out).trim();
                }
            } catch (IOException | IllegalArgumentException e) {
                lastAnswer = e.toString();
            }
            Thread.sleep(5);
        }
        // Let the observer see the final state, then stop both threads.
        Thread.sleep(Math.max(50, observeMs * 4));
        obs.stop.set(true);
        obsThread.join(THREAD_JOIN_MS);
        histThread.join(THREAD_JOIN_MS);
        if (obsThread.isAlive() || histThread.isAlive()) {
            throw new BenchFailure("the observer threads did not finish");
        }
        obs.pollHistoryOnce(); // the events of the last writes
        if (!t.finalVisible) {
            t.finalDetail = "last write (marker " + last.marker + ") not in force within " + FINAL_DEADLINE_MS
                    + " ms; config:get answered: " + lastAnswer;
        } else if (hashModelOk) {
            ShellResult s = awaitShell("gateway:status --json");
            Matcher m = CONFIG_HASH_FIELD.matcher(s.out);
            if (!m.find() || !m.group(1).equals(last.hash)) {
                t.finalMatches = false;
                t.finalDetail += "; gateway:status configHash differs from the last write's";
            } else {
                t.finalDetail += ", configHash matches";
            }
        }
        if (!Arrays.equals(Files.readAllBytes(conf), last.text.getBytes(StandardCharsets.UTF_8))) {
            t.finalMatches = false;
            t.finalDetail += "; etc/gatehouse.json no longer holds the last write";
        }
        t.frameworkRestarts = statusRestarts() - restartsBefore;
        String log = logSince(logOffset);
        t.socketMoves = count(log, "gateway socket moved from");
        t.unreadableAtRestart = count(log, "config unreadable at restart");
        System.out.printf(Locale.ROOT, "  torture phase: %d writes in %.1f s; last write in force after %s ms%n%n",
                torture, t.writeSeconds, t.finalVisible ? fmt(t.finalMs) : "(never)");

        // The gateway's record of the phase.
        t.historyGaps = historyLog.gaps;
        long maxSoFar = inForce;
        for (HistEvent e : historyLog.events()) {
            if (e.observedAt < phaseStart) {
                continue;
            }
            t.events.add(e);
            if ("rejected".equals(e.outcome)) {
                t.rejected++;
                t.anomalies.add("rejected: " + e.describe(phaseStart, this) + "; observed " + writeAt(e.observedAt));
                continue;
            }
            if ("restart".equals(e.outcome)) {
                t.restartOutcomes++;
            }
            if (!hashModelOk) {
                continue;
            }
            Long marker = markerOfHash.get(e.hash);
            if (marker == null || marker < inForce) {
                t.foreign++;
                if (e.hash.equals(EMPTY_CONFIG_HASH)) {
                    t.foreignEmpty++;
                }
                t.anomalies.add("applied a config never written: " + e.describe(phaseStart, this) + "; observed "
                        + writeAt(e.observedAt));
                continue;
            }
            if ("hot".equals(e.outcome) || "restart".equals(e.outcome)) {
                t.appliedMarkers.add(marker);
            }
            if (marker < maxSoFar) {
                t.historyRegressions++;
                t.anomalies.add("older version applied after a newer one (history): marker " + marker + " after "
                        + maxSoFar + ": " + e.describe(phaseStart, this));
            }
            maxSoFar = Math.max(maxSoFar, marker);
        }
        return t;
    }

    /**
     * Converts etc/gatehouse.json into the layout a Kubernetes ConfigMap volume has, without changing
     * its content: etc/..vN/gatehouse.json, etc/..data -> ..vN, etc/gatehouse.json -> ..data/gatehouse.json.
     */
    Path setUpLinkedLayout(long n) throws IOException {
        byte[] current = Files.readAllBytes(conf);
        Path dir = etc.resolve("..v" + n + "-setup");
        Files.createDirectory(dir);
        Files.write(dir.resolve("gatehouse.json"), current);
        Files.createSymbolicLink(etc.resolve("..data"), Path.of(dir.getFileName().toString()));
        Path tmpLink = etc.resolve(".gatehouse.json.link-tmp");
        Files.deleteIfExists(tmpLink);
        Files.createSymbolicLink(tmpLink, Path.of("..data", "gatehouse.json"));
        Files.move(tmpLink, conf, StandardCopyOption.ATOMIC_MOVE);
        return dir;
    }

    /** The kubelet's atomic writer: new version folder, temp link, rename over ..data, old folder removed. */
    Path swapLinkedVersion(Path oldDir, byte[] bytes, long n) throws IOException {
        Path dir = etc.resolve("..v" + n);
        Files.createDirectory(dir);
        Files.write(dir.resolve("gatehouse.json"), bytes);
        Path tmpLink = etc.resolve("..data_tmp");
        Files.deleteIfExists(tmpLink);
        Files.createSymbolicLink(tmpLink, Path.of(dir.getFileName().toString()));
        Files.move(tmpLink, etc.resolve("..data"), StandardCopyOption.ATOMIC_MOVE);
        if (oldDir != null) {
            deleteTree(oldDir);
        }
        return dir;
    }

    static void writeInPlace(Path file, byte[] bytes) throws IOException {
        Files.write(file, bytes, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
    }

    /** Editor style: a temp file beside the real file, renamed over it. */
    static void writeByRename(Path real, byte[] bytes, long n) throws IOException {
        Path tmp = real.resolveSibling("." + real.getFileName() + "." + n + ".tmp");
        Files.write(tmp, bytes);
        Files.move(tmp, real, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    static void writeByRecreate(Path real, byte[] bytes) throws IOException {
        Files.delete(real);
        Files.write(real, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    }

    /** Truncates, then writes the file in 3-8 chunks with 10-40 ms pauses between them. */
    static void writeChunked(Path file, byte[] bytes, Random rnd) throws IOException, InterruptedException {
        int chunks = 3 + rnd.nextInt(6);
        int[] cuts = new int[chunks + 1];
        cuts[chunks] = bytes.length;
        for (int c = 1; c < chunks; c++) {
            cuts[c] = 1 + rnd.nextInt(Math.max(1, bytes.length - 1));
        }
        Arrays.sort(cuts, 1, chunks);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            for (int c = 0; c < chunks; c++) {
                ByteBuffer b = ByteBuffer.wrap(bytes, cuts[c], cuts[c + 1] - cuts[c]);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                if (c < chunks - 1) {
                    Thread.sleep(10 + rnd.nextInt(31));
                }
            }
        }
    }

    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /**
     * Two threads: one polls {@code config:get messages} and checks every answer against the
     * versions written; one polls {@code config:history --json} often enough that no event of the
     * 50 kept is lost.
     */
    final class Observer {
        final long phaseStart;
        final AtomicBoolean stop = new AtomicBoolean();
        final java.util.concurrent.atomic.AtomicLong observations = new java.util.concurrent.atomic.AtomicLong();
        final java.util.concurrent.atomic.AtomicLong torn = new java.util.concurrent.atomic.AtomicLong();
        volatile long missingSection;
        volatile long selfCheckFailed;
        volatile long unknownVersion;
        volatile long unavailable;
        volatile long regressions;
        volatile long episodes;
        // the current run of consecutive torn answers (observer thread only)
        long episodeStart = -1;
        long episodeEnd;
        long episodeCount;
        String episodeProblem;
        final Set<Long> seen = ConcurrentHashMap.newKeySet();
        final List<Double> roundTrip = new ArrayList<>();
        final List<String> anomalies = new CopyOnWriteArrayList<>();
        final Map<String, Long> unavailableKinds = new TreeMap<>();

        /** With --edits 0 the distribution's config (no messages section) is legitimately in force at first. */
        boolean baselineInForce;

        Observer(long phaseStart, boolean baselineInForce) {
            this.phaseStart = phaseStart;
            this.baselineInForce = baselineInForce;
        }

        void observe() {
            long maxSeen = Long.MIN_VALUE;
            while (!stop.get() && !shuttingDown) {
                long q0 = System.nanoTime();
                long at = System.currentTimeMillis();
                try {
                    ShellResult r = shell("config:get messages");
                    synchronized (roundTrip) {
                        roundTrip.add((System.nanoTime() - q0) / 1e6);
                    }
                    at = System.currentTimeMillis(); // what the answer shows was in force at most this long ago
                    if (r.status == 0) {
                        observations.incrementAndGet();
                        String problem = null;
                        Long marker = null;
                        Map<String, Object> m = asMap(Json.parse(r.out));
                        if (m == null) {
                            problem = "messages is not an object: " + r.out.trim();
                            unknownVersion++;
                        } else {
                            marker = asLong(m.get("marker"));
                            Object pad = m.get("pad");
                            Object check = m.get("check");
                            Written w = marker == null ? null : written.get(marker);
                            if (marker == null || !(pad instanceof String p) || !(check instanceof String c)) {
                                problem = "messages lacks marker/pad/check: " + abbreviate(r.out.trim());
                                unknownVersion++;
                            } else if (!c.equals(checkOf(marker, p))) {
                                problem = "check does not match marker " + marker + " + pad (" + p.length()
                                        + " chars): a mixture of versions";
                                selfCheckFailed++;
                            } else if (w == null || !w.pad.equals(p)) {
                                problem = "marker " + marker + " with a pad that was never written with it";
                                unknownVersion++;
                            }
                        }
                        if (problem != null) {
                            tornAnswer(at, problem);
                        } else {
                            endEpisode();
                            baselineInForce = false;
                            seen.add(marker);
                            if (marker < maxSeen) {
                                regressions++;
                                note("older version in force after a newer one at +" + (at - phaseStart) + " ms: marker "
                                        + marker + " after " + maxSeen);
                            }
                            maxSeen = Math.max(maxSeen, marker);
                        }
                    } else if (baselineInForce && (r.err + r.out).contains("not set")) {
                        observations.incrementAndGet(); // the config from before the first edit
                    } else if ((r.err + r.out).contains("not set")) {
                        // The command works, but the config in force has no messages section: a config
                        // that was never written (every version has one) is in force.
                        observations.incrementAndGet();
                        missingSection++;
                        tornAnswer(at, "no messages section in force (" + (r.err + r.out).trim() + ")");
                    } else {
                        unavailable++;
                        kind("exit " + r.status + ": " + firstLine(r.err + r.out));
                    }
                } catch (IOException e) {
                    unavailable++;
                    kind(e.getClass().getSimpleName());
                } catch (IllegalArgumentException e) {
                    observations.incrementAndGet();
                    unknownVersion++;
                    tornAnswer(at, "unparsable config:get answer (" + e.getMessage() + ")");
                }
                sleepQuietly(observeMs);
            }
            endEpisode();
        }

        /** Counts a torn answer; consecutive torn answers with the same problem form one episode. */
        void tornAnswer(long at, String problem) {
            torn.incrementAndGet();
            if (episodeStart >= 0 && !problem.equals(episodeProblem)) {
                endEpisode();
            }
            if (episodeStart < 0) {
                episodeStart = at;
                episodeProblem = problem;
                episodeCount = 0;
                episodes++;
            }
            episodeEnd = at;
            episodeCount++;
        }

        void endEpisode() {
            if (episodeStart < 0) {
                return;
            }
            anomalies.add("torn reads from +" + (episodeStart - phaseStart) + " to +" + (episodeEnd - phaseStart) + " ms ("
                    + episodeCount + (episodeCount == 1 ? " answer): " : " answers): ") + episodeProblem + "; first seen "
                    + writeAt(episodeStart));
            episodeStart = -1;
        }

        void collectHistory() {
            while (!stop.get() && !shuttingDown) {
                pollHistoryOnce();
                sleepQuietly(HISTORY_POLL_MS);
            }
        }

        void pollHistoryOnce() {
            try {
                historyLog.merge(history());
            } catch (IOException | RuntimeException e) {
                kind("history: " + e.getClass().getSimpleName());
            }
        }

        void note(String s) {
            anomalies.add(s);
        }

        void noteAt(long at, String s) {
            anomalies.add(s + "; " + writeAt(at));
        }

        void kind(String k) {
            synchronized (unavailableKinds) {
                unavailableKinds.merge(k, 1L, Long::sum);
            }
        }

        List<Double> roundTrips() {
            synchronized (roundTrip) {
                return new ArrayList<>(roundTrip);
            }
        }
    }

    static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // --------------------------------------------------------------------------------- the versions

    record Written(long marker, String pad, String check, String text, String hash, Style style) {
    }

    /** When a torture write started and ended (epoch ms), to say what was being written at a moment. */
    record WriteSpan(long marker, Style style, boolean linked, long start, long end) {
    }

    final List<WriteSpan> spans = new CopyOnWriteArrayList<>();

    /** The write in progress at {@code at}, or the last one before it. */
    String writeAt(long at) {
        WriteSpan before = null;
        for (WriteSpan w : spans) {
            if (w.start <= at) {
                before = w;
            }
        }
        if (before == null) {
            return "before the first torture write";
        }
        String what = "marker " + before.marker + ", " + before.style.label + (before.linked ? " via the link" : "");
        return at <= before.end ? "while writing " + what + " (started " + (at - before.start) + " ms before, took "
                + (before.end - before.start) + " ms)" : "after writing " + what + " (ended " + (at - before.end) + " ms before)";
    }

    /** Splits the distribution's config where the messages section goes. */
    void prepareTemplate() throws IOException, BenchFailure {
        String base = Files.readString(conf, StandardCharsets.UTF_8);
        int open = base.indexOf('{');
        int close = base.lastIndexOf('}');
        if (open < 0 || close < open) {
            throw new BenchFailure(conf + " is not a JSON object");
        }
        try {
            baseMap = asMap(Json.parse(base));
        } catch (IllegalArgumentException e) {
            throw new BenchFailure("cannot parse " + conf + ": " + e.getMessage());
        }
        if (baseMap == null) {
            throw new BenchFailure(conf + " is not a JSON object");
        }
        baseMap.remove("messages");
        if (base.substring(close).contains("messages") || base.contains("messages:") || base.contains("\"messages\"")) {
            throw new BenchFailure(conf + " already has a messages section; start from the distribution's file");
        }
        String header = base.substring(0, open);
        String body = base.substring(open, close).stripTrailing();
        char lastChar = body.charAt(body.length() - 1);
        if (lastChar != ',' && lastChar != '{') {
            body = body + ",";
        }
        if (leadingComments) {
            headerComments = header;
            bodyBeforeClose = body;
        } else {
            // The same comments, inside the object: every prefix of the file then starts with '{'.
            StringBuilder inside = new StringBuilder("{\n");
            for (String line : header.strip().split("\n")) {
                if (!line.isBlank()) {
                    inside.append("  ").append(line.strip()).append('\n');
                }
            }
            headerComments = "";
            bodyBeforeClose = inside + body.substring(1).replaceFirst("^\\s*\\n", "");
        }
    }

    /** One complete, valid, self-checking version of the file, registered before it is written. */
    Written version(long n, String pad, Style style) {
        String check = checkOf(n, pad);
        String text = headerComments + bodyBeforeClose + "\n\n"
                + "  // Written by bench/ConfigReloadBench.java: version " + n + " (" + style.label + ").\n"
                + "  /* check = first 16 hex digits of sha256(marker + ':' + pad) */\n"
                + "  messages: {\n"
                + "    marker: " + n + ",\n"
                + "    pad: '" + pad + "',\n"
                + "    check: '" + check + "', // trailing commas are fine in JSON5\n"
                + "  },\n"
                + "}\n";
        Map<String, Object> map = new LinkedHashMap<>(baseMap);
        Map<String, Object> messages = new LinkedHashMap<>();
        messages.put("marker", n);
        messages.put("pad", pad);
        messages.put("check", check);
        map.put("messages", messages);
        String hash = sha256(canonical(map));
        Written w = new Written(n, pad, check, text, hash, style);
        written.put(n, w);
        markerOfHash.put(hash, n);
        return w;
    }

    static String checkOf(long marker, String pad) {
        return sha256(marker + ":" + pad).substring(0, 16);
    }

    static final char[] PAD_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    static String randomPad(Random rnd, int length) {
        char[] c = new char[length];
        for (int i = 0; i < length; i++) {
            c[i] = PAD_CHARS[rnd.nextInt(PAD_CHARS.length)];
        }
        return new String(c);
    }

    // ------------------------------------------------------------------------------------- history

    record HistEvent(long observedAt, long appliedAt, String hash, List<String> paths, String outcome, String source,
            String detail, String error) {

        String key() {
            return observedAt + "/" + appliedAt + "/" + hash + "/" + outcome + "/" + source + "/" + error;
        }

        String describe(long since, ConfigReloadBench b) {
            Long marker = b.markerOfHash.get(hash);
            return "observed +" + (observedAt - since) + " ms, applied +" + (appliedAt - since) + " ms, outcome " + outcome
                    + ", source " + source + ", paths " + paths + ", hash " + hash.substring(0, Math.min(12, hash.length()))
                    + (b.hashModelOk ? (marker != null ? " (marker " + marker + ")" : " (no version written has this hash)")
                            : "")
                    + (error != null ? ", error: " + error : "");
        }
    }

    /** Every history event seen, in order, de-duplicated across polls of the 50-entry history. */
    static final class HistoryLog {
        private final Map<String, HistEvent> events = new LinkedHashMap<>();
        long gaps;

        /** Merges one poll (oldest first); returns the events not seen before. */
        synchronized List<HistEvent> merge(List<HistEvent> poll) {
            List<HistEvent> added = new ArrayList<>();
            if (!events.isEmpty() && poll.size() >= 50 && !events.containsKey(poll.get(0).key())) {
                gaps++; // the oldest entry of a full history is new: events may have been lost in between
            }
            for (HistEvent e : poll) {
                if (events.putIfAbsent(e.key(), e) == null) {
                    added.add(e);
                }
            }
            return added;
        }

        synchronized List<HistEvent> events() {
            return new ArrayList<>(events.values());
        }
    }

    List<HistEvent> history() throws IOException {
        return history(shell("config:history --json"));
    }

    static List<HistEvent> history(ShellResult r) throws IOException {
        if (r.status != 0) {
            throw new IOException("config:history exited with " + r.status + ": " + firstLine(r.err + r.out));
        }
        Object parsed;
        try {
            parsed = Json.parse(r.out);
        } catch (IllegalArgumentException e) {
            throw new IOException("config:history --json is not JSON: " + e.getMessage());
        }
        List<HistEvent> out = new ArrayList<>();
        if (!(parsed instanceof List<?> list)) {
            throw new IOException("config:history --json is not an array");
        }
        for (Object o : list) {
            Map<String, Object> m = asMap(o);
            if (m == null) {
                continue;
            }
            List<String> paths = new ArrayList<>();
            if (m.get("paths") instanceof List<?> ps) {
                ps.forEach(p -> paths.add(String.valueOf(p)));
            }
            Map<String, Object> err = asMap(m.get("error"));
            Long observed = asLong(m.get("observedAt"));
            Long applied = asLong(m.get("appliedAt"));
            out.add(new HistEvent(observed == null ? 0 : observed, applied == null ? 0 : applied,
                    String.valueOf(m.get("hash")), paths, String.valueOf(m.get("outcome")), String.valueOf(m.get("source")),
                    m.get("detail") == null ? null : String.valueOf(m.get("detail")),
                    err == null ? null : String.valueOf(err.get("message"))));
        }
        return out;
    }

    // ------------------------------------------------------------------------------------- report

    void report(Latency l, Torture t) {
        Table tab = new Table("p50", 90, 99);
        String target = "p50 < " + fmt(TARGET_P50_MS) + " ms";
        if (l != null) {
            tab.section("Write -> applied: " + edits + " in-place rewrites (JSON5, comments), each waited for, then "
                    + pauseMs + " ms idle");
            tab.row("write -> visible (config:get, client)", l.writeToVisible, "ms", target,
                    verdict(median(l.writeToVisible) < TARGET_P50_MS));
            tab.row("write -> appliedAt (gateway history)", l.writeToApplied, "ms", target,
                    verdict(median(l.writeToApplied) < TARGET_P50_MS));
            tab.row("observedAt -> appliedAt (pipeline)", l.observedToApplied, "ms", "", "");
            tab.row("  write -> observedAt (watch+debounce)", l.writeToObserved, "ms", "", "");
            tab.row("  config:get round trip (resolution)", l.queryRoundTrip, "ms", "", "");
            tab.row("  the write itself (truncate+write)", l.writeCall, "ms", "", "");
            tab.count("missed (not visible within " + VISIBLE_DEADLINE_MS / 1000 + " s)", l.missed, "0",
                    verdict(l.missed == 0));
            tab.count("visible, but no history event", l.noEvent, "0", verdict(l.noEvent == 0));
            tab.count("extra history events (not 1 per edit)", l.extraEvents, "0", verdict(l.extraEvents == 0));
            tab.count("edits not applied hot", l.notHot, "0", verdict(l.notHot == 0));
        }
        if (t != null) {
            Observer o = t.observer;
            tab.section("Torture: " + torture + " complete writes, styles at random (seed " + seed + "), gaps 0-30 ms, pad 0-"
                    + maxPad + " chars, not waited for");
            tab.count("writes on a plain file / via ..data link", t.writesPlain, "", "");
            tab.lastCountExtra(Integer.toString(t.writesLinked));
            for (Style s : Style.values()) {
                tab.count("  " + s.label, t.styles.getOrDefault(s, 0), "", "");
            }
            tab.text("write rate", String.format(Locale.ROOT, "%.1f/s", torture / t.writeSeconds), "", "");
            tab.count("config:get messages observations", o.observations.get(), "", "");
            tab.row("  observation round trip", o.roundTrips(), "ms", "", "");
            if (hashModelOk) {
                tab.count("torn applies (history: hash not written)", t.foreign, "0", verdict(t.foreign <= TARGET_TORN));
                tab.count("  of which the empty config {}", t.foreignEmpty, "", "");
            }
            tab.count("torn reads (config:get: not written)", o.torn.get(), "0", verdict(o.torn.get() <= TARGET_TORN));
            tab.count("  episodes (consecutive torn answers)", o.episodes, "", "");
            tab.count("  no messages section in force", o.missingSection, "", "");
            tab.count("  check fails (mixture of versions)", o.selfCheckFailed, "", "");
            tab.count("  other unknown content", o.unknownVersion, "", "");
            tab.count("older version after a newer (observed)", o.regressions, "0", verdict(o.regressions == 0));
            tab.count("distinct versions observed (config:get)", o.seen.size(), "", "");
            tab.count("history events during the run", t.events.size(), "", "");
            tab.count("rejected reloads (history)", t.rejected, "0", verdict(t.rejected <= TARGET_REJECTED));
            if (hashModelOk) {
                tab.count("older version after a newer (history)", t.historyRegressions, "0",
                        verdict(t.historyRegressions == 0));
                tab.count("distinct versions applied (history)", t.appliedMarkers.size(), "", "");
            }
            tab.count("restart outcomes (history)", t.restartOutcomes, "0", verdict(t.restartOutcomes == 0));
            tab.count("framework restarts (gateway:status)", t.frameworkRestarts, "0", verdict(t.frameworkRestarts == 0));
            tab.count("  launcher: config unreadable at restart", t.unreadableAtRestart, "", "");
            tab.count("  launcher: gateway socket moved", t.socketMoves, "0", verdict(t.socketMoves == 0));
            tab.count("observer queries without an answer", o.unavailable, "", "");
            if (t.historyGaps > 0) {
                tab.count("history polls with a possible gap", t.historyGaps, "0", verdict(false));
            }
            tab.text("final state = last write (marker " + t.lastMarker + ")", t.finalMatches ? "yes" : "no", "yes",
                    verdict(t.finalMatches));
            tab.row("  last write -> in force", t.finalVisible ? List.of(t.finalMs) : List.of(), "ms", "", "");
        }
        tab.print(System.out);
        System.out.println();
        System.out.println("PASS/MISS is informational: latency is judged on the median (the reference needs ~"
                + fmt(REFERENCE_MS) + " ms write-to-applied),");
        System.out.println("the counts on their value. Exit status 0 unless the harness failed.");
        if (t != null) {
            System.out.println("Final state: " + t.finalDetail);
            if (!t.observer.unavailableKinds.isEmpty()) {
                System.out.println("Observer queries without an answer, by kind:");
                t.observer.unavailableKinds.forEach((k, v) -> System.out.printf(Locale.ROOT, "  %6d  %s%n", v, k));
            }
        }
        if (l != null) {
            anomalies("Latency phase anomalies", l.anomalies);
        }
        if (t != null) {
            anomalies("Torture: torn-read episodes seen by config:get (times from the start of the phase)",
                    t.observer.anomalies);
            anomalies("Torture: anomalies in config:history (times from the start of the phase)", t.anomalies);
        }
        List<String> csv = new ArrayList<>();
        if (l != null) {
            csv.add(outDir.resolve("latency.csv").toString());
        }
        if (t != null) {
            csv.add(outDir.resolve("torture.csv").toString());
        }
        System.out.println("Per-edit data: " + String.join(", ", csv) + " (deleted with the temp home unless --keep)");
    }

    static void anomalies(String title, List<String> list) {
        if (list.isEmpty()) {
            return;
        }
        System.out.println(title + ": " + list.size() + (list.size() > MAX_ANOMALIES_SHOWN ? ", first "
                + MAX_ANOMALIES_SHOWN : ""));
        list.stream().limit(MAX_ANOMALIES_SHOWN).forEach(a -> System.out.println("  - " + a));
    }

    // ------------------------------------------------------------------------------------- gateway

    /** Starts {@code bin/gatehouse run} and returns once GET /healthz answers 200. */
    void launch() throws IOException, InterruptedException, BenchFailure {
        Path run = home.resolve("data/run");
        Files.deleteIfExists(run.resolve("gateway.listen"));
        Files.deleteIfExists(run.resolve("admin.port"));
        console = outDir.resolve("console.out");
        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/gatehouse").toString(), "--home", home.toString(), "run")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(console.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().remove("GATEHOUSE_HOME");
        long t0 = System.nanoTime();
        gateway = pb.start();
        CHILDREN.add(gateway);
        long deadline = t0 + TimeUnit.MILLISECONDS.toNanos(READY_DEADLINE_MS);
        String lastProblem = "no answer yet";
        while (true) {
            ensureAlive();
            if (System.nanoTime() > deadline) {
                throw new BenchFailure("not ready within " + READY_DEADLINE_MS + " ms (" + lastProblem + ")\n"
                        + tail(console, 20));
            }
            String l = readTrimmed(run.resolve("gateway.listen"));
            if (l != null) {
                try {
                    int code = healthz(l);
                    if (code == 200) {
                        listen = l;
                        return;
                    }
                    lastProblem = "/healthz answered " + code;
                } catch (IOException e) {
                    lastProblem = e.toString();
                }
            }
            Thread.sleep(10);
        }
    }

    void ensureAlive() throws BenchFailure {
        if (shuttingDown) {
            throw new BenchFailure("interrupted");
        }
        if (gateway != null && !gateway.isAlive()) {
            throw new BenchFailure("the gateway exited with status " + gateway.exitValue() + "\n" + tail(console, 20));
        }
    }

    /** Runs a command until it exits 0 (the shell bundle may still be starting), bounded. */
    ShellResult awaitShell(String command) throws InterruptedException, BenchFailure {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SHELL_DEADLINE_MS);
        String last = "no answer yet";
        while (System.nanoTime() < deadline) {
            ensureAlive();
            try {
                ShellResult r = shell(command);
                if (r.status == 0) {
                    return r;
                }
                last = "exit " + r.status + ": " + firstLine(r.err + r.out);
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(20);
        }
        throw new BenchFailure("`" + command + "` did not succeed within " + SHELL_DEADLINE_MS + " ms (" + last + ")");
    }

    long statusRestarts() throws InterruptedException, BenchFailure {
        ShellResult r = awaitShell("gateway:status --json");
        Matcher m = RESTARTS_FIELD.matcher(r.out);
        if (!m.find()) {
            throw new BenchFailure("no \"restarts\" field in gateway:status --json");
        }
        return Long.parseLong(m.group(1));
    }

    /** SIGTERM (Process.destroy), waits for the exit; returns the time it took. SIGKILL after the deadline. */
    double stop() throws InterruptedException, BenchFailure {
        return stopChild(gateway, STOP_DEADLINE_MS);
    }

    // ------------------------------------------------------------------------- remote shell (wire)

    /**
     * Runs a Gogo command over the admin socket with the protocol of the launcher's ShellClient:
     * {@code GATEHOUSE-SHELL 1}, token and command lines; frames of type O/E/X, length, payload.
     */
    ShellResult shell(String command) throws IOException {
        if (shuttingDown) {
            throw new IOException("the benchmark is shutting down");
        }
        return BenchSupport.shell(home, command, true);
    }

    /** GET /healthz on a new connection with Connection: close; returns the status code. */
    static int healthz(String listen) throws IOException {
        return BenchSupport.healthz(listen, "gatehouse-config-bench", false);
    }

    // ----------------------------------------------------------------------------------- JSON(5)

    /**
     * The JSON the shell prints and the JSON5 dialect of gatehouse.json, read by the gateway's own
     * dialect (io.gatehouse.support.json5 from the distribution's lib/). Integers become Long.
     */
    static final class Json {
        private static final com.fasterxml.jackson.databind.ObjectMapper READER = Json5.builder()
                .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_LONG_FOR_INTS).build();

        private Json() {
        }

        /** @throws IllegalArgumentException when the text is not in the dialect */
        static Object parse(String text) {
            try {
                return READER.readValue(text, Object.class);
            } catch (IOException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        }
    }

    /** The gateway's canonical form of a config, the input of its hash (the same mapper the gateway uses). */
    static String canonical(Object v) {
        try {
            return Json5.mapper().writeValueAsString(v);
        } catch (IOException e) {
            throw new IllegalStateException("plain Java values always serialise", e);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> asMap(Object o) {
        return o instanceof Map<?, ?> ? (Map<String, Object>) o : null;
    }

    static Long asLong(Object o) {
        return o instanceof Long l ? l : null;
    }

    static String sha256(String text) {
        return Sha256.of(text);
    }

    // ------------------------------------------------------------------------------------ the host

    Path logFile() {
        return home.resolve("data/log/gatehouse.log");
    }

    long logSize() throws IOException {
        Path f = logFile();
        return Files.exists(f) ? Files.size(f) : 0;
    }

    /** The gateway log written after the given offset (all of it when the log rolled). */
    String logSince(long offset) throws IOException {
        Path f = logFile();
        if (!Files.exists(f)) {
            return "";
        }
        byte[] all = Files.readAllBytes(f);
        int from = offset <= all.length ? (int) offset : 0;
        return new String(all, from, all.length - from, StandardCharsets.UTF_8);
    }

    static long count(String text, String needle) {
        long n = 0;
        for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length())) {
            n++;
        }
        return n;
    }

    static String fmt3(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }
}
