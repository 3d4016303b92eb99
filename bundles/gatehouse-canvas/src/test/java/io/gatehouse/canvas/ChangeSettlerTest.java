package io.gatehouse.canvas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChangeSettlerTest {
    @TempDir
    Path dir;
    final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
    final List<Set<Path>> batches = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    private ChangeSettler settler(long quietMs, long maxWaitMs) {
        return new ChangeSettler(executor, quietMs, maxWaitMs, 5, (b, t) -> batches.add(b));
    }

    private void awaitBatches(int n) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (batches.size() < n) {
            assertTrue(System.nanoTime() < deadline, "no batch " + n + " within 10 s: " + batches);
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
    }

    @Test
    void aBurstOfEventsIsOneBatch() throws Exception {
        // quiet for longer than a loaded machine's pause between two calls of the burst
        ChangeSettler s = settler(300, 5_000);
        Path a = Files.writeString(dir.resolve("a.css"), "a{}");
        Path b = Files.writeString(dir.resolve("b.css"), "b{}");
        for (int i = 0; i < 20; i++) {
            s.changed(Set.of(i % 2 == 0 ? a : b));
        }
        awaitBatches(1);
        assertEquals(Set.of(a, b), batches.get(0));
        // one batch, and nothing after it
        CompletableFuture<Void> more = new CompletableFuture<>();
        executor.schedule(() -> more.complete(null), 100, TimeUnit.MILLISECONDS);
        more.get(5, TimeUnit.SECONDS);
        assertEquals(1, batches.size());
    }

    @Test
    void anHtmlDocumentWithoutItsEndIsWaitedFor() throws Exception {
        ChangeSettler s = settler(5, 5_000);
        Path f = Files.writeString(dir.resolve("index.html"), "<html><body><p>half");
        s.changed(Set.of(f));
        assertTrue(s.isDirty(f));
        CompletableFuture<Void> settled = s.settled(f);
        // well past the quiet time, still waiting for the rest
        CompletableFuture<Void> probe = new CompletableFuture<>();
        executor.schedule(() -> probe.complete(null), 60, TimeUnit.MILLISECONDS);
        probe.get(5, TimeUnit.SECONDS);
        assertTrue(batches.isEmpty(), batches.toString());
        assertFalse(settled.isDone());
        Files.writeString(f, "<html><body><p>whole</p></body></html>\n");
        s.changed(Set.of(f));
        awaitBatches(1);
        settled.get(5, TimeUnit.SECONDS);
        assertFalse(s.isDirty(f));
    }

    @Test
    void anIncompleteFileCountsAsSavedAfterTheMaximumWait() throws Exception {
        ChangeSettler s = settler(5, 80);
        Path f = Files.writeString(dir.resolve("empty.css"), "");
        long t0 = System.nanoTime();
        s.changed(Set.of(f));
        awaitBatches(1);
        assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(80));
    }

    @Test
    void deletedFilesSettleAtOnce() throws Exception {
        ChangeSettler s = settler(5, 10_000);
        s.changed(Set.of(dir.resolve("gone.html")));
        awaitBatches(1);
    }

    @Test
    void closingReleasesWaiters() throws Exception {
        ChangeSettler s = settler(10_000, 10_000);
        Path f = dir.resolve("x.html");
        s.changed(Set.of(f));
        CompletableFuture<Void> w = s.settled(f);
        s.close();
        w.get(1, TimeUnit.SECONDS);
    }
}
