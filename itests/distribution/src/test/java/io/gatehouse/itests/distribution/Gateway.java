package io.gatehouse.itests.distribution;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * One gateway home copied from the built distribution, driven through {@code bin/gatehouse} like an
 * operator would. Every instance has its own home and port, so several can run side by side.
 *
 * <p>Homes come from the distribution archive ({@code runtime/target/gatehouse.tar.gz}), unpacked once
 * per test run into a folder of this module: never from {@code runtime/target/gatehouse/}, where an
 * operator following the README runs the gateway, drops plugins into {@code deploy/} and leaves
 * {@code data/} behind.
 */
final class Gateway implements AutoCloseable {
    /** The folder the README runs from (tests only plant files there to prove they never use it). */
    static final Path DISTRIBUTION = Path.of(System.getProperty("gatehouse.distribution", "../../runtime/target/gatehouse"));
    static final Path ARCHIVE = Path.of(System.getProperty("gatehouse.distribution.archive", "../../runtime/target/gatehouse.tar.gz"));
    static final ObjectMapper JSON = new ObjectMapper();

    /** The archive unpacked, once per test run (file modes kept: they are part of what is tested). */
    static final class Pristine {
        static final Path HOME = unpack(Path.of(System.getProperty("gatehouse.pristine", "target/pristine-distribution")));

        private static Path unpack(Path dir) {
            if (!Files.isRegularFile(ARCHIVE)) {
                throw new IllegalStateException("build the distribution first: " + ARCHIVE.toAbsolutePath());
            }
            try {
                deleteTree(dir);
                Files.createDirectories(dir);
                Process tar = new ProcessBuilder("tar", "-xzpf", ARCHIVE.toAbsolutePath().toString(), "-C", dir.toString())
                        .redirectErrorStream(true).start();
                String out = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!tar.waitFor(120, TimeUnit.SECONDS) || tar.exitValue() != 0) {
                    throw new IllegalStateException("cannot unpack " + ARCHIVE + ": " + out);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            if (!Files.isExecutable(dir.resolve("bin/gatehouse"))) {
                throw new IllegalStateException(ARCHIVE + " has no executable bin/gatehouse");
            }
            return dir;
        }
    }

    final Path home;
    private Process foreground;

    private Gateway(Path home) {
        this.home = home;
    }

    /** Copies the pristine distribution into {@code dir} and sets a free loopback port. */
    static Gateway copyInto(Path dir) throws IOException {
        copyTree(Pristine.HOME, dir);
        Gateway g = new Gateway(dir);
        g.writeConfig("{ gateway: { bind: 'loopback', port: " + freePort() + ", reload: { deferralTimeoutMs: 10000 } } }");
        return g;
    }

    /** Replaces etc/gatehouse.json as an editor does (temp file renamed over it), keeping its permissions. */
    void writeConfig(String json5) throws IOException {
        Path file = home.resolve("etc/gatehouse.json");
        Path tmp = home.resolve("etc/gatehouse.json.tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, json5);
        if (Files.exists(file)) {
            Files.setPosixFilePermissions(tmp, Files.getPosixFilePermissions(file));
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** {@code bin/gatehouse run} as a child process. */
    Process runInForeground() throws IOException {
        foreground = new ProcessBuilder(home.resolve("bin/gatehouse").toString(), "--home", home.toString(), "run")
                .redirectErrorStream(true).redirectOutput(home.resolve("foreground.out").toFile()).start();
        return foreground;
    }

    /** Runs {@code bin/gatehouse ARGS} to completion (bounded). */
    Result cli(String... args) {
        return cli(java.util.Map.of(), args);
    }

    /** {@link #cli(String...)} with extra environment variables. */
    Result cli(java.util.Map<String, String> env, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(home.resolve("bin/gatehouse").toString());
        cmd.add("--home");
        cmd.add(home.toString());
        cmd.addAll(List.of(args));
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.environment().putAll(env);
            Process p = pb.start();
            byte[][] streams = new byte[2][];
            Thread err = new Thread(() -> streams[1] = readAll(p.getErrorStream()));
            err.start();
            streams[0] = readAll(p.getInputStream());
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("bin/gatehouse " + String.join(" ", args) + " did not finish");
            }
            err.join(10_000);
            return new Result(p.exitValue(), new String(streams[0], StandardCharsets.UTF_8),
                    new String(streams[1], StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Runs a shell command over the admin socket in this JVM (the wire protocol of {@code bin/gatehouse
     * shell}: hello, token, command; frames O/E/X), for tests that ask many times: no JVM per call.
     */
    Result shell(String command) throws IOException {
        int port = Integer.parseInt(Files.readString(home.resolve("data/run/admin.port")).trim());
        String token = Files.readString(home.resolve("data/admin.token")).trim();
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            s.setSoTimeout(60_000);
            s.getOutputStream().write(("GATEHOUSE-SHELL 1\n" + token + "\n" + command + "\n").getBytes(StandardCharsets.UTF_8));
            s.getOutputStream().flush();
            java.io.DataInputStream in = new java.io.DataInputStream(new java.io.BufferedInputStream(s.getInputStream()));
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
            while (true) {
                int type = in.read();
                if (type < 0) {
                    throw new java.io.EOFException("the gateway closed the shell connection");
                }
                byte[] payload = in.readNBytes(in.readInt());
                switch (type) {
                    case 'O' -> out.write(payload);
                    case 'E' -> err.write(payload);
                    case 'X' -> {
                        return new Result(java.nio.ByteBuffer.wrap(payload).getInt(), out.toString(StandardCharsets.UTF_8),
                                err.toString(StandardCharsets.UTF_8));
                    }
                    default -> throw new IOException("unknown frame type " + type);
                }
            }
        }
    }

    /** {@code gateway:status --json} through {@link #shell}. */
    JsonNode fastStatus() throws IOException {
        Result r = shell("gateway:status --json");
        if (r.exit != 0) {
            throw new IllegalStateException("gateway:status failed: " + r);
        }
        return JSON.readTree(r.out);
    }

    /** The pid in {@code data/run/gatehouse.pid}, or -1. */
    long pid() {
        try {
            return Long.parseLong(Files.readString(home.resolve("data/run/gatehouse.pid")).trim());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    JsonNode status() throws IOException {
        Result r = cli("shell", "gateway:status", "--json");
        if (r.exit != 0) {
            throw new IllegalStateException("gateway:status failed: " + r);
        }
        return JSON.readTree(r.out);
    }

    /** The address in {@code data/run/gateway.listen}. */
    InetSocketAddress listen() throws IOException {
        String[] hp = Files.readString(home.resolve("data/run/gateway.listen")).trim().split(":");
        return new InetSocketAddress(hp[0], Integer.parseInt(hp[1]));
    }

    int healthz() {
        try {
            InetSocketAddress a = listen();
            HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + a.getPort() + "/healthz").toURL()
                    .openConnection();
            c.setConnectTimeout(2000);
            c.setReadTimeout(5000);
            try {
                return c.getResponseCode();
            } finally {
                c.disconnect();
            }
        } catch (IOException e) {
            return -1;
        }
    }

    void awaitHealthy(Duration within) {
        await(within, () -> healthz() == 200, "/healthz 200");
    }

    String log() throws IOException {
        Path log = home.resolve("data/log/gatehouse.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    /** Whether the gateway log holds {@code text} (false while it cannot be read). */
    boolean logContains(String text) {
        try {
            return log().contains(text);
        } catch (IOException e) {
            return false;
        }
    }

    static void await(Duration within, BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + within + " waiting for " + what);
            }
            try {
                Thread.sleep(20); // poll interval against a separate process
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        // Whatever a test left running is stopped: graceful first, then forcibly.
        if (Files.exists(home.resolve("data/run/gatehouse.pid"))) {
            cli("stop");
        }
        if (foreground != null && foreground.isAlive()) {
            foreground.destroy();
            try {
                if (!foreground.waitFor(30, TimeUnit.SECONDS)) {
                    foreground.destroyForcibly();
                }
            } catch (InterruptedException e) {
                foreground.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    record Result(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }

    private static byte[] readAll(InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            return new byte[0];
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
