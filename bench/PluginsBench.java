import static support.BenchSupport.*;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import support.BenchFailure;
import support.BenchSupport;
import support.ConnectLoop;
import support.Gateway;
import support.ShellResult;
import support.Table;

/**
 * Plugin management benchmark of a Gatehouse distribution: command to "new plugin set active" for
 * {@code plugins:install}/{@code plugins:uninstall} (staged, applied by a framework restart) and
 * {@code plugins:enable}/{@code plugins:disable} (in process, no restart), with a client that
 * connects in a tight loop throughout and records what each phase costs it.
 *
 * <pre>
 * javac -d CLASSES bench/support/*.java bench/PluginsBench.java
 * java -cp CLASSES PluginsBench --home DIR --jar PLUGIN.jar [--rounds N] [--pause-ms MS]
 *                               [--poll-ms MS] [--idle-ms MS] [--deadline-ms MS] [--out DIR]
 * </pre>
 *
 * The home must be a copy of the distribution that nothing else uses (bench/plugins.sh makes one
 * in a temp folder, with a free loopback port); the harness adds an agent {@code shouter} with
 * model {@code example-upper} (the example plugin's model provider) and binds the openai peer
 * {@code shout} to it. "Plugin active" is the first moment a chat as that peer is answered by the
 * plugin ("hi" comes back "HI"); "plugin gone" the first moment it fails naming the missing provider
 * (for install and uninstall: once {@code gateway:status} counts the restart, i.e. from the new
 * framework, not from the old one while it stops).
 * All traffic goes to 127.0.0.1. Every wait has a deadline; the gateway is stopped before the
 * program exits (a shutdown hook covers errors and signals).
 *
 * <p>Exit status: 0 when the run met its checks (no refused and no failed client connection, no
 * restart caused by enable/disable), 1 when it did not or the harness failed, 2 on bad usage.
 */
public final class PluginsBench {

    static final String PLUGIN_ID = "io.gatehouse.example.upper";
    static final String PROVIDER = "example-upper";
    static final String AGENT = "shouter";
    static final String PEER = "shout";
    static final String USER_AGENT = "gatehouse-plugins-bench";

    static final long READY_DEADLINE_MS = 60_000; // launch to /healthz 200
    static final long STOP_DEADLINE_MS = 60_000;  // SIGTERM to exit, then SIGKILL
    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(10);

    static final Pattern AGENTS_OR_BINDINGS = Pattern.compile("(?m)^\\s*\"?(agents|bindings)\"?\\s*:");

    final Path home;
    final Path jar;
    final int rounds;
    final long pauseMs;
    final long pollMs;
    final long idleMs;
    final long deadlineMs;
    final Path outDir;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    Gateway gateway;
    URI chat;
    long probes;
    long shellRetries;

    PluginsBench(Path home, Path jar, int rounds, long pauseMs, long pollMs, long idleMs, long deadlineMs, Path outDir) {
        this.home = home;
        this.jar = jar;
        this.rounds = rounds;
        this.pauseMs = pauseMs;
        this.pollMs = pollMs;
        this.idleMs = idleMs;
        this.deadlineMs = deadlineMs;
        this.outDir = outDir;
    }

    public static void main(String[] args) {
        Path home = null;
        Path jar = null;
        Path outDir = null;
        int rounds = 10;
        long pause = 250;
        long poll = 10;
        long idle = 3000;
        long deadline = 60_000;
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--home" -> home = Path.of(value(args, ++i, a));
                    case "--jar" -> jar = Path.of(value(args, ++i, a));
                    case "--out" -> outDir = Path.of(value(args, ++i, a));
                    case "--rounds" -> rounds = Integer.parseInt(value(args, ++i, a));
                    case "--pause-ms" -> pause = Long.parseLong(value(args, ++i, a));
                    case "--poll-ms" -> poll = Long.parseLong(value(args, ++i, a));
                    case "--idle-ms" -> idle = Long.parseLong(value(args, ++i, a));
                    case "--deadline-ms" -> deadline = Long.parseLong(value(args, ++i, a));
                    case "-h", "--help" -> {
                        usage(System.out);
                        System.exit(0);
                    }
                    default -> throw new IllegalArgumentException("unknown option " + a);
                }
            }
            if (home == null || jar == null) {
                throw new IllegalArgumentException("--home and --jar are required");
            }
            if (rounds < 1 || pause < 0 || poll < 1 || idle < 0 || deadline < 1) {
                throw new IllegalArgumentException("--rounds, --poll-ms and --deadline-ms must be >= 1, --pause-ms and --idle-ms >= 0");
            }
            if (!Files.isExecutable(home.resolve("bin/gatehouse")) || !Files.isDirectory(home.resolve("lib"))) {
                throw new IllegalArgumentException(home + " is not a Gatehouse distribution (no bin/gatehouse or lib/)");
            }
            if (!Files.isRegularFile(jar)) {
                throw new IllegalArgumentException("no plugin jar at " + jar);
            }
        } catch (IllegalArgumentException e) {
            System.err.println("PluginsBench: " + e.getMessage());
            usage(System.err);
            System.exit(2);
        }
        home = home.toAbsolutePath().normalize();
        if (outDir == null) {
            outDir = home.resolve("data/bench");
        }
        // constructing only stores the settings; the work happens in run()
        PluginsBench bench = new PluginsBench(home, jar.toAbsolutePath().normalize(), rounds, pause, poll, idle, deadline,
                outDir);
        Path out = outDir;
        BenchSupport.runAndExit("PluginsBench", null, () -> {
            Files.createDirectories(out);
            bench.run();
        });
    }

    static void usage(PrintStream out) {
        out.println("usage: java -cp CLASSES PluginsBench --home DIR --jar PLUGIN.jar [--rounds N (10)] [--pause-ms MS (250)]");
        out.println("           [--poll-ms MS (10)] [--idle-ms MS (3000)] [--deadline-ms MS (60000)] [--out DIR]");
        out.println("  --home        a private copy of the distribution (bench/plugins.sh makes one)");
        out.println("  --jar         the example plugin (" + PLUGIN_ID + ", model provider " + PROVIDER + ")");
        out.println("  --rounds      install+uninstall rounds, and disable+enable rounds");
        out.println("  --pause-ms    idle time after each command's effect, before the next command");
        out.println("  --poll-ms     interval of the chat probe that detects the effect");
        out.println("  --idle-ms     client loop alone before the first command: the baseline latency");
        out.println("  --deadline-ms bound on each command's effect");
        out.println("  --out         where the gateway's console output goes (default HOME/data/bench)");
    }

    // ------------------------------------------------------------------------------------------ run

    /** Timings of one command: sent -> effect seen by the chat probe, and the command's own round trip. */
    static final class Timings {
        final List<Double> effectMs = new ArrayList<>();
        final List<Double> replyMs = new ArrayList<>();
    }

    void run() throws IOException, InterruptedException, BenchFailure {
        System.out.printf(Locale.ROOT, "Gatehouse plugins benchmark%n");
        System.out.printf(Locale.ROOT, "  home      %s%n", home);
        System.out.printf(Locale.ROOT, "  plugin    %s (%d bytes)%n", jar, Files.size(jar));
        System.out.printf(Locale.ROOT, "  machine   nproc %d, %s, %s %s%n", Runtime.getRuntime().availableProcessors(),
                javaVersionLine(), System.getProperty("os.name"), System.getProperty("os.arch"));
        System.out.printf(Locale.ROOT, "  load avg  %s (other work on the machine skews the figures)%n", loadAverage());
        System.out.printf(Locale.ROOT, "  plan      %d install+uninstall rounds, %d disable+enable rounds, chat probe every %d ms, "
                + "%d ms pause after each effect, %d ms idle baseline%n%n", rounds, rounds, pollMs, pauseMs, idleMs);

        addAgentAndBinding();
        gateway = Gateway.launch(home, outDir.resolve("console.out"), USER_AGENT, READY_DEADLINE_MS, 10);
        chat = URI.create("http://127.0.0.1:" + gateway.listen.substring(gateway.listen.lastIndexOf(':') + 1)
                + "/v1/chat/completions");
        System.out.printf(Locale.ROOT, "  gateway up in %.0f ms (pid %d) on %s%n", gateway.readyMs, gateway.pid, gateway.listen);
        command("plugins:list");
        Probe first = probe();
        if (first.state != State.GONE) {
            throw new BenchFailure("before any install, a chat as peer " + PEER + " should fail naming the missing provider "
                    + PROVIDER + "; got " + first.detail);
        }
        long restarts0 = restarts();

        ConnectLoop.Tally idle = new ConnectLoop.Tally("idle");
        ConnectLoop.Tally installs = new ConnectLoop.Tally("install/uninstall");
        ConnectLoop.Tally toggles = new ConnectLoop.Tally("enable/disable");
        ConnectLoop client = new ConnectLoop(gateway.listen, USER_AGENT, idle);
        client.start();
        Timings install = new Timings();
        Timings uninstall = new Timings();
        Timings disable = new Timings();
        Timings enable = new Timings();
        long restarts1;
        long restarts2;
        try {
            Thread.sleep(idleMs);

            // ---- (1) install / uninstall: staged, applied by a framework restart
            client.switchTo(installs);
            for (int i = 1; i <= rounds; i++) {
                step("install", i, "plugins:install " + jar, State.ACTIVE, restarts0 + 2L * i - 1, install);
                step("uninstall", i, "plugins:uninstall " + PLUGIN_ID, State.GONE, restarts0 + 2L * i, uninstall);
            }
            // Installed once more for the enable/disable phase; the client still counts it here (a restart), untimed.
            step("install", 0, "plugins:install " + jar, State.ACTIVE, restarts0 + 2L * rounds + 1, new Timings());
            restarts1 = restarts();

            // ---- (2) disable / enable: in process, no restart
            client.switchTo(toggles);
            for (int i = 1; i <= rounds; i++) {
                step("disable", i, "plugins:disable " + PLUGIN_ID, State.GONE, 0, disable);
                step("enable", i, "plugins:enable " + PLUGIN_ID, State.ACTIVE, 0, enable);
            }
            restarts2 = restarts();
            client.switchTo(new ConnectLoop.Tally("after"));
        } finally {
            client.stop();
        }
        double stopMs = gateway.stop(STOP_DEADLINE_MS);
        System.out.printf(Locale.ROOT, "  gateway stopped in %.0f ms; load avg %s%n%n", stopMs, loadAverage());

        // ---- report
        long installRestarts = restarts1 - restarts0;
        long toggleRestarts = restarts2 - restarts1;
        long refused = idle.refused() + installs.refused() + toggles.refused();
        long failed = idle.failedIo() + idle.failedStatus() + installs.failedIo() + installs.failedStatus()
                + toggles.failedIo() + toggles.failedStatus();
        double idleP50 = percentile(idle.latenciesMs(), 50);

        Table t = new Table("p50", 99);
        t.section("Install (staged, framework restart): command sent -> chat as `" + PEER + "` answered by the plugin / "
                + "failing on the missing provider, from the new framework");
        t.row("plugins:install -> plugin active", install.effectMs, "ms", "", "");
        t.row("  command round trip", install.replyMs, "ms", "", "");
        t.row("plugins:uninstall -> plugin gone", uninstall.effectMs, "ms", "", "");
        t.row("  command round trip", uninstall.replyMs, "ms", "", "");
        t.count("framework restarts in the phase", installRestarts, (2L * rounds + 1) + " (1 per command)", "");
        t.section("Enable/disable (in process): command sent -> chat failing on the missing provider / answered again");
        t.row("plugins:disable -> plugin gone", disable.effectMs, "ms", "", "");
        t.row("  command round trip", disable.replyMs, "ms", "", "");
        t.row("plugins:enable -> plugin active", enable.effectMs, "ms", "", "");
        t.row("  command round trip", enable.replyMs, "ms", "", "");
        t.count("framework restarts in the phase", toggleRestarts, "0", verdict(toggleRestarts == 0));
        t.section("Client connecting in a tight loop: new connection per GET /healthz, Connection: close");
        for (ConnectLoop.Tally c : List.of(idle, installs, toggles)) {
            t.text(c.name + ": requests", Long.toString(c.total()), "", "");
            t.count("  refused (ConnectException)", c.refused(), "0", verdict(c.refused() == 0));
            t.count("  failed (other IOException, not 200)", c.failedIo() + c.failedStatus(), "0",
                    verdict(c.failedIo() + c.failedStatus() == 0));
            t.row("  request latency", c.latenciesMs(), "ms", "", "");
        }
        t.text("longest wait added: install/uninstall", fmt(max(installs.latenciesMs()) - idleP50), "ms");
        t.text("longest wait added: enable/disable", fmt(max(toggles.latenciesMs()) - idleP50), "ms");
        t.print(System.out);
        System.out.println();
        System.out.printf(Locale.ROOT, "\"longest wait added\" = max request latency in the phase - idle p50 (%s ms). "
                + "Chat probes sent: %d; shell retries: %d.%n", fmt(idleP50), probes, shellRetries);
        for (ConnectLoop.Tally c : List.of(idle, installs, toggles)) {
            if (!c.errors().isEmpty()) {
                System.out.println("Client errors (" + c.name + ") by kind:");
                c.errors().forEach((k, v) -> System.out.printf(Locale.ROOT, "  %6d  %s%n", v, k));
            }
        }
        boolean pass = refused == 0 && failed == 0 && toggleRestarts == 0;
        String summary = refused + " refused, " + failed + " failed, enable/disable caused " + toggleRestarts + " restarts";
        System.out.println();
        System.out.println("verdict: " + (pass ? "PASS" : "FAIL") + " (" + summary
                + "; expected 0 refused, 0 failed, 0 restarts)");
        if (!pass) {
            throw new BenchFailure(summary);
        }
    }

    /**
     * Sends one command, then probes until the chat shows {@code want} (and, for a restart-backed
     * command, {@code gateway:status} reports {@code restarts} at least {@code restartsAtLeast}, so
     * that the effect is the new framework's and not the old one's while it stops); records both times.
     *
     * @param restartsAtLeast the restart count the effect needs; 0 for an in-process command
     */
    void step(String what, int round, String command, State want, long restartsAtLeast, Timings into)
            throws IOException, InterruptedException, BenchFailure {
        long t0 = System.nanoTime();
        ShellResult r = command(command);
        double reply = (System.nanoTime() - t0) / 1e6;
        long deadline = t0 + TimeUnit.MILLISECONDS.toNanos(deadlineMs);
        Probe last = null;
        while (true) {
            gateway.ensureAlive(what);
            last = probe();
            if (last.state == want) {
                if (restartsAtLeast == 0 || restartsAtLeast <= restartsNow()) {
                    break;
                }
                last = new Probe(State.OTHER, last.detail + " (from the old framework: restarts below " + restartsAtLeast + ")");
            }
            if (System.nanoTime() > deadline) {
                throw new BenchFailure(what + " (round " + round + "): no " + want + " within " + deadlineMs + " ms of `"
                        + command + "` (it said: " + firstLine(r.out + r.err) + "); last probe: " + last.detail + "\n"
                        + tail(gateway.console, 20));
            }
            Thread.sleep(pollMs);
        }
        double effect = (System.nanoTime() - t0) / 1e6;
        into.effectMs.add(effect);
        into.replyMs.add(reply);
        System.out.printf(Locale.ROOT, "  %-9s %s: %6.0f ms to %s (command round trip %.1f ms)%n", what,
                round == 0 ? "(setup)" : String.format(Locale.ROOT, "%2d/%d", round, rounds), effect,
                want == State.ACTIVE ? "plugin active" : "plugin gone", reply);
        Thread.sleep(pauseMs);
    }

    // ------------------------------------------------------------------------------- the chat probe

    enum State { ACTIVE, GONE, OTHER }

    record Probe(State state, String detail) {
    }

    /**
     * One chat as peer {@code shout} (bound to the agent whose model is the plugin's provider):
     * ACTIVE when the plugin answered ("hi" upper-cased), GONE when it failed naming the missing
     * provider, OTHER for anything else (a restart in progress, ...). Never throws.
     */
    Probe probe() throws InterruptedException {
        probes++;
        HttpRequest req = HttpRequest.newBuilder(chat)
                .timeout(PROBE_TIMEOUT)
                .header("Content-Type", "application/json")
                .header("User-Agent", USER_AGENT)
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"user\":\"" + PEER + "\"}"))
                .build();
        try {
            HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
            String body = r.body();
            String detail = "HTTP " + r.statusCode() + " " + abbreviate(body.replace('\n', ' '));
            if (r.statusCode() == 200 && body.contains("HI")) {
                return new Probe(State.ACTIVE, detail);
            }
            if (r.statusCode() != 200 && body.contains("no model provider") && body.contains(PROVIDER)) {
                return new Probe(State.GONE, detail);
            }
            return new Probe(State.OTHER, detail);
        } catch (IOException | RuntimeException e) {
            return new Probe(State.OTHER, e.toString());
        }
    }

    // ------------------------------------------------------------------------------------ the shell

    /**
     * Runs a command over the admin socket; retried while it cannot be sent or is not registered
     * (bounded by the deadline); a command that ran and failed is a BenchFailure.
     */
    ShellResult command(String command) throws InterruptedException, BenchFailure {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(deadlineMs);
        String last;
        while (true) {
            gateway.ensureAlive("`" + command + "`");
            try {
                ShellResult r = BenchSupport.shell(home, command, true);
                if (r.status == 0) {
                    return r;
                }
                last = "exit " + r.status + ": " + firstLine(r.err + r.out);
                if (!(r.err + r.out).contains("CommandNotFound")) {
                    throw new BenchFailure("`" + command + "` failed with " + last);
                }
            } catch (IOException e) {
                last = e.toString();
            }
            if (System.nanoTime() > deadline) {
                throw new BenchFailure("`" + command + "` could not run within " + deadlineMs + " ms (" + last + ")");
            }
            shellRetries++;
            Thread.sleep(20);
        }
    }

    /** gateway:status's restarts, -1 while it does not answer (a framework starting). */
    long restartsNow() throws BenchFailure {
        try {
            return gateway.statusRestarts(true);
        } catch (IOException e) {
            return -1;
        }
    }

    long restarts() throws InterruptedException, BenchFailure {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(deadlineMs);
        while (true) {
            try {
                return gateway.statusRestarts(true);
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new BenchFailure("gateway:status --json did not answer within " + deadlineMs + " ms: " + e);
                }
            }
            gateway.ensureAlive("gateway:status");
            Thread.sleep(20);
        }
    }

    // ------------------------------------------------------------------------------------- config

    /**
     * Adds agent {@code shouter} (model {@code example-upper}) and the binding of openai peer
     * {@code shout} to it at the end of the home's etc/gatehouse.json (JSON5), keeping the rest (the
     * gateway port bench/plugins.sh wrote).
     */
    void addAgentAndBinding() throws IOException, BenchFailure {
        Path conf = home.resolve("etc/gatehouse.json");
        String text = Files.readString(conf);
        if (AGENTS_OR_BINDINGS.matcher(text).find()) {
            throw new BenchFailure(conf + " already has agents or bindings; the benchmark expects the distribution's default");
        }
        int close = text.lastIndexOf('}');
        if (close < 0) {
            throw new BenchFailure(conf + " is not a JSON object");
        }
        String before = text.substring(0, close).stripTrailing();
        String comma = before.endsWith(",") || before.endsWith("{") ? "" : ",";
        String added = comma + "\n\n"
                + "  // bench/plugins.sh: agent " + AGENT + " answers through the model provider of plugin " + PLUGIN_ID + ".\n"
                + "  agents: { list: [ { id: \"main\" }, { id: \"" + AGENT + "\", model: \"" + PROVIDER + "\" } ] },\n"
                + "  bindings: [ { agentId: \"" + AGENT + "\", match: { channel: \"openai\", peer: { kind: \"direct\", id: \""
                + PEER + "\" } } } ],\n";
        Files.writeString(conf, before + added + text.substring(close));
    }
}
