package io.gatehouse.itests.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * A slow OpenAI-compatible model for the tests, served by the gateway's own Jetty (whiteboard): answers
 * {@code mock: <last user message>} after {@link #delayMs} (streamed as four pieces over the delay when
 * the request asks for a stream), or when {@link #release} completes while {@link #hold} is on. Asynchronous
 * itself, so it holds no thread either; counts requests and how many were in flight at once.
 */
public final class MockModelServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    public static final String PATH = "/itest-model/v1/chat/completions";

    public volatile long delayMs = 0;
    public volatile boolean hold;
    public volatile CompletableFuture<Void> release = new CompletableFuture<>();
    public final AtomicInteger requests = new AtomicInteger();
    public final AtomicInteger inFlight = new AtomicInteger();
    public final AtomicInteger maxInFlight = new AtomicInteger();
    /** Requests whose connection went away before the mock answered (the gateway aborted them). */
    public final AtomicInteger aborted = new AtomicInteger();
    private final transient ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "itest-mock-model");
        t.setDaemon(true);
        return t;
    });

    public void reset() {
        delayMs = 0;
        hold = false;
        release.complete(null);
        release = new CompletableFuture<>();
        requests.set(0);
        maxInFlight.set(0);
        aborted.set(0);
    }

    public void stop() {
        release.complete(null);
        timer.shutdownNow();
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        JsonNode body = Gatehouse.JSON.readTree(req.getInputStream().readAllBytes());
        JsonNode messages = body.path("messages");
        String last = messages.size() == 0 ? "" : messages.get(messages.size() - 1).path("content").asText();
        boolean stream = body.path("stream").asBoolean(false);
        requests.incrementAndGet();
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
        AsyncContext async = req.startAsync();
        async.setTimeout(0);
        boolean[] answered = {false};
        async.addListener(new AsyncListener() {
            @Override
            public void onComplete(AsyncEvent event) {
                synchronized (answered) {
                    if (!answered[0]) {
                        inFlight.decrementAndGet();
                        aborted.incrementAndGet();
                    }
                }
            }

            @Override
            public void onTimeout(AsyncEvent event) {
            }

            @Override
            public void onError(AsyncEvent event) {
            }

            @Override
            public void onStartAsync(AsyncEvent event) {
            }
        });
        String reply = "mock: " + last;
        Runnable answer = () -> {
            synchronized (answered) {
                answered[0] = true;
                inFlight.decrementAndGet();
            }
            try {
                if (stream) {
                    resp.setContentType("text/event-stream");
                    for (String piece : pieces(reply)) {
                        Map<String, Object> chunk = Map.of("choices", List.of(Map.of("index", 0, "delta", Map.of("content", piece))));
                        resp.getOutputStream().write(("data: " + Gatehouse.JSON.writeValueAsString(chunk) + "\n\n")
                                .getBytes(StandardCharsets.UTF_8));
                        resp.getOutputStream().flush();
                    }
                    resp.getOutputStream().write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
                } else {
                    Map<String, Object> message = new LinkedHashMap<>();
                    message.put("role", "assistant");
                    message.put("content", reply);
                    byte[] b = Gatehouse.JSON.writeValueAsBytes(Map.of("choices", List.of(Map.of("index", 0, "message", message,
                            "finish_reason", "stop"))));
                    resp.setContentType("application/json");
                    resp.setContentLength(b.length);
                    resp.getOutputStream().write(b);
                }
            } catch (IOException | RuntimeException e) {
                // the gateway went away
            } finally {
                try {
                    async.complete();
                } catch (IllegalStateException done) {
                    // already completed
                }
            }
        };
        if (hold) {
            release.thenRun(() -> timer.execute(answer));
        } else {
            timer.schedule(answer, delayMs, TimeUnit.MILLISECONDS);
        }
    }

    static List<String> pieces(String s) {
        int q = Math.max(1, s.length() / 4);
        return List.of(s.substring(0, Math.min(q, s.length())), s.substring(Math.min(q, s.length()), Math.min(2 * q, s.length())),
                s.substring(Math.min(2 * q, s.length()), Math.min(3 * q, s.length())), s.substring(Math.min(3 * q, s.length())));
    }
}
