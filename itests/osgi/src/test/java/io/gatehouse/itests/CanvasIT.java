package io.gatehouse.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceReference;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.service.ServiceExtension;

import io.gatehouse.support.shell.ShellProtocol;
import io.gatehouse.api.agent.AgentTool;
import io.gatehouse.api.config.ConfigException;
import io.gatehouse.api.config.ConfigSection;
import io.gatehouse.api.config.ConfigService;
import io.gatehouse.itests.support.ConfigFile;
import io.gatehouse.itests.support.Gatehouse;
import io.gatehouse.itests.support.LauncherServices;
import io.gatehouse.itests.support.LauncherServicesExtension;
import io.gatehouse.itests.support.Poll;
import io.gatehouse.itests.support.Shell;

/** The canvas bundle in the framework, over real loopback HTTP and WebSocket connections. */
@ExtendWith(LauncherServicesExtension.class)
@ExtendWith(ServiceExtension.class)
class CanvasIT {
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final Pattern VERSION = Pattern.compile("version:\"([0-9a-f]+)\"");
    static final Pattern SERVED = Pattern.compile("&t=([0-9]+)");

    @InjectService(timeout = 30_000)
    ConfigService config;

    @InjectService(filter = "(" + AgentTool.NAME + "=canvas.write)", timeout = 30_000)
    AgentTool write;

    @InjectService(filter = "(" + AgentTool.NAME + "=canvas.url)", timeout = 30_000)
    AgentTool url;

    static int port;
    ConfigFile configFile;
    Path root;
    Path outside;

    @BeforeAll
    static void up(LauncherServices launcher) {
        Gatehouse.awaitHealthy(launcher);
        port = launcher.gatewaySocket().port();
    }

    @BeforeEach
    void remember(LauncherServices launcher) throws Exception {
        BundleContext ctx = FrameworkUtil.getBundle(CanvasIT.class).getBundleContext();
        configFile = ConfigFile.of(CanvasIT.class, ".canvas-restore.tmp");
        root = Path.of(ctx.getProperty("gatehouse.data"), "canvas");
        Poll.until("the canvas root with its index.html", () -> Files.isRegularFile(root.resolve("index.html")));
        outside = Files.createDirectories(root.resolveSibling("canvas-outside"));
        Files.writeString(outside.resolve("secret.txt"), "TOP-SECRET-OUTSIDE");
        Poll.until("the canvas serving", () -> get("/canvas/", Map.of()).statusCode() == 200);
    }

    @AfterEach
    void restore() throws Exception {
        configFile.restore(config, () -> config.current().get("canvasHost").isEmpty()
                && config.current().get("gateway.auth").isEmpty());
        try (Stream<Path> files = Files.list(root)) {
            for (Path p : files.toList()) {
                if (!p.getFileName().toString().equals("index.html")) {
                    delete(p);
                }
            }
        }
        delete(outside);
        Files.writeString(root.resolve("index.html"), "<!doctype html><html><body><h1>canvas</h1></body></html>\n");
    }

    private static void delete(Path p) throws IOException {
        if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> all = Files.walk(p)) {
            for (Path x : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(x);
            }
        }
    }

    // ---- helpers

    static HttpResponse<String> get(String path, Map<String, String> headers) throws Exception {
        return send("GET", path, headers);
    }

    static HttpResponse<String> send(String method, String path, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(20))
                .method(method, HttpRequest.BodyPublishers.noBody());
        headers.forEach(b::header);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A request line sent as is (java.net.http would normalise or refuse these paths). */
    static String[] raw(String path) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            s.setSoTimeout(20_000);
            OutputStream o = s.getOutputStream();
            o.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            o.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            String text = all.toString(StandardCharsets.ISO_8859_1);
            String status = text.isEmpty() ? "" : text.substring(0, text.indexOf('\r') < 0 ? text.length() : text.indexOf('\r'));
            return new String[] {status, text};
        }
    }

    /** A WebSocket to /canvas-ws like the page's script opens, with the version a page was served. */
    static final class Socket2 implements WebSocket.Listener {
        final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
        final BlockingQueue<Integer> closed = new LinkedBlockingQueue<>();
        WebSocket ws;

        static Socket2 open(String pageBody, String doc, Map<String, String> headers) throws Exception {
            Matcher v = VERSION.matcher(pageBody);
            Matcher t = SERVED.matcher(pageBody);
            assertTrue(v.find() && t.find(), "the page has the live-reload script: " + pageBody);
            Socket2 s = new Socket2();
            WebSocket.Builder b = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
            headers.forEach(b::header);
            s.ws = b.buildAsync(URI.create("ws://127.0.0.1:" + port + "/canvas-ws?d=" + doc + "&v=" + v.group(1) + "&t=" + t.group(1)), s)
                    .get(10, TimeUnit.SECONDS);
            return s;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            messages.add(data.toString());
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.add(statusCode);
            return null;
        }

        String next() throws InterruptedException {
            return messages.poll(10, TimeUnit.SECONDS);
        }

        void close() {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
    }

    /** The Content-Type without spaces (Jetty writes "text/html;charset=utf-8"). */
    static String type(HttpResponse<String> r) {
        return r.headers().firstValue("Content-Type").orElse("").replace(" ", "");
    }

    static Map<String, Object> status(LauncherServices launcher) throws Exception {
        ShellProtocol.Result r = Shell.run(launcher.adminSocket().port(), launcher.adminToken(), "canvas:status --json");
        assertEquals(0, r.exit(), r.toString());
        return Gatehouse.json(r.out());
    }

    static long broadcasts(LauncherServices launcher) throws Exception {
        return ((Number) status(launcher).get("broadcasts")).longValue();
    }

    private void set(String path, Object value) throws Exception {
        config.set(path, value, "test");
    }

    // ---- ownership

    @Test
    void theBundleOwnsCanvasHost() throws Exception {
        BundleContext ctx = FrameworkUtil.getBundle(CanvasIT.class).getBundleContext();
        ServiceReference<?>[] refs = ctx.getServiceReferences(ConfigSection.class.getName(), "(" + ConfigSection.PREFIX + "=canvasHost)");
        assertNotNull(refs);
        assertEquals(1, refs.length);
        Bundle owner = refs[0].getBundle();
        assertEquals("io.gatehouse.canvas", owner.getSymbolicName());
        assertEquals("canvasHost", owner.getHeaders().get(ConfigSection.MANIFEST_HEADER));
        assertEquals("core", owner.getHeaders().get("Gatehouse-Role"));
    }

    @Test
    void theSectionIsCheckedByItsOwnersStrictShape() throws Exception {
        String hash = config.current().hash();
        ConfigException typo = assertThrows(ConfigException.class, () -> set("canvasHost.liveReloud", true));
        assertTrue(typo.getMessage().contains("canvasHost.liveReloud") && typo.getMessage().contains("did you mean \"liveReload\""),
                typo.getMessage());
        ConfigException creds = assertThrows(ConfigException.class,
                () -> set("canvasHost.advertisedUrl", "https://alice:s3cr3t-pw@gw.example.com/canvas/"));
        assertTrue(creds.getMessage().contains("credentials"), creds.getMessage());
        assertFalse(creds.getMessage().contains("s3cr3t-pw"), creds.getMessage());
        assertEquals(hash, config.current().hash(), "nothing was applied");
    }

    // ---- serving

    @Test
    void theIndexIsServedWithTheLiveReloadScript() throws Exception {
        HttpResponse<String> r = get("/canvas/", Map.of());
        assertEquals(200, r.statusCode());
        assertEquals("text/html;charset=utf-8", type(r));
        assertEquals("no-store", r.headers().firstValue("Cache-Control").orElse(""));
        assertTrue(r.headers().firstValue("ETag").isPresent());
        assertTrue(r.headers().firstValue("Last-Modified").isPresent());
        String body = r.body();
        int script = body.indexOf("<script data-gatehouse-canvas>");
        assertTrue(script > 0 && script < body.lastIndexOf("</body>"), body);
        assertTrue(body.contains("/canvas-ws"), body);
        // the same document under its own name
        assertEquals(body.replaceAll("&t=[0-9]+", ""), get("/canvas/index.html", Map.of()).body().replaceAll("&t=[0-9]+", ""));
    }

    @Test
    void injectionGoesBeforeTheLastBodyCloseInAnyCaseOrAtTheEnd() throws Exception {
        Files.writeString(root.resolve("upper.html"), "<HTML><BODY>x</BODY><!-- </body> --></BODY></HTML>");
        Files.writeString(root.resolve("frag.htm"), "<h1>fragment</h1>");
        String upper = get("/canvas/upper.html", Map.of()).body();
        assertTrue(upper.startsWith("<HTML><BODY>x</BODY><!-- </body> --><script data-gatehouse-canvas>"), upper);
        assertTrue(upper.endsWith("</script>\n</BODY></HTML>"), upper);
        String frag = get("/canvas/frag.htm", Map.of()).body();
        assertTrue(frag.startsWith("<h1>fragment</h1><script data-gatehouse-canvas>"), frag);
        assertTrue(frag.endsWith("</script>\n"), frag);
    }

    @Test
    void contentTypesFoldersAndRedirects() throws Exception {
        Files.createDirectories(root.resolve("app/css"));
        Files.writeString(root.resolve("app/index.html"), "<p>app</p>");
        Files.writeString(root.resolve("app/css/site.css"), "body{}");
        Files.writeString(root.resolve("app/main.js"), "1");
        Files.writeString(root.resolve("app/chart.svg"), "<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
        Files.write(root.resolve("app/dot.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G'});
        Files.writeString(root.resolve("app/data.json"), "{}");
        assertEquals("text/css;charset=utf-8", type(get("/canvas/app/css/site.css", Map.of())));
        assertEquals("text/javascript;charset=utf-8", type(get("/canvas/app/main.js", Map.of())));
        assertEquals("image/svg+xml", get("/canvas/app/chart.svg", Map.of()).headers().firstValue("Content-Type").orElse(""));
        assertEquals("image/png", get("/canvas/app/dot.png", Map.of()).headers().firstValue("Content-Type").orElse(""));
        assertEquals("application/json", get("/canvas/app/data.json", Map.of()).headers().firstValue("Content-Type").orElse(""));
        assertEquals("body{}", get("/canvas/app/css/site.css", Map.of()).body(), "no script in non-HTML files");
        HttpResponse<String> folder = get("/canvas/app?token=x", Map.of());
        assertEquals(302, folder.statusCode());
        assertEquals("/canvas/app/?token=x", folder.headers().firstValue("Location").orElse(""));
        assertEquals(302, get("/canvas", Map.of()).statusCode());
        assertEquals("/canvas/", get("/canvas", Map.of()).headers().firstValue("Location").orElse(""));
        assertTrue(get("/canvas/app/", Map.of()).body().startsWith("<p>app</p><script"));
        assertEquals(404, get("/canvas/app/css/", Map.of()).statusCode(), "no listing of a folder without index.html");
        assertEquals(404, get("/canvas/nope.html", Map.of()).statusCode());
    }

    @ParameterizedTest
    @ValueSource(strings = {"POST", "PUT", "DELETE", "PATCH", "OPTIONS"})
    void onlyGetAndHead(String method) throws Exception {
        String before = Files.readString(root.resolve("index.html"));
        HttpResponse<String> r = send(method, "/canvas/index.html", Map.of());
        assertEquals(405, r.statusCode(), method);
        assertEquals("GET, HEAD", r.headers().firstValue("Allow").orElse(""));
        assertEquals(before, Files.readString(root.resolve("index.html")));
    }

    @Test
    void headHasTheHeadersOfGetAndNoBody() throws Exception {
        HttpResponse<String> g = get("/canvas/index.html", Map.of());
        HttpResponse<String> h = send("HEAD", "/canvas/index.html", Map.of());
        assertEquals(200, h.statusCode());
        assertEquals("", h.body());
        assertEquals(g.headers().firstValue("ETag"), h.headers().firstValue("ETag"));
        assertEquals(g.headers().firstValue("Content-Type"), h.headers().firstValue("Content-Type"));
        assertEquals("no-store", h.headers().firstValue("Cache-Control").orElse(""));
    }

    @Test
    void conditionalRequestsGet304() throws Exception {
        Files.writeString(root.resolve("s.css"), "a{}");
        HttpResponse<String> first = get("/canvas/s.css", Map.of());
        String etag = first.headers().firstValue("ETag").orElseThrow();
        String modified = first.headers().firstValue("Last-Modified").orElseThrow();
        HttpResponse<String> same = get("/canvas/s.css", Map.of("If-None-Match", etag));
        assertEquals(304, same.statusCode());
        assertEquals("", same.body());
        assertEquals(etag, same.headers().firstValue("ETag").orElse(""));
        assertEquals(304, get("/canvas/s.css", Map.of("If-None-Match", "\"other\", " + etag)).statusCode());
        assertEquals(304, get("/canvas/s.css", Map.of("If-Modified-Since", modified)).statusCode());
        assertEquals(200, get("/canvas/s.css", Map.of("If-None-Match", "\"other\"")).statusCode());
        // If-None-Match wins over If-Modified-Since
        assertEquals(200, get("/canvas/s.css", Map.of("If-None-Match", "\"other\"", "If-Modified-Since", modified)).statusCode());
        Files.writeString(root.resolve("s.css"), "b{}");
        HttpResponse<String> changed = Poll.until("the new content", () -> get("/canvas/s.css", Map.of("If-None-Match", etag)),
                r -> r.statusCode() == 200);
        assertEquals("b{}", changed.body());
        assertFalse(etag.equals(changed.headers().firstValue("ETag").orElse("")));
        // HTML: the tag names the content, whatever the script's serving time
        String htmlTag = get("/canvas/index.html", Map.of()).headers().firstValue("ETag").orElseThrow();
        assertEquals(304, get("/canvas/index.html", Map.of("If-None-Match", htmlTag)).statusCode());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "/canvas/../canvas-outside/secret.txt", "/canvas/%2e%2e/canvas-outside/secret.txt", "/canvas/%2E%2E/canvas-outside/secret.txt",
        "/canvas/..%2fcanvas-outside/secret.txt", "/canvas/%2e%2e%2fcanvas-outside%2fsecret.txt",
        "/canvas/%252e%252e/canvas-outside/secret.txt", "/canvas/%252e%252e%252fcanvas-outside%252fsecret.txt",
        "/canvas/..\\canvas-outside\\secret.txt", "/canvas/%5c..%5ccanvas-outside%5csecret.txt", "/canvas/..%5ccanvas-outside/secret.txt",
        "/canvas//etc/passwd", "/canvas/%2fetc/passwd", "/canvas/%2Fetc%2Fpasswd", "/canvas/./../canvas-outside/secret.txt",
        "/canvas/sub/../../canvas-outside/secret.txt", "/canvas/link-out/secret.txt", "/canvas/file-out.txt",
        "/canvas/abs-link/passwd", "/canvas/.hidden", "/canvas/%2ehidden", "/canvas/index.html%00.txt"
    })
    void noWayOutOfTheCanvas(String path) throws Exception {
        Files.createDirectories(root.resolve("sub"));
        Files.writeString(root.resolve(".hidden"), "TOP-SECRET-HIDDEN");
        if (!Files.exists(root.resolve("link-out"), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            Files.createSymbolicLink(root.resolve("link-out"), outside);
            Files.createSymbolicLink(root.resolve("file-out.txt"), outside.resolve("secret.txt"));
            Files.createSymbolicLink(root.resolve("abs-link"), Path.of("/etc"));
        }
        String[] r = raw(path);
        assertTrue(r[0].matches("HTTP/1\\.1 (400|404).*"), path + " -> " + r[0]);
        assertFalse(r[1].contains("TOP-SECRET"), path + " leaked: " + r[1]);
        assertFalse(r[1].contains("root:"), path + " leaked /etc/passwd: " + r[1]);
    }

    // ---- live reload

    @Test
    void aPlainGetOfTheSocketPathIs426() throws Exception {
        HttpResponse<String> r = get("/canvas-ws", Map.of());
        assertEquals(426, r.statusCode(), r.body());
        assertEquals("websocket", r.headers().firstValue("Upgrade").orElse(""));
    }

    @Test
    void aRewrittenPageGetsReloadAndACurrentOneDoesNot(LauncherServices launcher) throws Exception {
        Files.writeString(root.resolve("live.html"), "<html><body>v1</body></html>");
        Files.writeString(root.resolve("calm.html"), "<html><body>calm</body></html>");
        Socket2 live = Socket2.open(get("/canvas/live.html", Map.of()).body(), "live.html", Map.of());
        Socket2 calm = Socket2.open(get("/canvas/calm.html", Map.of()).body(), "calm.html", Map.of());
        try {
            Poll.until("two pages connected", () -> ((Number) status(launcher).get("clients")).intValue() >= 2, v -> v);
            long before = broadcasts(launcher);
            for (int i = 2; i <= 21; i++) {
                Files.writeString(root.resolve("live.html"), "<html><body>v" + i + "</body></html>");
            }
            assertEquals("reload", live.next());
            Poll.until("the burst's broadcast", () -> broadcasts(launcher), n -> n > before);
            long burst = broadcasts(launcher) - before;
            // one broadcast per burst; a writer thread descheduled for longer than the settle time splits it
            assertTrue(burst >= 1 && burst <= 3, "20 quick saves, " + burst + " broadcasts");
            assertTrue(calm.messages.isEmpty(), "another page's change leaves this one alone");
            // the reloaded page is current: no further reload for it
            HttpResponse<String> again = get("/canvas/live.html", Map.of());
            assertTrue(again.body().startsWith("<html><body>v21"), again.body());
            Socket2 current = Socket2.open(again.body(), "live.html", Map.of());
            Files.writeString(root.resolve("calm.html"), "<html><body>calm 2</body></html>");
            assertEquals("reload", calm.next());
            assertTrue(current.messages.isEmpty(), current.messages.toString());
            current.close();
        } finally {
            live.close();
            calm.close();
        }
    }

    @Test
    void aPageThatMissedAChangeIsReloadedWhenItConnects() throws Exception {
        String body = get("/canvas/index.html", Map.of()).body();
        Files.writeString(root.resolve("index.html"), "<html><body>changed while away</body></html>");
        Poll.until("the new content", () -> get("/canvas/index.html", Map.of()).body(), b -> b.contains("changed while away"));
        Socket2 s = Socket2.open(body, "index.html", Map.of());
        try {
            assertEquals("reload", s.next());
        } finally {
            s.close();
        }
    }

    @Test
    void liveReloadOffAndOnInPlace(LauncherServices launcher) throws Exception {
        Socket2 s = Socket2.open(get("/canvas/", Map.of()).body(), "index.html", Map.of());
        set("canvasHost.liveReload", false);
        assertEquals(4001, s.closed.poll(10, TimeUnit.SECONDS), "the page is told not to reconnect");
        assertFalse(get("/canvas/", Map.of()).body().contains("<script data-gatehouse-canvas>"));
        assertEquals(404, get("/canvas-ws", Map.of()).statusCode());
        assertEquals("off", status(launcher).get("liveReloadState"));
        set("canvasHost.liveReload", true);
        assertTrue(get("/canvas/", Map.of()).body().contains("<script data-gatehouse-canvas>"));
        assertEquals("on", status(launcher).get("liveReloadState"));
    }

    @Test
    void aNewRootAppliesInPlace(LauncherServices launcher) throws Exception {
        Path other = outside.resolve("new-root");
        set("canvasHost.root", other.toString());
        assertTrue(Files.isRegularFile(other.resolve("index.html")), "created with its index.html");
        assertEquals(other.toString(), status(launcher).get("root"));
        Files.writeString(other.resolve("only-here.txt"), "new root");
        assertEquals("new root", get("/canvas/only-here.txt", Map.of()).body());
        assertTrue(get("/canvas/", Map.of()).body().contains("Gatehouse canvas"), "the new root's own index.html");
    }

    @Test
    void anUnusableRootIsAWarningAndTheGatewayStaysHealthy(LauncherServices launcher) throws Exception {
        Path blocker = Files.writeString(outside.resolve("a-file"), "not a folder");
        set("canvasHost.root", blocker.resolve("canvas").toString());
        Map<String, Object> s = status(launcher);
        assertEquals("failed", s.get("liveReloadState"), s.toString());
        assertTrue(s.get("warnings").toString().contains("cannot use the canvas root"), s.toString());
        assertEquals(404, get("/canvas/", Map.of()).statusCode());
        Gatehouse.awaitHealthy(launcher);
        set("canvasHost.root", root.toString());
        assertEquals("on", status(launcher).get("liveReloadState"));
        assertEquals(200, get("/canvas/", Map.of()).statusCode());
    }

    @Test
    void disabledAnswers404AndComesBack() throws Exception {
        set("canvasHost.enabled", false);
        assertEquals(404, get("/canvas/", Map.of()).statusCode());
        assertEquals(404, get("/canvas-ws", Map.of()).statusCode());
        set("canvasHost.enabled", true);
        assertEquals(200, get("/canvas/", Map.of()).statusCode());
    }

    @Test
    void behindTheGatewayToken() throws Exception {
        set("gateway.auth.token", "canvas-test-token-1");
        HttpResponse<String> denied = get("/canvas/", Map.of());
        assertEquals(401, denied.statusCode());
        assertFalse(denied.body().contains("canvas-test-token-1"));
        assertEquals(401, get("/canvas-ws", Map.of()).statusCode());
        HttpResponse<String> withToken = get("/canvas/?token=canvas-test-token-1", Map.of());
        assertEquals(200, withToken.statusCode());
        String cookie = withToken.headers().firstValue("Set-Cookie").orElseThrow();
        assertTrue(cookie.startsWith("gatehouse_canvas="), cookie);
        assertTrue(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), cookie);
        assertFalse(cookie.contains("canvas-test-token-1"), "the cookie holds no token");
        String pair = cookie.substring(0, cookie.indexOf(';'));
        assertEquals(200, get("/canvas/index.html", Map.of("Cookie", pair)).statusCode(), "sub-resources by the cookie");
        assertEquals(200, get("/canvas/index.html", Map.of("Authorization", "Bearer canvas-test-token-1")).statusCode());
        assertEquals(401, get("/canvas/index.html", Map.of("Cookie", "gatehouse_canvas=forged")).statusCode());
        // the live-reload socket of such a page
        Socket2 s = Socket2.open(withToken.body(), "index.html", Map.of("Cookie", pair));
        Files.writeString(root.resolve("index.html"), "<html><body>behind the token</body></html>");
        assertEquals("reload", s.next());
        s.close();
        // a new token invalidates the cookie
        set("gateway.auth.token", "canvas-test-token-2");
        assertEquals(401, get("/canvas/index.html", Map.of("Cookie", pair)).statusCode());
    }

    // ---- the agent side

    @Test
    void canvasWriteThenServeThenUrl(LauncherServices launcher) throws Exception {
        Map<String, String> attrs = Map.of("http.host", "127.0.0.1:" + port, "http.scheme", "http", "client.address", "127.0.0.1");
        AgentTool.Context ctx = new AgentTool.Context("main", "agent:main:main", null, attrs);
        String out = write.call(Map.of("path", "report/index.html", "content", "<html><body><h1>Q3</h1></body></html>"), ctx)
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertTrue(out.contains("http://127.0.0.1:" + port + "/canvas/report/index.html"), out);
        assertTrue(get("/canvas/report/", Map.of()).body().startsWith("<html><body><h1>Q3</h1>"));
        assertEquals("http://127.0.0.1:" + port + "/canvas/report/",
                url.call(Map.of("path", "report/"), ctx).toCompletableFuture().get(10, TimeUnit.SECONDS));
        // a remote client that came in by a loopback Host is not handed 127.0.0.1
        AgentTool.Context remote = new AgentTool.Context("main", "k", null,
                Map.of("http.host", "127.0.0.1:" + port, "client.address", "10.1.2.3"));
        Throwable e = url.call(Map.of(), remote).toCompletableFuture().handle((v, x) -> x).get(10, TimeUnit.SECONDS);
        assertNotNull(e);
        assertTrue(e.getMessage().contains("canvasHost.advertisedUrl"), e.getMessage());
        set("canvasHost.advertisedUrl", "https://canvas.example.com/canvas/");
        assertEquals("https://canvas.example.com/canvas/", url.call(Map.of(), remote).toCompletableFuture().get(10, TimeUnit.SECONDS));
    }

    @Test
    void aPerAgentCanvasIsServedUnderItsId() throws Exception {
        Path ws = outside.resolve("ws-support");
        set("agents", Map.of("list", List.of(Map.of("id", "main"), Map.of("id", "support", "workspace", ws.toString()))));
        AgentTool.Context ctx = new AgentTool.Context("support", "agent:support:main", ws,
                Map.of("http.host", "127.0.0.1:" + port, "client.address", "127.0.0.1"));
        String out = write.call(Map.of("path", "index.html", "content", "<p>support's canvas</p>"), ctx)
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertTrue(out.contains("/canvas/support/index.html"), out);
        assertTrue(Files.isRegularFile(ws.resolve("canvas/index.html")));
        assertTrue(get("/canvas/support/", Map.of()).body().startsWith("<p>support's canvas</p>"));
        assertEquals(302, get("/canvas/support", Map.of()).statusCode());
        assertTrue(raw("/canvas/support/%2e%2e/index.html")[0].startsWith("HTTP/1.1 400"));
    }

    // ---- status

    @Test
    void statusNamesRootStateClientsAndLastBroadcast(LauncherServices launcher) throws Exception {
        Map<String, Object> s = status(launcher);
        assertEquals(root.toString(), s.get("root"));
        assertEquals(true, s.get("enabled"));
        assertEquals(true, s.get("liveReload"));
        assertEquals("on", s.get("liveReloadState"));
        assertTrue(s.containsKey("clients"));
        assertTrue(s.containsKey("lastBroadcast"));
        ShellProtocol.Result text = Shell.run(launcher.adminSocket().port(), launcher.adminToken(), "canvas:status");
        assertEquals(0, text.exit(), text.toString());
        assertTrue(text.out().contains("live reload") && text.out().contains(root.toString()), text.out());
        assertNull(s.get("advertisedUrl"));
    }
}
