package io.gatehouse.gateway;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.condition.Condition;

/**
 * Registered once HTTP serves on the gateway socket and {@code /healthz} is deployed; the launcher
 * hands connections to a new framework only then, so clients that connect during a restart wait
 * for a server that answers instead of reaching one that is half up.
 */
@Component(service = Condition.class, property = Condition.CONDITION_ID + "=gatehouse.ready")
public final class ReadyCondition implements Condition {

    @Reference(target = "(osgi.http.whiteboard.servlet.name=" + HealthServlet.NAME + ")")
    jakarta.servlet.Servlet healthServlet;

    @Reference
    org.osgi.service.servlet.runtime.HttpServiceRuntime httpRuntime;

    /** Registered by gatehouse-http while its connector on the gateway socket runs. */
    @Reference(target = "(" + Condition.CONDITION_ID + "=gatehouse.http.connector)")
    Condition gatewayConnector;
}
