package io.gatehouse.http;

import java.io.IOException;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeoutException;

import org.eclipse.jetty.http.BadMessageException;
import org.eclipse.jetty.io.EofException;
import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * What every request to the gateway gets, whatever servlet serves it:
 * <ul>
 * <li>{@code TRACE} and {@code TRACK} are refused with 405 (the servlet default echoes every request
 * header back, cookies and tokens included);</li>
 * <li>a request body the client got wrong (shorter than its {@code Content-Length}, a bad chunk size, a
 * client that stopped sending) is the client's error: 400 (408 for a timeout) with a one-line reason,
 * never a 500 with a stack trace. The servlet's own errors stay 500s.</li>
 * </ul>
 */
@Component(service = Filter.class, property = {
        "osgi.http.whiteboard.filter.name=gatehouse-request-hygiene",
        "osgi.http.whiteboard.filter.pattern=/*",
        "osgi.http.whiteboard.filter.asyncSupported=true",
        "osgi.http.whiteboard.context.select=(osgi.http.whiteboard.context.name=*)",
        "service.ranking:Integer=2147483646"})
public final class RequestHygiene implements Filter {
    private static final Logger LOG = LoggerFactory.getLogger(RequestHygiene.class);
    static final Set<String> REFUSED_METHODS = Set.of("TRACE", "TRACK");
    static final String ALLOW = "GET, HEAD, POST, PUT, DELETE, OPTIONS, PATCH";

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest req = (HttpServletRequest) request;
        HttpServletResponse resp = (HttpServletResponse) response;
        if (REFUSED_METHODS.contains(req.getMethod().toUpperCase(Locale.ROOT))) {
            resp.setHeader("Allow", ALLOW);
            plain(resp, 405, "method " + req.getMethod() + " is not allowed");
            return;
        }
        try {
            chain.doFilter(request, response);
        } catch (IOException | ServletException | RuntimeException e) {
            int status = clientError(e);
            if (status == 0) {
                throw e;
            }
            LOG.debug("{} {} from {}: bad request body: {}", req.getMethod(), req.getRequestURI(), req.getRemoteAddr(), e.toString());
            if (!resp.isCommitted()) {
                resp.reset();
                resp.setHeader("Connection", "close");
                plain(resp, status, status == 408 ? "the request body did not arrive in time"
                        : "malformed request body: " + reason(e));
            }
        }
    }

    /** 400 or 408 when {@code e} (or a cause) says the client sent a broken or incomplete body; 0 otherwise. */
    static int clientError(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof TimeoutException || t instanceof java.net.SocketTimeoutException) {
                return 408;
            }
            if (t instanceof BadMessageException bad) {
                return bad.getCode() >= 400 && bad.getCode() < 500 ? bad.getCode() : 400;
            }
            if (t instanceof EofException || t instanceof java.io.EOFException) {
                return 400;
            }
            String m = t.getMessage();
            if (m != null && (m.contains("early EOF") || m.contains("Early EOF") || m.contains("Bad chunk")
                    || m.contains("bad chunk") || m.contains("Invalid chunk"))) {
                return 400;
            }
        }
        return 0;
    }

    private static String reason(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof BadMessageException bad && bad.getReason() != null) {
                return bad.getReason();
            }
        }
        return e instanceof EofException || e.getCause() instanceof EofException ? "the body ended before its Content-Length, or its chunked encoding is broken"
                : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static void plain(HttpServletResponse resp, int status, String text) throws IOException {
        resp.setStatus(status);
        resp.setContentType("text/plain;charset=utf-8");
        resp.getWriter().write(text + "\n");
    }
}
