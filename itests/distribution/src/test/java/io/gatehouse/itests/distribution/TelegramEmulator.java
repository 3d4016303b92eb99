package io.gatehouse.itests.distribution;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The Telegram Bot API emulator ({@code telegram-test-api} behind {@code src/test/node/telegram-shim.cjs}) as
 * a loopback sidecar process of the distribution tests: started on a free port, stopped (with everything it
 * started) on {@link #close()}.
 *
 * <p>Without Node.js or the installed package the calling test is skipped, except under {@code CI=true},
 * where that is a failure: CI must run these tests.
 */
final class TelegramEmulator implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening (http://127\\.0\\.0\\.1:(\\d+))");
    private final Process process;
    private final Path out;
    final String root;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** One bot call the emulator saw. */
    record Call(int seq, String token, String method, JsonNode params, JsonNode result, int status, long at) {
        String text() {
            return params.path("text").asText();
        }

        long chat() {
            return params.path("chat_id").asLong();
        }
    }

    private TelegramEmulator(Process process, Path out, String root) {
        this.process = process;
        this.out = out;
        this.root = root;
    }

    /** Skips the test (or fails it under CI=true) unless node and the emulator package are installed. */
    static void assumeAvailable() {
        boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
        String missing = null;
        if (NodeClient.node() == null) {
            missing = "node is not on the PATH: the Telegram tests run the telegram-test-api emulator with Node.js";
        } else if (!Files.isDirectory(NodeClient.CLIENTS.resolve("node_modules/telegram-test-api"))) {
            missing = "telegram-test-api is not installed in " + NodeClient.CLIENTS.toAbsolutePath()
                    + " (the pom runs npm ci there in the test phase when npm is on the machine)";
        }
        if (missing != null) {
            if (ci) {
                fail("CI=true: " + missing);
            }
            assumeTrue(false, missing);
        }
    }

    static TelegramEmulator start(Path work) throws IOException, InterruptedException {
        assumeAvailable();
        Path out = work.resolve("telegram-shim-" + System.nanoTime() + ".out");
        ProcessBuilder pb = new ProcessBuilder(NodeClient.node().toString(), "telegram-shim.cjs", "0")
                .directory(NodeClient.CLIENTS.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true).redirectOutput(out.toFile());
        Map<String, String> env = pb.environment();
        for (String k : List.of("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy", "NODE_OPTIONS")) {
            env.remove(k);
        }
        env.put("NO_PROXY", "127.0.0.1,localhost");
        env.put("SHIM_MAX_SECONDS", "1800"); // never outlives a broken test run by much
        Process p = pb.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            String text = Files.exists(out) ? Files.readString(out) : "";
            Matcher m = LISTENING.matcher(text);
            if (m.find()) {
                return new TelegramEmulator(p, out, m.group(1));
            }
            if (!p.isAlive() || System.nanoTime() > deadline) {
                p.destroyForcibly();
                throw new AssertionError("the Telegram emulator did not start: " + text);
            }
            p.waitFor(20, TimeUnit.MILLISECONDS); // polling its output with a deadline
        }
    }

    JsonNode post(String path, Object body) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(URI.create(root + path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Gateway.JSON.writeValueAsBytes(body))).build();
        HttpResponse<byte[]> r = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw new AssertionError("POST " + path + ": HTTP " + r.statusCode() + " " + new String(r.body()));
        }
        return Gateway.JSON.readTree(r.body());
    }

    JsonNode get(String path) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(URI.create(root + path)).timeout(Duration.ofSeconds(10)).GET().build();
        return Gateway.JSON.readTree(http.send(req, HttpResponse.BodyHandlers.ofByteArray()).body());
    }

    /** A user message to the bot, as the emulator's client route takes it (a raw Telegram Message plus botToken). */
    void send(String token, Map<String, Object> message) throws IOException, InterruptedException {
        Map<String, Object> m = new java.util.LinkedHashMap<>(message);
        m.put("botToken", token);
        m.putIfAbsent("date", System.currentTimeMillis() / 1000);
        post("/sendMessage", m);
    }

    /** A direct message from user {@code from}. */
    void dm(String token, long from, String text) throws IOException, InterruptedException {
        send(token, Map.of("from", Map.of("id", from, "is_bot", false, "first_name", "User" + from), "chat",
                Map.of("id", from, "type", "private", "first_name", "User" + from), "text", text));
    }

    /** The next {@code times} calls of {@code method} by this bot fail with this status (429 with retry_after when given). */
    void failNext(String token, String method, int times, int status, Integer retryAfter, String description)
            throws IOException, InterruptedException {
        Map<String, Object> b = new java.util.LinkedHashMap<>();
        b.put("token", token);
        b.put("method", method);
        b.put("times", times);
        b.put("status", status);
        b.put("description", description);
        if (retryAfter != null) {
            b.put("retryAfter", retryAfter);
        }
        post("/__shim/fail", b);
    }

    void release() throws IOException, InterruptedException {
        post("/__shim/release", Map.of());
    }

    List<Call> calls() throws IOException, InterruptedException {
        List<Call> out = new ArrayList<>();
        for (JsonNode c : get("/__shim/calls?since=0").path("calls")) {
            out.add(new Call(c.path("seq").asInt(), c.path("token").asText(null), c.path("method").asText(), c.path("params"),
                    c.path("result"), c.path("status").asInt(200), c.path("at").asLong()));
        }
        return out;
    }

    List<Call> calls(Predicate<Call> filter) throws IOException, InterruptedException {
        return calls().stream().filter(filter).toList();
    }

    /** Polls the call log (with a deadline) until {@code filter} matches at least {@code n} calls. */
    List<Call> await(Predicate<Call> filter, int n, Duration within, String what) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            List<Call> got = calls(filter);
            if (got.size() >= n) {
                return got;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + within + " waiting for " + what + " (" + got.size() + " of " + n
                        + "); last calls: " + tail(calls(), 12));
            }
            process.waitFor(20, TimeUnit.MILLISECONDS); // poll interval, bounded by the deadline
        }
    }

    private static String tail(List<Call> calls, int n) {
        StringBuilder b = new StringBuilder();
        for (Call c : calls.subList(Math.max(0, calls.size() - n), calls.size())) {
            b.append("\n  ").append(c.method()).append(' ').append(c.params()).append(" -> ").append(c.status());
        }
        return b.toString();
    }

    /** A bot's sendMessage with exactly this text. */
    static Predicate<Call> sent(String token, String text) {
        return c -> token.equals(c.token()) && c.method().equals("sendMessage") && c.status() == 200 && c.text().equals(text);
    }

    String output() throws IOException {
        return Files.readString(out);
    }

    @Override
    public void close() {
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        all.add(process.toHandle());
        for (ProcessHandle h : all) {
            h.destroy();
        }
        for (ProcessHandle h : all) {
            try {
                h.onExit().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                h.destroyForcibly();
            }
        }
    }
}
