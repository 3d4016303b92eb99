package io.gatehouse.canvas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.Map;

import org.junit.jupiter.api.Test;

class CanvasUrlsTest {
    static final InetSocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 18789);
    static final InetSocketAddress ANY = new InetSocketAddress("0.0.0.0", 18789);
    static final InetSocketAddress LAN = new InetSocketAddress("192.168.1.20", 18789);

    private static Map<String, String> http(String host, String scheme, String client) {
        return Map.of("http.host", host, "http.scheme", scheme, "client.address", client);
    }

    @Test
    void theAdvertisedUrlWins() throws Exception {
        assertEquals("https://gw.example.com/canvas/main/index.html", CanvasUrls.url("https://gw.example.com/canvas/",
                http("127.0.0.1:18789", "http", "127.0.0.1"), LOOPBACK, "main/index.html"));
        assertEquals("https://canvas.example.com/", CanvasUrls.url("https://canvas.example.com/", Map.of(), null, ""));
    }

    @Test
    void theHostTheClientUsedIsHandedBack() throws Exception {
        assertEquals("http://gw.lan:18789/canvas/index.html",
                CanvasUrls.url(null, http("gw.lan:18789", "http", "192.168.1.7"), ANY, "index.html"));
        assertEquals("https://gw.example.com/canvas/",
                CanvasUrls.url(null, http("gw.example.com", "https", "203.0.113.9"), LOOPBACK, ""));
        assertEquals("http://[fd00::5]:18789/canvas/a%20b.html",
                CanvasUrls.url(null, http("[fd00::5]:18789", "http", "fd00::9"), ANY, CanvasUrls.encodePath("a b.html")));
        assertEquals("http://100.64.0.3:18789/canvas/", CanvasUrls.url(null, http("100.64.0.3:18789", "http", "100.64.0.8"), ANY, ""),
                "a VPN address the client used");
    }

    @Test
    void loopbackOnlyToALocalClient() throws Exception {
        assertEquals("http://127.0.0.1:18789/canvas/", CanvasUrls.url(null, http("127.0.0.1:18789", "http", "127.0.0.1"), LOOPBACK, ""));
        assertEquals("http://localhost:18789/canvas/", CanvasUrls.url(null, http("localhost:18789", "http", "::1"), LOOPBACK, ""));
        CanvasUrls.NoUrl e = assertThrows(CanvasUrls.NoUrl.class,
                () -> CanvasUrls.url(null, http("127.0.0.1:18789", "http", "10.8.0.2"), ANY, ""));
        assertTrue(e.getMessage().contains("canvasHost.advertisedUrl"), e.getMessage());
        assertThrows(CanvasUrls.NoUrl.class, () -> CanvasUrls.url(null, http("localhost", "http", "203.0.113.9"), ANY, ""));
    }

    @Test
    void withoutAHostTheGatewayAddressIsUsedOnlyWhenUsersCanReachIt() throws Exception {
        Map<String, String> telegram = Map.of();
        assertEquals("http://192.168.1.20:18789/canvas/", CanvasUrls.url(null, telegram, LAN, ""));
        CanvasUrls.NoUrl loopback = assertThrows(CanvasUrls.NoUrl.class, () -> CanvasUrls.url(null, telegram, LOOPBACK, ""));
        assertTrue(loopback.getMessage().contains("loopback only"), loopback.getMessage());
        assertThrows(CanvasUrls.NoUrl.class, () -> CanvasUrls.url(null, telegram, ANY, ""));
        assertThrows(CanvasUrls.NoUrl.class, () -> CanvasUrls.url(null, telegram, null, ""));
        // a local client without a Host (a local tool): loopback is fine
        assertEquals("http://127.0.0.1:18789/canvas/", CanvasUrls.url(null, Map.of("client.address", "127.0.0.1"), LOOPBACK, ""));
        assertEquals("http://127.0.0.1:18789/canvas/", CanvasUrls.url(null, Map.of("client.address", "127.0.0.1"), ANY, ""));
    }

    @Test
    void aHostHeaderThatIsNoHostIsRefused() {
        assertThrows(CanvasUrls.NoUrl.class, () -> CanvasUrls.url(null, http("evil.com/x?", "http", "1.2.3.4"), ANY, ""));
        assertThrows(CanvasUrls.NoUrl.class, () -> CanvasUrls.url(null, http("u:p@evil.com", "http", "1.2.3.4"), ANY, ""));
    }

    @Test
    void pathsAreEncodedPerSegment() {
        assertEquals("main/charts/q%203.html", CanvasUrls.encodePath("main/charts/q 3.html"));
        assertEquals("%C3%A9t%C3%A9/", CanvasUrls.encodePath("été/"));
        assertEquals("", CanvasUrls.encodePath(""));
    }
}
