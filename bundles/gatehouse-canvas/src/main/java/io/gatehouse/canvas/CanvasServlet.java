package io.gatehouse.canvas;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.TimeUnit;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.gatehouse.api.auth.GatewayAuth;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * {@code /canvas/...}: the canvas files. GET and HEAD only (405 otherwise); {@code Cache-Control: no-store};
 * {@code index.html} for a folder (a folder without the trailing slash is redirected to it); ETag (the
 * content hash) and Last-Modified with 304 answers; HTML gets the live-reload script. Paths are resolved by
 * {@link CanvasPaths}, which leaves no way out of the canvas. A file with a change that has not settled
 * yet is served once it has (bounded), so a page reloading in the middle of a burst of saves gets the
 * final content, never a torn one; the wait holds no thread.
 */
@Component(service = Servlet.class, property = {
        "osgi.http.whiteboard.servlet.pattern=/canvas",
        "osgi.http.whiteboard.servlet.pattern=/canvas/*",
        "osgi.http.whiteboard.servlet.name=gatehouse-canvas",
        "osgi.http.whiteboard.servlet.asyncSupported=true"})
public final class CanvasServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(CanvasServlet.class);
    static final String PREFIX = "/canvas";
    /** Files up to this size are read whole (hashed, and injected when HTML); larger ones are streamed. */
    static final long BUFFERED_MAX = 16L << 20;
    /** How long a request waits for an unsettled change of its file. */
    static final long SETTLE_WAIT_MS = 2_000;
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

    private final transient CanvasHost host;
    private final transient GatewayAuth auth;

    @Activate
    public CanvasServlet(@Reference CanvasHost host, @Reference GatewayAuth auth) {
        this.host = host;
        this.auth = auth;
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String method = req.getMethod();
        boolean head = "HEAD".equals(method);
        if (!head && !"GET".equals(method)) {
            resp.setHeader("Allow", "GET, HEAD");
            text(resp, 405, "method not allowed: the canvas is read-only (GET, HEAD)");
            return;
        }
        CanvasSettings settings = host.settings();
        if (!settings.enabled()) {
            text(resp, 404, "the canvas is off (canvasHost.enabled: false)");
            return;
        }
        if (!CanvasAuth.allowed(auth, req)) {
            resp.setHeader("WWW-Authenticate", "Bearer realm=\"gatehouse\"");
            text(resp, 401, CanvasAuth.denied(auth));
            return;
        }
        String uri = req.getRequestURI();
        String context = req.getContextPath() == null ? "" : req.getContextPath();
        String raw = uri.startsWith(context) ? uri.substring(context.length()) : uri;
        if (!raw.startsWith(PREFIX)) {
            text(resp, 404, "not found");
            return;
        }
        raw = raw.substring(PREFIX.length());
        String query = req.getQueryString();
        if (raw.isEmpty()) {
            redirect(resp, PREFIX + "/" + (query == null ? "" : "?" + query));
            return;
        }
        CanvasPaths.RequestPath path;
        try {
            path = CanvasPaths.parse(raw);
        } catch (CanvasPaths.BadPath e) {
            LOG.debug("canvas: refused {}: {}", raw, e.getMessage());
            text(resp, e.status, e.status == 404 ? "not found" : "bad path: " + e.getMessage());
            return;
        }
        CanvasPaths.Resolution r = CanvasPaths.resolve(path, raw, query, settings.root(), settings.agents());
        if (r instanceof CanvasPaths.Redirect redirect) {
            redirect(resp, redirect.location());
        } else if (r instanceof CanvasPaths.Refused refused) {
            LOG.debug("canvas: {} -> {} {}", raw, refused.status(), refused.reason());
            text(resp, refused.status(), refused.status() == 404 ? "not found" : "bad path: " + refused.reason());
        } else {
            CanvasPaths.Found found = (CanvasPaths.Found) r;
            CanvasAuth.rememberToken(auth, req, resp);
            if (!host.isDirty(found.file())) {
                serve(req, resp, found, head);
                return;
            }
            AsyncContext async = req.startAsync();
            async.setTimeout(SETTLE_WAIT_MS + 5_000);
            host.settled(found.file()).completeOnTimeout(null, SETTLE_WAIT_MS, TimeUnit.MILLISECONDS)
                    .whenComplete((v, e) -> async.start(() -> {
                        try {
                            serve((HttpServletRequest) async.getRequest(), (HttpServletResponse) async.getResponse(), found, head);
                        } catch (IOException | RuntimeException ex) {
                            LOG.debug("canvas: serving {} failed: {}", found.file(), ex.toString());
                        } finally {
                            async.complete();
                        }
                    }));
        }
    }

    private void serve(HttpServletRequest req, HttpServletResponse resp, CanvasPaths.Found found, boolean head)
            throws IOException {
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(found.file(), BasicFileAttributes.class);
        } catch (IOException e) {
            text(resp, 404, "not found");
            return;
        }
        long modified = attrs.lastModifiedTime().toMillis();
        String type = CanvasFiles.contentType(found.file());
        if (attrs.size() > BUFFERED_MAX) {
            String etag = "W/\"" + Long.toHexString(attrs.size()) + "-" + Long.toHexString(attrs.lastModifiedTime().to(TimeUnit.NANOSECONDS)) + "\"";
            if (headers(req, resp, type, etag, modified)) {
                return;
            }
            resp.setContentLengthLong(attrs.size());
            if (!head) {
                try (InputStream in = Files.newInputStream(found.file()); OutputStream out = resp.getOutputStream()) {
                    in.transferTo(out);
                }
            }
            return;
        }
        byte[] content;
        try {
            content = Files.readAllBytes(found.file());
        } catch (IOException e) {
            text(resp, 404, "not found");
            return;
        }
        String hash = CanvasFiles.hash(content);
        boolean inject = CanvasFiles.isHtml(found.file()) && host.liveReload(found.canvas());
        String etag = inject ? "W/\"" + hash + "-lr\"" : "\"" + hash + "\"";
        if (headers(req, resp, type, etag, modified)) {
            return;
        }
        byte[] body = inject ? CanvasFiles.inject(content, CanvasFiles.script(found.key(), hash, System.currentTimeMillis()))
                : content;
        resp.setContentLength(body.length);
        if (!head) {
            resp.getOutputStream().write(body);
        }
    }

    /** Sets the response headers; answers 304 (and returns true) when the client's copy is current. */
    private static boolean headers(HttpServletRequest req, HttpServletResponse resp, String type, String etag, long modified) {
        resp.setHeader("Cache-Control", "no-store");
        resp.setHeader("X-Content-Type-Options", "nosniff");
        resp.setHeader("ETag", etag);
        resp.setHeader("Last-Modified", HTTP_DATE.format(Instant.ofEpochMilli(modified)));
        String inm = req.getHeader("If-None-Match");
        boolean notModified;
        if (inm != null) {
            notModified = matches(inm, etag);
        } else {
            long ims;
            try {
                ims = req.getDateHeader("If-Modified-Since");
            } catch (IllegalArgumentException e) {
                ims = -1;
            }
            notModified = ims >= 0 && modified / 1000 <= ims / 1000;
        }
        if (notModified) {
            resp.setStatus(304);
            return true;
        }
        resp.setStatus(200);
        resp.setContentType(type);
        return false;
    }

    /** If-None-Match against our tag, by weak comparison (RFC 9110 13.1.2). */
    static boolean matches(String ifNoneMatch, String etag) {
        String ours = opaque(etag);
        for (String t : ifNoneMatch.split(",")) {
            String s = t.trim();
            if (s.equals("*") || opaque(s).equals(ours)) {
                return true;
            }
        }
        return false;
    }

    private static String opaque(String tag) {
        return tag.startsWith("W/") ? tag.substring(2) : tag;
    }

    private static void redirect(HttpServletResponse resp, String location) throws IOException {
        resp.setStatus(302);
        resp.setHeader("Location", location);
        resp.setHeader("Cache-Control", "no-store");
        resp.setContentLength(0);
    }

    private static void text(HttpServletResponse resp, int status, String message) throws IOException {
        byte[] b = (message + "\n").getBytes(StandardCharsets.UTF_8);
        resp.setStatus(status);
        resp.setHeader("Cache-Control", "no-store");
        resp.setContentType("text/plain; charset=utf-8");
        resp.setContentLength(b.length);
        resp.getOutputStream().write(b);
    }
}
