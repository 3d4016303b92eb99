package io.gatehouse.channel.telegram;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A Bot API on loopback for the unit tests, with the real API's polling semantics: updates stay until a
 * {@code getUpdates} with a higher offset confirms them; {@code timeout} holds an empty poll. Knobs inject
 * failures (an error for the next calls of a method, a poll that hangs).
 */
final class FakeBotApi implements AutoCloseable {
    /** One recorded bot call. */
    record Call(String token, String method, JsonNode params, long at) {
    }

    /** A failure to answer instead of the next calls of a method. */
    record Failure(int httpStatus, String body) {
    }

    private final HttpServer server;
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final Object lock = new Object();
    private final Map<String, Deque<ObjectNode>> pending = new ConcurrentHashMap<>(); // by token, guarded by lock
    private final List<Call> calls = new ArrayList<>(); // guarded by lock
    private final Map<String, Deque<Failure>> failures = new ConcurrentHashMap<>(); // by method
    private final AtomicInteger polling = new AtomicInteger();
    /** The newest poll per token: an older one still waiting is terminated with 409, as Telegram does. */
    private final Map<String, Long> newestPoll = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong pollSeq = new java.util.concurrent.atomic.AtomicLong();
    private final AtomicInteger conflicts = new AtomicInteger();
    private volatile int maxConcurrentPolls;
    private volatile long hangPollsMs;
    private long nextUpdateId = 1;
    private long nextMessageId = 1000;

    FakeBotApi() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(pool);
        server.createContext("/", this::handle);
        server.start();
    }

    String root() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Queues an update for the bot: {@code message} gets an update id (returned). */
    long inject(String token, String messageJson) throws IOException {
        ObjectNode msg = (ObjectNode) BotApi.JSON.readTree(messageJson.replace('\'', '"'));
        synchronized (lock) {
            long id = nextUpdateId++;
            ObjectNode u = BotApi.JSON.createObjectNode().put("update_id", id);
            u.set("message", msg);
            pending.computeIfAbsent(token, k -> new ArrayDeque<>()).add(u);
            lock.notifyAll();
            return id;
        }
    }

    void failNext(String method, int times, int status, String body) {
        Deque<Failure> q = failures.computeIfAbsent(method, k -> new ArrayDeque<>());
        synchronized (q) {
            for (int i = 0; i < times; i++) {
                q.add(new Failure(status, body));
            }
        }
    }

    void hangPolls(long ms) {
        hangPollsMs = ms;
    }

    int maxConcurrentPolls() {
        return maxConcurrentPolls;
    }

    /** Polls terminated by a newer poll of the same bot (409). */
    int conflicts() {
        return conflicts.get();
    }

    List<Call> calls(Predicate<Call> filter) {
        synchronized (lock) {
            return calls.stream().filter(filter).toList();
        }
    }

    List<Call> sent(String method) {
        return calls(c -> c.method().equals(method));
    }

    /** Waits (polling with a deadline) until {@code filter} matches at least {@code n} calls. */
    List<Call> await(Predicate<Call> filter, int n, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        synchronized (lock) {
            while (true) {
                List<Call> got = calls.stream().filter(filter).toList();
                if (got.size() >= n) {
                    return got;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("timed out waiting for " + n + " matching call(s); calls: " + calls);
                }
                lock.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath(); // /bot<token>/<method>
            String[] parts = path.split("/");
            String token = parts[1].substring(3);
            String method = parts[2];
            byte[] in = ex.getRequestBody().readAllBytes();
            JsonNode params = in.length == 0 ? BotApi.JSON.createObjectNode() : BotApi.JSON.readTree(in);
            synchronized (lock) {
                calls.add(new Call(token, method, params, System.currentTimeMillis()));
                lock.notifyAll();
            }
            Deque<Failure> q = failures.get(method);
            Failure f = null;
            if (q != null) {
                synchronized (q) {
                    f = q.poll();
                }
            }
            if (f != null) {
                reply(ex, f.httpStatus(), f.body());
                return;
            }
            switch (method) {
                case "getMe" -> ok(ex, "{\"id\":666,\"is_bot\":true,\"first_name\":\"Test\",\"username\":\"TestNameBot\"}");
                case "getUpdates" -> getUpdates(ex, token, params);
                case "sendMessage" -> {
                    long id;
                    synchronized (lock) {
                        id = nextMessageId++;
                    }
                    ok(ex, "{\"message_id\":" + id + ",\"date\":1,\"chat\":{\"id\":" + params.path("chat_id").asLong() + "}}");
                }
                case "editMessageText" -> ok(ex, "true");
                default -> ok(ex, "true");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | IOException e) {
            // the client went away (an abandoned poll)
        }
    }

    private void getUpdates(HttpExchange ex, String token, JsonNode params) throws IOException, InterruptedException {
        int now = polling.incrementAndGet();
        maxConcurrentPolls = Math.max(maxConcurrentPolls, now);
        try {
            if (hangPollsMs > 0) {
                new java.util.concurrent.CountDownLatch(1).await(hangPollsMs, TimeUnit.MILLISECONDS); // a hung poll: what the watchdog is for
            }
            long offset = params.path("offset").asLong();
            long deadline = System.currentTimeMillis() + params.path("timeout").asLong() * 1000;
            long me = pollSeq.incrementAndGet();
            List<ObjectNode> out = new ArrayList<>();
            synchronized (lock) {
                newestPoll.put(token, me);
                lock.notifyAll();
                Deque<ObjectNode> q = pending.computeIfAbsent(token, k -> new ArrayDeque<>());
                while (true) {
                    if (newestPoll.get(token) != me) {
                        conflicts.incrementAndGet();
                        reply(ex, 409, "{\"ok\":false,\"error_code\":409,\"description\":\"Conflict: terminated by other getUpdates request\"}");
                        return;
                    }
                    q.removeIf(u -> u.path("update_id").asLong() < offset); // confirmed
                    if (!q.isEmpty() || System.currentTimeMillis() >= deadline) {
                        break;
                    }
                    lock.wait(Math.max(1, deadline - System.currentTimeMillis()));
                }
                out.addAll(q);
            }
            ok(ex, BotApi.JSON.writeValueAsString(out));
        } finally {
            polling.decrementAndGet();
        }
    }

    private static void ok(HttpExchange ex, String result) throws IOException {
        reply(ex, 200, "{\"ok\":true,\"result\":" + result + "}");
    }

    private static void reply(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            lock.notifyAll();
        }
        server.stop(0);
        pool.shutdownNow();
    }
}
