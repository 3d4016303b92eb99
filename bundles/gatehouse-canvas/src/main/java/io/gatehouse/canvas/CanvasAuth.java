package io.gatehouse.canvas;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;


import io.gatehouse.api.auth.GatewayAuth;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The gateway token rule ({@link GatewayAuth}) for canvas pages and their live-reload socket. A browser cannot
 * send a header with every sub-resource it loads, so besides {@code Authorization: Bearer} and {@code ?token=}
 * a cookie is accepted: a page opened with a valid {@code ?token=} sets {@value #COOKIE} (HttpOnly,
 * SameSite=Strict, path /), whose value is an HMAC of the token, never the token itself; changing the token
 * invalidates it.
 */
final class CanvasAuth {
    static final String COOKIE = "gatehouse_canvas";
    private static final String LABEL = "gatehouse canvas cookie v1";

    private CanvasAuth() {
    }

    /** Whether the request may see the canvas. */
    static boolean allowed(GatewayAuth auth, HttpServletRequest req) {
        String remote = req.getRemoteAddr();
        String expected = auth.tokenMac(LABEL);
        if (expected == null) {
            return auth.allowed(remote, null);
        }
        String presented = presented(req);
        if (presented != null && auth.allowed(remote, presented)) {
            return true;
        }
        String cookie = cookie(req);
        return cookie != null && MessageDigest.isEqual(cookie.getBytes(StandardCharsets.US_ASCII),
                expected.getBytes(StandardCharsets.US_ASCII));
    }

    /** The token presented with the request itself (header or query), or null. */
    static String presented(HttpServletRequest req) {
        String bearer = GatewayAuth.bearer(req.getHeader("Authorization"));
        return bearer != null ? bearer : req.getParameter("token");
    }

    /** After a request that presented the valid token in its URL: remember it for the page's other requests. */
    static void rememberToken(GatewayAuth auth, HttpServletRequest req, HttpServletResponse resp) {
        String value = auth.tokenMac(LABEL);
        String q = req.getParameter("token");
        if (value == null || q == null || !auth.allowed(req.getRemoteAddr(), q)) {
            return;
        }
        if (value.equals(cookie(req))) {
            return;
        }
        boolean secure = req.isSecure() || "https".equalsIgnoreCase(req.getHeader("X-Forwarded-Proto"));
        resp.addHeader("Set-Cookie", COOKIE + "=" + value + "; Path=/; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : ""));
    }

    private static String cookie(HttpServletRequest req) {
        Cookie[] cookies = req.getCookies();
        if (cookies == null) {
            return null;
        }
        for (Cookie c : cookies) {
            if (COOKIE.equals(c.getName())) {
                return c.getValue();
            }
        }
        return null;
    }

    /** The 401 text: what to do, never the token. */
    static String denied(GatewayAuth auth) {
        return !auth.tokenConfigured() ? "a gateway token is required from this address (set gateway.auth.token)"
                : "gateway token required: open the page with ?token=<gateway token> (or send Authorization: Bearer)";
    }
}
