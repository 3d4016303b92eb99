package io.gatehouse.channel.webchat;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

import org.eclipse.jetty.ee10.websocket.server.JettyWebSocketServlet;
import org.eclipse.jetty.ee10.websocket.server.JettyWebSocketServletFactory;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import io.gatehouse.api.auth.GatewayAuth;
import io.gatehouse.channels.support.HttpAttributes;
import jakarta.servlet.Servlet;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * {@code /ws}: the webchat WebSocket endpoint (Jetty 12 EE10 WebSocket, exported by the Felix Jetty bundle
 * built with websockets). Query parameters: {@code session} (the browser session id, the peer) and
 * {@code token} (the gateway token; may instead come as the first frame {@code {type:"auth", token}}).
 * A token is required only when the gateway binds beyond loopback; then {@link GatewayAuth}'s rule applies.
 */
@Component(service = Servlet.class, property = {
        "osgi.http.whiteboard.servlet.pattern=/ws",
        "osgi.http.whiteboard.servlet.name=gatehouse-webchat-ws",
        "osgi.http.whiteboard.servlet.asyncSupported=true"})
public final class WebchatSocketServlet extends JettyWebSocketServlet {
    private static final long serialVersionUID = 1L;
    static final String AUTHENTICATED = "gatehouse.webchat.authenticated";
    private static final Pattern SESSION_ID = Pattern.compile("[A-Za-z0-9_-]{8,80}");

    private final transient WebchatChannel channel;
    private final transient GatewayAuth auth;
    private final transient AtomicBoolean initStarted = new AtomicBoolean();
    private final transient CountDownLatch initDone = new CountDownLatch(1);

    @Activate
    public WebchatSocketServlet(@Reference WebchatChannel channel, @Reference GatewayAuth auth) {
        this.channel = channel;
        this.auth = auth;
    }

    @Override
    protected void configure(JettyWebSocketServletFactory factory) {
        factory.setIdleTimeout(Duration.ofMinutes(10));
        factory.setMaxTextMessageSize(256 * 1024);
        factory.setCreator((req, resp) -> {
            HttpServletRequest http = req.getHttpServletRequest();
            String session = http.getParameter("session");
            if (session == null || !SESSION_ID.matcher(session).matches()) {
                session = null; // the socket makes one and tells the client
            }
            boolean authenticated = Boolean.TRUE.equals(http.getAttribute(AUTHENTICATED));
            return new ChatSocket(channel, auth, session, authenticated, http.getRemoteAddr(),
                    HttpAttributes.of(http.getHeader("Host"), http.getScheme(), http.getRemoteAddr(), http::getHeader));
        });
    }

    /** Felix initialises whiteboard servlets outside Jetty's context set-up; Jetty's init needs its own class loader. */
    @Override
    public void init() {
        // deferred to the first request (FELIX-5310)
    }

    private void deferredInit() throws ServletException {
        if (initStarted.compareAndSet(false, true)) {
            Thread t = Thread.currentThread();
            ClassLoader tccl = t.getContextClassLoader();
            t.setContextClassLoader(JettyWebSocketServlet.class.getClassLoader());
            try {
                super.init();
            } finally {
                t.setContextClassLoader(tccl);
                initDone.countDown();
            }
        } else {
            try {
                if (!initDone.await(30, TimeUnit.SECONDS)) {
                    throw new ServletException("websocket servlet initialisation timed out");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ServletException(e);
            }
        }
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException {
        boolean authenticated = true;
        if (!auth.gatewayOnLoopback()) {
            String token = req.getParameter("token");
            if (token == null) {
                token = GatewayAuth.bearer(req.getHeader("Authorization"));
            }
            authenticated = auth.allowed(req.getRemoteAddr(), token);
            if (token != null && !authenticated) {
                resp.setHeader("WWW-Authenticate", "Bearer realm=\"gatehouse\"");
                resp.sendError(401, "invalid gateway token");
                return;
            }
            if (!authenticated && !auth.tokenConfigured()) {
                // No token is configured, so no first frame could let this client in: refused before the upgrade.
                resp.sendError(403, "only local clients may connect without a gateway token");
                return;
            }
            // no token with the upgrade: the first frame must carry it, within ChatSocket.AUTH_FRAME_TIMEOUT
        }
        req.setAttribute(AUTHENTICATED, authenticated);
        deferredInit();
        super.service(req, resp);
    }

    @Override
    public void destroy() {
        if (initStarted.get()) {
            super.destroy();
        }
    }
}
