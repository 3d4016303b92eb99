package io.gatehouse.canvas;

import java.nio.file.Path;

import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.annotations.OnWebSocketClose;
import org.eclipse.jetty.websocket.api.annotations.OnWebSocketMessage;
import org.eclipse.jetty.websocket.api.annotations.OnWebSocketOpen;
import org.eclipse.jetty.websocket.api.annotations.WebSocket;

/**
 * One canvas page's live-reload connection. The server sends the text {@code reload} (at most once); the page
 * sends nothing but may send {@code ping}, answered with {@code pong}.
 */
@WebSocket
public final class ReloadSocket implements ReloadClient {
    private final CanvasHost host;
    private final Path doc;
    private final Path canvas;
    private final String version;
    private final long servedAt;
    private volatile Session session;
    private volatile Object registration;

    ReloadSocket(CanvasHost host, Path doc, Path canvas, String version, long servedAt) {
        this.host = host;
        this.doc = doc;
        this.canvas = canvas;
        this.version = version;
        this.servedAt = servedAt;
    }

    @OnWebSocketOpen
    public void onOpen(Session s) {
        session = s;
        registration = host.connected(this, doc, canvas, version, servedAt);
    }

    @OnWebSocketMessage
    public void onText(Session s, String text) {
        if ("ping".equals(text)) {
            s.sendText("pong", Callback.NOOP);
        }
    }

    @OnWebSocketClose
    public void onClose(int status, String reason) {
        Object r = registration;
        if (r != null) {
            host.disconnected(r);
        }
        session = null;
    }

    @Override
    public void reload() {
        Session s = session;
        if (s != null && s.isOpen()) {
            s.sendText("reload", Callback.NOOP);
        }
    }

    @Override
    public void close(int code, String reason) {
        Session s = session;
        if (s != null && s.isOpen()) {
            s.close(code, reason, Callback.NOOP);
        }
    }
}
