import static support.BenchSupport.*;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import support.BenchFailure;
import support.BenchSupport;
import support.Gateway;
import support.ShellResult;
import support.Table;

/**
 * Skills benchmark of a Gatehouse distribution: how long a saved SKILL.md takes to be visible in
 * {@code skills:list} and to be announced by its change event, and how long loading 1,000 skills from
 * 100 roots takes (at start, on {@code skills:reload}, and when the roots are added by a config change).
 *
 * <pre>
 * javac -d CLASSES bench/support/*.java bench/SkillsBench.java
 * java -cp CLASSES SkillsBench --home DIR [--edits N] [--roots R] [--per-root K] [--debounce-ms MS]
 *                              [--poll-ms MS] [--deadline-ms MS] [--out DIR]
 * </pre>
 *
 * The home must be a copy of the distribution that nothing else uses (bench/skills.sh makes one in a
 * temp folder, with a free loopback port); the harness rewrites its config: one agent {@code main} with
 * the workspace {@code HOME/bench-ws} and {@code skills.load.watchDebounceMs}. Each edit writes the
 * whole SKILL.md of one skill to a temp file and renames it over the old one (as editors do), with a new
 * description; "visible" is the first {@code skills:list --json} (over the admin socket, polled every
 * {@code --poll-ms}) that shows it, "event" the {@code firedAt} of its change event in the same listing
 * (the gateway's clock, the same machine's) minus the time of the rename. The next edit starts after the
 * event. Then R roots with K skills each are written and added as {@code skills.load.extraDirs}; then
 * {@code skills:reload}; then the gateway is restarted and the start's load time is read from its log.
 * All traffic goes to 127.0.0.1; every wait has a deadline; the gateway is stopped before the program exits.
 *
 * <p>Exit status: 0 when the run met its checks (every edit seen and announced by exactly one event, every
 * skill loaded), 1 when it did not or the harness failed, 2 on bad usage.
 */
public final class SkillsBench {
    static final String USER_AGENT = "gatehouse-skills-bench";
    static final long READY_DEADLINE_MS = 60_000;
    static final long STOP_DEADLINE_MS = 60_000;
    static final Pattern PORT = Pattern.compile("\\bport\\s*:\\s*(\\d+)");
    static final Pattern EVENT = Pattern.compile("\\{[^{}]*?\"changedPath\"\\s*:\\s*(\"[^\"]*\"|null)[^{}]*?\"version\"\\s*:\\s*(\\d+)[^{}]*?\"firedAt\"\\s*:\\s*(\\d+)[^{}]*?\\}");
    static final Pattern READY = Pattern.compile("\"ready\"\\s*:\\s*(\\d+)");
    static final Pattern TOOK = Pattern.compile("\"tookMs\"\\s*:\\s*([0-9.]+)");
    static final Pattern START_LOAD = Pattern.compile("skills: loaded (\\d+) skills from (\\d+) roots in (\\d+) ms");
    static final Pattern CONFIG_LOAD = Pattern.compile("skills: (\\d+) skills in (\\d+) roots, \\d+ problems; version \\d+ \\(config-change[^)]*\\) in (\\d+) ms");

    final Path home;
    final int edits;
    final int roots;
    final int perRoot;
    final long debounceMs;
    final long pollMs;
    final long deadlineMs;
    final Path outDir;
    final Path ws;
    Gateway gateway;

    SkillsBench(Path home, int edits, int roots, int perRoot, long debounceMs, long pollMs, long deadlineMs, Path outDir) {
        this.home = home;
        this.edits = edits;
        this.roots = roots;
        this.perRoot = perRoot;
        this.debounceMs = debounceMs;
        this.pollMs = pollMs;
        this.deadlineMs = deadlineMs;
        this.outDir = outDir;
        this.ws = home.resolve("bench-ws");
    }

    public static void main(String[] args) {
        Path home = null;
        Path outDir = null;
        int edits = 100;
        int roots = 100;
        int perRoot = 10;
        long debounce = 250;
        long poll = 2;
        long deadline = 10_000;
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--home" -> home = Path.of(value(args, ++i, a));
                    case "--out" -> outDir = Path.of(value(args, ++i, a));
                    case "--edits" -> edits = Integer.parseInt(value(args, ++i, a));
                    case "--roots" -> roots = Integer.parseInt(value(args, ++i, a));
                    case "--per-root" -> perRoot = Integer.parseInt(value(args, ++i, a));
                    case "--debounce-ms" -> debounce = Long.parseLong(value(args, ++i, a));
                    case "--poll-ms" -> poll = Long.parseLong(value(args, ++i, a));
                    case "--deadline-ms" -> deadline = Long.parseLong(value(args, ++i, a));
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
            if (edits < 1 || roots < 1 || perRoot < 1 || debounce < 0 || poll < 0 || deadline < 1) {
                throw new IllegalArgumentException("--edits, --roots, --per-root, --deadline-ms must be >= 1, --debounce-ms and --poll-ms >= 0");
            }
            if (!Files.isExecutable(home.resolve("bin/gatehouse")) || !Files.isDirectory(home.resolve("lib"))) {
                throw new IllegalArgumentException(home + " is not a Gatehouse distribution (no bin/gatehouse or lib/)");
            }
        } catch (IllegalArgumentException e) {
            System.err.println("SkillsBench: " + e.getMessage());
            usage(System.err);
            System.exit(2);
        }
        home = home.toAbsolutePath().normalize();
        Path out = outDir == null ? home.resolve("data/bench") : outDir;
        SkillsBench bench = new SkillsBench(home, edits, roots, perRoot, debounce, poll, deadline, out);
        BenchSupport.runAndExit("SkillsBench", null, () -> {
            Files.createDirectories(out);
            bench.run();
        });
    }

    static void usage(PrintStream out) {
        out.println("usage: java -cp CLASSES SkillsBench --home DIR [--edits N (100)] [--roots R (100)] [--per-root K (10)]");
        out.println("           [--debounce-ms MS (250)] [--poll-ms MS (2)] [--deadline-ms MS (10000)] [--out DIR]");
        out.println("  --home         a private copy of the distribution (bench/skills.sh makes one)");
        out.println("  --edits        SKILL.md saves measured (save -> visible, save -> event)");
        out.println("  --roots        extra skill folders for the load figures, each with --per-root skills");
        out.println("  --debounce-ms  skills.load.watchDebounceMs (the event's quiet time)");
        out.println("  --poll-ms      pause between two skills:list probes");
        out.println("  --deadline-ms  bound on each wait");
        out.println("  --out          where the gateway's console output goes (default HOME/data/bench)");
    }

    void run() throws IOException, InterruptedException, BenchFailure {
        System.out.printf(Locale.ROOT, "Gatehouse skills benchmark%n");
        System.out.printf(Locale.ROOT, "  home      %s%n", home);
        System.out.printf(Locale.ROOT, "  machine   nproc %d, %s, %s %s%n", Runtime.getRuntime().availableProcessors(),
                javaVersionLine(), System.getProperty("os.name"), System.getProperty("os.arch"));
        System.out.printf(Locale.ROOT, "  load avg  %s (other work on the machine skews the figures)%n", loadAverage());
        System.out.printf(Locale.ROOT, "  plan      %d edits (watchDebounceMs %d, skills:list probe every %d ms), then %d roots x %d skills%n%n",
                edits, debounceMs, pollMs, roots, perRoot);
        writeConfig(List.of());
        Files.createDirectories(ws.resolve("skills"));
        gateway = Gateway.launch(home, outDir.resolve("console.out"), USER_AGENT, READY_DEADLINE_MS, 10);
        System.out.printf(Locale.ROOT, "  gateway up in %.0f ms (pid %d) on %s%n", gateway.readyMs, gateway.pid, gateway.listen);

        // ---- edits
        Path skill = ws.resolve("skills/bench-edit/SKILL.md");
        List<Double> visible = new ArrayList<>();
        List<Double> event = new ArrayList<>();
        long lastVersion = edit(skill, "initial", null, null);
        int extraEvents = 0;
        for (int i = 1; i <= edits; i++) {
            long before = countEvents(skill);
            lastVersion = edit(skill, "edit-" + i + "-" + System.nanoTime(), visible, event);
            extraEvents += (int) Math.max(0, countEvents(skill) - before - 1);
        }

        // ---- load: R roots x K skills, added by a config change
        Path extra = home.resolve("bench-roots");
        List<String> dirs = new ArrayList<>();
        for (int r = 0; r < roots; r++) {
            Path root = extra.resolve(String.format(Locale.ROOT, "root-%03d", r));
            dirs.add(root.toString());
            for (int k = 0; k < perRoot; k++) {
                String name = String.format(Locale.ROOT, "r%03d-s%03d", r, k);
                Path d = Files.createDirectories(root.resolve(name));
                Files.writeString(d.resolve("SKILL.md"), "---\nname: " + name + "\ndescription: skill " + k + " of root " + r
                        + "\nmetadata: {\"openclaw\": {\"emoji\": \"*\", \"requires\": {\"env\": [\"PATH\"]}}}\n---\n# " + name
                        + "\n\nInstructions " + "lorem ipsum ".repeat(40) + "\n");
            }
        }
        int want = roots * perRoot + 1;
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < dirs.size(); i++) {
            json.append(i == 0 ? "" : ",").append('"').append(dirs.get(i)).append('"');
        }
        json.append(']');
        long t0 = System.nanoTime();
        ShellResult set = shell("config:set skills.load.extraDirs '" + json + "'");
        if (set.status != 0) {
            throw new BenchFailure("config:set skills.load.extraDirs failed: " + set.err + set.out);
        }
        awaitReady(want, t0);
        double configE2e = (System.nanoTime() - t0) / 1e6;
        Matcher cl = lastMatch(CONFIG_LOAD, log());
        double configInternal = cl == null ? Double.NaN : Double.parseDouble(cl.group(3));

        List<Double> reloads = new ArrayList<>();
        List<Double> reloadRoundTrips = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            long r0 = System.nanoTime();
            ShellResult r = shell("skills:reload --json");
            reloadRoundTrips.add((System.nanoTime() - r0) / 1e6);
            Matcher m = TOOK.matcher(r.out);
            if (r.status != 0 || !m.find()) {
                throw new BenchFailure("skills:reload --json failed: " + r.err + r.out);
            }
            reloads.add(Double.parseDouble(m.group(1)));
        }

        // ---- start with the roots in the config: the start's load, from the log
        gateway.stop(STOP_DEADLINE_MS);
        writeConfig(dirs);
        Files.deleteIfExists(home.resolve("data/log/gatehouse.log"));
        gateway = Gateway.launch(home, outDir.resolve("console2.out"), USER_AGENT, READY_DEADLINE_MS, 10);
        awaitReady(want, System.nanoTime());
        Matcher sl = lastMatch(START_LOAD, log());
        double startLoad = sl == null ? Double.NaN : Double.parseDouble(sl.group(3));
        String startDetail = sl == null ? "not in the log" : sl.group(1) + " skills, " + sl.group(2) + " roots";
        gateway.stop(STOP_DEADLINE_MS);

        Table t = new Table("p50", 99);
        t.section("SKILL.md save (rename over) with watchDebounceMs " + debounceMs);
        t.row("save -> visible in skills:list", visible, "ms", "<= 100 p50", verdict(median(visible) <= 100));
        t.row("save -> change event fired", event, "ms", "<= debounce + 50", verdict(percentile(event, 50) <= debounceMs + 50));
        t.count("events beyond one per save", extraEvents, "0", verdict(extraEvents == 0));
        t.section(roots + " roots x " + perRoot + " skills (" + (want - 1) + " skills + 1)");
        t.text("config:set extraDirs -> all listed", fmt(configE2e), "ms");
        t.text("  refresh inside the gateway", fmt(configInternal), "ms");
        t.row("skills:reload (all files read again)", reloads, "ms", "<= 500", verdict(median(reloads) <= 500));
        t.row("  skills:reload round trip", reloadRoundTrips, "ms", "", "");
        t.text("start: load from disk (" + startDetail + ")", fmt(startLoad), "ms");
        System.out.println();
        t.print(System.out);
        if (extraEvents != 0) {
            throw new BenchFailure(extraEvents + " extra change events");
        }
    }

    /** Saves the skill with a new description; records save -> visible and save -> event; returns the event's version. */
    long edit(Path file, String description, List<Double> visible, List<Double> event) throws IOException, InterruptedException, BenchFailure {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(".SKILL.md.tmp");
        Files.writeString(tmp, "---\nname: bench-edit\ndescription: " + description + "\n---\nEdit " + description + "\n");
        long wall = System.currentTimeMillis();
        long t0 = System.nanoTime();
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        long deadline = t0 + deadlineMs * 1_000_000;
        Double seen = null;
        while (true) {
            ShellResult r = shell("skills:list --json");
            long now = System.nanoTime();
            if (r.status != 0) {
                throw new BenchFailure("skills:list --json failed: " + r.err + r.out);
            }
            if (seen == null && r.out.contains("\"description\" : \"" + description + "\"")) {
                seen = (now - t0) / 1e6;
            }
            if (seen != null) {
                Matcher m = EVENT.matcher(r.out);
                while (m.find()) {
                    long fired = Long.parseLong(m.group(3));
                    if (m.group(1).equals("\"" + file + "\"") && fired >= wall) {
                        if (visible != null) {
                            visible.add(seen);
                            event.add((double) (fired - wall));
                        }
                        return Long.parseLong(m.group(2));
                    }
                }
            }
            if (now > deadline) {
                throw new BenchFailure("edit \"" + description + "\" " + (seen == null ? "not visible" : "had no event") + " within "
                        + deadlineMs + " ms");
            }
            gateway.ensureAlive("an edit");
            if (pollMs > 0) {
                Thread.sleep(pollMs);
            }
        }
    }

    long countEvents(Path file) throws IOException {
        ShellResult r = shell("skills:list --json");
        Matcher m = EVENT.matcher(r.out);
        long n = 0;
        while (m.find()) {
            if (m.group(1).equals("\"" + file + "\"")) {
                n++;
            }
        }
        return n;
    }

    void awaitReady(int want, long t0) throws IOException, InterruptedException, BenchFailure {
        long deadline = t0 + Math.max(deadlineMs, 60_000) * 1_000_000L;
        while (true) {
            ShellResult r = shell("skills:check --json");
            Matcher m = READY.matcher(r.out);
            if (r.status == 0 && m.find() && Integer.parseInt(m.group(1)) == want) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new BenchFailure("not " + want + " skills ready in time: " + abbreviate(r.out + r.err));
            }
            gateway.ensureAlive("loading skills");
            Thread.sleep(Math.max(1, pollMs));
        }
    }

    ShellResult shell(String command) throws IOException {
        return BenchSupport.shell(home, command, true);
    }

    String log() throws IOException {
        Path f = home.resolve("data/log/gatehouse.log");
        return Files.exists(f) ? Files.readString(f) : "";
    }

    static Matcher lastMatch(Pattern p, String text) {
        Matcher m = p.matcher(text);
        Matcher last = null;
        while (m.find()) {
            last = p.matcher(text);
            last.find(m.start());
        }
        return last;
    }

    void writeConfig(List<String> extraDirs) throws IOException, BenchFailure {
        Path conf = home.resolve("etc/gatehouse.json");
        Matcher m = PORT.matcher(Files.readString(conf));
        if (!m.find()) {
            throw new BenchFailure("no gateway port in " + conf);
        }
        StringBuilder dirs = new StringBuilder();
        for (String d : extraDirs) {
            dirs.append(dirs.length() == 0 ? "" : ", ").append('"').append(d).append('"');
        }
        String text = "{\n  gateway: { bind: \"loopback\", port: " + m.group(1) + " },\n"
                + "  agents: { list: [ { id: \"main\", default: true, workspace: \"" + ws + "\" } ] },\n"
                + "  skills: { load: { watchDebounceMs: " + debounceMs + ", extraDirs: [" + dirs + "] } },\n}\n";
        Path tmp = conf.resolveSibling(".gatehouse.json.tmp");
        Files.writeString(tmp, text);
        Files.move(tmp, conf, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
