package io.gatehouse.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceReference;
import org.osgi.service.condition.Condition;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.util.tracker.ServiceTracker;

import io.gatehouse.itests.support.Gatehouse;
import io.gatehouse.itests.support.Http;
import io.gatehouse.itests.support.LauncherServices;
import io.gatehouse.itests.support.LauncherServicesExtension;
import io.gatehouse.itests.support.Poll;

/** The gateway serves HTTP on the socket the launcher hands over, and says so with the ready condition. */
@ExtendWith(LauncherServicesExtension.class)
@ExtendWith(BundleContextExtension.class)
class HealthIT {
    static final String HTTP_SERVICE_RUNTIME = "org.osgi.service.servlet.runtime.HttpServiceRuntime";

    @InjectBundleContext
    BundleContext context;

    @Test
    void healthzAnswersOkOnTheHandedOverGatewaySocket(LauncherServices launcher) throws Exception {
        Http.Response r = Gatehouse.awaitHealthy(launcher);

        assertEquals(200, r.status());
        assertEquals(Map.of("status", "ok"), Gatehouse.json(r.body()));
        assertTrue(r.header("Content-Type").startsWith("application/json"), r.headers()::toString);
        // Only the test's accept thread listens on that port: the request was handed over by it.
        assertTrue(launcher.gatewaySocket().handedOut() > 0, "no connection was taken from the gateway socket");
        assertTrue(launcher.gatewaySocket().isOpen());
    }

    /**
     * Felix HTTP starts Jetty with a connector on an ephemeral loopback port of its own; gatehouse-http
     * stops it once its connector on the gateway socket exists, so the gateway port is the only way in.
     */
    @Test
    void felixOwnConnectorIsClosed(LauncherServices launcher) throws Exception {
        Gatehouse.awaitHealthy(launcher);
        ServiceReference<?>[] runtimes = context.getServiceReferences(HTTP_SERVICE_RUNTIME, null);
        assertNotNull(runtimes, "no " + HTTP_SERVICE_RUNTIME);
        List<String> endpoints = new ArrayList<>();
        for (ServiceReference<?> r : runtimes) {
            Object e = r.getProperty("osgi.http.endpoint");
            if (e instanceof String[] a) {
                endpoints.addAll(List.of(a));
            } else if (e instanceof Collection<?> c) {
                c.forEach(x -> endpoints.add(String.valueOf(x)));
            } else if (e != null) {
                endpoints.add(String.valueOf(e));
            }
        }
        org.slf4j.LoggerFactory.getLogger(HealthIT.class).info("HTTP endpoints: {}", endpoints);
        List<Integer> felixPorts = new ArrayList<>();
        for (String e : endpoints) {
            int port = URI.create(e).getPort();
            if (port > 0 && port != launcher.gatewaySocket().port()) {
                felixPorts.add(port);
            }
        }
        assertFalse(felixPorts.isEmpty(), () -> "Felix's own connector port not found in " + endpoints);
        for (int port : felixPorts) {
            try (Socket s = new Socket()) {
                assertThrows(ConnectException.class, () -> s.connect(new InetSocketAddress("127.0.0.1", port), 2_000),
                        "Felix's own connector still listens on " + port);
            }
        }
    }

    @Test
    void readyConditionIsRegistered() throws Exception {
        String filter = "(&(" + Constants.OBJECTCLASS + "=" + Condition.class.getName() + ")("
                + Condition.CONDITION_ID + "=gatehouse.ready))";
        ServiceTracker<Condition, Condition> ready = new ServiceTracker<>(context, FrameworkUtil.createFilter(filter), null);
        ready.open();
        try {
            assertNotNull(ready.waitForService(Poll.DEFAULT.toMillis()), "no gatehouse.ready condition");
            ServiceReference<Condition> ref = ready.getServiceReference();
            assertEquals("io.gatehouse.gateway", ref.getBundle().getSymbolicName());
        } finally {
            ready.close();
        }
    }
}
