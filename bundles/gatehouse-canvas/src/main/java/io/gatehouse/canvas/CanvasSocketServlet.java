package io.gatehouse.canvas;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;

import org.eclipse.jetty.ee10.websocket.server.JettyWebSocketServletFactory;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import io.gatehouse.api.auth.GatewayAuth;
import io.gatehouse.http.websocket.GatewayWebSocketServlet;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * {@code /canvas-ws}: the live-reload WebSocket of canvas pages (Jetty 12 EE10). Query parameters, set by the
 * injected script: {@code d} (the document, canvas-relative), {@code v} (the content hash it was served with),
 * {@code t} (when it was served), {@code token} (optional). The gateway token rule applies as for the pages
 * (cookie, query or header). A request that is not a WebSocket upgrade gets 426; with live reload or the
 * canvas off, 404. Jetty's WebSocket set-up is deferred to the first upgrade ({@link GatewayWebSocketServlet}).
 */
@Component(service = Servlet.class, property = {
        "osgi.http.whiteboard.servlet.pattern=" + CanvasFiles.SOCKET_PATH,
        "osgi.http.whiteboard.servlet.name=gatehouse-canvas-ws",
        "osgi.http.whiteboard.servlet.asyncSupported=true"})
public final class CanvasSocketServlet extends GatewayWebSocketServlet {
    private static final long serialVersionUID = 1L;
    private static final Pattern VERSION = Pattern.compile("[0-9a-f]{1,64}");

    private final transient CanvasHost host;
    private final transient GatewayAuth auth;

    @Activate
    public CanvasSocketServlet(@Reference CanvasHost host, @Reference GatewayAuth auth) {
        this.host = host;
        this.auth = auth;
    }

    @Override
    protected void configure(JettyWebSocketServletFactory factory) {
        // pages stay open for hours; a closed socket reconnects by itself
        factory.setIdleTimeout(Duration.ofHours(1));
        factory.setMaxTextMessageSize(1024);
        factory.setCreator((req, resp) -> {
            HttpServletRequest http = req.getHttpServletRequest();
            CanvasSettings s = host.settings();
            Path doc = null;
            Path canvas = null;
            String d = http.getParameter("d");
            if (d != null) {
                try {
                    CanvasPaths.Resolution r = CanvasPaths.resolve(CanvasPaths.parse("/" + d.replace("%", "%25")), "/" + d, null,
                            s.root(), s.agents());
                    if (r instanceof CanvasPaths.Found f) {
                        doc = f.file();
                        canvas = f.canvas();
                    }
                } catch (CanvasPaths.BadPath e) {
                    // an unknown document: the page reloads on asset changes of the root only
                }
            }
            if (canvas == null) {
                try {
                    canvas = s.root().toRealPath();
                } catch (IOException e) {
                    canvas = s.root();
                }
            }
            String v = http.getParameter("v");
            String version = v != null && VERSION.matcher(v).matches() ? v : "";
            long servedAt;
            try {
                servedAt = Long.parseLong(http.getParameter("t"));
            } catch (NumberFormatException e) {
                servedAt = 0;
            }
            return new ReloadSocket(host, doc, canvas, version, servedAt);
        });
    }

    @Override
    protected boolean admit(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        CanvasSettings s = host.settings();
        if (!s.enabled() || !s.liveReload()) {
            text(resp, 404, s.enabled() ? "live reload is off (canvasHost.liveReload: false)" : "the canvas is off");
            return false;
        }
        if (!CanvasAuth.allowed(auth, req)) {
            resp.setHeader("WWW-Authenticate", "Bearer realm=\"gatehouse\"");
            text(resp, 401, CanvasAuth.denied(auth));
            return false;
        }
        if (!isUpgrade(req)) {
            resp.setHeader("Upgrade", "websocket");
            resp.setHeader("Connection", "Upgrade");
            text(resp, 426, "upgrade required: " + CanvasFiles.SOCKET_PATH + " is the canvas live-reload WebSocket");
            return false;
        }
        return true;
    }

    static boolean isUpgrade(HttpServletRequest req) {
        String upgrade = req.getHeader("Upgrade");
        return "GET".equals(req.getMethod()) && upgrade != null && upgrade.toLowerCase(java.util.Locale.ROOT).contains("websocket");
    }

    private static void text(HttpServletResponse resp, int status, String message) throws IOException {
        byte[] b = (message + "\n").getBytes(StandardCharsets.UTF_8);
        resp.setStatus(status);
        resp.setHeader("Cache-Control", "no-store");
        resp.setContentType("text/plain; charset=utf-8");
        resp.setContentLength(b.length);
        resp.getOutputStream().write(b);
    }
}
