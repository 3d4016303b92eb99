package io.gatehouse.channels.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import org.junit.jupiter.api.Test;

class HttpAttributesTest {
    /** What a valid Host header is; {@code HttpAttributes.validHost} checks it without a pattern. */
    private static final java.util.regex.Pattern HOST =
            java.util.regex.Pattern.compile("[A-Za-z0-9._~\\-]+(:[0-9]{1,5})?|\\[[0-9A-Fa-f:.]+\\](:[0-9]{1,5})?");

    private static Map<String, String> of(String host, String scheme, String remote, Map<String, String> headers) {
        return HttpAttributes.of(host, scheme, remote, headers::get);
    }

    @Test
    void aDirectRequest() {
        assertEquals(Map.of("http.host", "gw.lan:18789", "http.scheme", "http", "client.address", "192.168.1.7"),
                of("gw.lan:18789", "http", "192.168.1.7", Map.of()));
        assertEquals(Map.of("http.host", "[::1]:18789", "http.scheme", "http", "client.address", "::1"),
                of("[::1]:18789", "http", "::1", Map.of()));
    }

    @Test
    void xForwardedHeadersWin() {
        assertEquals(Map.of("http.host", "gw.example.com", "http.scheme", "https", "client.address", "203.0.113.9"),
                of("127.0.0.1:18789", "http", "127.0.0.1", Map.of("X-Forwarded-Host", "gw.example.com, proxy2",
                        "X-Forwarded-Proto", "https", "X-Forwarded-For", "203.0.113.9, 10.0.0.1")));
    }

    @Test
    void theForwardedHeaderWinsOverXForwarded() {
        assertEquals(Map.of("http.host", "canvas.example.com", "http.scheme", "https", "client.address", "2001:db8::7"),
                of("127.0.0.1:18789", "http", "127.0.0.1", Map.of(
                        "Forwarded", "for=\"[2001:db8::7]:4711\";proto=https;host=canvas.example.com, for=10.0.0.1",
                        "X-Forwarded-Host", "other")));
    }

    @Test
    void valuesThatAreNoHostOrSchemeAreLeftOut() {
        assertEquals(Map.of("client.address", "1.2.3.4"),
                of("evil.com/path?x", "gopher", "1.2.3.4", Map.of()));
        assertEquals(Map.of("http.scheme", "http", "client.address", "1.2.3.4"),
                of(null, "http", "1.2.3.4", Map.of("X-Forwarded-Host", "a b")));
        assertEquals(Map.of("http.host", "h", "http.scheme", "http", "client.address", "1.2.3.4"),
                of("h", "http", "1.2.3.4", Map.of("X-Forwarded-For", "1.2.3.4:555")));
    }
    @org.junit.jupiter.api.Test
    void theHostCheckAgreesWithItsPattern() {
        java.util.List<String> hosts = new java.util.ArrayList<>(java.util.List.of("", "a", "127.0.0.1", "127.0.0.1:18789",
                "localhost:1", "localhost:123456", "localhost:", "localhost:x", ":80", "[::1]", "[::1]:8080", "[]", "[::1",
                "[::1]x", "[::1]:", "[g::1]", "[::1]:65536", "ex_am~ple-1.org", "exa mple", "a:b:c", "a]", "[a]b]", "é.org",
                "host\n", "[1.2.3.4]:1", "-", "...", "a:1234", "a:12345"));
        String alphabet = "a9.:[]_~-x ]:0";
        java.util.Random r = new java.util.Random(12);
        for (int n = 0; n < 5000; n++) {
            StringBuilder b = new StringBuilder();
            for (int i = r.nextInt(9); i > 0; i--) {
                b.append(alphabet.charAt(r.nextInt(alphabet.length())));
            }
            hosts.add(b.toString());
        }
        for (String h : hosts) {
            org.junit.jupiter.api.Assertions.assertEquals(HOST.matcher(h).matches(), HttpAttributes.validHost(h), h);
        }
    }
}
