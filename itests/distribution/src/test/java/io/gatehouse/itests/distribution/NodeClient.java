package io.gatehouse.itests.distribution;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real clients in {@code src/test/node} (installed by the pom into {@code target/node}, system property
 * {@code gatehouse.node.clients}) as bounded child processes: a client that outlives its time is killed with
 * everything it started (a browser, say) and the test fails.
 */
final class NodeClient {
    static final Path CLIENTS = Path.of(System.getProperty("gatehouse.node.clients", "target/node"));

    private NodeClient() {
    }

    /**
     * Skips the calling test unless node and the installed packages are there; with {@code CI=true} in the
     * environment a missing piece fails the test instead (a CI run must not pass by skipping its real clients).
     */
    static void assumeInstalled(String... packages) {
        require(node() != null, "node is not on the PATH: the real-client tests need Node.js (and npm to install them)");
        for (String p : packages) {
            require(Files.isDirectory(CLIENTS.resolve("node_modules").resolve(p)),
                    "the node clients are not installed (" + CLIENTS.resolve("node_modules").resolve(p).toAbsolutePath()
                            + " is missing): the pom runs npm ci in target/node when /usr/bin/npm exists",
                    System.getenv());
        }
    }

    /** Skips the calling test unless {@code ok}; fails it under {@code CI=true}. */
    static void require(boolean ok, String why) {
        require(ok, why, System.getenv());
    }

    /** A real client's precondition: skip the test when it does not hold, fail it when the environment says CI. */
    static void require(boolean present, String missing, Map<String, String> env) {
        if (present) {
            return;
        }
        String ci = env.getOrDefault("CI", "");
        if (ci.equalsIgnoreCase("true") || ci.equals("1")) {
            org.junit.jupiter.api.Assertions.fail("CI=" + ci + " and " + missing + " (.ci/run installs Node.js and Chromium; "
                    + "unset CI to skip the real-client tests)");
        }
        assumeTrue(false, missing);
    }

    static boolean ci() {
        String ci = System.getenv().getOrDefault("CI", "");
        return ci.equalsIgnoreCase("true") || ci.equals("1");
    }

    /** {@code node SCRIPT ARGS} in the clients directory, bounded by {@code within}; output goes to files in {@code work}. */
    static Gateway.Result run(Path work, Duration within, String script, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(node().toString());
        cmd.add(script);
        cmd.addAll(List.of(args));
        String name = script.replace(".mjs", "") + "-" + System.nanoTime();
        Path out = work.resolve(name + ".out");
        Path err = work.resolve(name + ".err");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(CLIENTS.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        Map<String, String> env = pb.environment();
        // Loopback only: nothing in the environment may send the clients through a proxy or elsewhere.
        for (String k : List.of("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy",
                "OPENAI_BASE_URL", "OPENAI_API_KEY", "NODE_OPTIONS")) {
            env.remove(k);
        }
        env.put("NO_PROXY", "127.0.0.1,localhost");
        Process p = pb.start();
        try {
            if (!p.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
                kill(p);
                throw new AssertionError("node " + String.join(" ", cmd.subList(1, cmd.size())) + " did not finish within "
                        + within + "\n--- stdout\n" + read(out) + "\n--- stderr\n" + read(err));
            }
        } finally {
            kill(p); // no-op after a normal exit; on a timeout or an interrupt the client and its browser go
        }
        return new Gateway.Result(p.exitValue(), read(out), read(err));
    }

    private static void kill(Process p) throws InterruptedException {
        List<ProcessHandle> all = new ArrayList<>(p.descendants().toList());
        all.add(p.toHandle());
        for (ProcessHandle h : all) {
            h.destroyForcibly();
        }
        for (ProcessHandle h : all) {
            try {
                h.onExit().get(10, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                // reported by the caller's assertions; nothing more to do here
            }
        }
    }

    private static String read(Path f) throws IOException {
        return Files.exists(f) ? Files.readString(f, StandardCharsets.UTF_8) : "";
    }

    /** The node executable on the PATH, or null. */
    static Path node() {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path n = Path.of(dir.isEmpty() ? "." : dir, "node");
            if (Files.isExecutable(n) && !Files.isDirectory(n)) {
                return n;
            }
        }
        return null;
    }
}
