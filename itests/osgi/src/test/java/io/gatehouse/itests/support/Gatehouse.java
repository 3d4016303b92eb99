package io.gatehouse.itests.support;

import java.util.Map;

import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.gatehouse.launcher.api.InFlightWork;

/** Shared probes of the gateway under test. */
public final class Gatehouse {
    public static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private Gatehouse() {
    }

    public static Map<String, Object> json(String text) throws java.io.IOException {
        return JSON.readValue(text, MAP);
    }

    /** Waits until {@code /healthz} on the gateway socket answers 200 {@code {"status":"ok"}}. */
    public static Http.Response awaitHealthy(LauncherServices launcher) {
        int port = launcher.gatewaySocket().port();
        return Poll.until("GET /healthz = 200 {\"status\":\"ok\"}", () -> Http.get(port, "/healthz"),
                r -> r.status() == 200 && isOk(r.body()));
    }

    private static boolean isOk(String body) {
        try {
            return Map.of("status", "ok").equals(json(body));
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** The {@link InFlightWork} service whose {@link InFlightWork#name()} is the given one, or null. */
    public static InFlightWork inFlightWork(String name) throws InvalidSyntaxException {
        BundleContext ctx = FrameworkUtil.getBundle(Gatehouse.class).getBundleContext();
        for (ServiceReference<InFlightWork> ref : ctx.getServiceReferences(InFlightWork.class, null)) {
            InFlightWork w = ctx.getService(ref);
            if (w != null) {
                if (name.equals(w.name())) {
                    return w;
                }
                ctx.ungetService(ref);
            }
        }
        return null;
    }
}
