package io.gatehouse.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.FilterChain;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/** The request count a restart's drain waits for, and Connection: close once the drain began. */
class InFlightRequestsTest {
    private final List<AsyncListener> asyncListeners = new ArrayList<>();
    private boolean async;
    private AsyncContext asyncContext;

    private HttpServletRequest request() {
        AsyncContext ctx = asyncContext = (AsyncContext) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {AsyncContext.class},
                (p, m, a) -> {
                    if (m.getName().equals("addListener")) {
                        asyncListeners.add((AsyncListener) a[0]);
                    }
                    return null;
                });
        return (HttpServletRequest) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {HttpServletRequest.class},
                (p, m, a) -> switch (m.getName()) {
                    case "getRemoteAddr" -> "127.0.0.1";
                    case "getRemotePort" -> 40000;
                    case "isAsyncStarted" -> async;
                    case "getAsyncContext" -> ctx;
                    default -> null;
                });
    }

    private static HttpServletResponse response(Map<String, String> headers) {
        return (HttpServletResponse) Proxy.newProxyInstance(InFlightRequestsTest.class.getClassLoader(),
                new Class<?>[] {HttpServletResponse.class}, (p, m, a) -> {
                    if (m.getName().equals("setHeader")) {
                        headers.put((String) a[0], (String) a[1]);
                    }
                    return null;
                });
    }

    @Test
    void aRequestCountsWhileTheChainRuns() throws Exception {
        InFlightRequests f = new InFlightRequests();
        AtomicInteger seen = new AtomicInteger(-1);
        FilterChain chain = (req, resp) -> seen.set(f.pending());
        Map<String, String> headers = new HashMap<>();
        f.doFilter(request(), response(headers), chain);
        assertEquals(1, seen.get());
        assertEquals(0, f.pending());
        assertNull(headers.get("Connection"), "no Connection: close before a drain");
    }

    @Test
    void anAsyncRequestCountsUntilItCompletes() throws Exception {
        InFlightRequests f = new InFlightRequests();
        async = true;
        f.doFilter(request(), response(new HashMap<>()), (req, resp) -> {
        });
        assertEquals(1, f.pending(), "the async request is still in flight");
        assertEquals(1, asyncListeners.size());
        asyncListeners.get(0).onComplete(new AsyncEvent(asyncContext));
        assertEquals(0, f.pending());
    }

    @Test
    void aDrainClosesConnectionsAfterTheirResponse() throws Exception {
        InFlightRequests f = new InFlightRequests();
        f.beginDrain();
        Map<String, String> headers = new HashMap<>();
        f.doFilter(request(), response(headers), (req, resp) -> {
        });
        assertEquals("close", headers.get("Connection"));
        assertEquals("http-requests", f.name());
    }
}
