package io.gatehouse.canvas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.gatehouse.api.watch.FileWatch;
import io.gatehouse.api.watch.FileWatchService;
import io.gatehouse.api.watch.WatchListener;
import io.gatehouse.api.watch.WatchRequest;
import io.gatehouse.testsupport.FakeConfigService;
import io.gatehouse.watch.FileWatchServiceImpl;

/** The host with the real shared watcher on a temp canvas, and fake page connections. */
class CanvasHostTest {
    @TempDir
    Path home;
    Path data;
    FakeConfigService config;
    FileWatchServiceImpl watcher = new FileWatchServiceImpl();
    CanvasHost host;

    static final class Page implements ReloadClient {
        final AtomicInteger reloads = new AtomicInteger();
        final List<Integer> closes = new CopyOnWriteArrayList<>();

        @Override
        public void reload() {
            reloads.incrementAndGet();
        }

        @Override
        public void close(int code, String reason) {
            closes.add(code);
        }
    }

    @BeforeEach
    void start() throws IOException {
        data = Files.createDirectories(home.resolve("data"));
        config = new FakeConfigService(Map.of());
        host = new CanvasHost(config, home, data, 15, 500, watcher);
    }

    @AfterEach
    void stop() {
        host.deactivate();

    }

    private Path root() throws IOException {
        return data.resolve("canvas").toRealPath();
    }

    /** A page showing {@code doc}, served now with its current content. */
    private Page open(Path doc) throws IOException {
        Page p = new Page();
        host.connected(p, doc, root(), CanvasHost.hashOf(doc), System.currentTimeMillis());
        return p;
    }

    static void await(String what, BooleanSupplier done) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            LockSupport.parkNanos(2_000_000);
        }
    }

    /** Lets the watcher and settler run past a change, then some: for checking that nothing (more) happens. */
    private void quietPeriod() throws IOException {
        // a page nobody shows (another page's change reloads no one else): its batch comes after every earlier one
        long before = (long) host.status().get("broadcasts");
        Files.writeString(root().resolve("zz-marker-" + System.nanoTime() + ".html"), "x");
        await("the marker batch", () -> (long) host.status().get("broadcasts") > before);
    }

    @Test
    void theRootAndItsIndexAreCreatedAndWatched() throws Exception {
        Path index = data.resolve("canvas/index.html");
        assertTrue(Files.isRegularFile(index));
        assertTrue(Files.readString(index).contains("</body>"));
        Map<String, Object> s = host.status();
        assertEquals("on", s.get("liveReloadState"));
        assertEquals(true, s.get("enabled"));
        assertEquals(List.of(), s.get("warnings"));
    }

    @Test
    void aRewrittenPageReloadsOnce() throws Exception {
        Path index = root().resolve("index.html");
        Page page = open(index);
        Files.writeString(index, "<html><body>new</body></html>");
        await("a reload", () -> page.reloads.get() == 1);
        quietPeriod();
        assertEquals(1, page.reloads.get());
        assertEquals(1, host.status().get("clients"));
    }

    @Test
    void twentyQuickSavesAreOneBroadcast() throws Exception {
        Path index = root().resolve("index.html");
        Page page = open(index);
        long before = (long) host.status().get("broadcasts");
        for (int i = 1; i <= 20; i++) {
            Files.writeString(index, "<html><body>save " + i + "</body></html>");
        }
        await("a reload", () -> page.reloads.get() >= 1);
        quietPeriod();
        // one broadcast per burst (the marker's is the +1); a writer descheduled for longer than the settle time
        // on a loaded machine splits the burst
        long burst = (long) host.status().get("broadcasts") - before - 1;
        assertTrue(burst >= 1 && burst <= 3, burst + " broadcasts for 20 quick saves");
        assertEquals(1, page.reloads.get());
    }

    @Test
    void aSaveThatChangesNothingReloadsNothing() throws Exception {
        Path index = root().resolve("index.html");
        Path css = Files.writeString(root().resolve("site.css"), "body{}");
        quietPeriod(); // site.css is known from now on
        Page page = open(index);
        Files.writeString(index, Files.readString(index)); // same bytes
        Files.writeString(css, "body{}");
        Files.setLastModifiedTime(index, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis()));
        quietPeriod();
        assertEquals(0, page.reloads.get());
    }

    @Test
    void anotherPagesChangeDoesNotReloadThisOne() throws Exception {
        Path index = root().resolve("index.html");
        Path other = Files.writeString(root().resolve("other.html"), "<p>1</p>");
        quietPeriod();
        Page page = open(index);
        Page otherPage = open(other);
        Files.writeString(other, "<p>2</p>");
        await("the other page reloads", () -> otherPage.reloads.get() == 1);
        quietPeriod();
        assertEquals(0, page.reloads.get());
    }

    @Test
    void anAssetChangeReloadsPagesServedBeforeItOnly() throws Exception {
        Path index = root().resolve("index.html");
        Path css = Files.writeString(root().resolve("site.css"), "body{color:red}");
        quietPeriod();
        Page before = open(index);
        Files.writeString(css, "body{color:blue}");
        await("the page reloads", () -> before.reloads.get() == 1);
        // a page served after the change has the new style already
        Page after = new Page();
        host.connected(after, index, root(), CanvasHost.hashOf(index), System.currentTimeMillis() + 1);
        quietPeriod();
        assertEquals(0, after.reloads.get());
    }

    @Test
    void aPageThatMissedAChangeReloadsWhenItConnects() throws Exception {
        Path index = root().resolve("index.html");
        Page page = new Page();
        host.connected(page, index, root(), "0123456789abcdef0123", System.currentTimeMillis());
        assertEquals(1, page.reloads.get());
        Page current = open(index);
        assertEquals(0, current.reloads.get());
    }

    @Test
    void dotfilesAndNodeModulesAreIgnored() throws Exception {
        Path index = root().resolve("index.html");
        Page page = open(index);
        long before = (long) host.status().get("broadcasts");
        Files.writeString(root().resolve(".hidden.css"), "x");
        Files.createDirectories(root().resolve("node_modules/lib"));
        Files.writeString(root().resolve("node_modules/lib/x.js"), "x");
        Files.createDirectories(root().resolve("sub/node_modules"));
        Files.writeString(root().resolve("sub/node_modules/y.js"), "y");
        Files.createDirectories(root().resolve(".git"));
        Files.writeString(root().resolve(".git/HEAD"), "ref");
        quietPeriod();
        assertEquals(0, page.reloads.get());
        // the marker batch only (a new folder "sub" with nothing but node_modules changes nothing)
        assertEquals(before + 1, (long) host.status().get("broadcasts"));
    }

    @Test
    void liveReloadOffClosesPagesAndOnAgainWatches() throws Exception {
        Page page = open(root().resolve("index.html"));
        config.set(Map.of("canvasHost", Map.of("liveReload", false)));
        host.apply("reload-canvas", null, config.current());
        assertEquals(List.of(CanvasFiles.CLOSE_OFF), page.closes);
        assertEquals("off", host.status().get("liveReloadState"));
        assertEquals(List.of(), host.status().get("watches"));
        assertFalse(host.liveReload(root()));
        config.set(Map.of("canvasHost", Map.of("liveReload", true)));
        host.apply("reload-canvas", null, config.current());
        assertEquals("on", host.status().get("liveReloadState"));
        assertTrue(host.liveReload(root()));
    }

    @Test
    void aNewRootIsCreatedInPlaceAndOldPagesReload() throws Exception {
        Page page = open(root().resolve("index.html"));
        Path other = home.resolve("elsewhere/canvas");
        config.set(Map.of("canvasHost", Map.of("root", "elsewhere/canvas")));
        host.apply("reload-canvas", null, config.current());
        assertTrue(Files.isRegularFile(other.resolve("index.html")));
        assertEquals(other.toString(), host.status().get("root"));
        assertEquals(1, page.reloads.get());
        // the new root is watched
        Page fresh = new Page();
        Path index = other.toRealPath().resolve("index.html");
        host.connected(fresh, index, other.toRealPath(), CanvasHost.hashOf(index), System.currentTimeMillis());
        Files.writeString(index, "<p>new root</p>");
        await("a reload from the new root", () -> fresh.reloads.get() == 1);
    }

    @Test
    void anUnusableRootIsAWarningNotAFailure() throws Exception {
        Files.writeString(home.resolve("afile"), "x");
        config.set(Map.of("canvasHost", Map.of("root", "afile/canvas")));
        host.apply("reload-canvas", null, config.current());
        Map<String, Object> s = host.status();
        assertEquals("failed", s.get("liveReloadState"));
        assertTrue(s.get("warnings").toString().contains("cannot use the canvas root"), s.toString());
        config.set(Map.of());
        host.apply("reload-canvas", null, config.current());
        assertEquals("on", host.status().get("liveReloadState"));
        assertEquals(List.of(), host.status().get("warnings"));
    }

    @Test
    void aRootThatIsNoPathKeepsTheDefault() throws Exception {
        config.set(Map.of("canvasHost", Map.of("root", "bad\u0000path"),
                "agents", Map.of("list", List.of(Map.of("id", "x", "workspace", "ws\u0000")))));
        host.apply("reload-canvas", null, config.current());
        assertEquals(data.resolve("canvas").toString(), host.status().get("root"));
        assertEquals("on", host.status().get("liveReloadState"));
    }

    @Test
    void aWatcherThatFailsTurnsLiveReloadOffWithAWarningAndServingGoesOn() throws Exception {
        host.deactivate();
        FileWatchService failing = (request, listener) -> {
            throw new IOException("inotify watch limit reached");
        };
        host = new CanvasHost(config, home, data, 15, 500, failing);
        Map<String, Object> s = host.status();
        assertEquals("failed", s.get("liveReloadState"));
        assertTrue(s.get("warnings").toString().contains("inotify watch limit reached"), s.toString());
        assertFalse(host.liveReload(root()), "no script is injected while the watcher is down");
        assertEquals(true, s.get("enabled"));
    }

    @Test
    void aDegradedWatcherKeepsLiveReloadByPollingWithAWarning() throws Exception {
        host.deactivate();
        Map<String, WatchListener> listeners = new HashMap<>();
        FileWatchService degrading = (request, listener) -> {
            listeners.put("l", listener);
            FileWatch w = watcher.watch(request.polling(20), listener);
            listener.problem("file notifications unavailable (too many open files); polling every 20 ms");
            return w;
        };
        host = new CanvasHost(config, home, data, 15, 500, degrading);
        assertNotNull(listeners.get("l"));
        assertEquals("degraded", host.status().get("liveReloadState"));
        assertTrue(host.status().get("warnings").toString().contains("too many open files"));
        Path index = root().resolve("index.html");
        Page page = open(index);
        Files.writeString(index, "<p>polled</p>");
        await("a reload by polling", () -> page.reloads.get() == 1);
    }

    @Test
    void withoutAWatchServiceLiveReloadIsOff() throws Exception {
        host.deactivate();
        host = new CanvasHost(config, home, data, 15, 500, null);
        assertEquals("failed", host.status().get("liveReloadState"));
        assertTrue(host.status().get("warnings").toString().contains("no file watch service"));
    }

    @Test
    void disabledClosesPages() throws Exception {
        Page page = open(root().resolve("index.html"));
        config.set(Map.of("canvasHost", Map.of("enabled", false)));
        host.apply("reload-canvas", null, config.current());
        assertEquals(List.of(CanvasFiles.CLOSE_OFF), page.closes);
        assertEquals(false, host.status().get("enabled"));
    }

    @Test
    void agentCanvasesAreWatchedOnceTheyExist() throws Exception {
        Path ws = home.resolve("agents/main");
        config.set(Map.of("agents", Map.of("list", List.of(Map.of("id", "Main", "workspace", "agents/main")))));
        host.apply("reload-canvas", null, config.current());
        assertEquals(Map.of("main", ws.resolve("canvas").toString()), host.status().get("agentCanvases"));
        assertEquals(1, ((List<?>) host.status().get("watches")).size(), "the root only: the agent canvas does not exist yet");
        Files.createDirectories(ws.resolve("canvas"));
        host.canvasCreated(ws.resolve("canvas"));
        assertEquals(2, ((List<?>) host.status().get("watches")).size());
        Path page = Files.writeString(ws.resolve("canvas/index.html"), "<p>1</p>");
        Page p = new Page();
        host.connected(p, page.toRealPath(), ws.resolve("canvas").toRealPath(), CanvasHost.hashOf(page), System.currentTimeMillis());
        Files.writeString(page, "<p>2</p>");
        await("the agent page reloads", () -> p.reloads.get() == 1);
    }
}
