package io.gatehouse.channel.webchat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.gatehouse.api.auth.GatewayAuth;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The token decision before the {@code /ws} upgrade: on loopback nobody needs a token; beyond it a wrong token
 * is 401, no token with none configured is 403, and no token with one configured is let through
 * unauthenticated (the first frame must carry it).
 */
class WebchatSocketServletTest {
    private static final String TOKEN = "s3cret-token";

    /** The gateway token rule, as {@code GatewayTokenRule} applies it, for a gateway bound as given. */
    private static GatewayAuth auth(boolean onLoopback, boolean configured) {
        return (GatewayAuth) Proxy.newProxyInstance(WebchatSocketServletTest.class.getClassLoader(),
                new Class<?>[] {GatewayAuth.class}, (p, m, a) -> switch (m.getName()) {
                    case "allowed" -> configured ? TOKEN.equals(a[1]) : "127.0.0.1".equals(a[0]);
                    case "tokenConfigured" -> configured;
                    case "gatewayOnLoopback" -> onLoopback;
                    default -> null;
                });
    }

    private record Outcome(boolean admitted, Object authenticated, Map<String, Object> response) {
    }

    private static Outcome upgrade(GatewayAuth auth, String remote, String queryToken, String authorization) throws Exception {
        Map<String, Object> attributes = new HashMap<>();
        HttpServletRequest req = (HttpServletRequest) Proxy.newProxyInstance(WebchatSocketServletTest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (p, m, a) -> switch (m.getName()) {
                    case "getParameter" -> "token".equals(a[0]) ? queryToken : null;
                    case "getHeader" -> "Authorization".equals(a[0]) ? authorization : null;
                    case "getRemoteAddr" -> remote;
                    case "setAttribute" -> attributes.put((String) a[0], a[1]);
                    default -> null;
                });
        Map<String, Object> response = new HashMap<>();
        HttpServletResponse resp = (HttpServletResponse) Proxy.newProxyInstance(WebchatSocketServletTest.class.getClassLoader(),
                new Class<?>[] {HttpServletResponse.class}, (p, m, a) -> {
                    switch (m.getName()) {
                        case "sendError" -> response.put("status", a[0]);
                        case "setHeader" -> response.put((String) a[0], a[1]);
                        default -> {
                        }
                    }
                    return null;
                });
        boolean admitted = new WebchatSocketServlet(null, auth).admit(req, resp);
        return new Outcome(admitted, attributes.get(WebchatSocketServlet.AUTHENTICATED), response);
    }

    @ParameterizedTest(name = "loopback gateway {0}, token configured {1}, from {2}, query {3}, header {4}")
    @CsvSource(nullValues = "-", value = {
            // on loopback every client is authenticated
            "true,  true,  10.0.0.5,  -,            -,                   true,  true,  -",
            // beyond loopback: the token in the query or a Bearer header authenticates
            "false, true,  10.0.0.5,  s3cret-token, -,                   true,  true,  -",
            "false, true,  10.0.0.5,  -,            Bearer s3cret-token, true,  true,  -",
            // a wrong token: 401 before the upgrade
            "false, true,  10.0.0.5,  wrong,        -,                   false, -,     401",
            "false, true,  10.0.0.5,  -,            Bearer wrong,        false, -,     401",
            // no token and none configured: a remote client could never authenticate, 403; a local one passes
            "false, false, 10.0.0.5,  -,            -,                   false, -,     403",
            "false, false, 127.0.0.1, -,            -,                   true,  true,  -",
            // no token with one configured: upgraded unauthenticated, the first frame must carry it
            "false, true,  10.0.0.5,  -,            -,                   true,  false, -"})
    void theTokenDecisionBeforeTheUpgrade(boolean onLoopback, boolean configured, String remote, String query,
            String header, boolean admitted, Boolean authenticated, Integer status) throws Exception {
        Outcome o = upgrade(auth(onLoopback, configured), remote, query, header);
        assertEquals(admitted, o.admitted());
        assertEquals(authenticated, o.authenticated());
        assertEquals(status, o.response().get("status"));
        assertEquals(status != null && status == 401 ? "Bearer realm=\"gatehouse\"" : null, o.response().get("WWW-Authenticate"));
    }
}
