package io.gatehouse.http.websocket;

import java.io.IOException;
import java.time.Duration;

import org.eclipse.jetty.ee10.websocket.server.JettyWebSocketServlet;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * A Jetty 12 EE10 WebSocket servlet for Felix HTTP's whiteboard. Felix initialises whiteboard servlets
 * outside Jetty's context set-up, where Jetty's WebSocket container is not available yet (FELIX-5310), so
 * {@link #init()} does nothing and Jetty's initialisation runs on the first admitted request, with Jetty's
 * class loader as the thread's context class loader; concurrent first requests wait for it (at most 30 s).
 *
 * <p>Every request first goes through {@link #admit}: the subclass's own check (the gateway token rule as the
 * endpoint applies it, whether the endpoint is on, whether it is an upgrade at all). A request it refuses has
 * had its response written and never reaches Jetty; one it admits is upgraded through
 * {@link #configure(org.eclipse.jetty.ee10.websocket.server.JettyWebSocketServletFactory)}.
 */
public abstract class GatewayWebSocketServlet extends JettyWebSocketServlet {
    private static final long serialVersionUID = 1L;
    private static final Duration INIT_WAIT = Duration.ofSeconds(30);

    private final transient DeferredInit deferred = new DeferredInit(INIT_WAIT);

    /**
     * Decides whether the request may go on to the WebSocket upgrade. When it may not, the response (status,
     * headers, body) is written here.
     *
     * @return true to upgrade, false when the response has been written
     */
    protected abstract boolean admit(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException;

    /** Felix initialises whiteboard servlets outside Jetty's context set-up; Jetty's init needs its own class loader. */
    @Override
    public final void init() {
        // deferred to the first admitted request (FELIX-5310)
    }

    @Override
    protected final void service(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException {
        if (!admit(req, resp)) {
            return;
        }
        deferred.ensure(this::jettyInit);
        super.service(req, resp);
    }

    private void jettyInit() throws ServletException {
        Thread t = Thread.currentThread();
        ClassLoader tccl = t.getContextClassLoader();
        t.setContextClassLoader(JettyWebSocketServlet.class.getClassLoader());
        try {
            super.init();
        } finally {
            t.setContextClassLoader(tccl);
        }
    }

    @Override
    public void destroy() {
        if (deferred.started()) {
            super.destroy();
        }
    }
}
