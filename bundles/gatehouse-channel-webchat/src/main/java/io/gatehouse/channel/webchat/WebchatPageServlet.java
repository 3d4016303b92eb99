package io.gatehouse.channel.webchat;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

import org.osgi.service.component.annotations.Component;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/** The chat page at {@code /} and its script, style sheet and icon, from the bundle's {@code webchat/} resources. */
@Component(service = Servlet.class, property = {
        "osgi.http.whiteboard.servlet.pattern=/",
        "osgi.http.whiteboard.servlet.name=gatehouse-webchat-page"})
public final class WebchatPageServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final Map<String, String[]> FILES = Map.of(
            "/", new String[] {"index.html", "text/html"},
            "/index.html", new String[] {"index.html", "text/html"},
            "/webchat.js", new String[] {"webchat.js", "text/javascript"},
            "/webchat.css", new String[] {"webchat.css", "text/css"},
            "/favicon.svg", new String[] {"favicon.svg", "image/svg+xml"});

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = req.getServletPath() + (req.getPathInfo() == null ? "" : req.getPathInfo());
        if (path.isEmpty()) {
            path = "/";
        }
        String[] file = FILES.get(path);
        if (file == null) {
            resp.sendError(404);
            return;
        }
        byte[] body;
        try (InputStream in = WebchatPageServlet.class.getResourceAsStream("/webchat/" + file[0])) {
            if (in == null) {
                resp.sendError(404);
                return;
            }
            body = in.readAllBytes();
        }
        resp.setStatus(200);
        resp.setContentType(file[1]);
        resp.setCharacterEncoding("UTF-8");
        resp.setHeader("Cache-Control", "no-cache");
        resp.setHeader("X-Content-Type-Options", "nosniff");
        resp.setContentLength(body.length);
        resp.getOutputStream().write(body);
    }
}
