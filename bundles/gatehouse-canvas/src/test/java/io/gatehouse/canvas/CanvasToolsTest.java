package io.gatehouse.canvas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.gatehouse.api.agent.AgentTool;
import io.gatehouse.testsupport.FakeConfigService;
import io.gatehouse.watch.FileWatchServiceImpl;

/** canvas.write and canvas.url called directly, as the agent turn calls them. */
class CanvasToolsTest {
    @TempDir
    Path home;
    FakeConfigService config;
    CanvasHost host;
    CanvasWriteTool write;
    CanvasUrlTool url;

    static final Map<String, String> LOCAL = Map.of("http.host", "127.0.0.1:18789", "http.scheme", "http", "client.address", "127.0.0.1");
    static final Map<String, String> REMOTE = Map.of("http.host", "gw.example.net:18789", "http.scheme", "https",
            "client.address", "198.51.100.7");

    @BeforeEach
    void start() throws Exception {
        config = new FakeConfigService(Map.of());
        host = new CanvasHost(config, home, Files.createDirectories(home.resolve("data")), 15, 500, new FileWatchServiceImpl());
        write = new CanvasWriteTool(host, null);
        url = new CanvasUrlTool(host, null);
    }

    @AfterEach
    void stop() {
        host.deactivate();
    }

    private static AgentTool.Context ctx(String agent, Path workspace, Map<String, String> attributes) {
        return new AgentTool.Context(agent, "agent:" + agent + ":main", workspace, attributes);
    }

    private static String call(AgentTool tool, Map<String, Object> args, AgentTool.Context c) throws Exception {
        return tool.call(args, c).toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    private static String failure(AgentTool tool, Map<String, Object> args, AgentTool.Context c) {
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> tool.call(args, c).toCompletableFuture().get(5, TimeUnit.SECONDS));
        return e.getCause().getMessage();
    }

    @Test
    void describedForTheModel() {
        assertEquals("canvas.write", write.name());
        assertEquals("canvas.url", url.name());
        assertEquals(List.of("path", "content"), write.parameters().get("required"));
        assertTrue(((Map<?, ?>) write.parameters().get("properties")).containsKey("content"));
        assertFalse(write.description().isBlank());
        assertFalse(url.description().isBlank());
    }

    @Test
    void anAgentWithoutWorkspaceWritesToTheRoot() throws Exception {
        String out = call(write, Map.of("path", "charts/q3.html", "content", "<h1>Q3</h1>"), ctx("main", null, LOCAL));
        assertEquals("<h1>Q3</h1>", Files.readString(home.resolve("data/canvas/charts/q3.html")));
        assertTrue(out.contains("http://127.0.0.1:18789/canvas/charts/q3.html"), out);
        assertEquals("http://127.0.0.1:18789/canvas/", call(url, Map.of(), ctx("main", null, LOCAL)));
    }

    @Test
    void anAgentWithAWorkspaceWritesToItsOwnCanvas() throws Exception {
        Path ws = home.resolve("agents/support");
        config.set(Map.of("agents", Map.of("list", List.of(Map.of("id", "support", "workspace", "agents/support")))));
        host.apply("reload-canvas", null, config.current());
        String out = call(write, Map.of("path", "index.html", "content", "<p>hi</p>"), ctx("support", ws, REMOTE));
        assertEquals("<p>hi</p>", Files.readString(ws.resolve("canvas/index.html")));
        assertTrue(out.contains("https://gw.example.net:18789/canvas/support/index.html"), out);
        assertEquals("https://gw.example.net:18789/canvas/support/a%20b.html",
                call(url, Map.of("path", "a b.html"), ctx("support", ws, REMOTE)));
        // the new agent canvas is watched for live reload
        assertEquals(2, ((List<?>) host.status().get("watches")).size());
    }

    @Test
    void writingTheSameContentChangesNothing() throws Exception {
        AgentTool.Context c = ctx("main", null, LOCAL);
        call(write, Map.of("path", "p.html", "content", "same"), c);
        Path f = home.resolve("data/canvas/p.html");
        Object key = Files.readAttributes(f, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
        String out = call(write, Map.of("path", "p.html", "content", "same"), c);
        assertTrue(out.contains("nothing changed"), out);
        assertEquals(key, Files.readAttributes(f, java.nio.file.attribute.BasicFileAttributes.class).fileKey(), "not rewritten");
    }

    @ParameterizedTest
    @ValueSource(strings = {"../escape.html", "a/../../escape.html", "/etc/passwd", "~/x.html", "C:\\x.html", "a\\b.html",
        ".env", "a/.git/config", "a//b.html", "dir/", "", "..", "./index.html"})
    void pathsOutsideTheCanvasAreRefusedWithAReason(String path) {
        String why = failure(write, Map.of("path", path, "content", "x"), ctx("main", null, LOCAL));
        assertTrue(why.startsWith("path"), why);
        assertFalse(Files.exists(home.resolve("escape.html")));
        assertFalse(Files.exists(home.resolve("data/escape.html")));
    }

    @Test
    void aLinkOutOfTheCanvasIsNotWrittenThrough() throws Exception {
        Path outside = Files.createDirectories(home.resolve("outside"));
        Files.createSymbolicLink(home.resolve("data/canvas/out"), outside);
        String why = failure(write, Map.of("path", "out/x.html", "content", "x"), ctx("main", null, LOCAL));
        assertTrue(why.contains("inside the canvas"), why);
        assertFalse(Files.exists(outside.resolve("x.html")));
        // a file link is replaced, never written through
        Path target = Files.writeString(outside.resolve("t.html"), "keep");
        Files.createSymbolicLink(home.resolve("data/canvas/t.html"), target);
        call(write, Map.of("path", "t.html", "content", "new"), ctx("main", null, LOCAL));
        assertEquals("keep", Files.readString(target));
        assertEquals("new", Files.readString(home.resolve("data/canvas/t.html")));
    }

    @Test
    void badArguments() {
        AgentTool.Context c = ctx("main", null, LOCAL);
        assertTrue(failure(write, Map.of("path", "x.html"), c).startsWith("content is required"));
        assertTrue(failure(write, Map.of("path", 5, "content", "x"), c).startsWith("path must be a string"));
        Map<String, Object> big = new HashMap<>();
        big.put("path", "big.txt");
        big.put("content", "x".repeat(CanvasWriteTool.MAX_BYTES + 1));
        assertTrue(failure(write, big, c).startsWith("content is too large"));
    }

    @Test
    void neverALoopbackUrlToARemoteClient() {
        String why = failure(url, Map.of(), ctx("main", null, Map.of("http.host", "127.0.0.1:18789", "client.address", "10.0.0.9")));
        assertTrue(why.contains("canvasHost.advertisedUrl"), why);
        String noHost = failure(url, Map.of(), ctx("main", null, Map.of()));
        assertTrue(noHost.contains("canvasHost.advertisedUrl"), noHost);
    }

    @Test
    void theAdvertisedUrlIsHandedOut() throws Exception {
        config.set(Map.of("canvasHost", Map.of("advertisedUrl", "https://canvas.example.com/c")));
        host.apply("reload-canvas", null, config.current());
        assertEquals("https://canvas.example.com/c/x.html", call(url, Map.of("path", "x.html"), ctx("main", null, Map.of())));
        String out = call(write, Map.of("path", "x.html", "content", "x"), ctx("main", null, Map.of()));
        assertTrue(out.endsWith("Open it at https://canvas.example.com/c/x.html"), out);
    }

    @Test
    void aDisabledCanvasRefusesBoth() {
        config.set(Map.of("canvasHost", Map.of("enabled", false)));
        host.apply("reload-canvas", null, config.current());
        assertTrue(failure(write, Map.of("path", "x.html", "content", "x"), ctx("main", null, LOCAL)).contains("turned off"));
        assertTrue(failure(url, Map.of(), ctx("main", null, LOCAL)).contains("turned off"));
    }
}
