package io.gatehouse.watch;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;
import static java.nio.file.StandardWatchEventKinds.OVERFLOW;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileVisitResult;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.gatehouse.api.watch.FileWatch;
import io.gatehouse.api.watch.WatchListener;
import io.gatehouse.api.watch.WatchRequest;

/**
 * One watch with its own thread. OS notifications report directory entries, so a watched file is
 * watched through its folder, and through the folder of every symlink on its way to the real file
 * (a Kubernetes ConfigMap swaps {@code ..data}; an editor renames a temp file over it; a writer
 * rewrites it in place through the link). The chain is resolved again after every batch of events,
 * so a swapped link is followed at once.
 */
final class PathWatch implements FileWatch, Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(PathWatch.class);
    static final long FALLBACK_POLL_MS = 500;
    private static final int MAX_LINKS = 40;

    private final WatchRequest request;
    private final WatchListener listener;
    private final Path target;
    private final boolean fileMode;
    private final List<PathMatcher> ignore;
    private final Thread thread;
    private final Object sleeper = new Object();
    private final Runnable eachTurn;

    private volatile boolean closed;
    private volatile String mode;

    // state of the watch thread only
    private WatchService service;
    private final Map<WatchKey, Path> keys = new HashMap<>();
    private final Map<Path, Set<String>> relevantNames = new HashMap<>();
    private final Set<Path> pending = new LinkedHashSet<>();
    private long lastEventNanos;
    private long pollIntervalMs;
    private Map<Path, String> polled = Map.of();
    private int errors;

    /** Opens the OS notification service; replaceable so tests can make it fail like a full inotify table. */
    interface WatchServiceOpener {
        WatchService open(Path target) throws IOException;
    }

    PathWatch(WatchRequest request, WatchListener listener) throws IOException {
        this(request, listener, t -> t.getFileSystem().newWatchService());
    }

    PathWatch(WatchRequest request, WatchListener listener, WatchServiceOpener opener) throws IOException {
        this(request, listener, opener, () -> {
        });
    }

    /** As above; {@code eachTurn} runs on the watch thread before each wait (tests inject failures there). */
    PathWatch(WatchRequest request, WatchListener listener, WatchServiceOpener opener, Runnable eachTurn) throws IOException {
        this.eachTurn = eachTurn;
        this.request = request;
        this.listener = listener;
        this.target = request.path().toAbsolutePath().normalize();
        this.fileMode = !Files.isDirectory(target);
        if (!fileMode || Files.isDirectory(target.getParent())) {
            // fine
        } else {
            throw new NoSuchFileException(target.getParent().toString(), null, "the folder of the watched file does not exist");
        }
        List<PathMatcher> m = new ArrayList<>();
        for (String glob : request.ignore()) {
            m.add(FileSystems.getDefault().getPathMatcher("glob:" + glob));
        }
        this.ignore = List.copyOf(m);
        if (request.pollOnlyMs() > 0) {
            startPolling(request.pollOnlyMs(), null);
        } else {
            try {
                service = opener.open(target);
                mode = "notify";
                registerAll();
            } catch (IOException e) {
                startPolling(FALLBACK_POLL_MS, "file notifications unavailable for " + target + " (" + e.getMessage()
                        + "); polling every " + FALLBACK_POLL_MS + " ms");
            }
        }
        this.thread = new Thread(this, "gatehouse-watch-" + request.name());
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public String mode() {
        return mode;
    }

    @Override
    public void close() {
        closed = true;
        WatchService s = service;
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing
            }
        }
        synchronized (sleeper) {
            sleeper.notifyAll();
        }
        if (Thread.currentThread() != thread) {
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void run() {
        while (!closed) {
            try {
                eachTurn.run();
                if (service != null) {
                    waitForEvents();
                } else {
                    pollOnce();
                }
                deliverIfQuiet();
            } catch (ClosedWatchServiceException | InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                if (closed) {
                    return;
                }
                if (service != null) {
                    closeService();
                    startPolling(FALLBACK_POLL_MS, "watch on " + target + " failed (" + e + "); polling every "
                            + FALLBACK_POLL_MS + " ms");
                } else {
                    LOG.warn("[{}] polling {} failed: {}", request.name(), target, e.toString());
                    sleep(pollIntervalMs);
                }
            } catch (Throwable t) {
                // An Error (out of memory, stack overflow, a linkage problem) in the watch's own work must
                // not end the thread: later edits would then be ignored for good. The batch in hand is
                // delivered again, the watch keeps running and says so.
                if (closed) {
                    return;
                }
                survived(t);
            }
        }
    }

    /** The watch thread caught an Error: report it, keep watching (events are re-read on the next turn). */
    private void survived(Throwable t) {
        errors++;
        String why = "watch on " + target + " hit " + t + "; it keeps running";
        try {
            LOG.error("[{}] {}", request.name(), why, t);
        } catch (Throwable logFailed) {
            // logging itself may fail when memory is short
        }
        pending.add(target);
        lastEventNanos = System.nanoTime();
        report(why);
        sleep(Math.min(1_000, 10L << Math.min(errors, 6))); // back off while the error repeats
    }

    private void report(String why) {
        try {
            listener.problem(why);
        } catch (Throwable e) {
            LOG.warn("[{}] listener failed on problem: {}", request.name(), e.toString());
        }
    }

    // ---- notifications

    private void waitForEvents() throws InterruptedException, IOException {
        WatchKey key;
        if (pending.isEmpty()) {
            key = service.take();
        } else {
            long waitMs = request.debounceMs() - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastEventNanos);
            key = waitMs <= 0 ? service.poll() : service.poll(waitMs, TimeUnit.MILLISECONDS);
        }
        boolean any = false;
        while (key != null) {
            any |= handle(key);
            key = service.poll();
        }
        if (any) {
            lastEventNanos = System.nanoTime();
            // A swapped link or a new folder changes what must be watched.
            registerAll();
        }
    }

    private boolean handle(WatchKey key) {
        Path dir = keys.get(key);
        boolean relevant = false;
        for (WatchEvent<?> event : key.pollEvents()) {
            if (dir == null) {
                continue;
            }
            if (event.kind() == OVERFLOW) {
                pending.add(target);
                relevant = true;
                continue;
            }
            Path name = (Path) event.context();
            if (fileMode) {
                Set<String> names = relevantNames.getOrDefault(dir, Set.of());
                if (names.contains(name.toString())) {
                    pending.add(target);
                    relevant = true;
                }
            } else if (!ignored(name)) {
                Path changed = dir.resolve(name);
                pending.add(changed);
                relevant = true;
                if (event.kind() == ENTRY_CREATE && request.recursive()
                        && Files.isDirectory(changed, LinkOption.NOFOLLOW_LINKS)) {
                    // Register the new folder first, then list it: a file created in between is then
                    // either listed or reported by the new registration, never lost.
                    try {
                        for (Path d : walk(changed, true)) {
                            if (!keys.containsValue(d)) {
                                try {
                                    keys.put(d.register(service, ENTRY_CREATE, ENTRY_DELETE, ENTRY_MODIFY, OVERFLOW), d);
                                } catch (NoSuchFileException gone) {
                                    // deleted again already
                                }
                            }
                        }
                        pending.addAll(walk(changed, false));
                    } catch (IOException gone) {
                        // deleted again already
                    }
                }
            }
        }
        if (!key.reset()) {
            keys.remove(key);
        }
        return relevant;
    }

    private void registerAll() throws IOException {
        Set<Path> wanted = new HashSet<>();
        if (fileMode) {
            relevantNames.clear();
            collectChain(target, 0);
            wanted.addAll(relevantNames.keySet());
        } else if (request.recursive()) {
            wanted.addAll(walk(target, true));
        } else {
            wanted.add(target);
        }
        Set<Path> have = new HashSet<>(keys.values());
        keys.entrySet().removeIf(e -> {
            if (!wanted.contains(e.getValue())) {
                e.getKey().cancel();
                return true;
            }
            return false;
        });
        for (Path dir : wanted) {
            if (!have.contains(dir) && Files.isDirectory(dir)) {
                try {
                    keys.put(dir.register(service, ENTRY_CREATE, ENTRY_DELETE, ENTRY_MODIFY, OVERFLOW), dir);
                } catch (NoSuchFileException gone) {
                    if (dir.equals(target)) {
                        throw gone;
                    }
                    // a sub folder deleted while we registered: its parent reports the deletion
                }
            }
        }
    }

    /**
     * The folders (or the paths) of a tree, not descending into ignored folders, and tolerating entries deleted
     * while the walk runs (a plain {@code Files.walk} fails the whole walk then, which would turn a busy folder's
     * watch into polling for good).
     */
    private List<Path> walk(Path start, boolean foldersOnly) throws IOException {
        List<Path> out = new ArrayList<>();
        Files.walkFileTree(start, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                if (!d.equals(start) && ignored(d.getFileName())) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                out.add(d);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
                if (!foldersOnly && !ignored(f.getFileName())) {
                    out.add(f);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path f, IOException e) throws IOException {
                if (e instanceof NoSuchFileException && !f.equals(start)) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null && !(e instanceof NoSuchFileException && !d.equals(start))) {
                    throw e;
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return out;
    }

    /** Records (folder, entry name) for the file and every symlink on its way to the real file. */
    private void collectChain(Path path, int depth) {
        relevantNames.computeIfAbsent(path.getParent(), k -> new HashSet<>()).add(path.getFileName().toString());
        if (depth > MAX_LINKS) {
            return;
        }
        Path current = path.getRoot();
        for (int i = 0; i < path.getNameCount(); i++) {
            Path next = current.resolve(path.getName(i));
            if (Files.isSymbolicLink(next)) {
                relevantNames.computeIfAbsent(current, k -> new HashSet<>()).add(path.getName(i).toString());
                try {
                    Path linkTarget = current.resolve(Files.readSymbolicLink(next)).normalize();
                    Path rest = i + 1 < path.getNameCount() ? path.subpath(i + 1, path.getNameCount()) : null;
                    collectChain(rest == null ? linkTarget : linkTarget.resolve(rest), depth + 1);
                } catch (IOException vanished) {
                    // swapped while we looked: the next event resolves it again
                }
                return;
            }
            current = next;
        }
    }

    private void closeService() {
        try {
            service.close();
        } catch (IOException ignored) {
            // replaced by polling
        }
        service = null;
        keys.clear();
    }

    // ---- polling

    private void startPolling(long intervalMs, String why) {
        mode = "polling";
        pollIntervalMs = intervalMs;
        polled = snapshot();
        if (why != null) {
            LOG.warn("[{}] {}", request.name(), why);
            report(why);
        }
    }

    private void pollOnce() throws InterruptedException {
        long wait = pollIntervalMs;
        if (!pending.isEmpty()) {
            long remaining = request.debounceMs() - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastEventNanos);
            wait = Math.max(1, Math.min(wait, remaining));
        }
        sleep(wait);
        if (closed) {
            throw new InterruptedException("closed");
        }
        Map<Path, String> now = snapshot();
        Set<Path> changed = new HashSet<>();
        for (Map.Entry<Path, String> e : now.entrySet()) {
            if (!Objects.equals(polled.get(e.getKey()), e.getValue())) {
                changed.add(e.getKey());
            }
        }
        for (Path p : polled.keySet()) {
            if (!now.containsKey(p)) {
                changed.add(p);
            }
        }
        polled = now;
        if (!changed.isEmpty()) {
            pending.addAll(fileMode ? Set.of(target) : changed);
            lastEventNanos = System.nanoTime();
        }
    }

    /** Path to "mtime/size/key" of what is watched; a file watch follows links. */
    private Map<Path, String> snapshot() {
        Map<Path, String> s = new HashMap<>();
        if (fileMode) {
            s.put(target, fingerprint(target));
            return s;
        }
        try {
            List<Path> all;
            if (request.recursive()) {
                all = walk(target, false);
            } else {
                try (Stream<Path> list = Files.list(target)) {
                    all = list.toList();
                }
            }
            all.stream().filter(p -> !p.equals(target) && !ignored(p.getFileName())).forEach(p -> s.put(p, fingerprint(p)));
        } catch (IOException | java.io.UncheckedIOException e) {
            s.put(target, "unreadable " + e.getClass().getSimpleName());
        }
        return s;
    }

    private static String fingerprint(Path p) {
        try {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
            return a.lastModifiedTime().toMillis() + "/" + a.size() + "/" + a.fileKey();
        } catch (IOException e) {
            return "missing";
        }
    }

    // ---- delivery

    private void deliverIfQuiet() {
        if (pending.isEmpty()) {
            return;
        }
        long quietMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastEventNanos);
        if (quietMs < request.debounceMs()) {
            return;
        }
        Set<Path> batch = Set.copyOf(pending);
        pending.clear();
        try {
            listener.changed(batch);
            errors = 0;
        } catch (Throwable e) {
            // The listener's failure is its own (a listener should catch everything): the watch goes on,
            // and the next change is delivered as usual.
            try {
                LOG.error("[{}] change listener failed; the watch keeps running", request.name(), e);
            } catch (Throwable logFailed) {
                // memory may be short
            }
            report("change listener failed: " + e);
        }
    }

    private boolean ignored(Path name) {
        if (name == null) {
            return false;
        }
        for (PathMatcher m : ignore) {
            if (m.matches(name)) {
                return true;
            }
        }
        return false;
    }

    private void sleep(long ms) {
        synchronized (sleeper) {
            if (!closed) {
                try {
                    sleeper.wait(Math.max(1, ms));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    closed = true;
                }
            }
        }
    }

    @Override
    public String toString() {
        return "FileWatch[" + request.name() + " " + target + " " + mode + "]";
    }
}
