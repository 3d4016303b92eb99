package io.gatehouse.channel.webchat;

import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.eclipse.jetty.websocket.api.annotations.OnWebSocketClose;
import org.eclipse.jetty.websocket.api.annotations.OnWebSocketMessage;
import org.eclipse.jetty.websocket.api.annotations.OnWebSocketOpen;
import org.eclipse.jetty.websocket.api.annotations.WebSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.gatehouse.api.auth.GatewayAuth;
import io.gatehouse.api.channel.Reply;
import io.gatehouse.api.channel.TurnRejectedException;

/**
 * One browser connection. Client frames: {@code {type:"auth", token}} (first, when required) and
 * {@code {type:"message", text}}. Server frames: {@code {type:"ready", session}}, then per message
 * {@code {type:"delta", text}}… and {@code {type:"done", text}}, or {@code {type:"error", message}}
 * ({@code code: "busy"} and {@code retryAfter} seconds when the gateway is full and did not take the
 * message). Outgoing frames are sent one at a time, in order, without blocking the caller. Closing the
 * socket cancels the turns still running for it.
 */
@WebSocket
public final class ChatSocket {
    private static final Logger LOG = LoggerFactory.getLogger(ChatSocket.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final WebchatChannel channel;
    private final GatewayAuth auth;
    private final String remoteAddress;
    /** How long a socket that still has to authenticate may stay silent before it is closed. */
    static final java.time.Duration AUTH_FRAME_TIMEOUT = java.time.Duration.ofSeconds(5);

    private final Map<String, String> attributes;
    private final String sessionId;
    /** Turns in progress for this socket, cancelled when it closes. */
    private final java.util.Set<CompletableFuture<Reply>> turns = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile boolean authenticated;
    private volatile java.time.Duration idleTimeout;
    private volatile Session session;
    private final ArrayDeque<String> outbox = new ArrayDeque<>(); // guarded by itself
    private boolean sending; // guarded by outbox

    /** @param attributes what the upgrade request tells about the client (Host, scheme, address), for every message */
    ChatSocket(WebchatChannel channel, GatewayAuth auth, String sessionId, boolean authenticated, String remoteAddress,
            Map<String, String> attributes) {
        this.channel = channel;
        this.auth = auth;
        this.remoteAddress = remoteAddress;
        this.attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
        this.authenticated = authenticated;
        if (sessionId == null) {
            byte[] b = new byte[16];
            RANDOM.nextBytes(b);
            sessionId = HexFormat.of().formatHex(b);
        }
        this.sessionId = sessionId;
    }

    @OnWebSocketOpen
    public void onOpen(Session s) {
        this.session = s;
        if (authenticated) {
            send(frame("ready", "session", sessionId));
        } else {
            // An unauthenticated socket is not held open: the auth frame must come at once (idle close).
            idleTimeout = s.getIdleTimeout();
            s.setIdleTimeout(AUTH_FRAME_TIMEOUT);
        }
    }

    @OnWebSocketMessage
    public void onText(Session s, String text) {
        JsonNode f;
        try {
            f = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            send(frame("error", "message", "frames are JSON objects"));
            return;
        }
        String type = f.path("type").asText();
        if (!authenticated) {
            if ("auth".equals(type) && auth.allowed(remoteAddress, f.path("token").asText(null))) {
                authenticated = true;
                if (idleTimeout != null) {
                    s.setIdleTimeout(idleTimeout);
                }
                send(frame("ready", "session", sessionId));
            } else {
                s.close(StatusCode.POLICY_VIOLATION, "gateway token required", Callback.NOOP);
            }
            return;
        }
        switch (type) {
            case "message" -> message(f.path("text").asText(""));
            case "auth" -> send(frame("ready", "session", sessionId));
            case "ping" -> send(frame("pong", "session", sessionId));
            default -> send(frame("error", "message", "unknown frame type: " + type));
        }
    }

    private void message(String text) {
        if (text.isBlank()) {
            send(frame("error", "message", "empty message"));
            return;
        }
        try {
            CompletableFuture<Reply> turn = channel.deliver(sessionId, text, attributes, delta -> {
                if (delta != null && !delta.isEmpty()) {
                    send(frame("delta", "text", delta));
                }
            });
            turns.add(turn);
            turn.whenComplete((reply, e) -> {
                turns.remove(turn);
                if (e != null) {
                    Throwable c = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                    if (c instanceof TurnRejectedException full) {
                        Map<String, Object> f = new LinkedHashMap<>();
                        f.put("type", "error");
                        f.put("message", full.getMessage());
                        f.put("code", "busy");
                        f.put("retryAfter", full.retryAfterSeconds());
                        send(json(f));
                    } else if (!(c instanceof java.util.concurrent.CancellationException)) {
                        send(frame("error", "message", c.getMessage() == null ? c.toString() : c.getMessage()));
                    }
                } else {
                    send(frame("done", "text", reply.text() == null ? "" : reply.text()));
                }
            });
        } catch (RuntimeException e) {
            send(frame("error", "message", e.toString()));
        }
    }

    @OnWebSocketClose
    public void onClose(int status, String reason) {
        synchronized (outbox) {
            outbox.clear();
        }
        session = null;
        // the browser is gone: its turns are cancelled, their model requests aborted
        for (CompletableFuture<Reply> t : List.copyOf(turns)) {
            t.cancel(true);
        }
    }

    private static String frame(String type, String key, String value) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", type);
        m.put(key, value);
        return json(m);
    }

    private static String json(Map<String, Object> m) {
        try {
            return JSON.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private void send(String frame) {
        synchronized (outbox) {
            outbox.addLast(frame);
            if (sending) {
                return;
            }
            sending = true;
        }
        next();
    }

    private void next() {
        String f;
        synchronized (outbox) {
            f = outbox.pollFirst();
            if (f == null) {
                sending = false;
                return;
            }
        }
        Session s = session;
        if (s == null || !s.isOpen()) {
            synchronized (outbox) {
                outbox.clear();
                sending = false;
            }
            return;
        }
        s.sendText(f, Callback.from(this::next, e -> {
            LOG.debug("webchat {}: send failed: {}", sessionId, e.toString());
            synchronized (outbox) {
                outbox.clear();
                sending = false;
            }
        }));
    }
}
