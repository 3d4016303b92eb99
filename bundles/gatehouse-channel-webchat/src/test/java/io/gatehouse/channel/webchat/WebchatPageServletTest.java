package io.gatehouse.channel.webchat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/** The chat page and its assets are served from the bundle with their content types; nothing else is. */
class WebchatPageServletTest {

    private record Served(int status, String contentType, String body) {
    }

    private static Served get(String servletPath, String pathInfo) throws Exception {
        HttpServletRequest req = (HttpServletRequest) Proxy.newProxyInstance(WebchatPageServletTest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (p, m, a) -> switch (m.getName()) {
                    case "getServletPath" -> servletPath;
                    case "getPathInfo" -> pathInfo;
                    case "getMethod" -> "GET";
                    default -> null;
                });
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        ServletOutputStream out = new ServletOutputStream() {
            @Override
            public void write(int b) {
                body.write(b);
            }

            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setWriteListener(WriteListener listener) {
                // blocking writes only
            }
        };
        Map<String, Object> state = new HashMap<>(Map.of("status", 200));
        HttpServletResponse resp = (HttpServletResponse) Proxy.newProxyInstance(WebchatPageServletTest.class.getClassLoader(),
                new Class<?>[] {HttpServletResponse.class}, (p, m, a) -> {
                    switch (m.getName()) {
                        case "sendError", "setStatus" -> state.put("status", a[0]);
                        case "setContentType" -> state.put("type", a[0]);
                        case "setHeader", "addHeader" -> {
                            if ("Content-Type".equalsIgnoreCase((String) a[0])) {
                                state.put("type", a[1]);
                            }
                        }
                        case "getOutputStream" -> {
                            return out;
                        }
                        default -> {
                        }
                    }
                    return null;
                });
        new WebchatPageServlet().doGet(req, resp);
        return new Served((Integer) state.get("status"), (String) state.get("type"), body.toString(StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @CsvSource({"/,,text/html", "/index.html,,text/html", "/webchat.js,,text/javascript", "/webchat.css,,text/css",
            "/favicon.svg,,image/svg+xml", "'',/,text/html"})
    void pagesAndAssetsAreServed(String servletPath, String pathInfo, String type) throws Exception {
        Served s = get(servletPath, pathInfo);
        assertEquals(200, s.status());
        assertTrue(s.contentType() != null && s.contentType().startsWith(type), s.contentType());
        assertTrue(!s.body().isEmpty(), "empty body for " + servletPath);
    }

    @ParameterizedTest
    @CsvSource({"/no-such-page,", "/webchat/index.html,", "/../pom.xml,", "/WEBCHAT.JS,"})
    void anythingElseIsNotFound(String servletPath, String pathInfo) throws Exception {
        assertEquals(404, get(servletPath, pathInfo).status());
    }
}
