package io.gatehouse.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.gatehouse.api.memory.MemorySearch;
import io.gatehouse.memory.embed.Embedder;
import io.gatehouse.testsupport.FakeConfigService;
import io.gatehouse.watch.FileWatchServiceImpl;

/**
 * A rebuild (a new index built beside the one answering) steps aside for searches running now: before its
 * next file it waits until they end, for at most its bound, so that it always finishes.
 */
class RebuildYieldTest {
    /** A query whose embedding waits until the test lets it go: a search that runs as long as the test wants. */
    static final String HELD_QUERY = "held query about the charlie backup";
    static final List<String> HOSTS = List.of("alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india",
            "juliett", "kilo", "lima");
    static final long WAIT_S = 30;
    static final String SYNC_THREAD = "gatehouse-memory-sync-main";

    @TempDir
    Path home;
    Path ws;
    FakeConfigService config;
    MemoryService memory;
    final FileWatchServiceImpl watcher = new FileWatchServiceImpl();
    final CountDownLatch searchHeld = new CountDownLatch(1);
    final CompletableFuture<Void> releaseSearch = new CompletableFuture<>();

    /** Vectors from the words of a text (the same words, the same vector), so no model has to load. */
    final class WordVectors implements Embedder {
        final String key;

        WordVectors(String key) {
            this.key = key;
        }

        @Override
        public String key() {
            return key;
        }

        @Override
        public List<float[]> embed(List<String> texts) throws java.io.IOException {
            if (texts.contains(HELD_QUERY)) {
                searchHeld.countDown();
                try {
                    releaseSearch.get(WAIT_S, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new java.io.IOException("the held search was not released", e);
                }
            }
            return texts.stream().map(WordVectors::vector).toList();
        }

        static float[] vector(String text) {
            float[] v = new float[32];
            for (String w : text.toLowerCase(Locale.ROOT).split("\\W+")) {
                if (!w.isEmpty()) {
                    v[Math.floorMod(w.hashCode(), v.length)] += 1;
                }
            }
            return Embedder.normalize(v);
        }

        @Override
        public void close() {
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        ws = home.resolve("workspace");
        Files.createDirectories(ws.resolve("memory"));
        for (String host : HOSTS) {
            Files.writeString(ws.resolve("memory/" + host + ".md"), "# " + host + "\n\nThe nightly backup of the Postgres cluster on "
                    + host + " starts at 02:00 UTC.\n");
        }
        config = new FakeConfigService(config(400));
        memory = new MemoryService();
        memory.bindConfig(config);
        memory.bindWatcher(watcher);
        memory.start(home.resolve("data"), s -> new WordVectors(s.embedderKey()));
        assertNull(memory.sync("main", false).get(WAIT_S, TimeUnit.SECONDS).error());
        // searches use vectors once the index has them (the held query is embedded only then)
        until("the index's vectors", () -> Integer.valueOf(0).equals(agent().status().get("pendingEmbeddings")));
    }

    @AfterEach
    void tearDown() {
        releaseSearch.complete(null); // before the memory closes: a rebuild may be waiting for that search
        memory.deactivate();
    }

    Map<String, Object> config(int chunkTokens) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("agents", Map.of("defaults", Map.of("workspace", ws.toString())));
        // no watching: only the test's config change starts a sync
        c.put("memorySearch", Map.of("chunking", Map.of("tokens", chunkTokens), "sync", Map.of("watch", false)));
        return c;
    }

    AgentMemory agent() {
        return memory.agent("main");
    }

    /** A search that runs until {@link #releaseSearch}; returns once it is running. */
    CompletableFuture<MemorySearch.Result> heldSearch() throws InterruptedException {
        CompletableFuture<MemorySearch.Result> search = CompletableFuture.supplyAsync(() -> agent().search(HELD_QUERY, 6));
        assertTrue(searchHeld.await(WAIT_S, TimeUnit.SECONDS), "the search is running");
        return search;
    }

    /** Another chunk size needs a new index: the rebuild starts on the agent's sync thread. */
    void startRebuild() {
        config.set(config(256));
        memory.apply(config.current());
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> progress() {
        return (Map<String, Object>) agent().status().get("progress");
    }

    static Thread thread(String name) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(name)).findFirst().orElse(null);
    }

    static void until(String what, BooleanSupplier cond) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what);
            }
            new CountDownLatch(1).await(10, TimeUnit.MILLISECONDS); // the polling interval
        }
    }

    @Test
    void aRebuildWaitsForARunningSearchBeforeItsNextFile() throws Exception {
        agent().rebuildYieldMs = TimeUnit.SECONDS.toMillis(2 * WAIT_S); // beyond the test: only the search's end lets it go on
        CompletableFuture<MemorySearch.Result> search = heldSearch();
        startRebuild();

        // the rebuild stands before its first file, waiting, while the search runs (without the yield it would
        // index the files at once and be done: the condition would never hold)
        until("the rebuild waiting before its first file", () -> {
            Map<String, Object> p = progress();
            Thread sync = thread(SYNC_THREAD);
            return Boolean.TRUE.equals(agent().status().get("rebuilding")) && p != null && "index".equals(p.get("phase"))
                    && Integer.valueOf(0).equals(p.get("done")) && sync != null && sync.getState() == Thread.State.TIMED_WAITING;
        });
        assertEquals(0, progress().get("done"), "a file was indexed while the search ran");
        assertTrue(!search.isDone(), "the search is still running");

        releaseSearch.complete(null);
        // the index it searched was still the one in use: the rebuild had not gone on to swap it out
        assertEquals("memory/charlie.md", search.get(WAIT_S, TimeUnit.SECONDS).hits().get(0).path());
        until("the rebuilt index in use", () -> agent().status().get("progress") == null
                && Boolean.FALSE.equals(agent().status().get("rebuilding")));
        assertEquals(HOSTS.size(), ((Number) agent().status().get("files")).intValue());
    }

    @Test
    void aRebuildUnderASearchThatDoesNotEndStillFinishes() throws Exception {
        assertEquals(AgentMemory.REBUILD_YIELD_MS, agent().rebuildYieldMs, "the production bound");
        CompletableFuture<MemorySearch.Result> search = heldSearch();
        String indexBefore = (String) agent().status().get("index");
        startRebuild();

        // each step waits at most the bound, so the rebuild is swapped in while the search still runs
        until("the rebuilt index in use", () -> !indexBefore.equals(agent().status().get("index"))
                && Boolean.FALSE.equals(agent().status().get("rebuilding")));
        assertTrue(!search.isDone(), "the search is still running");
        releaseSearch.complete(null);
        search.get(WAIT_S, TimeUnit.SECONDS);
    }
}
