package io.gatehouse.http.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;

import org.eclipse.jetty.ee10.websocket.server.JettyWebSocketServletFactory;
import org.junit.jupiter.api.Test;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The admission check runs before Jetty is touched: a refused request never initialises Jetty's WebSocket
 * container, and Felix's init at registration is a no-op (FELIX-5310).
 */
class GatewayWebSocketServletTest {

    private static final class Endpoint extends GatewayWebSocketServlet {
        private static final long serialVersionUID = 1L;
        private final transient boolean admits;
        private final transient List<String> calls = new ArrayList<>();

        Endpoint(boolean admits) {
            this.admits = admits;
        }

        @Override
        protected boolean admit(HttpServletRequest req, HttpServletResponse resp) {
            calls.add("admit");
            if (!admits) {
                resp.setStatus(401);
            }
            return admits;
        }

        @Override
        protected void configure(JettyWebSocketServletFactory factory) {
            calls.add("configure");
        }
    }

    private static <T> T fake(Class<T> type, List<String> calls) {
        return type.cast(Proxy.newProxyInstance(GatewayWebSocketServletTest.class.getClassLoader(), new Class<?>[] {type},
                (p, m, a) -> {
                    calls.add(m.getName() + (a == null || a.length == 0 ? "" : a[0]));
                    return m.getReturnType() == boolean.class ? Boolean.FALSE : null;
                }));
    }

    @Test
    void initAtRegistrationDoesNothing() {
        Endpoint e = new Endpoint(true);
        e.init(); // Jetty's own init would fail here: no servlet context yet
        e.destroy(); // nothing was initialised, nothing to destroy
        assertEquals(List.of(), e.calls);
    }

    @Test
    void aRefusedRequestNeverReachesJetty() throws Exception {
        Endpoint e = new Endpoint(false);
        List<String> seen = new ArrayList<>();
        e.service(fake(HttpServletRequest.class, seen), fake(HttpServletResponse.class, seen));
        e.service(fake(HttpServletRequest.class, seen), fake(HttpServletResponse.class, seen));
        assertEquals(List.of("admit", "admit"), e.calls);
        assertEquals(List.of("setStatus401", "setStatus401"), seen, "only the refusal was written");
        e.destroy();
    }

    @Test
    void anAdmittedRequestInitialisesJettyWithItsClassLoaderAndRestoresTheThreads() {
        Endpoint e = new Endpoint(true);
        List<String> seen = new ArrayList<>();
        ClassLoader before = Thread.currentThread().getContextClassLoader();
        // outside a servlet container Jetty's init fails (no servlet context): it was attempted, after the admission
        assertThrows(Exception.class, () -> e.service(fake(HttpServletRequest.class, seen), fake(HttpServletResponse.class, seen)));
        assertEquals(List.of("admit"), e.calls);
        assertSame(before, Thread.currentThread().getContextClassLoader());
    }
}
