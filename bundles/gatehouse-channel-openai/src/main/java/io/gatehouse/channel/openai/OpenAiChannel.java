package io.gatehouse.channel.openai;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.gatehouse.api.auth.GatewayAuth;
import io.gatehouse.api.channel.ChannelAdapter;
import io.gatehouse.api.channel.InboundMessage;
import io.gatehouse.api.channel.MessageSink;
import io.gatehouse.api.channel.Reply;
import io.gatehouse.api.channel.TurnRejectedException;
import io.gatehouse.api.routing.RouteRequest;
import io.gatehouse.channels.support.HttpAttributes;
import io.gatehouse.channels.support.SinkGate;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.Servlet;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The {@code openai} channel: an OpenAI-compatible endpoint on the gateway port.
 *
 * <ul>
 * <li>{@code POST /v1/chat/completions}: the last {@code user} message is the inbound text; with
 * {@code stream: true} the reply streams as {@code text/event-stream} chunks ending in {@code data: [DONE]};</li>
 * <li>{@code GET /v1/models}: the models of {@code channels.openai.models} (default {@code ["gatehouse"]}).</li>
 * </ul>
 * Authenticated with {@code Authorization: Bearer <gateway.auth.token>} (see {@link GatewayAuth}).
 * Account: header {@code X-Gatehouse-Account}; peer: header {@code X-Gatehouse-Peer: <kind>:<id>}, else
 * the {@code user} field as {@code direct:<user>}, else {@code direct:openai}.
 * Requests are asynchronous: no container thread waits for the agent, and replies are written without
 * blocking. A full gateway answers 429 with {@code Retry-After}; a client that goes away or times out
 * ({@code channels.openai.timeoutMs}) cancels its turn and the model request behind it.
 */
@Component(service = {ChannelAdapter.class, Servlet.class}, property = {
        ChannelAdapter.CHANNEL_ID + "=" + OpenAiChannel.ID,
        "gatehouse.channel.defaultEnabled=true",
        "osgi.http.whiteboard.servlet.pattern=/v1/chat/completions",
        "osgi.http.whiteboard.servlet.pattern=/v1/models",
        "osgi.http.whiteboard.servlet.name=gatehouse-openai",
        "osgi.http.whiteboard.servlet.asyncSupported=true"})
public final class OpenAiChannel extends HttpServlet implements ChannelAdapter {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(OpenAiChannel.class);
    static final String ID = "openai";
    public static final String ACCOUNT_HEADER = "X-Gatehouse-Account";
    public static final String PEER_HEADER = "X-Gatehouse-Peer";
    /** How long a request waits for a stopped channel (a restart) to start again. */
    static final long START_WAIT_MS = 10_000;
    static final long DEFAULT_TIMEOUT_MS = 600_000;
    private static final int MAX_BODY = 4 * 1024 * 1024;

    private final transient GatewayAuth auth;
    private final transient ObjectMapper json = new ObjectMapper();
    private final transient SinkGate gate = new SinkGate();
    private transient volatile List<String> models = List.of("gatehouse");
    private transient volatile long timeoutMs = DEFAULT_TIMEOUT_MS;
    static final long DEFAULT_KEEP_ALIVE_MS = 15_000;
    private transient volatile long keepAliveMs = DEFAULT_KEEP_ALIVE_MS;
    /**
     * Sends keep-alive comments on streams that wait: HTTP/1.1 gives a server no other way to notice a
     * client that went away while nothing is written (the failed write cancels the turn). One thread,
     * owned by the component, started on first use.
     */
    private final transient java.util.concurrent.ScheduledThreadPoolExecutor keepAlive =
            new java.util.concurrent.ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, "gatehouse-openai-keepalive");
                t.setDaemon(true);
                return t;
            });

    @Activate
    public OpenAiChannel(@Reference GatewayAuth auth) {
        this.auth = auth;
        keepAlive.setRemoveOnCancelPolicy(true);
        keepAlive.setKeepAliveTime(30, java.util.concurrent.TimeUnit.SECONDS);
        keepAlive.allowCoreThreadTimeOut(true);
    }

    @org.osgi.service.component.annotations.Deactivate
    void deactivate() {
        keepAlive.shutdownNow();
    }

    // ---- ChannelAdapter

    @Override
    public String id() {
        return ID;
    }

    @Override
    public void start(Map<String, Object> channelConfig, MessageSink sink) {
        List<String> m = new ArrayList<>();
        if (channelConfig.get("models") instanceof List<?> l) {
            l.forEach(x -> m.add(String.valueOf(x)));
        }
        models = m.isEmpty() ? List.of("gatehouse") : List.copyOf(m);
        timeoutMs = channelConfig.get("timeoutMs") instanceof Number n && n.longValue() > 0 ? n.longValue() : DEFAULT_TIMEOUT_MS;
        keepAliveMs = channelConfig.get("keepAliveMs") instanceof Number k && k.longValue() >= 0 ? k.longValue() : DEFAULT_KEEP_ALIVE_MS;
        gate.open(sink);
    }

    @Override
    public void stop() {
        gate.close();
    }

    // ---- HTTP

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = req.getServletPath();
        // Read the (bounded) body before any answer: a response that leaves it unread makes Jetty close the
        // connection under a keep-alive client that may already be reusing it.
        byte[] bytes = req.getInputStream().readNBytes(MAX_BODY + 1);
        if (bytes.length > MAX_BODY) {
            resp.setHeader("Connection", "close");
            error(resp, 413, "request body too large", "invalid_request_error", "request_too_large");
            return;
        }
        if (!auth.allowed(req.getRemoteAddr(), GatewayAuth.bearer(req.getHeader("Authorization")))) {
            resp.setHeader("WWW-Authenticate", "Bearer realm=\"gatehouse\"");
            error(resp, 401, !auth.tokenConfigured() ? "a gateway token is required from this address (set gateway.auth.token)"
                    : "invalid or missing gateway token", "invalid_request_error", "invalid_api_key");
            return;
        }
        if ("/v1/models".equals(path)) {
            if (!"GET".equals(req.getMethod())) {
                error(resp, 405, "use GET", "invalid_request_error", "method_not_allowed");
                return;
            }
            listModels(req, resp);
        } else if ("POST".equals(req.getMethod())) {
            chatCompletions(req, resp, bytes);
        } else {
            error(resp, 405, "use POST", "invalid_request_error", "method_not_allowed");
        }
    }

    /**
     * The model list answers only while the channel runs, as chat completions do: during a restart it
     * waits for the next start (no thread held); while the channel is disabled it is a 503.
     */
    private void listModels(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (gate.isOpen()) {
            models(resp);
            return;
        }
        AsyncContext async = req.startAsync();
        async.setTimeout(START_WAIT_MS + 5_000);
        gate.sink(START_WAIT_MS).whenComplete((sink, e) -> {
            try {
                if (e != null) {
                    error(resp, 503, "the openai channel is not running", "server_error", "channel_unavailable");
                } else {
                    models(resp);
                }
            } catch (IOException | RuntimeException x) {
                LOG.debug("openai models: client gone: {}", x.toString());
            } finally {
                async.complete();
            }
        });
    }

    private void models(HttpServletResponse resp) throws IOException {
        long created = 0;
        List<Map<String, Object>> data = new ArrayList<>();
        for (String id : models) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", id);
            m.put("object", "model");
            m.put("created", created);
            m.put("owned_by", "gatehouse");
            data.add(m);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("object", "list");
        body.put("data", data);
        writeJson(resp, 200, body);
    }

    private void chatCompletions(HttpServletRequest req, HttpServletResponse resp, byte[] bytes) throws IOException {
        JsonNode body;
        try {
            body = json.readTree(bytes);
        } catch (IOException e) {
            error(resp, 400, "request body is not valid JSON: " + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()), "invalid_request_error", "invalid_json");
            return;
        }
        if (body == null || !body.isObject()) {
            error(resp, 400, "request body must be a JSON object", "invalid_request_error", "invalid_json");
            return;
        }
        String typeProblem = RequestFields.problem(body); // "stream": "yes" is refused, never coerced
        if (typeProblem != null) {
            error(resp, 400, typeProblem, "invalid_request_error", "invalid_type");
            return;
        }
        String text = lastUserText(body.path("messages"));
        if (text == null) {
            error(resp, 400, "messages must contain a user message with text content", "invalid_request_error", "invalid_messages");
            return;
        }
        RouteRequest.Peer peer;
        try {
            peer = peer(req.getHeader(PEER_HEADER), body.path("user"));
        } catch (IllegalArgumentException e) {
            error(resp, 400, e.getMessage(), "invalid_request_error", "invalid_peer");
            return;
        }
        String account = req.getHeader(ACCOUNT_HEADER);
        account = account == null || account.isBlank() ? null : account.trim();
        String model = body.path("model").isTextual() && !body.path("model").asText().isBlank() ? body.path("model").asText()
                : models.get(0);
        boolean stream = body.path("stream").asBoolean(false);
        InboundMessage message = new InboundMessage(new RouteRequest(ID, account, peer, null, null, List.of(), null), text,
                System.currentTimeMillis(),
                HttpAttributes.of(req.getHeader("Host"), req.getScheme(), req.getRemoteAddr(), req::getHeader));
        // not UUID.randomUUID(): its SecureRandom is one lock every request would queue on
        java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
        String id = "chatcmpl-" + Long.toHexString(r.nextLong() | Long.MIN_VALUE) + Long.toHexString(r.nextLong() | Long.MIN_VALUE);
        long created = System.currentTimeMillis() / 1000;

        AsyncContext async = req.startAsync();
        async.setTimeout(timeoutMs + START_WAIT_MS);
        Exchange ex = new Exchange(async, resp, id, created, model, stream);
        async.addListener(ex);
        resp.getOutputStream().setWriteListener(ex); // from here on every write is non-blocking
        if (stream && keepAliveMs > 0) {
            ex.keepAlive(keepAliveMs);
        }
        gate.sink(START_WAIT_MS).whenComplete((sink, e) -> {
            if (e != null) {
                Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                ex.fail(503, cause instanceof TimeoutException ? "the openai channel is not running" : cause.toString(),
                        "server_error", "channel_unavailable", 0);
                return;
            }
            try {
                CompletionStage<Reply> turn = sink.deliver(message, stream ? ex::delta : d -> { });
                ex.turn(turn);
                turn.whenComplete((reply, err) -> {
                    if (err == null) {
                        ex.done(reply);
                        return;
                    }
                    Throwable c = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
                    if (c instanceof TurnRejectedException full) {
                        ex.fail(429, full.getMessage(), "rate_limit_error", "gateway_busy", full.retryAfterSeconds());
                    } else if (c instanceof CancellationException) {
                        ex.fail(499, "the request was cancelled", "server_error", "cancelled", 0);
                    } else {
                        ex.fail(500, String.valueOf(c.getMessage() == null ? c : c.getMessage()), "server_error", "agent_error", 0);
                    }
                });
            } catch (RuntimeException re) {
                ex.fail(500, re.toString(), "server_error", "agent_error", 0);
            }
        });
    }

    /**
     * The attributes of a message from this request: the Host the client used, the scheme it sees
     * ({@code X-Forwarded-Proto} honoured) and its address.
     */
    static Map<String, String> attributes(HttpServletRequest req) {
        Map<String, String> a = new LinkedHashMap<>();
        String host = req.getHeader("Host");
        if (host != null && !host.isBlank()) {
            a.put(InboundMessage.HTTP_HOST, host.trim());
        }
        String proto = req.getHeader("X-Forwarded-Proto");
        a.put(InboundMessage.HTTP_SCHEME, proto != null && !proto.isBlank() ? proto.split(",")[0].trim().toLowerCase(java.util.Locale.ROOT)
                : req.getScheme());
        if (req.getRemoteAddr() != null) {
            a.put(InboundMessage.CLIENT_ADDRESS, req.getRemoteAddr());
        }
        return a;
    }

    /**
     * One request in progress. Every write is non-blocking: pieces go to an outbox that is written while
     * the connection can take them ({@link WriteListener}), so a slow client holds no thread, and the
     * turn's threads only ever queue. The request completes when the outbox is written.
     */
    private final class Exchange implements AsyncListener, WriteListener {
        final AsyncContext async;
        final HttpServletResponse resp;
        final String id;
        final long created;
        final String model;
        final boolean stream;
        final AtomicBoolean finished = new AtomicBoolean();
        // guarded by this
        private final ArrayDeque<byte[]> outbox = new ArrayDeque<>();
        private boolean headersSent;
        private boolean broken;
        private boolean unflushed;
        private boolean completeWhenWritten;
        private boolean closing;
        private boolean completed;
        private CompletionStage<Reply> turn;

        Exchange(AsyncContext async, HttpServletResponse resp, String id, long created, String model, boolean stream) {
            this.async = async;
            this.resp = resp;
            this.id = id;
            this.created = created;
            this.model = model;
            this.stream = stream;
        }

        private java.util.concurrent.ScheduledFuture<?> heartbeat;

        /** Every {@code ms} while nothing else is written: a comment line, which clients ignore. */
        synchronized void keepAlive(long ms) {
            try {
                heartbeat = OpenAiChannel.this.keepAlive.scheduleWithFixedDelay(this::heartbeat, ms, ms,
                        java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException stopping) {
                heartbeat = null;
            }
        }

        private synchronized void heartbeat() {
            if (finished.get() || broken) {
                stopHeartbeat();
                return;
            }
            if (!outbox.isEmpty()) {
                return;
            }
            try {
                streamHeaders();
                outbox.addLast(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
            } catch (IOException | RuntimeException e) {
                gone(e);
                return;
            }
            pump();
        }

        private void stopHeartbeat() {
            if (heartbeat != null) {
                heartbeat.cancel(false);
                heartbeat = null;
            }
        }

        synchronized void turn(CompletionStage<Reply> t) {
            turn = t;
            if (broken || (finished.get() && !completeWhenWritten)) {
                cancelTurn();
            }
        }

        /** The client is gone or timed out: the turn is cancelled, which aborts its model request. */
        private void cancelTurn() {
            CompletionStage<Reply> t = turn;
            if (t != null) {
                try {
                    t.toCompletableFuture().cancel(true);
                } catch (UnsupportedOperationException notCancellable) {
                    // completes on its own
                }
            }
        }

        private void streamHeaders() throws IOException {
            if (!headersSent) {
                headersSent = true;
                resp.setStatus(200);
                resp.setContentType("text/event-stream");
                resp.setCharacterEncoding("UTF-8");
                resp.setHeader("Cache-Control", "no-cache");
                resp.setHeader("X-Accel-Buffering", "no");
                event(chunk(Map.of("role", "assistant", "content", ""), null));
            }
        }

        private Map<String, Object> chunk(Map<String, Object> delta, String finish) {
            Map<String, Object> choice = new LinkedHashMap<>();
            choice.put("index", 0);
            choice.put("delta", delta);
            choice.put("finish_reason", finish);
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("id", id);
            c.put("object", "chat.completion.chunk");
            c.put("created", created);
            c.put("model", model);
            c.put("choices", List.of(choice));
            return c;
        }

        private void event(Object data) throws IOException {
            outbox.addLast(("data: " + (data instanceof String s ? s : json.writeValueAsString(data)) + "\n\n")
                    .getBytes(StandardCharsets.UTF_8));
        }

        synchronized void delta(String text) {
            if (broken || finished.get() || text == null || text.isEmpty()) {
                return;
            }
            try {
                streamHeaders();
                event(chunk(Map.of("content", text), null));
            } catch (IOException | RuntimeException e) {
                gone(e);
                return;
            }
            pump();
        }

        synchronized void done(Reply reply) {
            if (!finished.compareAndSet(false, true)) {
                return;
            }
            try {
                if (broken) {
                    return;
                }
                String text = reply.text() == null ? "" : reply.text();
                if (stream) {
                    streamHeaders();
                    event(chunk(Map.of(), "stop"));
                    event("[DONE]");
                } else {
                    Map<String, Object> message = new LinkedHashMap<>();
                    message.put("role", "assistant");
                    message.put("content", text);
                    Map<String, Object> choice = new LinkedHashMap<>();
                    choice.put("index", 0);
                    choice.put("message", message);
                    choice.put("finish_reason", "stop");
                    Map<String, Object> usage = new LinkedHashMap<>();
                    usage.put("prompt_tokens", 0);
                    usage.put("completion_tokens", 0);
                    usage.put("total_tokens", 0);
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("id", id);
                    body.put("object", "chat.completion");
                    body.put("created", created);
                    // the model the client asked for (or the first listed), as in every streamed chunk; the
                    // provider and model that answered are in the session transcript
                    body.put("model", model);
                    body.put("choices", List.of(choice));
                    body.put("usage", usage);
                    json(200, body);
                }
            } catch (IOException | RuntimeException e) {
                LOG.debug("openai {}: client gone: {}", id, e.toString());
            }
            completeWhenWritten = true;
            pump();
        }

        synchronized void fail(int status, String message, String type, String code, long retryAfterSeconds) {
            if (!finished.compareAndSet(false, true)) {
                return;
            }
            try {
                if (!broken) {
                    if (headersSent) {
                        event(Map.of("error", errorBody(message, type, code)));
                        event("[DONE]");
                    } else {
                        if (retryAfterSeconds > 0) {
                            resp.setHeader("Retry-After", Long.toString(retryAfterSeconds));
                        }
                        json(status, Map.of("error", errorBody(message, type, code)));
                    }
                }
            } catch (IOException | RuntimeException e) {
                LOG.debug("openai {}: client gone: {}", id, e.toString());
            }
            completeWhenWritten = true;
            pump();
        }

        private void json(int status, Object body) throws IOException {
            byte[] b = json.writeValueAsBytes(body);
            resp.setStatus(status);
            resp.setContentType("application/json");
            resp.setCharacterEncoding("UTF-8");
            resp.setHeader("Cache-Control", "no-store");
            resp.setContentLength(b.length);
            outbox.addLast(b);
        }

        /** Writes what the connection takes now; the rest when Jetty calls {@link #onWritePossible}. */
        private void pump() {
            if (completed) {
                return;
            }
            if (broken) {
                complete();
                return;
            }
            try {
                ServletOutputStream out = resp.getOutputStream();
                while (out.isReady()) {
                    byte[] b = outbox.pollFirst();
                    if (b != null) {
                        out.write(b);
                        unflushed = true;
                    } else if (completeWhenWritten && !closing) {
                        // The last bytes and the end of the body (the terminal chunk of a stream) leave in one
                        // write: a client that stops reading at data: [DONE] has then read the whole response,
                        // and its connection goes back to its pool intact. Sent apart, the JDK client could
                        // close the stream between the two and reuse a connection it had just closed
                        // ("HTTP/1.1 header parser received no bytes").
                        closing = true;
                        out.close();
                    } else if (closing) {
                        complete();
                        return;
                    } else if (unflushed) {
                        unflushed = false;
                        out.flush(); // an SSE event goes out now, not when a buffer fills
                    } else {
                        return;
                    }
                }
            } catch (IOException | RuntimeException e) {
                gone(e);
            }
        }

        private void gone(Throwable e) {
            if (!broken) {
                broken = true; // the client went away: the turn is cancelled, its model request aborted
                LOG.debug("openai {}: client gone: {}", id, e.toString());
                outbox.clear();
                cancelTurn();
            }
            complete();
        }

        private void complete() {
            stopHeartbeat();
            if (completed) {
                return;
            }
            completed = true;
            try {
                async.complete();
            } catch (IllegalStateException alreadyDone) {
                // timed out or the container completed it
            }
        }

        @Override
        public synchronized void onWritePossible() {
            pump();
        }

        @Override
        public synchronized void onError(Throwable t) {
            gone(t);
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            synchronized (this) {
                fail(504, "the agent did not reply in time", "server_error", "timeout", 0);
                cancelTurn(); // after the 504 is queued: the cancellation's own failure is then a no-op
            }
        }

        @Override
        public void onError(AsyncEvent event) {
            synchronized (this) {
                gone(event.getThrowable() == null ? new IOException("connection error") : event.getThrowable());
            }
        }

        @Override
        public void onComplete(AsyncEvent event) {
            synchronized (this) {
                stopHeartbeat();
                completed = true;
                if (!finished.get()) {
                    cancelTurn(); // completed by the container before a reply (client gone)
                }
            }
            finished.set(true);
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
            // not restarted
        }
    }

    // ---- helpers

    static String lastUserText(JsonNode messages) {
        if (!messages.isArray()) {
            return null;
        }
        for (int i = messages.size() - 1; i >= 0; i--) {
            JsonNode m = messages.get(i);
            if (!"user".equals(m.path("role").asText())) {
                continue;
            }
            JsonNode content = m.path("content");
            if (content.isTextual()) {
                return content.asText();
            }
            if (content.isArray()) { // [{type:"text", text:"..."}, ...]
                StringBuilder b = new StringBuilder();
                for (JsonNode part : content) {
                    if ("text".equals(part.path("type").asText()) && part.path("text").isTextual()) {
                        if (b.length() > 0) {
                            b.append('\n');
                        }
                        b.append(part.path("text").asText());
                    }
                }
                return b.length() == 0 ? null : b.toString();
            }
            return null;
        }
        return null;
    }

    static RouteRequest.Peer peer(String header, JsonNode user) {
        if (header != null && !header.isBlank()) {
            String h = header.trim();
            int colon = h.indexOf(':');
            if (colon <= 0 || colon == h.length() - 1) {
                throw new IllegalArgumentException(PEER_HEADER + " must be <kind>:<id> (direct, group or channel), got " + h);
            }
            String kind = h.substring(0, colon);
            if (!List.of("direct", "group", "channel").contains(kind)) {
                throw new IllegalArgumentException(PEER_HEADER + ": kind must be direct, group or channel, got " + kind);
            }
            return new RouteRequest.Peer(kind, h.substring(colon + 1));
        }
        if (user != null && user.isTextual() && !user.asText().isBlank()) {
            return new RouteRequest.Peer("direct", user.asText().trim());
        }
        return new RouteRequest.Peer("direct", "openai");
    }

    private static Map<String, Object> errorBody(String message, String type, String code) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("message", message);
        e.put("type", type);
        e.put("code", code);
        return e;
    }

    private void error(HttpServletResponse resp, int status, String message, String type, String code) throws IOException {
        writeJson(resp, status, Map.of("error", errorBody(message, type, code)));
    }

    private void writeJson(HttpServletResponse resp, int status, Object body) throws IOException {
        byte[] b = json.writeValueAsBytes(body);
        resp.setStatus(status);
        resp.setContentType("application/json");
        resp.setCharacterEncoding("UTF-8");
        resp.setHeader("Cache-Control", "no-store");
        resp.setContentLength(b.length);
        resp.getOutputStream().write(b);
        resp.getOutputStream().flush();
    }
}
