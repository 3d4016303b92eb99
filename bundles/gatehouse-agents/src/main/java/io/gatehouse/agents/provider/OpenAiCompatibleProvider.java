package io.gatehouse.agents.provider;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.gatehouse.api.agent.ModelProvider;
import io.gatehouse.api.agent.ModelReply;
import io.gatehouse.api.agent.ModelRequest;
import io.gatehouse.support.secrets.Secrets;

/**
 * Any server speaking OpenAI's chat completions API (OpenAI, vLLM, llama.cpp server, Ollama's
 * {@code /v1}, LM Studio, ...): {@code POST {baseUrl}/chat/completions}, streamed as server-sent
 * events, or as one JSON response when {@code stream} is false or the server answers without SSE.
 *
 * <p>Asynchronous: {@link HttpClient#sendAsync} with a body subscriber that parses the event stream as
 * bytes arrive, so no thread waits for the model; retries wait on a timer, not a sleeping thread.
 * Cancelling the turn ({@link ModelRequest#cancelled()}) aborts the request and closes its connection.
 *
 * <p>Tools: the request's tools go out as {@code tools} (one {@code function} each; names outside
 * {@code [A-Za-z0-9_-]} are mapped, e.g. {@code canvas.write} → {@code canvas_write}, and mapped back in
 * the calls), with {@code tool_choice}; {@code tool_calls} of the reply (streamed or not) come back as
 * {@link ModelReply#toolCalls()}. {@code tools: false} in the options turns tools off for servers
 * without them.
 *
 * <p>Options (from {@code models.providers.<id>} with the agent's {@code model} settings over them):
 * {@code baseUrl}, {@code model}, {@code apiKey} or {@code apiKeyEnv}, {@code stream},
 * {@code connectTimeoutMs}, {@code timeoutMs} (the whole response), {@code maxRetries},
 * {@code retryBackoffMs}, {@code retryMaxBackoffMs}, {@code temperature}, {@code maxTokens},
 * {@code headers}, {@code tools}. Connection errors, HTTP 429 and 5xx are retried with exponential
 * backoff (honouring {@code Retry-After}) as long as no reply text has been streamed yet.
 */
@Component(service = ModelProvider.class, property = ModelProvider.PROVIDER_ID + "=" + OpenAiCompatibleProvider.ID)
public final class OpenAiCompatibleProvider implements ModelProvider {
    public static final String ID = "openai-compatible";
    static final String DEFAULT_BASE_URL = "https://api.openai.com/v1";
    private static final Logger LOG = LoggerFactory.getLogger(OpenAiCompatibleProvider.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    /**
     * Per connect timeout, a few clients used in turn: each JDK client has one selector thread for all its
     * connections, and a burst of new connections (a thousand conversations starting at once) queued on it.
     */
    private final Map<Long, HttpClient[]> clients = new ConcurrentHashMap<>();
    private final AtomicInteger nextClient = new AtomicInteger();
    static final int CLIENTS = Math.max(2, Runtime.getRuntime().availableProcessors());
    /**
     * The HTTP client's executor: its callbacks (the event stream's parsing, the deltas to the channel, the
     * end of an attempt) run on the client's selector thread that read the bytes. They are CPU work only,
     * never a wait (the turn goes on on the engine's pool, the channels write asynchronously). Handing each
     * callback to a pool thread cost a queue hand-off, a thread wake-up and a selector wake-up per read
     * (docs/benchmarks.md, turns after profiling).
     */
    private static final java.util.concurrent.Executor DIRECT = Runnable::run;
    /** Runs retries and whole-response timeouts after the timer fired (threads only while there are some). */
    private final ThreadPoolExecutor executor;
    /** Retry backoff and whole-response timeouts. */
    private final ScheduledThreadPoolExecutor timer;

    public OpenAiCompatibleProvider() {
        AtomicInteger n = new AtomicInteger();
        int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
        executor = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "gatehouse-model-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        executor.allowCoreThreadTimeOut(true);
        timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "gatehouse-model-timer");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        timer.setKeepAliveTime(30, TimeUnit.SECONDS);
        timer.allowCoreThreadTimeOut(true);
    }

    /**
     * Stops the threads. The JDK 17 HTTP client has no close(): dropping it ends its selector thread
     * once it is collected; requests still in flight were cancelled by their turns.
     */
    @Deactivate
    void deactivate() {
        clients.clear();
        timer.shutdownNow();
        executor.shutdown();
    }

    @Override
    public boolean supportsTools(Map<String, Object> options) {
        return !(options.get("tools") instanceof Boolean b && !b);
    }

    /** The failure of one attempt; {@code retryable} when another attempt may succeed. */
    static final class AttemptException extends IOException {
        private static final long serialVersionUID = 1L;
        final boolean retryable;
        final long retryAfterMs;

        AttemptException(String message, boolean retryable, long retryAfterMs, Throwable cause) {
            super(message, cause);
            this.retryable = retryable;
            this.retryAfterMs = retryAfterMs;
        }
    }

    @Override
    public CompletionStage<ModelReply> complete(ModelRequest request, Consumer<String> onDelta) {
        Call call;
        try {
            call = new Call(request, onDelta);
        } catch (RuntimeException | IOException e) {
            return CompletableFuture.failedFuture(e);
        }
        request.cancelled().thenRun(call::cancel);
        call.attempt();
        return call.result;
    }

    /** One completion: its attempts, the one in flight, and the cancellation. */
    private final class Call {
        final CompletableFuture<ModelReply> result = new CompletableFuture<>();
        final URI uri;
        /** The URI for messages: without user info (credentials) or query. */
        final URI shown;
        final HttpRequest request;
        final ReleasableBody requestBody;
        final HttpClient client;
        final long timeout;
        final int maxRetries;
        final long maxBackoff;
        final ToolNames names;
        final Consumer<String> onDelta;
        volatile boolean emitted;
        long delay;
        int attempt;
        // guarded by this
        CompletableFuture<?> inFlight;
        EventStream stream;
        ScheduledFuture<?> deadline;
        boolean cancelled;

        Call(ModelRequest req, Consumer<String> onDelta) throws IOException {
            Map<String, Object> options = req.options();
            String baseUrl = withoutTrailingSlashes(str(options.get("baseUrl"), DEFAULT_BASE_URL));
            String model = str(options.get("model"), null);
            if (model == null) {
                throw new IllegalArgumentException("no model: set the agent's model as \"<provider>/<model>\" or models.providers.<id>.model");
            }
            boolean streamed = !(options.get("stream") instanceof Boolean b) || b;
            long connectTimeout = num(options.get("connectTimeoutMs"), 10_000);
            timeout = num(options.get("timeoutMs"), 120_000);
            maxRetries = (int) Math.min(10, num(options.get("maxRetries"), 2));
            delay = num(options.get("retryBackoffMs"), 500);
            maxBackoff = num(options.get("retryMaxBackoffMs"), 8_000);
            names = new ToolNames(req.tools());

            Map<String, Object> body = new LinkedHashMap<>();
            body.put("model", model);
            body.put("messages", names.outgoing(req.messages()));
            body.put("stream", streamed);
            if (options.get("temperature") instanceof Number t) {
                body.put("temperature", t);
            }
            if (options.get("maxTokens") instanceof Number m) {
                body.put("max_tokens", m);
            }
            if (!req.tools().isEmpty()) {
                body.put("tools", names.definitions());
                body.put("tool_choice", req.toolChoice() == ModelRequest.ToolChoice.NONE ? "none" : "auto");
            }
            requestBody = new ReleasableBody(JSON.writeValueAsBytes(body));
            result.whenComplete((r, e) -> requestBody.release()); // no attempt follows: the bytes may go
            uri = endpoint(baseUrl); // a malformed baseUrl is refused without quoting it (credentials)
            shown = redacted(uri);
            HttpRequest.Builder b = HttpRequest.newBuilder(uri)
                    .timeout(Duration.ofMillis(Math.max(1, timeout)))
                    .header("Content-Type", "application/json")
                    .header("Accept", streamed ? "text/event-stream" : "application/json")
                    .POST(requestBody);
            String key = apiKey(options);
            if (key != null) {
                b.header("Authorization", "Bearer " + key);
            }
            if (options.get("headers") instanceof Map<?, ?> h) {
                h.forEach((k, v) -> b.header(String.valueOf(k), String.valueOf(v)));
            }
            request = b.build();
            HttpClient[] set = clients.computeIfAbsent(Math.max(1, connectTimeout), ms -> {
                HttpClient[] c = new HttpClient[CLIENTS];
                for (int i = 0; i < c.length; i++) {
                    c[i] = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofMillis(ms))
                            .followRedirects(HttpClient.Redirect.NORMAL).executor(DIRECT).build();
                }
                return c;
            });
            client = set[Math.floorMod(nextClient.getAndIncrement(), set.length)];
            this.onDelta = d -> {
                emitted = true;
                onDelta.accept(d);
            };
        }

        void attempt() {
            EventStream es = new EventStream(onDelta, names);
            CompletableFuture<HttpResponse<ModelReply>> f;
            synchronized (this) {
                if (cancelled) {
                    return;
                }
                stream = es;
                // the handler captures locals only, never this call: the client keeps it while the connection idles
                URI at = shown;
                f = client.sendAsync(request, info -> es.subscriber(info, at));
                inFlight = f;
                // the request timeout covers only the wait for the headers; this one the whole response
                deadline = schedule(() -> abort(f, es, new AttemptException("no complete response from " + shown + " within "
                        + timeout + " ms", false, 0, null)), Math.max(1, timeout));
            }
            f.whenComplete((resp, err) -> {
                es.release(); // this attempt is over (its reply, if any, is resp.body()): the turn is let go
                synchronized (this) {
                    if (deadline != null) {
                        deadline.cancel(false);
                        deadline = null;
                    }
                    if (stream == es) {
                        stream = null;
                    }
                }
                if (err == null) {
                    result.complete(resp.body());
                    return;
                }
                AttemptException e = classify(unwrap(err), shown, timeout);
                if (e == null) {
                    result.completeExceptionally(unwrap(err));
                    return;
                }
                if (!e.retryable || emitted || attempt >= maxRetries || isCancelled()) {
                    result.completeExceptionally(new IOException(Secrets.scrub(e.getMessage()) + (attempt > 0 ? " (after " + (attempt + 1)
                            + " attempts)" : ""), e.getCause()));
                    return;
                }
                long wait = Math.min(Math.max(delay, e.retryAfterMs), Math.max(maxBackoff, 0));
                LOG.info("{}: {}; retrying in {} ms ({} of {})", shown, e.getMessage(), wait, attempt + 1, maxRetries);
                delay = Math.min(Math.max(1, delay) * 2, Math.max(maxBackoff, 0));
                attempt++;
                if (schedule(this::attempt, Math.max(1, wait)) == null) {
                    result.completeExceptionally(new IOException(e.getMessage() + " (stopping: not retried)", e));
                }
            });
        }

        private synchronized boolean isCancelled() {
            return cancelled;
        }

        private void abort(CompletableFuture<?> f, EventStream es, IOException why) {
            es.abort(why);
            f.completeExceptionally(why);
            f.cancel(true);
        }

        void cancel() {
            CompletableFuture<?> f;
            EventStream es;
            synchronized (this) {
                if (cancelled) {
                    return;
                }
                cancelled = true;
                f = inFlight;
                es = stream;
                if (deadline != null) {
                    deadline.cancel(false);
                }
            }
            if (es != null) {
                es.abort(new IOException("cancelled"));
            }
            if (f != null) {
                f.cancel(true); // aborts the exchange; its connection is closed, not reused
            }
            result.completeExceptionally(new CancellationException("the turn was cancelled"));
        }
    }

    /**
     * A request body whose bytes are dropped once the call is over: the JDK client keeps an idle
     * keep-alive connection's last request reachable until the connection is used again, and a request
     * carries the whole prompt (history, instructions, tool definitions).
     */
    static final class ReleasableBody implements HttpRequest.BodyPublisher {
        private final long length;
        private volatile byte[] bytes;

        ReleasableBody(byte[] bytes) {
            this.bytes = bytes;
            this.length = bytes.length;
        }

        @Override
        public long contentLength() {
            return length;
        }

        @Override
        public void subscribe(java.util.concurrent.Flow.Subscriber<? super java.nio.ByteBuffer> subscriber) {
            byte[] b = bytes;
            if (b == null) { // only an attempt after the call ended could get here: it fails, it never sends less
                subscriber.onSubscribe(new java.util.concurrent.Flow.Subscription() {
                    @Override
                    public void request(long n) {
                    }

                    @Override
                    public void cancel() {
                    }
                });
                subscriber.onError(new IOException("the request body was released: the call is over"));
                return;
            }
            HttpRequest.BodyPublishers.ofByteArray(b).subscribe(subscriber);
        }

        void release() {
            bytes = null;
        }

        boolean released() {
            return bytes == null;
        }
    }

    private ScheduledFuture<?> schedule(Runnable r, long ms) {
        try {
            return timer.schedule(() -> {
                try {
                    executor.execute(r);
                } catch (RejectedExecutionException stopping) {
                    r.run();
                }
            }, ms, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopping) {
            return null;
        }
    }

    /** What an attempt's failure means; null for errors that are not about the exchange (parse errors, bugs). */
    private static AttemptException classify(Throwable e, URI uri, long timeoutMs) {
        if (e instanceof AttemptException a) {
            return a;
        }
        if (e instanceof HttpConnectTimeoutException) {
            return new AttemptException("cannot connect to " + uri + ": connect timed out", true, 0, e);
        }
        if (e instanceof HttpTimeoutException) {
            return new AttemptException("no response from " + uri + " within " + timeoutMs + " ms", false, 0, e);
        }
        if (e instanceof EventStream.StreamError) {
            return null;
        }
        if (e instanceof IOException) {
            return new AttemptException("cannot reach " + uri + ": " + Secrets.scrub(String.valueOf(e)), true, 0, e);
        }
        return null;
    }

    /**
     * The endpoint of a {@code baseUrl}. A malformed URL is refused without its text: it may hold
     * credentials ({@code http://user:password@host}), and the error reaches the log, the client and the
     * transcript (where the caller names the provider).
     */
    static URI endpoint(String baseUrl) {
        URI uri;
        try {
            uri = URI.create(baseUrl + "/chat/completions");
        } catch (IllegalArgumentException e) {
            String reason = e.getCause() instanceof java.net.URISyntaxException u ? u.getReason() + " at index " + u.getIndex() : "malformed";
            throw new IllegalArgumentException("baseUrl is not a valid URL (" + reason + ")");
        }
        // the HTTP client's own refusal ("unsupported URI <the whole URL>") would quote it
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("baseUrl is not an http(s) URL");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("baseUrl names no valid host");
        }
        return uri;
    }

    /** {@code s} without the slashes it ends with (as {@code replaceAll("/+$", "")}, without a regex per call). */
    static String withoutTrailingSlashes(String s) {
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == '/') {
            end--;
        }
        return s.substring(0, end);
    }

    /** The URI without user info and query, for messages (credentials never show). */
    static URI redacted(URI uri) {
        try {
            return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), null, null);
        } catch (java.net.URISyntaxException | RuntimeException e) {
            return URI.create(uri.getScheme() + "://" + uri.getHost());
        }
    }

    /**
     * Tool names on the wire: OpenAI allows {@code [A-Za-z0-9_-]{1,64}}, Gatehouse tools may have dots.
     * Maps one way for the request and back for the calls.
     */
    static final class ToolNames {
        final Map<String, String> toWire = new LinkedHashMap<>();
        final Map<String, String> fromWire = new LinkedHashMap<>();
        final List<ModelRequest.Tool> tools;

        ToolNames(List<ModelRequest.Tool> tools) {
            this.tools = tools;
            for (ModelRequest.Tool t : tools) {
                wire(t.name());
            }
        }

        String wire(String name) {
            String w = toWire.get(name);
            if (w != null) {
                return w;
            }
            String base = wireChars(name);
            if (base.length() > 60) {
                base = base.substring(0, 60);
            }
            w = base;
            for (int i = 2; fromWire.containsKey(w); i++) {
                w = base + "_" + i;
            }
            toWire.put(name, w);
            fromWire.put(w, name);
            return w;
        }

        /**
         * The name with every character outside {@code [A-Za-z0-9_-]} replaced by {@code _}, as
         * {@code replaceAll("[^A-Za-z0-9_-]", "_")} did, without compiling a regex per tool and call
         * (5.7 % of the sampled allocation of a turn, docs/benchmarks.md).
         */
        static String wireChars(String name) {
            StringBuilder b = null;
            for (int i = 0; i < name.length(); i++) {
                char c = name.charAt(i);
                boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
                if (!ok) {
                    if (b == null) {
                        b = new StringBuilder(name.length()).append(name, 0, i);
                    }
                    // a supplementary character is one code point: one "_", as the regex replaced it
                    if (Character.isHighSurrogate(c) && i + 1 < name.length() && Character.isLowSurrogate(name.charAt(i + 1))) {
                        i++;
                    }
                    b.append('_');
                } else if (b != null) {
                    b.append(c);
                }
            }
            return b == null ? name : b.toString();
        }

        String back(String wire) {
            return wire == null ? null : fromWire.getOrDefault(wire, wire);
        }

        List<Map<String, Object>> definitions() {
            List<Map<String, Object>> out = new ArrayList<>();
            for (ModelRequest.Tool t : tools) {
                Map<String, Object> fn = new LinkedHashMap<>();
                fn.put("name", wire(t.name()));
                fn.put("description", t.description() == null ? "" : t.description());
                fn.put("parameters", t.parameters());
                out.add(Map.of("type", "function", "function", fn));
            }
            return out;
        }

        /** The messages with tool names in earlier rounds' calls mapped to their wire names. */
        List<Map<String, Object>> outgoing(List<Map<String, Object>> messages) {
            if (toWire.isEmpty()) {
                return messages;
            }
            List<Map<String, Object>> out = new ArrayList<>(messages.size());
            for (Map<String, Object> m : messages) {
                if (m.get("tool_calls") instanceof List<?> calls) {
                    List<Object> mapped = new ArrayList<>();
                    for (Object c : calls) {
                        if (c instanceof Map<?, ?> call && call.get("function") instanceof Map<?, ?> fn
                                && fn.get("name") instanceof String n) {
                            Map<String, Object> f2 = new LinkedHashMap<>();
                            fn.forEach((k, v) -> f2.put(String.valueOf(k), v));
                            f2.put("name", wire(n));
                            Map<String, Object> c2 = new LinkedHashMap<>();
                            call.forEach((k, v) -> c2.put(String.valueOf(k), v));
                            c2.put("function", f2);
                            mapped.add(c2);
                        } else {
                            mapped.add(c);
                        }
                    }
                    Map<String, Object> m2 = new LinkedHashMap<>(m);
                    m2.put("tool_calls", mapped);
                    out.add(m2);
                } else {
                    out.add(m);
                }
            }
            return out;
        }
    }

    static String errorText(String body) {
        try {
            Map<String, Object> doc = JSON.readValue(body, MAP);
            if (doc.get("error") instanceof Map<?, ?> e && e.get("message") instanceof String m) {
                return m;
            }
            if (doc.get("error") instanceof String s) {
                return s;
            }
        } catch (IOException | RuntimeException e) {
            // not JSON: the text itself
        }
        return abbreviate(body);
    }

    static String abbreviate(String s) {
        return s.length() <= 300 ? s : s.substring(0, 300) + "...";
    }

    static long seconds(String v) {
        try {
            return Math.max(0, Long.parseLong(v.trim())) * 1000;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** {@code apiKey} (the config pipeline has already replaced {@code ${ENV}}), else the variable {@code apiKeyEnv} names. */
    static String apiKey(Map<String, Object> options) {
        String key = str(options.get("apiKey"), null);
        if (key != null) {
            return key;
        }
        String env = str(options.get("apiKeyEnv"), null);
        if (env != null) {
            String v = System.getenv(env);
            if (v == null || v.isBlank()) {
                throw new IllegalStateException("the environment variable " + env + " (apiKeyEnv) is not set");
            }
            return v.strip();
        }
        return null;
    }

    private static String str(Object o, String dflt) {
        return o instanceof String s && !s.isBlank() ? s.strip() : dflt;
    }

    private static long num(Object o, long dflt) {
        return o instanceof Number n ? Math.max(0, n.longValue()) : dflt;
    }

    static Throwable unwrap(Throwable e) {
        while ((e instanceof CompletionException || e instanceof java.util.concurrent.ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
