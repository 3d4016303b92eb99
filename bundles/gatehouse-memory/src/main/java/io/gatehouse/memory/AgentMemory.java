package io.gatehouse.memory;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import org.apache.lucene.index.CorruptIndexException;
import org.apache.lucene.index.IndexFormatTooNewException;
import org.apache.lucene.index.IndexFormatTooOldException;
import org.apache.lucene.store.AlreadyClosedException;
import org.apache.lucene.store.LockObtainFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.gatehouse.api.memory.MemorySearch;
import io.gatehouse.api.memory.MemorySearch.Hit;
import io.gatehouse.api.watch.FileWatch;
import io.gatehouse.api.watch.FileWatchService;
import io.gatehouse.api.watch.WatchListener;
import io.gatehouse.api.watch.WatchRequest;
import io.gatehouse.memory.chunk.Chunk;
import io.gatehouse.memory.chunk.Chunker;
import io.gatehouse.memory.chunk.SessionText;
import io.gatehouse.memory.embed.Embedder;
import io.gatehouse.memory.embed.EmbeddingCache;
import io.gatehouse.memory.index.MemoryIndex;
import io.gatehouse.memory.index.MemoryIndex.ChunkDoc;
import io.gatehouse.memory.index.MemoryIndex.FileRecord;
import io.gatehouse.memory.index.Words;
import io.gatehouse.memory.search.Ranking;
import io.gatehouse.memory.search.Ranking.Candidate;

/**
 * The memory of one agent: its index under {@code data/memory/<agentId>/}, the watches on its sources,
 * dirty tracking and the sync that brings the index up to date.
 *
 * <p><b>Syncs</b> run one at a time on the agent's own thread. A sync is incremental (content hash per
 * file; unchanged chunks keep their vectors through the embedding cache), commits every couple of
 * seconds (so a kill loses at most that much work and nothing committed) and embeds in a second phase
 * (chunks are searchable by words before their vectors exist). A change of embedder, chunking, sources
 * or paths builds a new index beside the one in use, which keeps answering, and swaps it in when
 * complete; {@code current} names the index in use and is replaced atomically. A folder it does not
 * name is a half-built index from a killed process and is deleted at start.
 *
 * <p><b>Searches</b> answer from the last commit. When files are known to be dirty and the sync thread
 * is free for a small job, a search indexes just those files first, waiting at most
 * {@code sync.searchWaitMs}; otherwise (or after that) it answers with {@code stale} and the sync
 * finishes in the background. A search with no hits triggers nothing.
 */
final class AgentMemory implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(AgentMemory.class);
    static final String META_VERSION = "1";
    static final long COMMIT_EVERY_MS = 2_000;
    static final long SESSION_BATCH_MS = 5_000;
    static final long PROGRESS_LOG_MS = 5_000;
    static final int EMBED_BATCH = 16;
    static final long COMMIT_DELAY_MS = 1_000;
    /** A search waits only for a sync of at most this many files. */
    static final int SMALL_SYNC = 64;
    private static final long WATCH_DEBOUNCE_MS = 50;

    /** What an agent memory needs from its owner. */
    interface Host {
        Embedders embedders();

        ScheduledExecutorService timer();

        FileWatchService watcher();
    }

    /** The configured scope of this agent: settings and sources, replaced on config changes. */
    record Scope(MemorySettings settings, Sources sources) {
        Map<String, String> meta() {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("version", META_VERSION);
            m.put("embedder", settings.embedderKey());
            m.put("tokens", Integer.toString(settings.tokens()));
            m.put("overlap", Integer.toString(settings.overlap()));
            m.put("sources", String.join(",", new TreeSet<>(settings.sources())));
            StringBuilder scope = new StringBuilder(String.valueOf(sources.workspace()));
            sources.extra().forEach(p -> scope.append('\n').append(p));
            scope.append('\n').append(sources.sessionsDir());
            m.put("scope", Chunker.sha256(scope.toString()));
            return m;
        }
    }

    /** A sync to run; requests made before it starts join it. */
    private static final class Job {
        final Set<String> reasons = new LinkedHashSet<>();
        boolean full;
        boolean force;
        final CompletableFuture<SyncReport> done = new CompletableFuture<>();
    }

    /** What a sync did. */
    record SyncReport(String reasons, boolean full, boolean rebuilt, int scanned, int changed, int deleted, int embedded,
            long ms, String error) {
    }

    /** Progress of the running sync. */
    record Progress(String phase, int done, int total, long startedNanos) {
        double rate() {
            double s = (System.nanoTime() - startedNanos) / 1e9;
            return s <= 0 ? 0 : done / s;
        }
    }

    final String agentId;
    private final Path root;
    private final Host host;
    private final ExecutorService syncThread;
    private volatile Scope scope;
    private volatile MemoryIndex live;
    private volatile boolean closed;
    private volatile boolean cancel;

    private final Set<Path> dirty = ConcurrentHashMap.newKeySet();
    private volatile boolean dirtyAll = true;
    private volatile boolean rebuildWanted;
    private volatile boolean rebuilding;
    /** Searches running now: a rebuild steps aside for them between files (see {@link #yieldToSearches}). */
    private final java.util.concurrent.atomic.AtomicInteger searching = new java.util.concurrent.atomic.AtomicInteger();
    private final Object searchesDone = new Object();
    /** The longest a rebuild waits for searches before its next file, so that it always progresses. */
    static final long REBUILD_YIELD_MS = 50;
    /** {@link #REBUILD_YIELD_MS} in use; a test lengthens it to see a rebuild wait for a search to end. */
    volatile long rebuildYieldMs = REBUILD_YIELD_MS;

    private Job queued;
    private Job running;
    private boolean runningSmall;

    private final List<FileWatch> watches = new ArrayList<>();
    private Scope watchedScope;
    private ScheduledFuture<?> watchTimer;
    private ScheduledFuture<?> intervalTimer;
    private long intervalMinutes;
    private ScheduledFuture<?> progressLogger;

    private final Map<Path, long[]> sessionDeltas = new HashMap<>();
    private final Set<Path> sessionBatch = new LinkedHashSet<>();
    private ScheduledFuture<?> sessionTimer;
    private final Set<Path> sessionsSeen = ConcurrentHashMap.newKeySet();
    private int sessionBatches;
    private final Map<Path, Long> sessionIndexedSize = new ConcurrentHashMap<>();

    private volatile Map<String, String> lastMeta;
    private volatile boolean commitScheduled;
    private volatile Progress progress;
    private volatile SyncReport lastSync;
    private volatile long lastSyncAt;
    private volatile String error;

    AgentMemory(String agentId, Path root, Host host, Scope scope) {
        this.agentId = agentId;
        this.root = root;
        this.host = host;
        this.scope = scope;
        this.syncThread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "gatehouse-memory-sync-" + agentId);
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts watching and the first sync (opening or building the index). */
    void start() {
        applyScope(scope, true);
        requestSync("start", true, false);
    }

    /** A new config: re-watch, re-schedule; a change that needs a new index starts building it. */
    void reconfigure(Scope next) {
        Scope before = scope;
        scope = next;
        applyScope(next, false);
        if (!next.meta().equals(before.meta())) {
            requestSync("config", true, false);
        } else if (!before.settings().enabled() && next.settings().enabled()) {
            requestSync("config", true, false);
        }
    }

    Scope scope() {
        return scope;
    }

    // ---- watching

    private synchronized void applyScope(Scope s, boolean first) {
        if (closed) {
            return;
        }
        MemorySettings st = s.settings();
        boolean rewatch = first || watchedScope == null || !watchedScope.sources().equals(s.sources())
                || watchedScope.settings().sync().watch() != st.sync().watch() || watchedScope.settings().enabled() != st.enabled();
        if (rewatch) {
            rewatch(s);
        }
        long minutes = st.enabled() ? st.sync().intervalMinutes() : 0;
        if (first || minutes != intervalMinutes) {
            if (intervalTimer != null) {
                intervalTimer.cancel(false);
                intervalTimer = null;
            }
            intervalMinutes = minutes;
            if (minutes > 0) {
                intervalTimer = host.timer().scheduleAtFixedRate(() -> requestSync("interval", true, false), minutes, minutes,
                        TimeUnit.MINUTES);
            }
        }
    }

    private void rewatch(Scope s) {
        for (FileWatch w : watches) {
            w.close();
        }
        watches.clear();
        watchedScope = s;
        MemorySettings st = s.settings();
        if (!st.enabled() || !st.sync().watch()) {
            return;
        }
        Sources src = s.sources();
        List<String> ignore = new ArrayList<>(WatchRequest.DEFAULT_IGNORE);
        ignore.addAll(Sources.IGNORED);
        if (src.memory() && src.workspace() != null && Files.isDirectory(src.workspace())) {
            // the workspace itself, for MEMORY.md, memory.md and a memory/ folder that comes or goes
            watch(new WatchRequest("memory-" + agentId, src.workspace(), false, ignore, WATCH_DEBOUNCE_MS, 0), this::workspaceChanged);
            Path mem = src.memoryDir();
            if (Files.isDirectory(mem, LinkOption.NOFOLLOW_LINKS)) {
                watch(new WatchRequest("memory-" + agentId, mem, true, ignore, WATCH_DEBOUNCE_MS, 0), this::filesChanged);
            }
        }
        if (src.memory()) {
            for (Path e : src.extra()) {
                if (Files.isDirectory(e)) {
                    watch(new WatchRequest("memory-" + agentId, e, true, ignore, WATCH_DEBOUNCE_MS, 0), this::filesChanged);
                } else if (e.getParent() != null && Files.isDirectory(e.getParent())) {
                    watch(WatchRequest.file("memory-" + agentId, e, WATCH_DEBOUNCE_MS), this::filesChanged);
                }
            }
        }
        if (src.sessionsDir() != null) {
            try {
                Files.createDirectories(src.sessionsDir());
                watch(new WatchRequest("memory-sessions-" + agentId, src.sessionsDir(), false, null, WATCH_DEBOUNCE_MS, 0),
                        this::sessionsChanged);
            } catch (IOException e) {
                LOG.warn("memory {}: cannot watch the transcripts in {}: {}", agentId, src.sessionsDir(), e.toString());
            }
        }
    }

    private interface Changes {
        void changed(Set<Path> paths);
    }

    private void watch(WatchRequest r, Changes onChange) {
        try {
            watches.add(host.watcher().watch(r, new WatchListener() {
                @Override
                public void changed(Set<Path> changed) {
                    if (!closed) {
                        onChange.changed(changed);
                    }
                }

                @Override
                public void problem(String message) {
                    LOG.warn("memory {}: {}", agentId, message);
                }
            }));
        } catch (IOException | RuntimeException e) {
            LOG.warn("memory {}: cannot watch {}: {}", agentId, r.path(), e.toString());
        }
    }

    private void workspaceChanged(Set<Path> changed) {
        Sources src = scope.sources();
        Set<Path> ours = new HashSet<>();
        boolean memoryDir = false;
        for (Path p : changed) {
            if (p.equals(src.workspace())) {
                dirtyAll = true;
            } else if (p.equals(src.memoryDir())) {
                memoryDir = true;
            } else {
                ours.add(p);
            }
        }
        if (memoryDir) {
            synchronized (this) {
                rewatch(scope);
            }
            dirtyAll = true;
        }
        filesChanged(ours);
        if (memoryDir) {
            scheduleWatchSync();
        }
    }

    /** Memory files changed: mark them dirty and (debounced) sync. */
    void filesChanged(Set<Path> changed) {
        Sources src = scope.sources();
        boolean any = false;
        for (Path p : changed) {
            if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                for (Sources.SourceFile f : src.under(p)) {
                    dirty.add(f.abs());
                    any = true;
                }
                continue;
            }
            Sources.SourceFile f = src.classify(p);
            if (f != null) {
                dirty.add(f.abs());
                any = true;
            } else if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS) && !p.getFileName().toString().contains(".")) {
                // a deleted folder: whatever was indexed below it goes at the next full scan
                dirtyAll = true;
                any = true;
            }
        }
        if (any) {
            scheduleWatchSync();
        }
    }

    private synchronized void scheduleWatchSync() {
        if (closed) {
            return;
        }
        if (watchTimer != null) {
            watchTimer.cancel(false);
        }
        watchTimer = host.timer().schedule(() -> requestSync("watch", false, false), scope.settings().sync().watchDebounceMs(),
                TimeUnit.MILLISECONDS);
    }

    /**
     * Transcripts changed: batched in 5 s windows (the first change opens the window, later ones join it);
     * a transcript is dirty once its new bytes or messages reach {@code sync.sessions.deltaBytes} or
     * {@code deltaMessages}; a new transcript is a session start.
     */
    private void sessionsChanged(Set<Path> changed) {
        boolean started = false;
        synchronized (this) {
            for (Path p : changed) {
                if (!p.getFileName().toString().endsWith(".jsonl")) {
                    continue;
                }
                sessionBatch.add(p);
                if (Files.exists(p) && sessionsSeen.add(p) && !sessionIndexedSize.containsKey(p)) {
                    started = true;
                }
            }
            if (!sessionBatch.isEmpty() && sessionTimer == null && !closed) {
                sessionTimer = host.timer().schedule(this::sessionBatchDue, SESSION_BATCH_MS, TimeUnit.MILLISECONDS);
            }
        }
        if (started && scope.settings().sync().onSessionStart()) {
            requestSync("session-start", false, false);
        }
    }

    private void sessionBatchDue() {
        MemorySettings s = scope.settings();
        long needBytes = s.sync().deltaBytes();
        long needMessages = s.sync().deltaMessages();
        boolean any = false;
        synchronized (this) {
            sessionTimer = null;
            for (Path p : sessionBatch) {
                long size;
                try {
                    size = Files.size(p);
                } catch (IOException gone) {
                    sessionDeltas.remove(p);
                    dirty.add(p);
                    any = true;
                    continue;
                }
                long[] st = sessionDeltas.computeIfAbsent(p, k -> new long[] {sessionIndexedSize.getOrDefault(k, 0L), 0, 0});
                if (size < st[0]) {
                    st[0] = size;
                    st[1] = 0;
                    st[2] = 0;
                    dirty.add(p);
                    any = true;
                    continue;
                }
                long messages = countNewlines(p, st[0], size);
                st[1] += size - st[0];
                st[2] += messages;
                st[0] = size;
                boolean bytesHit = needBytes <= 0 ? st[1] > 0 : st[1] >= needBytes;
                boolean messagesHit = needMessages <= 0 ? st[2] > 0 : st[2] >= needMessages;
                if (!bytesHit && !messagesHit) {
                    continue;
                }
                dirty.add(p);
                any = true;
                st[1] = needBytes > 0 ? Math.max(0, st[1] - needBytes) : 0;
                st[2] = needMessages > 0 ? Math.max(0, st[2] - needMessages) : 0;
            }
            sessionBatch.clear();
            sessionBatches++;
        }
        if (any) {
            requestSync("session-delta", false, false);
        }
    }

    private static long countNewlines(Path p, long from, long to) {
        if (to <= from) {
            return 0;
        }
        long n = 0;
        try (SeekableByteChannel ch = Files.newByteChannel(p)) {
            ch.position(from);
            ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
            long left = to - from;
            while (left > 0) {
                buf.clear();
                if (left < buf.capacity()) {
                    buf.limit((int) left);
                }
                int r = ch.read(buf);
                if (r <= 0) {
                    break;
                }
                left -= r;
                for (int i = 0; i < r; i++) {
                    if (buf.get(i) == '\n') {
                        n++;
                    }
                }
            }
        } catch (IOException e) {
            return 0;
        }
        return n;
    }

    // ---- sync requests

    /** Queues a sync (joining one not yet started); full: scan every source instead of the dirty files. */
    CompletableFuture<SyncReport> requestSync(String reason, boolean full, boolean force) {
        synchronized (this) {
            if (closed) {
                return CompletableFuture.failedFuture(new IllegalStateException("memory of agent " + agentId + " is closed"));
            }
            if (queued != null) {
                queued.reasons.add(reason);
                queued.full |= full;
                queued.force |= force;
                return queued.done;
            }
            Job j = new Job();
            j.reasons.add(reason);
            j.full = full;
            j.force = force;
            queued = j;
            try {
                syncThread.execute(this::runQueued);
            } catch (RejectedExecutionException stopping) {
                queued = null;
                j.done.completeExceptionally(stopping);
            }
            return j.done;
        }
    }

    private void runQueued() {
        Job j;
        synchronized (this) {
            j = queued;
            queued = null;
            running = j;
            runningSmall = !j.full && !dirtyAll && !rebuildWanted && dirty.size() <= SMALL_SYNC && live != null;
        }
        if (j == null) {
            return;
        }
        try {
            j.done.complete(run(j));
        } catch (Throwable t) {
            j.done.completeExceptionally(t);
        } finally {
            synchronized (this) {
                running = null;
            }
        }
    }

    /** Whether a sync of the dirty files could start now and is small enough to wait for. */
    private synchronized boolean smallSyncPossible() {
        return (running == null || runningSmall) && !dirtyAll && !rebuildWanted && !rebuilding && live != null
                && dirty.size() <= SMALL_SYNC;
    }

    boolean hasDirty() {
        return dirtyAll || !dirty.isEmpty();
    }

    // ---- the sync itself (sync thread only)

    private SyncReport run(Job j) {
        long t0 = System.nanoTime();
        String reasons = String.join(",", j.reasons);
        Scope sc = scope;
        if (cancel) {
            return new SyncReport(reasons, j.full, false, 0, 0, 0, 0, 0, "closed");
        }
        if (!sc.settings().enabled()) {
            dirty.clear();
            dirtyAll = false;
            return new SyncReport(reasons, j.full, false, 0, 0, 0, 0, 0, "memorySearch.enabled is false");
        }
        Counter c = new Counter();
        boolean rebuilt = false;
        String failure = null;
        try {
            openLive(sc);
            Map<String, String> want = sc.meta();
            if (needsRebuild(live.meta(), want) || rebuildWanted) {
                rebuildWanted = false;
                rebuilt = true;
                rebuild(sc, want, c);
            } else {
                boolean full = j.full || dirtyAll;
                sync(live, sc, want, full, j.force, c, null);
            }
            error = null;
        } catch (CorruptIndexException | IndexFormatTooOldException | IndexFormatTooNewException e) {
            failure = "corrupt index: " + e.getMessage();
            LOG.warn("memory {}: the index in {} is corrupt ({}); rebuilding it from the files", agentId,
                    live == null ? root : live.dir(), e.getMessage());
            discardLive();
            requestSync("corrupt", true, false);
        } catch (LockObtainFailedException e) {
            failure = "the index is locked by another process: " + e.getMessage();
            LOG.warn("memory {}: {}", agentId, failure);
        } catch (AlreadyClosedException e) {
            failure = cancel ? "closed" : "index closed: " + e.getMessage();
        } catch (IOException | RuntimeException e) {
            failure = e.toString();
            LOG.warn("memory {}: sync failed: {}", agentId, e.toString(), e instanceof IOException ? null : e);
        } finally {
            progress = null;
        }
        error = failure;
        preloadModel(sc);
        SyncReport r = new SyncReport(reasons, j.full, rebuilt, c.scanned, c.changed, c.deleted, c.embedded,
                (System.nanoTime() - t0) / 1_000_000, failure);
        lastSync = r;
        lastSyncAt = System.currentTimeMillis();
        if (failure == null && (c.changed > 0 || c.deleted > 0 || c.embedded > 0 || rebuilt)) {
            LOG.info("memory {}: sync ({}) {} files scanned, {} indexed, {} removed, {} chunks embedded in {} ms{}", agentId,
                    reasons, c.scanned, c.changed, c.deleted, c.embedded, r.ms(), rebuilt ? ", new index swapped in" : "");
        } else {
            LOG.debug("memory {}: sync ({}) done in {} ms: {}", agentId, reasons, r.ms(), failure == null ? "no change" : failure);
        }
        return r;
    }

    /** Once the index has vectors, searches need the model: load it now rather than on the first search. */
    private void preloadModel(Scope sc) {
        MemoryIndex idx = live;
        try {
            if (idx != null && !cancel && !sc.settings().providerKind().equals("none")
                    && sc.settings().embedderKey().equals(idx.meta().get("embedder")) && idx.hasVectors()) {
                host.embedders().load();
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("memory {}: no model preload: {}", agentId, e.toString());
        }
    }

    private static final class Counter {
        int scanned;
        int changed;
        int deleted;
        int embedded;
    }

    static boolean needsRebuild(Map<String, String> have, Map<String, String> want) {
        if (have.isEmpty()) {
            return false; // a new, empty index is simply filled
        }
        for (String k : List.of("version", "tokens", "overlap", "sources", "scope")) {
            if (!want.get(k).equals(have.get(k))) {
                return true;
            }
        }
        String e = have.get("embedder");
        // an index made without embeddings has no vectors to replace: it gets them in place
        return !want.get("embedder").equals(e) && !"none".equals(e);
    }

    /** Opens the index {@code current} names, or starts a new one; a corrupt one is rebuilt in a new folder. */
    private void openLive(Scope sc) throws IOException {
        if (live != null) {
            return;
        }
        Files.createDirectories(root);
        String name = readCurrent();
        removeUnused(name);
        if (name != null && Files.isDirectory(root.resolve(name))) {
            MemoryIndex idx = null;
            try {
                idx = MemoryIndex.open(root.resolve(name));
                idx.checkIntegrity();
                live = idx;
                return;
            } catch (LockObtainFailedException e) {
                closeQuietly(idx);
                throw e;
            } catch (IOException | RuntimeException e) {
                closeQuietly(idx);
                LOG.warn("memory {}: the index in {} is corrupt or unreadable ({}); rebuilding it from the files", agentId,
                        root.resolve(name), e.toString());
            }
        }
        Path dir = root.resolve(nextIndexName(name));
        MemoryIndex fresh = MemoryIndex.open(dir);
        fresh.commit(Map.of());
        writeCurrent(dir.getFileName().toString());
        live = fresh;
        dirtyAll = true;
        if (name != null) {
            deleteTree(root.resolve(name));
        }
    }

    private void discardLive() {
        MemoryIndex old = live;
        live = null;
        closeQuietly(old);
        if (old != null) {
            try {
                Files.deleteIfExists(root.resolve("current"));
            } catch (IOException e) {
                LOG.debug("cannot delete {}: {}", root.resolve("current"), e.toString());
            }
            deleteTree(old.dir());
        }
    }

    /**
     * Builds a complete new index beside the one in use, then swaps it in; searches use the old one
     * until then.
     */
    private void rebuild(Scope sc, Map<String, String> want, Counter c) throws IOException {
        MemoryIndex old = live;
        Path dir = root.resolve(nextIndexName(old.dir().getFileName().toString()));
        LOG.info("memory {}: building a new index in {} ({}); the current one answers meanwhile", agentId, dir,
                describeChange(old.meta(), want));
        rebuilding = true;
        MemoryIndex fresh = MemoryIndex.open(dir);
        boolean swapped = false;
        try {
            sync(fresh, sc, want, true, false, c, null);
            if (cancel) {
                return;
            }
            writeCurrent(dir.getFileName().toString());
            live = fresh;
            swapped = true;
            closeQuietly(old);
            deleteTree(old.dir());
        } finally {
            rebuilding = false;
            if (!swapped) {
                closeQuietly(fresh);
            }
        }
    }

    private static String describeChange(Map<String, String> have, Map<String, String> want) {
        List<String> diff = new ArrayList<>();
        for (Map.Entry<String, String> e : want.entrySet()) {
            if (!e.getValue().equals(have.get(e.getKey()))) {
                diff.add(e.getKey().equals("scope") ? "paths changed" : e.getKey() + " " + have.get(e.getKey()) + " -> " + e.getValue());
            }
        }
        return String.join(", ", diff);
    }

    /** Brings {@code idx} up to date: the dirty files, or every source when {@code full}. */
    private void sync(MemoryIndex idx, Scope sc, Map<String, String> want, boolean full, boolean force, Counter c,
            Collection<String> only) throws IOException {
        long tStart = System.nanoTime();
        MemorySettings s = sc.settings();
        Sources src = sc.sources();
        Map<String, FileRecord> records;
        List<Sources.SourceFile> todo = new ArrayList<>();
        Set<String> gone = new TreeSet<>();
        if (full) {
            records = idx.files();
            dirtyAll = false;
            dirty.clear();
            Map<String, Sources.SourceFile> now = src.scan();
            todo.addAll(now.values());
            for (String k : records.keySet()) {
                if (!now.containsKey(k)) {
                    gone.add(k);
                }
            }
        } else {
            List<Path> paths = new ArrayList<>(dirty);
            dirty.removeAll(paths);
            List<Sources.SourceFile> classified = new ArrayList<>();
            for (Path p : paths) {
                Sources.SourceFile f = src.classify(p);
                if (f != null) {
                    classified.add(f);
                }
            }
            records = idx.files(classified.stream().map(Sources.SourceFile::key).toList());
            for (Sources.SourceFile f : classified) {
                if (Files.isRegularFile(f.abs())) {
                    todo.add(f);
                } else if (records.containsKey(f.key())) {
                    gone.add(f.key());
                }
            }
        }
        EmbeddingCache cache = s.providerKind().equals("none") ? null : host.embedders().cache();
        boolean cacheUsable = cache != null && s.embedderKey().equals(host.embedders().key());
        Set<String> touched = new LinkedHashSet<>();
        long lastCommit = System.nanoTime();
        progress = new Progress("index", 0, todo.size(), System.nanoTime());
        startProgressLog();
        for (int i = 0; i < todo.size(); i++) {
            if (cancel) {
                break;
            }
            if (rebuilding) {
                yieldToSearches();
            }
            Sources.SourceFile f = todo.get(i);
            c.scanned++;
            try {
                if (indexFile(idx, s, f, records.get(f.key()), force, cacheUsable ? cache : null)) {
                    c.changed++;
                    touched.add(f.key());
                }
            } catch (NoSuchFileException vanished) {
                if (records.containsKey(f.key())) {
                    gone.add(f.key());
                }
            } catch (IOException e) {
                if (e instanceof org.apache.lucene.index.CorruptIndexException) {
                    throw e;
                }
                LOG.warn("memory {}: cannot index {}: {}", agentId, f.abs(), e.toString());
            }
            progress = new Progress("index", i + 1, todo.size(), progress.startedNanos());
            if (System.nanoTime() - lastCommit > TimeUnit.MILLISECONDS.toNanos(COMMIT_EVERY_MS)) {
                idx.commit(want);
                lastCommit = System.nanoTime();
            }
        }
        for (String k : gone) {
            idx.deleteFile(k);
            sessionIndexedSize.keySet().removeIf(p -> Sources.sessionKey(p).equals(k));
            c.deleted++;
        }
        boolean small = !full && todo.size() + gone.size() <= SMALL_SYNC;
        long tIndexed = System.nanoTime();
        lastMeta = want;
        if (small) {
            idx.refresh();
        } else {
            idx.commit(want);
        }
        if (!cancel) {
            embedPending(idx, s, want, full ? null : touched, c, small);
        }
        if (small) {
            commitSoon(idx);
        } else {
            host.embedders().commitCache();
        }
        LOG.debug("memory {}: sync of {} files: index {} ms, refresh/commit+embed {} ms", agentId, todo.size(),
                (tIndexed - tStart) / 1_000_000, (System.nanoTime() - tIndexed) / 1_000_000);
    }

    /** A small sync's changes are searchable at once and committed within a second (coalesced). */
    private void commitSoon(MemoryIndex idx) {
        if (!idx.hasUncommittedChanges() || commitScheduled) {
            return;
        }
        commitScheduled = true;
        try {
            host.timer().schedule(() -> {
                try {
                    syncThread.execute(() -> {
                        commitScheduled = false;
                        commitNow(idx);
                    });
                } catch (RejectedExecutionException closing) {
                    commitScheduled = false; // close() commits
                }
            }, COMMIT_DELAY_MS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closing) {
            commitScheduled = false;
        }
    }

    private void commitNow(MemoryIndex idx) {
        try {
            if (idx == live && idx.hasUncommittedChanges() && lastMeta != null) {
                idx.commit(lastMeta);
            }
            host.embedders().commitCache();
        } catch (IOException | RuntimeException e) {
            LOG.warn("memory {}: commit failed: {}", agentId, e.toString());
        }
    }

    /** Indexes one file; false when its content had not changed. */
    private boolean indexFile(MemoryIndex idx, MemorySettings s, Sources.SourceFile f, FileRecord rec, boolean force,
            EmbeddingCache cache) throws IOException {
        BasicFileAttributes a = Files.readAttributes(f.abs(), BasicFileAttributes.class);
        long mtime = a.lastModifiedTime().toMillis();
        long size = a.size();
        if (!force && rec != null && rec.mtime() == mtime && rec.size() == size) {
            noteSession(f, size);
            return false;
        }
        byte[] bytes = Files.readAllBytes(f.abs());
        String hash = Chunker.sha256(bytes);
        if (!force && rec != null && rec.hash().equals(hash)) {
            idx.touchFile(new FileRecord(f.key(), f.source(), hash, mtime, bytes.length, rec.chunks()));
            noteSession(f, bytes.length);
            return false;
        }
        String content = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE).decode(ByteBuffer.wrap(bytes)).toString();
        List<Chunk> chunks = f.source().equals(MemorySearch.SOURCE_SESSIONS) ? SessionText.chunks(content, s.tokens(), s.overlap())
                : Chunker.chunk(content, s.tokens(), s.overlap());
        Map<String, float[]> cached = cache == null ? Map.of() : cache.get(chunks.stream().map(Chunk::hash).toList());
        List<ChunkDoc> docs = new ArrayList<>(chunks.size());
        for (int i = 0; i < chunks.size(); i++) {
            Chunk k = chunks.get(i);
            docs.add(new ChunkDoc(f.key() + "#" + i, f.key(), f.source(), k.startLine(), k.endLine(), k.hash(), k.text(), mtime,
                    cached.get(k.hash())));
        }
        idx.putFile(new FileRecord(f.key(), f.source(), hash, mtime, bytes.length, chunks.size()), docs);
        noteSession(f, bytes.length);
        return true;
    }

    private void noteSession(Sources.SourceFile f, long size) {
        if (f.source().equals(MemorySearch.SOURCE_SESSIONS)) {
            sessionIndexedSize.put(f.abs(), size);
            sessionsSeen.add(f.abs());
        }
    }

    /** Gives chunks without a vector one (from the cache, else the embedder), committing every few seconds. */
    private void embedPending(MemoryIndex idx, MemorySettings s, Map<String, String> want, Collection<String> paths, Counter c,
            boolean small) throws IOException {
        if (s.providerKind().equals("none") || (paths != null && paths.isEmpty())) {
            return;
        }
        Embedder e = null;
        try (MemoryIndex.Pending pending = idx.pending(paths)) {
            if (pending.size() == 0) {
                return;
            }
            e = host.embedders().get(Long.MAX_VALUE);
            if (e == null || !e.key().equals(want.get("embedder"))) {
                return; // unavailable: chunks stay searchable by words, and pending for the next sync
            }
            EmbeddingCache cache = host.embedders().cache();
            long lastCommit = System.nanoTime();
            progress = new Progress("embed", 0, pending.size(), System.nanoTime());
            // pending chunks missed the cache when they were indexed; chunks repeated within this sync are
            // embedded once (a cache lookup per batch would reopen the cache's reader every time)
            Map<String, float[]> have = new HashMap<>();
            for (int i = 0; i < pending.size() && !cancel; i += EMBED_BATCH) {
                if (rebuilding) {
                    yieldToSearches();
                }
                List<ChunkDoc> batch = pending.batch(i, i + EMBED_BATCH);
                if (have.size() > 10_000) {
                    have.clear();
                }
                List<String> texts = new ArrayList<>();
                List<String> hashes = new ArrayList<>();
                for (ChunkDoc d : batch) {
                    if (!have.containsKey(d.hash()) && !hashes.contains(d.hash())) {
                        hashes.add(d.hash());
                        texts.add(d.text());
                    }
                }
                if (!texts.isEmpty()) {
                    List<float[]> vectors = e.embed(texts);
                    for (int k = 0; k < hashes.size(); k++) {
                        have.put(hashes.get(k), vectors.get(k));
                        if (cache != null) {
                            cache.put(hashes.get(k), vectors.get(k));
                        }
                    }
                    c.embedded += texts.size();
                }
                for (ChunkDoc d : batch) {
                    idx.setVector(d, have.get(d.hash()));
                }
                progress = new Progress("embed", Math.min(pending.size(), i + EMBED_BATCH), pending.size(),
                        progress.startedNanos());
                if (System.nanoTime() - lastCommit > TimeUnit.MILLISECONDS.toNanos(COMMIT_EVERY_MS)) {
                    idx.commit(want);
                    host.embedders().commitCache();
                    lastCommit = System.nanoTime();
                }
            }
            if (small) {
                idx.refresh();
            } else {
                idx.commit(want);
            }
        }
    }

    private synchronized void startProgressLog() {
        if (progressLogger != null || closed) {
            return;
        }
        progressLogger = host.timer().scheduleAtFixedRate(() -> {
            Progress p = progress;
            if (p == null) {
                synchronized (AgentMemory.this) {
                    if (progressLogger != null) {
                        progressLogger.cancel(false);
                        progressLogger = null;
                    }
                }
                return;
            }
            LOG.info("memory {}: {} {}/{} {} ({} per s){}", agentId, p.phase().equals("embed") ? "embedding" : "indexing",
                    p.done(), p.total(), p.phase().equals("embed") ? "chunks" : "files", Math.round(p.rate()),
                    rebuilding ? ", building a new index beside the current one" : "");
        }, PROGRESS_LOG_MS, PROGRESS_LOG_MS, TimeUnit.MILLISECONDS);
    }

    // ---- index folders

    private String readCurrent() {
        try {
            String s = Files.readString(root.resolve("current")).strip();
            return s.matches("index-\\d+") ? s : null;
        } catch (IOException e) {
            return null;
        }
    }

    private void writeCurrent(String name) throws IOException {
        Path tmp = root.resolve("current.tmp");
        Files.writeString(tmp, name + "\n");
        try {
            Files.move(tmp, root.resolve("current"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, root.resolve("current"), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private String nextIndexName(String current) {
        int max = 0;
        try (DirectoryStream<Path> s = Files.newDirectoryStream(root, "index-*")) {
            for (Path p : s) {
                try {
                    max = Math.max(max, Integer.parseInt(p.getFileName().toString().substring(6)));
                } catch (NumberFormatException ignored) {
                    // not ours
                }
            }
        } catch (IOException e) {
            // none
        }
        if (current != null && current.startsWith("index-")) {
            try {
                max = Math.max(max, Integer.parseInt(current.substring(6)));
            } catch (NumberFormatException ignored) {
                // not ours
            }
        }
        return "index-" + (max + 1);
    }

    /** Index folders {@code current} does not name: half-built by a process that was killed. */
    private void removeUnused(String current) {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(root, "index-*")) {
            for (Path p : s) {
                if (!p.getFileName().toString().equals(current)) {
                    LOG.info("memory {}: removing {}, an index that was never completed", agentId, p);
                    deleteTree(p);
                }
            }
        } catch (IOException e) {
            // none
        }
    }

    static void deleteTree(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    LOG.debug("cannot delete {}: {}", p, e.toString());
                }
            });
        } catch (IOException e) {
            // gone already
        }
    }

    private static void closeQuietly(MemoryIndex idx) {
        if (idx != null) {
            try {
                idx.close();
            } catch (IOException | RuntimeException e) {
                LOG.debug("closing {}: {}", idx.dir(), e.toString());
            }
        }
    }

    // ---- search

    MemorySearch.Result search(String query, int limit) {
        return search(query, limit, false);
    }

    /** As {@link #search(String, int)}; {@code wordsOnly} skips the vectors (for the benchmark's keyword figures). */
    MemorySearch.Result search(String query, int limit, boolean wordsOnly) {
        searching.incrementAndGet();
        try {
            return searchNow(query, limit, wordsOnly);
        } finally {
            if (searching.decrementAndGet() == 0) {
                synchronized (searchesDone) {
                    searchesDone.notifyAll();
                }
            }
        }
    }

    /**
     * A rebuild (a new index built beside the one answering) gives its core to the searches running now,
     * for at most {@link #rebuildYieldMs} per file: on a small machine a search otherwise queues behind the
     * rebuild's indexing and Lucene's merges. Only a rebuild waits: a small sync may be what a search waits for.
     */
    private void yieldToSearches() {
        if (searching.get() == 0) {
            return;
        }
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(rebuildYieldMs);
        synchronized (searchesDone) {
            long left;
            while (searching.get() > 0 && !cancel && (left = until - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(searchesDone, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private MemorySearch.Result searchNow(String query, int limit, boolean wordsOnly) {
        Scope sc = scope;
        MemorySettings s = sc.settings();
        String q = query == null ? "" : query.strip();
        if (!s.enabled() || q.isEmpty()) {
            return new MemorySearch.Result(List.of(), false);
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(s.sync().searchWaitMs());
        boolean stale = false;
        if (hasDirty()) {
            if (s.sync().onSearch() && smallSyncPossible()) {
                CompletableFuture<SyncReport> f = requestSync("search", false, false);
                stale = !await(f, deadline);
            } else {
                stale = true;
                if (s.sync().onSearch()) {
                    requestSync("search", false, false);
                }
            }
        }
        MemoryIndex idx = live;
        if (idx == null) {
            requestSync("search", true, false);
            return new MemorySearch.Result(List.of(), true);
        }
        stale |= rebuilding || rebuildWanted;
        try {
            if (idx.isEmpty()) {
                return new MemorySearch.Result(List.of(), stale); // no memory files: no query to parse and run
            }
        } catch (IOException | AlreadyClosedException ex) {
            return new MemorySearch.Result(List.of(), true);
        }
        int maxResults = limit > 0 ? limit : s.query().maxResults();
        int candidates = Ranking.candidates(maxResults, s.query().candidateMultiplier());
        Embedder e = null;
        String indexEmbedder = idx.meta().get("embedder");
        boolean vectors;
        try {
            vectors = idx.hasVectors();
        } catch (IOException | RuntimeException ex) {
            vectors = false;
        }
        if (!vectors || wordsOnly) {
            // nothing to compare a query vector with: words only, and no model loaded for nothing
        } else if (!s.providerKind().equals("none") && s.embedderKey().equals(indexEmbedder)) {
            e = host.embedders().get(Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            if (e == null && !host.embedders().state().startsWith("failed")) {
                stale = true;
            }
        } else if (!s.providerKind().equals("none")) {
            stale = true; // the index's vectors are of another model: words only until the new index is in
        }
        try {
            List<Candidate> hits = e == null ? keywordOnly(idx, q, candidates, maxResults, s)
                    : hybrid(idx, e, q, candidates, maxResults, s);
            List<Hit> out = new ArrayList<>(hits.size());
            for (Candidate c : hits) {
                out.add(new Hit(c.path, c.startLine, c.endLine, c.score, Ranking.truncate(c.snippet == null ? "" : c.snippet,
                        Hit.SNIPPET_MAX_CHARS), c.source));
            }
            return new MemorySearch.Result(out, stale);
        } catch (CorruptIndexException ex) {
            LOG.warn("memory {}: the index is corrupt ({}); rebuilding it from the files", agentId, ex.getMessage());
            rebuildWanted = true;
            requestSync("corrupt", true, false);
            return new MemorySearch.Result(List.of(), true);
        } catch (AlreadyClosedException swapped) {
            return new MemorySearch.Result(List.of(), true);
        } catch (IOException ex) {
            throw new IllegalStateException("memory search of agent " + agentId + " failed: " + ex.getMessage(), ex);
        }
    }

    private static boolean await(CompletableFuture<?> f, long deadlineNanos) {
        try {
            f.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException | ExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static List<Candidate> keywordCandidates(MemoryIndex idx, String q, int n) throws IOException {
        List<Candidate> out = new ArrayList<>();
        for (MemoryIndex.Found f : idx.keyword(Words.terms(q), n)) {
            Candidate c = candidate(f);
            c.textScore = Ranking.bm25RankToScore(-f.score());
            out.add(c);
        }
        return out;
    }

    private static Candidate candidate(MemoryIndex.Found f) {
        return new Candidate(f.id(), f.path(), f.startLine(), f.endLine(), f.source(), f.text(), f.mtime());
    }

    /** No embeddings: BM25 with the reference's lexical boost. */
    private static List<Candidate> keywordOnly(MemoryIndex idx, String q, int candidates, int maxResults, MemorySettings s)
            throws IOException {
        List<Candidate> list = keywordCandidates(idx, q, candidates);
        for (Candidate c : list) {
            c.score = Ranking.scoreFallbackKeywordResult(q, c.path, c.snippet, c.textScore);
        }
        Ranking.MergeOptions o = options(s);
        Ranking.applyDecay(list, o);
        list.sort(Comparator.comparingDouble((Candidate c) -> c.score).reversed());
        List<Candidate> ranked = o.mmr() ? Ranking.mmr(list, o.mmrLambda()) : list;
        return ranked.stream().filter(c -> c.score >= s.query().minScore()).limit(maxResults).toList();
    }

    private static List<Candidate> hybrid(MemoryIndex idx, Embedder e, String q, int candidates, int maxResults, MemorySettings s)
            throws IOException {
        List<Candidate> keyword = s.query().hybrid() ? keywordCandidates(idx, q, candidates) : List.of();
        float[] qv = e.embed(q);
        List<Candidate> vector = new ArrayList<>();
        boolean nonZero = false;
        for (float x : qv) {
            nonZero |= x != 0;
        }
        if (nonZero) {
            for (MemoryIndex.Found f : idx.nearest(qv, candidates)) {
                Candidate c = candidate(f);
                c.vectorScore = 2.0 * f.score() - 1.0; // Lucene's (1 + dot) / 2 back to the cosine
                vector.add(c);
            }
        }
        double minScore = s.query().minScore();
        if (!s.query().hybrid()) {
            vector.forEach(c -> c.score = c.vectorScore);
            vector.sort(Comparator.comparingDouble((Candidate c) -> c.score).reversed());
            return vector.stream().filter(c -> c.score >= minScore).limit(maxResults).toList();
        }
        Set<String> keywordIds = new HashSet<>();
        keyword.forEach(k -> keywordIds.add(k.id));
        List<Candidate> merged = Ranking.merge(vector, keyword, options(s));
        List<Candidate> strict = merged.stream().filter(c -> c.score >= minScore).limit(maxResults).toList();
        if (!strict.isEmpty() || keyword.isEmpty()) {
            return strict;
        }
        // nothing reached minScore, but words matched: keep keyword hits above min(minScore, textWeight)
        double relaxed = Math.min(minScore, s.query().textWeight());
        return merged.stream().filter(c -> keywordIds.contains(c.id) && c.score >= relaxed).limit(maxResults).toList();
    }

    private static Ranking.MergeOptions options(MemorySettings s) {
        MemorySettings.Query q = s.query();
        return new Ranking.MergeOptions(q.vectorWeight(), q.textWeight(), q.decay(), q.halfLifeDays(), q.mmr(), q.mmrLambda(),
                System.currentTimeMillis());
    }

    // ---- status

    Map<String, Object> status() {
        Map<String, Object> m = new LinkedHashMap<>();
        Scope sc = scope;
        m.put("agent", agentId);
        m.put("enabled", sc.settings().enabled());
        m.put("workspace", sc.sources().workspace() == null ? null : sc.sources().workspace().toString());
        m.put("sources", sc.settings().sources());
        MemoryIndex idx = live;
        m.put("index", idx == null ? null : idx.dir().toString());
        if (idx != null) {
            try {
                MemoryIndex.Counts counts = idx.counts();
                m.put("files", counts.files());
                m.put("chunks", counts.chunks());
                m.put("pendingEmbeddings", counts.pending());
            } catch (IOException | RuntimeException e) {
                m.put("files", null);
                m.put("indexError", e.toString());
            }
            m.put("indexEmbedder", idx.meta().get("embedder"));
        }
        m.put("dirty", dirtyAll ? "all (a full scan is due)" : Integer.toString(dirty.size()));
        m.put("rebuilding", rebuilding || rebuildWanted);
        synchronized (this) {
            m.put("syncing", running != null);
        }
        Progress p = progress;
        if (p != null) {
            Map<String, Object> pm = new LinkedHashMap<>();
            pm.put("phase", p.phase());
            pm.put("done", p.done());
            pm.put("total", p.total());
            pm.put("perSecond", Math.round(p.rate() * 10) / 10.0);
            m.put("progress", pm);
        }
        SyncReport r = lastSync;
        if (r != null) {
            Map<String, Object> lm = new LinkedHashMap<>();
            lm.put("at", lastSyncAt);
            lm.put("reason", r.reasons());
            lm.put("ms", r.ms());
            lm.put("scanned", r.scanned());
            lm.put("indexed", r.changed());
            lm.put("removed", r.deleted());
            lm.put("embedded", r.embedded());
            lm.put("rebuilt", r.rebuilt());
            lm.put("error", r.error());
            m.put("lastSync", lm);
        }
        synchronized (this) {
            if (sc.sources().sessionsDir() != null) {
                Map<String, Object> sm = new LinkedHashMap<>();
                sm.put("batches", sessionBatches);
                Map<String, Object> below = new LinkedHashMap<>();
                sessionDeltas.forEach((path, st) -> {
                    if (st[1] > 0 || st[2] > 0) {
                        below.put(Sources.sessionKey(path), Map.of("bytes", st[1], "messages", st[2]));
                    }
                });
                sm.put("belowThreshold", below);
                m.put("transcripts", sm);
            }
        }
        m.put("error", error);
        return m;
    }

    // ---- close

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            for (FileWatch w : watches) {
                w.close();
            }
            watches.clear();
            for (ScheduledFuture<?> f : new ScheduledFuture<?>[] {watchTimer, intervalTimer, sessionTimer, progressLogger}) {
                if (f != null) {
                    f.cancel(false);
                }
            }
            if (queued != null) {
                queued.done.completeExceptionally(new IllegalStateException("memory of agent " + agentId + " closed"));
                queued = null;
            }
        }
        cancel = true;
        syncThread.shutdown();
        try {
            if (!syncThread.awaitTermination(60, TimeUnit.SECONDS)) {
                LOG.warn("memory {}: the sync did not stop within 60 s", agentId);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        MemoryIndex idx = live;
        live = null;
        if (idx != null && lastMeta != null && idx.hasUncommittedChanges()) {
            try {
                idx.commit(lastMeta);
            } catch (IOException | RuntimeException e) {
                LOG.warn("memory {}: final commit failed: {}", agentId, e.toString());
            }
        }
        closeQuietly(idx);
    }

    /** For the benchmark: whether the index in use is merging segments in the background. */
    boolean merging() {
        MemoryIndex idx = live;
        return idx != null && idx.merging();
    }

    /** For tests: the dirty paths. */
    Set<Path> dirtyPaths() {
        return Set.copyOf(dirty);
    }
}
