package io.gatehouse.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Hashtable;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.service.ServiceExtension;

import io.gatehouse.itests.support.Gatehouse;
import io.gatehouse.itests.support.Http;
import io.gatehouse.itests.support.LauncherServices;
import io.gatehouse.itests.support.LauncherServicesExtension;
import io.gatehouse.itests.support.Poll;
import io.gatehouse.launcher.api.InFlightWork;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/** The http-requests InFlightWork counts requests in flight, and a drain makes responses close their connection. */
@ExtendWith(LauncherServicesExtension.class)
@ExtendWith(ServiceExtension.class)
class InFlightIT {
    static final String IN_FLIGHT_COMPONENT = "io.gatehouse.http.InFlightRequests";

    /** {@code /itest/ping} answers at once; {@code /itest/slow} waits for {@link #release}. */
    static final class TestServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;
        final transient CountDownLatch entered = new CountDownLatch(1);
        final transient CountDownLatch release = new CountDownLatch(1);

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            String answer = "pong";
            if (req.getRequestURI().endsWith("/slow")) {
                entered.countDown();
                try {
                    answer = release.await(30, TimeUnit.SECONDS) ? "released" : "not released";
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    answer = "interrupted";
                }
            }
            resp.setContentType("text/plain");
            resp.getOutputStream().write(answer.getBytes(StandardCharsets.UTF_8));
        }
    }

    static TestServlet servlet;
    static ServiceRegistration<Servlet> registration;
    static ExecutorService clients;

    @InjectService(timeout = 30_000)
    ServiceComponentRuntime scr;

    @BeforeAll
    static void deployServlet(LauncherServices launcher) {
        Gatehouse.awaitHealthy(launcher);
        BundleContext ctx = FrameworkUtil.getBundle(InFlightIT.class).getBundleContext();
        servlet = new TestServlet();
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("osgi.http.whiteboard.servlet.pattern", new String[] {"/itest/ping", "/itest/slow"});
        props.put("osgi.http.whiteboard.servlet.name", "itest-inflight");
        registration = ctx.registerService(Servlet.class, servlet, props);
        clients = Executors.newCachedThreadPool();
        int port = launcher.gatewaySocket().port();
        Poll.until("the test servlet to be served", () -> Http.get(port, "/itest/ping"),
                r -> r.status() == 200 && "pong".equals(r.body()));
    }

    @AfterAll
    static void removeServlet() {
        servlet.release.countDown();
        if (registration != null) {
            registration.unregister();
        }
        clients.shutdownNow();
    }

    private static InFlightWork httpRequests() {
        return Poll.until("the http-requests InFlightWork service", () -> Gatehouse.inFlightWork("http-requests"),
                Objects::nonNull);
    }

    @Test
    void pendingCountsASlowRequestUntilItEnds(LauncherServices launcher) throws Exception {
        int port = launcher.gatewaySocket().port();
        InFlightWork http = httpRequests();
        Poll.until("no request in flight", () -> http.pending(), n -> n == 0);

        CompletableFuture<Http.Response> slow = CompletableFuture.supplyAsync(() -> {
            try {
                return Http.get(port, "/itest/slow");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, clients);
        try {
            assertTrue(servlet.entered.await(Poll.DEFAULT.toSeconds(), TimeUnit.SECONDS), "the slow request never arrived");
            assertTrue(http.pending() > 0, "pending() while a request is in the servlet: " + http.pending());
            // Other requests are still served, and the slow one is still counted.
            assertEquals("pong", Http.get(port, "/itest/ping").body());
            assertTrue(http.pending() > 0);
            assertFalse(slow.isDone());
        } finally {
            servlet.release.countDown();
        }
        Http.Response r = slow.get(Poll.DEFAULT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(200, r.status());
        assertEquals("released", r.body());
        Poll.until("pending() back to 0", () -> http.pending(), n -> n == 0);
    }

    @Test
    void aConnectionWhoseRequestHasNotArrivedYetIsPending(LauncherServices launcher) throws Exception {
        int port = launcher.gatewaySocket().port();
        InFlightWork http = httpRequests();
        Poll.until("no request in flight", () -> http.pending(), n -> n == 0);
        try (java.net.Socket client = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), port)) {
            // connected, request not sent: the filter cannot see it, but a drain must wait for it
            Poll.until("the connection counted before its request", () -> http.pending(), n -> n > 0);
            client.getOutputStream().write("GET /itest/ping HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            // answered, kept alive: no longer pending although still open
            java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(client.getInputStream(),
                    StandardCharsets.US_ASCII));
            assertTrue(in.readLine().startsWith("HTTP/1.1 200"));
            Poll.until("an answered keep-alive connection is not pending", () -> http.pending(), n -> n == 0);
        }
    }

    @Test
    void afterBeginDrainResponsesCloseTheConnection(LauncherServices launcher) throws Exception {
        int port = launcher.gatewaySocket().port();
        InFlightWork http = httpRequests();
        Http.Response before = Http.get(port, "/itest/ping");
        assertEquals(200, before.status());
        assertFalse("close".equalsIgnoreCase(before.header("Connection")), before.headers()::toString);

        http.beginDrain();
        try {
            Http.Response during = Http.get(port, "/itest/ping");
            assertEquals(200, during.status());
            assertEquals("close", String.valueOf(during.header("Connection")).toLowerCase(), during.headers()::toString);
        } finally {
            // A drain is for good (the framework stops next): get a fresh component for the other tests.
            restartInFlightComponent();
        }
        Http.Response after = Poll.until("responses without Connection: close", () -> Http.get(port, "/itest/ping"),
                x -> x.status() == 200 && !"close".equalsIgnoreCase(x.header("Connection")));
        assertEquals("pong", after.body());
        assertTrue(httpRequests() != http, "the restarted component is a new instance");
        Gatehouse.awaitHealthy(launcher);
    }

    private void restartInFlightComponent() throws Exception {
        Bundle httpBundle = null;
        for (Bundle b : FrameworkUtil.getBundle(InFlightIT.class).getBundleContext().getBundles()) {
            if ("io.gatehouse.http".equals(b.getSymbolicName())) {
                httpBundle = b;
            }
        }
        assertNotNull(httpBundle);
        ComponentDescriptionDTO d = scr.getComponentDescriptionDTO(httpBundle, IN_FLIGHT_COMPONENT);
        assertNotNull(d, IN_FLIGHT_COMPONENT);
        scr.disableComponent(d).getValue();
        scr.enableComponent(d).getValue();
    }
}
