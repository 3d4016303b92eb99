package io.gatehouse.channel.telegram;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * One bot's Bot API, asynchronously ({@link HttpClient#sendAsync}): no thread waits for Telegram.
 *
 * <p>{@link #call} makes one attempt; {@link #send} retries: a 429 after its {@code retry_after} (and every
 * other call of this bot waits until then too), 5xx and network errors with exponential backoff and
 * jitter, up to a bound. 400/401/403/404 are final. The token is part of every URL and of nothing else:
 * no error message this class produces contains it.
 */
final class BotApi {
    static final ObjectMapper JSON = new ObjectMapper();

    /** Backoff of retried calls: 0.5 s doubling to 30 s, with ±25 % jitter. */
    static long backoffMs(int attempt) {
        long base = Math.min(30_000, 500L << Math.min(attempt, 10));
        double jitter = 0.75 + ThreadLocalRandom.current().nextDouble() * 0.5;
        return (long) (base * jitter);
    }

    private final HttpClient http;
    private final String base;
    private final String token;
    private final Delays delays;
    /** Epoch ms before which no call goes out (set by a 429 retry_after). */
    private final AtomicLong notBefore = new AtomicLong();
    private final AtomicLong rateLimited = new AtomicLong();

    /** Schedules work later without holding a thread (the adapter's timer). */
    interface Delays {
        CompletableFuture<Void> after(long ms);
    }

    BotApi(HttpClient http, String apiRoot, String token, Delays delays) {
        this.http = http;
        this.base = apiRoot + "/bot" + token + "/";
        this.token = token;
        this.delays = delays;
    }

    /** How many 429 answers this bot got. */
    long rateLimitedCount() {
        return rateLimited.get();
    }

    /** Epoch ms until which calls wait because of a 429, or 0. */
    long rateLimitedUntil() {
        long t = notBefore.get();
        return t > System.currentTimeMillis() ? t : 0;
    }

    /**
     * One call: completes with the {@code result}, or exceptionally with a {@link TelegramException}.
     *
     * @param timeout how long the whole exchange may take
     */
    CompletableFuture<JsonNode> call(String method, Map<String, ?> params, Duration timeout) {
        long wait = notBefore.get() - System.currentTimeMillis();
        if (wait > 0) {
            return delays.after(wait).thenCompose(v -> call(method, params, timeout));
        }
        byte[] body;
        try {
            body = JSON.writeValueAsBytes(params);
        } catch (JsonProcessingException e) {
            return CompletableFuture.failedFuture(new TelegramException(method, 0, "cannot encode the request: " + e.getOriginalMessage(), null));
        }
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + method))
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        return http.sendAsync(req, HttpResponse.BodyHandlers.ofByteArray())
                .handle((resp, err) -> {
                    if (err != null) {
                        Throwable c = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
                        String what = c.getMessage() == null ? c.getClass().getSimpleName()
                                : c.getClass().getSimpleName() + ": " + Secrets.redact(c.getMessage(), token);
                        throw new TelegramException(method, 0, "network: " + what, null);
                    }
                    return parse(method, resp.statusCode(), resp.body());
                });
    }

    private JsonNode parse(String method, int status, byte[] body) {
        JsonNode doc;
        try {
            doc = JSON.readTree(body);
        } catch (java.io.IOException e) {
            doc = null;
        }
        if (doc != null && doc.path("ok").asBoolean(false)) {
            return doc.path("result");
        }
        int code = doc != null && doc.path("error_code").canConvertToInt() ? doc.path("error_code").asInt() : status;
        if (code == 200) {
            code = 500; // "ok": false without a code
        }
        String description = doc == null ? "HTTP " + status + " (not JSON)"
                : doc.hasNonNull("description") ? doc.path("description").asText()
                : doc.hasNonNull("message") ? doc.path("message").asText() : "HTTP " + status;
        Integer retryAfter = doc != null && doc.path("parameters").path("retry_after").canConvertToInt()
                ? doc.path("parameters").path("retry_after").asInt() : null;
        if (code == 429) {
            rateLimited.incrementAndGet();
            long until = System.currentTimeMillis() + 1000L * (retryAfter == null ? 1 : Math.max(1, retryAfter));
            notBefore.accumulateAndGet(until, Math::max);
        }
        throw new TelegramException(method, code, Secrets.redact(description, token), retryAfter);
    }

    /**
     * A call that retries what can be retried (429 after retry_after, 5xx and network errors with backoff and
     * jitter), at most {@code attempts} times in all.
     */
    CompletableFuture<JsonNode> send(String method, Map<String, ?> params, int attempts) {
        return attempt(method, params, 1, Math.max(1, attempts));
    }

    private CompletableFuture<JsonNode> attempt(String method, Map<String, ?> params, int n, int attempts) {
        return call(method, params, Duration.ofSeconds(30)).handle((r, e) -> {
            if (e == null) {
                return CompletableFuture.completedFuture(r);
            }
            TelegramException te = TelegramException.of(e);
            if (n >= attempts || !te.retryable()) {
                return CompletableFuture.<JsonNode>failedFuture(te);
            }
            long wait = te.code() == 429 ? 0 /* call() waits for notBefore */ : backoffMs(n - 1);
            return delays.after(wait).thenCompose(v -> attempt(method, params, n + 1, attempts));
        }).thenCompose(f -> f);
    }

    /** Delays on a scheduler: completes after {@code ms} without holding a thread meanwhile. */
    static Delays delays(java.util.concurrent.ScheduledExecutorService timer) {
        return ms -> {
            CompletableFuture<Void> f = new CompletableFuture<>();
            if (ms <= 0) {
                f.complete(null);
            } else {
                try {
                    timer.schedule(() -> f.complete(null), ms, TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    f.completeExceptionally(new TelegramException("timer", 0, "the channel is stopping", null));
                }
            }
            return f;
        };
    }
}
