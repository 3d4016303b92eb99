package io.gatehouse.gateway;

import java.io.IOException;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import com.fasterxml.jackson.databind.ObjectMapper;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/** {@code GET /healthz}: 200 with {@code {"status":"ok"}} when the core is healthy, else 503 with the problems. */
@Component(service = Servlet.class, property = {
        "osgi.http.whiteboard.servlet.pattern=/healthz",
        "osgi.http.whiteboard.servlet.name=" + HealthServlet.NAME})
public final class HealthServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    static final String NAME = "gatehouse-healthz";

    private final transient GatewayHealth health;
    private final transient ObjectMapper json = new ObjectMapper();

    @Activate
    public HealthServlet(@Reference GatewayHealth health) {
        this.health = health;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        var summary = health.summary();
        resp.setStatus("ok".equals(summary.get("status")) ? 200 : 503);
        resp.setContentType("application/json");
        resp.setCharacterEncoding("UTF-8");
        resp.setHeader("Cache-Control", "no-store");
        json.writeValue(resp.getOutputStream(), summary);
    }
}
