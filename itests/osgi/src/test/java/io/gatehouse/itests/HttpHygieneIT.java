package io.gatehouse.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Hashtable;
import java.util.Objects;

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

/**
 * Issue cases 6 and 11 at the HTTP layer, whatever servlet serves the request: TRACE is refused, a
 * broken request body is the client's 400 (not a 500), and a drain does not wait for a client that
 * stopped sending its body.
 */
@ExtendWith(LauncherServicesExtension.class)
@ExtendWith(ServiceExtension.class)
class HttpHygieneIT {
    /** Reads the whole body with a blocking read, as a plain servlet does, and answers its size. */
    static final class BodyServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            byte[] body = req.getInputStream().readAllBytes();
            resp.setContentType("text/plain");
            resp.getWriter().write("read " + body.length);
        }

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.getWriter().write("ok");
        }
    }

    static ServiceRegistration<Servlet> registration;

    @InjectService(timeout = 30_000)
    ServiceComponentRuntime scr;

    @BeforeAll
    static void deploy(LauncherServices launcher) {
        Gatehouse.awaitHealthy(launcher);
        BundleContext ctx = FrameworkUtil.getBundle(HttpHygieneIT.class).getBundleContext();
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("osgi.http.whiteboard.servlet.pattern", "/itest/body");
        props.put("osgi.http.whiteboard.servlet.name", "itest-body");
        registration = ctx.registerService(Servlet.class, new BodyServlet(), props);
        int port = launcher.gatewaySocket().port();
        Poll.until("the test servlet to be served", () -> Http.get(port, "/itest/body"), r -> r.status() == 200);
    }

    @AfterAll
    static void remove() {
        if (registration != null) {
            registration.unregister();
        }
    }

    /** Sends raw bytes, optionally half-closes, and reads what comes back until the server closes (bounded). */
    private static String exchange(int port, String request, boolean halfClose) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            if (halfClose) {
                s.shutdownOutput();
            }
            return readUntilClosed(s.getInputStream());
        }
    }

    private static String readUntilClosed(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        try {
            for (int n; (n = in.read(buf)) > 0;) {
                out.write(buf, 0, n);
            }
        } catch (SocketTimeoutException e) {
            // what arrived is the answer
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void traceIsRefusedAndEchoesNothing(LauncherServices launcher) throws Exception {
        int port = launcher.gatewaySocket().port();
        for (String path : new String[] {"/itest/body", "/healthz", "/no/such/path"}) {
            String r = exchange(port, "TRACE " + path + " HTTP/1.1\r\nHost: x\r\nX-Secret: s3cr3t\r\nConnection: close\r\n\r\n", false);
            assertTrue(r.startsWith("HTTP/1.1 405") || r.startsWith("HTTP/1.1 404"), path + ": " + r);
            assertFalse(r.contains("s3cr3t"), path + " echoed a header: " + r);
        }
    }

    @Test
    void aBodyShorterThanItsLengthIsA400WithoutAStackTrace(LauncherServices launcher) throws Exception {
        int port = launcher.gatewaySocket().port();
        String r = exchange(port, "POST /itest/body HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"short\":", true);
        assertTrue(r.startsWith("HTTP/1.1 400"), r);
        assertFalse(r.contains("Exception") || r.contains("\tat "), r);
        // the servlet still serves
        assertEquals("read 2", exchange(port, "POST /itest/body HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok",
                false).replaceAll("(?s).*\r\n\r\n", ""));
    }

    @Test
    void aBadChunkSizeIsA400(LauncherServices launcher) throws Exception {
        int port = launcher.gatewaySocket().port();
        String r = exchange(port, "POST /itest/body HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n",
                false);
        assertTrue(r.startsWith("HTTP/1.1 400"), r);
        assertFalse(r.contains("Exception") || r.contains("\tat "), r);
    }

    /** Case 6: before, one client that stopped mid-body held every restart for the idle timeout (30 s). */
    @Test
    void aDrainDoesNotWaitForAClientThatStoppedSending(LauncherServices launcher) throws Exception {
        int port = launcher.gatewaySocket().port();
        InFlightWork http = Poll.until("the http-requests InFlightWork", () -> Gatehouse.inFlightWork("http-requests"),
                Objects::nonNull);
        Poll.until("nothing in flight", http::pending, n -> n == 0);
        try (Socket stalled = new Socket(InetAddress.getLoopbackAddress(), port)) {
            stalled.setSoTimeout(15_000);
            stalled.getOutputStream().write("POST /itest/body HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{\"partial\":"
                    .getBytes(StandardCharsets.ISO_8859_1));
            Poll.until("the stalled request is in flight", http::pending, n -> n > 0);
            long t0 = System.nanoTime();
            http.beginDrain();
            try {
                Poll.until("the drain no longer waits for the stalled client", Duration.ofSeconds(25), http::pending, n -> n == 0);
                long ms = (System.nanoTime() - t0) / 1_000_000;
                // the drain's idle read bound is 3 s; what this guards against is the 30 s idle timeout
                assertTrue(ms < 20_000, "drained after " + ms + " ms");
                String answer = readUntilClosed(stalled.getInputStream());
                assertTrue(answer.startsWith("HTTP/1.1 408"), answer);
            } finally {
                restartComponent("io.gatehouse.http.InFlightRequests"); // a drain is for good
            }
        }
        Gatehouse.awaitHealthy(launcher);
    }

    private void restartComponent(String name) throws Exception {
        Bundle httpBundle = null;
        for (Bundle b : FrameworkUtil.getBundle(HttpHygieneIT.class).getBundleContext().getBundles()) {
            if ("io.gatehouse.http".equals(b.getSymbolicName())) {
                httpBundle = b;
            }
        }
        assertNotNull(httpBundle);
        ComponentDescriptionDTO d = scr.getComponentDescriptionDTO(httpBundle, name);
        assertNotNull(d, name);
        scr.disableComponent(d).getValue();
        scr.enableComponent(d).getValue();
    }
}
