package io.gatehouse.channel.webchat;

import java.io.IOException;
import java.time.Duration;
import java.util.regex.Pattern;

import org.eclipse.jetty.ee10.websocket.server.JettyWebSocketServletFactory;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import io.gatehouse.api.auth.GatewayAuth;
import io.gatehouse.channels.support.HttpAttributes;
import io.gatehouse.http.websocket.GatewayWebSocketServlet;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * {@code /ws}: the webchat WebSocket endpoint (Jetty 12 EE10 WebSocket, exported by the Felix Jetty bundle
 * built with websockets). Query parameters: {@code session} (the browser session id, the peer) and
 * {@code token} (the gateway token; may instead come as the first frame {@code {type:"auth", token}}).
 * A token is required only when the gateway binds beyond loopback; then {@link GatewayAuth}'s rule applies.
 * Jetty's WebSocket set-up is deferred to the first admitted upgrade ({@link GatewayWebSocketServlet}).
 */
@Component(service = Servlet.class, property = {
        "osgi.http.whiteboard.servlet.pattern=/ws",
        "osgi.http.whiteboard.servlet.name=gatehouse-webchat-ws",
        "osgi.http.whiteboard.servlet.asyncSupported=true"})
public final class WebchatSocketServlet extends GatewayWebSocketServlet {
    private static final long serialVersionUID = 1L;
    static final String AUTHENTICATED = "gatehouse.webchat.authenticated";
    private static final Pattern SESSION_ID = Pattern.compile("[A-Za-z0-9_-]{8,80}");

    private final transient WebchatChannel channel;
    private final transient GatewayAuth auth;

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

    @Override
    protected boolean admit(HttpServletRequest req, HttpServletResponse resp) throws IOException {
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
                return false;
            }
            if (!authenticated && !auth.tokenConfigured()) {
                // No token is configured, so no first frame could let this client in: refused before the upgrade.
                resp.sendError(403, "only local clients may connect without a gateway token");
                return false;
            }
            // no token with the upgrade: the first frame must carry it, within ChatSocket.AUTH_FRAME_TIMEOUT
        }
        req.setAttribute(AUTHENTICATED, authenticated);
        return true;
    }
}
