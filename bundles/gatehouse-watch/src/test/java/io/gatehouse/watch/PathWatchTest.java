package io.gatehouse.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.gatehouse.api.watch.WatchListener;
import io.gatehouse.api.watch.WatchRequest;

class PathWatchTest {
    @TempDir
    Path dir;

    private final List<PathWatch> watches = new ArrayList<>();
    private final LinkedBlockingQueue<Set<Path>> batches = new LinkedBlockingQueue<>();
    private final LinkedBlockingQueue<String> problems = new LinkedBlockingQueue<>();
    private final WatchListener listener = new WatchListener() {
        @Override
        public void changed(Set<Path> changed) {
            batches.add(changed);
        }

        @Override
        public void problem(String message) {
            problems.add(message);
        }
    };

    @AfterEach
    void closeAll() {
        watches.forEach(PathWatch::close);
    }

    private PathWatch watch(WatchRequest r) throws Exception {
        PathWatch w = new PathWatch(r, listener);
        watches.add(w);
        return w;
    }

    private Set<Path> next() throws InterruptedException {
        Set<Path> b = batches.poll(10, TimeUnit.SECONDS);
        assertNotNull(b, "no change delivered within 10 s");
        return b;
    }

    @Test
    void inPlaceWrite() throws Exception {
        Path f = Files.writeString(dir.resolve("gatehouse.json"), "{}");
        watch(WatchRequest.file("t", f, 20));
        Files.writeString(f, "{ a: 1 }");
        assertEquals(Set.of(f), next());
    }

    @Test
    void renameOverTheFile() throws Exception {
        Path f = Files.writeString(dir.resolve("gatehouse.json"), "{}");
        watch(WatchRequest.file("t", f, 20));
        Path tmp = Files.writeString(dir.resolve(".gatehouse.json.swp"), "{ b: 2 }");
        Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        assertEquals(Set.of(f), next());
    }

    @Test
    void deleteAndRecreate() throws Exception {
        Path f = Files.writeString(dir.resolve("gatehouse.json"), "{}");
        watch(WatchRequest.file("t", f, 20));
        Files.delete(f);
        assertEquals(Set.of(f), next());
        Files.writeString(f, "{ c: 3 }");
        assertEquals(Set.of(f), next());
    }

    @Test
    void kubernetesConfigMapSwapAndWritesThroughTheNewLink() throws Exception {
        Path v1 = Files.createDirectory(dir.resolve("..2026_11_21_v1"));
        Files.writeString(v1.resolve("gatehouse.json"), "{ v: 1 }");
        Files.createSymbolicLink(dir.resolve("..data"), Path.of("..2026_11_21_v1"));
        Path f = Files.createSymbolicLink(dir.resolve("gatehouse.json"), Path.of("..data/gatehouse.json"));
        watch(WatchRequest.file("t", f, 20));

        Path v2 = Files.createDirectory(dir.resolve("..2026_11_21_v2"));
        Files.writeString(v2.resolve("gatehouse.json"), "{ v: 2 }");
        Files.createSymbolicLink(dir.resolve("..data_tmp"), Path.of("..2026_11_21_v2"));
        Files.move(dir.resolve("..data_tmp"), dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
        Files.delete(v1.resolve("gatehouse.json"));
        Files.delete(v1);
        assertEquals(Set.of(f), next());
        assertEquals("{ v: 2 }", Files.readString(f));

        // The new target folder is watched too: an in-place write through the link is seen.
        Files.writeString(v2.resolve("gatehouse.json"), "{ v: 3 }");
        assertEquals(Set.of(f), next());
    }

    @Test
    void symlinkToAFileElsewhereSeesWritesToTheTarget() throws Exception {
        Path real = Files.writeString(Files.createDirectory(dir.resolve("real")).resolve("cfg.json"), "{}");
        Path etc = Files.createDirectory(dir.resolve("etc"));
        Path f = Files.createSymbolicLink(etc.resolve("gatehouse.json"), real);
        watch(WatchRequest.file("t", f, 20));
        Files.writeString(real, "{ x: 1 }");
        assertEquals(Set.of(f), next());
    }

    @Test
    void burstsAreCoalesced() throws Exception {
        Path f = Files.writeString(dir.resolve("gatehouse.json"), "{}");
        watch(WatchRequest.file("t", f, 400));
        for (int i = 0; i < 20; i++) {
            Files.writeString(f, "{ n: " + i + " }");
        }
        assertEquals(Set.of(f), next());
        // 20 writes well inside one debounce window: at most one more batch can trail.
        Set<Path> extra = batches.poll(1, TimeUnit.SECONDS);
        assertTrue(extra == null || batches.isEmpty(), "burst of 20 writes gave more than 2 batches");
    }

    @Test
    void otherFilesInTheFolderDoNotCount() throws Exception {
        Path f = Files.writeString(dir.resolve("gatehouse.json"), "{}");
        watch(WatchRequest.file("t", f, 20));
        Files.writeString(dir.resolve("other.json"), "{}");
        Files.writeString(dir.resolve("4913"), "");
        assertNull(batches.poll(300, TimeUnit.MILLISECONDS), "unrelated files changed, the watched file did not");
        Files.writeString(f, "{ y: 1 }");
        assertEquals(Set.of(f), next());
    }

    @Test
    void treeWatchIsRecursiveAndSkipsIgnoredNames() throws Exception {
        Path root = Files.createDirectory(dir.resolve("skills"));
        watch(WatchRequest.tree("t", root, 50));
        Files.writeString(root.resolve("notes.tmp"), "x");
        Files.writeString(root.resolve(".hidden"), "x");
        Path sub = Files.createDirectory(root.resolve("weather"));
        Path skill = Files.writeString(sub.resolve("SKILL.md"), "# weather");
        Set<Path> seen = new java.util.HashSet<>(next());
        while (!seen.contains(skill)) {
            seen.addAll(next());
        }
        assertTrue(seen.contains(sub));
        assertFalse(seen.contains(root.resolve("notes.tmp")), seen.toString());
        assertFalse(seen.contains(root.resolve(".hidden")), seen.toString());
        // The folder created after the watch started is watched itself.
        batches.clear();
        Files.writeString(skill, "# weather, v2");
        assertTrue(next().contains(skill));
    }

    @Test
    void pollingModeSeesChanges() throws Exception {
        Path f = Files.writeString(dir.resolve("gatehouse.json"), "{}");
        PathWatch w = watch(WatchRequest.file("t", f, 20).polling(50));
        assertEquals("polling", w.mode());
        Files.writeString(f, "{ polled: true, longer: 'so the size changes' }");
        assertEquals(Set.of(f), next());
    }

    @Test
    void notificationFailureFallsBackToPollingWithAWarning() throws Exception {
        Path f = Files.writeString(dir.resolve("gatehouse.json"), "{}");
        PathWatch w = new PathWatch(WatchRequest.file("t", f, 20), listener, target -> {
            throw new java.io.IOException("User limit of inotify instances reached or too many open files");
        });
        watches.add(w);
        assertEquals("polling", w.mode());
        String problem = problems.poll(5, TimeUnit.SECONDS);
        assertNotNull(problem);
        assertTrue(problem.contains("inotify") && problem.contains("polling"), problem);
        Files.writeString(f, "{ after: 'the fallback', padding: 'changes the size' }");
        assertEquals(Set.of(f), next());
    }

    @Test
    void closeStopsTheThread() throws Exception {
        Path f = Files.writeString(dir.resolve("gatehouse.json"), "{}");
        PathWatch w = watch(WatchRequest.file("close-test", f, 20));
        assertEquals("notify", w.mode());
        assertTrue(threadAlive("gatehouse-watch-close-test"));
        w.close();
        assertFalse(threadAlive("gatehouse-watch-close-test"));
    }

    /**
     * Supervision: an Error injected into the watch thread's own work (its wait for OS events) and one
     * thrown by the listener (as an out-of-memory parse would) leave the thread running; the next edit is
     * delivered, and the problem is reported.
     */
    @Test
    void anErrorInTheWatchThreadOrTheListenerDoesNotStopTheWatch() throws Exception {
        Path f = Files.writeString(dir.resolve("gatehouse.json"), "{}");
        java.util.concurrent.atomic.AtomicBoolean injectOnce = new java.util.concurrent.atomic.AtomicBoolean(true);
        PathWatch w = new PathWatch(WatchRequest.file("supervised", f, 20), new WatchListener() {
            private boolean failedOnce;

            @Override
            public void changed(Set<Path> changed) {
                if (!failedOnce) {
                    failedOnce = true;
                    throw new OutOfMemoryError("injected: Java heap space");
                }
                batches.add(changed);
            }

            @Override
            public void problem(String message) {
                problems.add(message);
            }
        }, target -> target.getFileSystem().newWatchService(), () -> {
            if (injectOnce.getAndSet(false)) {
                throw new StackOverflowError("injected");
            }
        });
        watches.add(w);
        // 1. the thread's own work throws an Error
        String first = problems.poll(10, TimeUnit.SECONDS);
        assertNotNull(first, "the injected error is reported");
        assertTrue(first.contains("StackOverflowError") && first.contains("keeps running"), first);
        assertTrue(threadAlive("gatehouse-watch-supervised"), "the watch thread survived its own error");
        // 2. the listener throws an Error on the next delivery (the re-delivery after the thread's error)
        Files.writeString(f, "{ a: 1 }");
        String second = problems.poll(10, TimeUnit.SECONDS);
        assertNotNull(second, "the listener's error is reported");
        assertTrue(second.contains("OutOfMemoryError"), second);
        assertTrue(threadAlive("gatehouse-watch-supervised"), "the watch thread survived its listener's error");
        // 3. the next edit still arrives
        batches.clear();
        Files.writeString(f, "{ a: 2, recovered: true }");
        assertEquals(Set.of(f), next());
    }

    private static boolean threadAlive(String name) {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name) && t.isAlive());
    }

    @Test
    void foldersDeletedWhileTheyAreRegisteredKeepNotifications() throws Exception {
        PathWatch w = watch(WatchRequest.tree("t", dir, 5));
        assertEquals("notify", w.mode());
        // folders come and go while the watch walks the tree to register new ones
        for (int round = 0; round < 30; round++) {
            Path top = dir.resolve("churn" + round);
            for (int i = 0; i < 20; i++) {
                Files.createDirectories(top.resolve("d" + i).resolve("e"));
                Files.writeString(top.resolve("d" + i).resolve("f.txt"), "x");
            }
            try (java.util.stream.Stream<Path> all = Files.walk(top)) {
                for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
        Path last = Files.writeString(dir.resolve("after.txt"), "still watched");
        while (true) {
            Set<Path> b = next();
            if (b.contains(last)) {
                break;
            }
        }
        assertEquals("notify", w.mode(), "problems: " + problems);
        assertTrue(problems.isEmpty(), problems.toString());
    }

    @Test
    void nothingBelowAnIgnoredFolderIsReported() throws Exception {
        watch(new WatchRequest("t", dir, true, List.of("node_modules"), 5, 0));
        Files.createDirectories(dir.resolve("node_modules/lib/deep"));
        Files.writeString(dir.resolve("node_modules/lib/deep/x.js"), "x");
        Path mark = Files.writeString(dir.resolve("mark.txt"), "m");
        Set<Path> seen = new java.util.HashSet<>();
        while (!seen.contains(mark)) {
            seen.addAll(next());
        }
        Files.writeString(dir.resolve("node_modules/lib/deep/x.js"), "changed");
        Path mark2 = Files.writeString(dir.resolve("mark2.txt"), "m");
        while (!seen.contains(mark2)) {
            seen.addAll(next());
        }
        assertTrue(seen.stream().noneMatch(p -> p.toString().contains("node_modules")), seen.toString());
    }
}
