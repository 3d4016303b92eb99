package io.gatehouse.channel.telegram;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What one bot has received and answered, durable under {@code data/telegram/bot-<id>/}: the next
 * {@code getUpdates} offset and a record per received message {@code (chat, message_id)} with where its
 * reply stands. This is what makes delivery exactly once across channel restarts, framework restarts and
 * kill -9:
 *
 * <ol>
 * <li>a batch of updates is recorded (new offset, each message {@link State#DISPATCHED} with the update
 * itself, or {@link State#DONE} when nothing is to be done) and forced to disk <em>before</em> any of it
 * reaches an agent, and before the next {@code getUpdates} acknowledges it to Telegram: a crash before that
 * point gets the updates again, a crash after finds them recorded;</li>
 * <li>a message already recorded is dropped when it comes again (Telegram redelivers what was not
 * acknowledged; a webhook retries);</li>
 * <li>before the first part of a reply goes out, {@link State#SENDING} is forced to disk; a reply found in that
 * state after a crash is never sent again (at most a streamed preview is finished by editing it in place);
 * a message found {@link State#DISPATCHED} never had anything sent: its turn runs again.</li>
 * </ol>
 *
 * <p>Files: {@code journal} (one JSON record per line, appended; a torn last line is dropped on open) and
 * {@code state.json} (a compacted snapshot, replaced atomically; the journal starts over after it). A
 * file lock keeps a second process (or a second account) from using the same bot's log.
 */
final class DeliveryLog implements Closeable {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Finished records older than this are dropped at compaction (Telegram keeps updates 24 hours). */
    static final long RETENTION_MS = 48L * 3600 * 1000;
    static final int MAX_ENTRIES = 50_000;
    static final int COMPACT_LINES = 5_000;

    enum State { DISPATCHED, SENDING, REPLIED, DONE }

    /** One received message. */
    static final class Entry {
        final long chat;
        final long message;
        final long update;
        State state;
        /** The update as received, kept until the reply is out (so a turn can run again after a crash). */
        String raw;
        /** The streamed preview message of the reply, or 0. */
        long preview;
        /** Reply parts confirmed sent. */
        int parts;
        final long at;

        Entry(long chat, long message, long update, State state, String raw, long at) {
            this.chat = chat;
            this.message = message;
            this.update = update;
            this.state = state;
            this.raw = raw;
            this.at = at;
        }

        String key() {
            return key(chat, message);
        }

        static String key(long chat, long message) {
            return chat + ":" + message;
        }

        @Override
        public String toString() {
            return "chat " + chat + " message " + message + " (update " + update + ", " + state + ")";
        }
    }

    private final Path dir;
    private final Path journalFile;
    private final Path snapshotFile;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private FileChannel journal;
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>();
    private long offset;
    private long lastUpdateId;
    private long written;
    private long synced;
    private int journalLines;
    private int dropped; // torn lines found on open
    private boolean closed;
    private int compactLines = COMPACT_LINES;
    /**
     * Forces the journal and compacts it, one task at a time, so that records appended meanwhile by the
     * account share one force (group commit) and the account's thread never waits for the disk.
     */
    private final java.util.concurrent.ExecutorService syncer;
    /** The force that the next sync task runs, with everyone waiting for it; guarded by this. */
    private java.util.concurrent.CompletableFuture<Void> nextSync;
    private boolean compactionQueued; // guarded by this

    private DeliveryLog(Path dir, FileChannel lockChannel, FileLock lock) {
        this.syncer = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "gatehouse-telegram-sync-" + dir.getFileName());
            t.setDaemon(true);
            return t;
        });
        this.dir = dir;
        this.journalFile = dir.resolve("journal");
        this.snapshotFile = dir.resolve("state.json");
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /**
     * Opens (creating) the log in {@code dir}, taking its lock.
     *
     * @throws IOException naming the file when the log cannot be read, or the lock is held elsewhere
     */
    static DeliveryLog open(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path lockFile = dir.resolve("lock");
        FileChannel lc = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock l;
        try {
            l = lc.tryLock();
        } catch (OverlappingFileLockException e) {
            lc.close();
            throw new IOException(lockFile + " is held in this process: the bot is already polled here (another account with the same token,"
                    + " or a channel that has not finished stopping)");
        }
        if (l == null) {
            lc.close();
            throw new IOException(lockFile + " is held by another process: another gateway polls this bot with the same data directory");
        }
        DeliveryLog log = new DeliveryLog(dir, lc, l);
        try {
            log.load();
        } catch (IOException | RuntimeException e) {
            log.close();
            throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
        return log;
    }

    private void load() throws IOException {
        if (Files.exists(snapshotFile)) {
            JsonNode s;
            try {
                s = JSON.readTree(snapshotFile.toFile());
            } catch (IOException e) {
                throw new IOException(snapshotFile + " is unreadable (" + e.getClass().getSimpleName()
                        + "); move it away to start this bot's delivery record afresh", e);
            }
            offset = s.path("offset").asLong();
            lastUpdateId = s.path("lastUpdateId").asLong();
            for (JsonNode e : s.path("entries")) {
                Entry en = new Entry(e.path("c").asLong(), e.path("m").asLong(), e.path("u").asLong(),
                        State.valueOf(e.path("s").asText()), e.hasNonNull("x") ? e.path("x").asText() : null, e.path("at").asLong());
                en.preview = e.path("p").asLong();
                en.parts = e.path("k").asInt();
                entries.put(en.key(), en);
            }
        }
        createPrivate(journalFile);
        journal = FileChannel.open(journalFile, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        long size = journal.size();
        long good = 0;
        if (size > 0) {
            ByteBuffer buf = ByteBuffer.allocate((int) Math.min(Integer.MAX_VALUE - 8, size));
            while (buf.hasRemaining() && journal.read(buf, buf.position()) > 0) {
                // read it all
            }
            byte[] bytes = buf.array();
            int start = 0;
            for (int i = 0; i < buf.position(); i++) {
                if (bytes[i] == '\n') {
                    String line = new String(bytes, start, i - start, StandardCharsets.UTF_8);
                    try {
                        apply(JSON.readTree(line));
                        journalLines++;
                        good = i + 1;
                    } catch (IOException | RuntimeException e) {
                        dropped++;
                        break; // a line that does not parse was the last one being written: it and what follows are dropped
                    }
                    start = i + 1;
                }
            }
            if (good < size) {
                dropped = Math.max(dropped, 1);
                journal.truncate(good);
                journal.force(true);
            }
        }
        written = good;
        synced = good;
        journal.position(good);
    }

    private void apply(JsonNode r) {
        switch (r.path("t").asText()) {
            case "b" -> {
                offset = Math.max(offset, r.path("o").asLong());
                lastUpdateId = Math.max(lastUpdateId, r.path("lu").asLong());
                for (JsonNode d : r.path("d")) {
                    Entry e = new Entry(d.path("c").asLong(), d.path("m").asLong(), d.path("u").asLong(), State.DISPATCHED,
                            d.path("x").asText(null), r.path("at").asLong());
                    entries.putIfAbsent(e.key(), e);
                }
                for (JsonNode d : r.path("n")) {
                    Entry e = new Entry(d.path("c").asLong(), d.path("m").asLong(), d.path("u").asLong(), State.DONE, null,
                            r.path("at").asLong());
                    entries.putIfAbsent(e.key(), e);
                }
            }
            case "s" -> {
                Entry e = entries.get(Entry.key(r.path("c").asLong(), r.path("m").asLong()));
                if (e != null) {
                    State s = State.valueOf(r.path("s").asText());
                    if (s.ordinal() >= e.state.ordinal()) {
                        e.state = s;
                    }
                    if (r.has("p")) {
                        e.preview = r.path("p").asLong();
                    }
                    if (r.has("k")) {
                        e.parts = Math.max(e.parts, r.path("k").asInt());
                    }
                    if (e.state == State.REPLIED || e.state == State.DONE) {
                        e.raw = null;
                    }
                }
            }
            default -> throw new IllegalArgumentException("unknown record " + r.path("t").asText());
        }
    }

    // ---- queries

    synchronized long offset() {
        return offset;
    }

    synchronized long lastUpdateId() {
        return lastUpdateId;
    }

    synchronized Entry get(long chat, long message) {
        return entries.get(Entry.key(chat, message));
    }

    synchronized int size() {
        return entries.size();
    }

    /** Torn journal lines dropped when the log was opened. */
    synchronized int droppedOnOpen() {
        return dropped;
    }

    /** Messages whose reply is not known to be out: {@link State#DISPATCHED} and {@link State#SENDING}, oldest first. */
    synchronized List<Entry> unfinished() {
        List<Entry> out = new ArrayList<>();
        for (Entry e : entries.values()) {
            if (e.state == State.DISPATCHED || e.state == State.SENDING) {
                out.add(e);
            }
        }
        return out;
    }

    Path dir() {
        return dir;
    }

    /** For tests: waits until the log's own thread has done what was queued (forces, a compaction). */
    void awaitIdle() throws Exception {
        syncer.submit(() -> { }).get(30, java.util.concurrent.TimeUnit.SECONDS);
    }

    /** For tests: compact after this many journal records. */
    synchronized void compactAfter(int lines) {
        compactLines = lines;
    }

    // ---- records

    /**
     * Records a batch and forces it to disk: the offset after it, the messages that go to a handler (with the
     * update, for a replay) and those that need nothing. Entries already recorded are left as they are.
     */
    synchronized void recordBatch(long nextOffset, long lastUpdate, List<Entry> dispatched, List<Entry> done) throws IOException {
        recordBatch(nextOffset, lastUpdate, dispatched, done, true);
    }

    /**
     * As {@link #recordBatch(long, long, List, List)}; with {@code force} false the batch is written but on
     * disk only once {@link #durable()} completes (nothing may be dispatched or acknowledged before).
     */
    synchronized void recordBatch(long nextOffset, long lastUpdate, List<Entry> dispatched, List<Entry> done, boolean force)
            throws IOException {
        ensureOpen();
        long now = System.currentTimeMillis();
        ObjectNode r = JSON.createObjectNode().put("t", "b").put("o", Math.max(offset, nextOffset))
                .put("lu", Math.max(lastUpdateId, lastUpdate)).put("at", now);
        ArrayNode d = r.putArray("d");
        for (Entry e : dispatched) {
            d.addObject().put("c", e.chat).put("m", e.message).put("u", e.update).put("x", e.raw);
        }
        ArrayNode n = r.putArray("n");
        for (Entry e : done) {
            n.addObject().put("c", e.chat).put("m", e.message).put("u", e.update);
        }
        append(r, force);
        offset = Math.max(offset, nextOffset);
        lastUpdateId = Math.max(lastUpdateId, lastUpdate);
        for (Entry e : dispatched) {
            entries.putIfAbsent(e.key(), e);
        }
        for (Entry e : done) {
            e.state = State.DONE;
            e.raw = null;
            entries.putIfAbsent(e.key(), e);
        }
        maybeCompact();
    }

    /**
     * Moves a message to {@code state} (never backwards). {@code force}: on disk when this returns (the
     * {@link State#SENDING} mark before a send); otherwise it goes to disk with the next forced record.
     */
    synchronized void mark(Entry e, State state, long preview, int parts, boolean force) throws IOException {
        ensureOpen();
        ObjectNode r = JSON.createObjectNode().put("t", "s").put("c", e.chat).put("m", e.message).put("s", state.name());
        if (preview != 0) {
            r.put("p", preview);
        }
        if (parts > 0) {
            r.put("k", parts);
        }
        append(r, force);
        if (state.ordinal() >= e.state.ordinal()) {
            e.state = state;
        }
        if (preview != 0) {
            e.preview = preview;
        }
        e.parts = Math.max(e.parts, parts);
        if (state == State.REPLIED || state == State.DONE) {
            e.raw = null;
        }
        maybeCompact();
    }

    /** Forces what was written so far, now. */
    synchronized void sync() throws IOException {
        if (!closed && synced < written) {
            journal.force(false);
            synced = written;
        }
    }

    /**
     * Completes once everything written before this call is on disk (at once when it is already): one force
     * on the log's own thread serves every caller that asked before it started (group commit). Fails when
     * the force fails or the log is closed first.
     */
    synchronized java.util.concurrent.CompletableFuture<Void> durable() {
        if (closed) {
            return java.util.concurrent.CompletableFuture.failedFuture(new IOException("the delivery log " + dir + " is closed"));
        }
        if (synced >= written) {
            return java.util.concurrent.CompletableFuture.completedFuture(null);
        }
        if (nextSync == null) {
            nextSync = new java.util.concurrent.CompletableFuture<>();
            java.util.concurrent.CompletableFuture<Void> f = nextSync;
            try {
                syncer.execute(this::runSync);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                nextSync = null;
                f.completeExceptionally(new IOException("the delivery log " + dir + " is closed"));
            }
            return f;
        }
        return nextSync;
    }

    /** On the syncer: one force for everyone waiting (the force runs without the lock, so appends go on). */
    private void runSync() {
        java.util.concurrent.CompletableFuture<Void> f;
        long upTo;
        FileChannel ch;
        synchronized (this) {
            f = nextSync;
            nextSync = null;
            upTo = written;
            ch = journal;
            if (f == null) {
                return;
            }
            if (closed) {
                f.completeExceptionally(new IOException("the delivery log " + dir + " is closed"));
                return;
            }
        }
        try {
            ch.force(false);
            synchronized (this) {
                synced = Math.max(synced, Math.min(upTo, written)); // compaction (same thread) cannot have run meanwhile
            }
            f.complete(null);
        } catch (IOException | RuntimeException e) {
            f.completeExceptionally(e);
        }
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("the delivery log " + dir + " is closed");
        }
    }

    private void append(ObjectNode record, boolean force) throws IOException {
        byte[] line = (JSON.writeValueAsString(record) + "\n").getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.wrap(line);
        while (b.hasRemaining()) {
            written += journal.write(b, written);
        }
        journalLines++;
        if (force) {
            journal.force(false);
            synced = written;
        }
    }

    /** Compacts on the syncer once the journal is long (never in the middle of a force). */
    private void maybeCompact() {
        if (journalLines >= compactLines && !compactionQueued) {
            compactionQueued = true;
            try {
                syncer.execute(() -> {
                    synchronized (this) {
                        compactionQueued = false;
                        if (closed) {
                            return;
                        }
                        try {
                            compact();
                        } catch (IOException e) {
                            org.slf4j.LoggerFactory.getLogger(DeliveryLog.class).warn("{}: compaction failed (the journal keeps growing): {}", dir,
                                    e.toString());
                        }
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                compactionQueued = false;
            }
        }
    }

    /** Writes the snapshot (atomically) and starts the journal over. */
    synchronized void compact() throws IOException {
        ensureOpen();
        long cutoff = System.currentTimeMillis() - RETENTION_MS;
        int finished = 0;
        for (Iterator<Entry> it = entries.values().iterator(); it.hasNext();) {
            Entry e = it.next();
            boolean done = e.state == State.REPLIED || e.state == State.DONE;
            if (done && e.at < cutoff) {
                it.remove();
            } else if (done) {
                finished++;
            }
        }
        int excess = entries.size() - MAX_ENTRIES;
        for (Iterator<Entry> it = entries.values().iterator(); it.hasNext() && excess > 0 && finished > 0;) {
            Entry e = it.next();
            if (e.state == State.REPLIED || e.state == State.DONE) {
                it.remove();
                excess--;
                finished--;
            }
        }
        ObjectNode s = JSON.createObjectNode().put("v", 1).put("offset", offset).put("lastUpdateId", lastUpdateId);
        ArrayNode arr = s.putArray("entries");
        for (Entry e : entries.values()) {
            ObjectNode o = arr.addObject().put("c", e.chat).put("m", e.message).put("u", e.update).put("s", e.state.name()).put("at", e.at);
            if (e.raw != null) {
                o.put("x", e.raw);
            }
            if (e.preview != 0) {
                o.put("p", e.preview);
            }
            if (e.parts > 0) {
                o.put("k", e.parts);
            }
        }
        Path tmp = dir.resolve("state.json.tmp");
        Files.deleteIfExists(tmp);
        createPrivate(tmp);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.wrap(JSON.writeValueAsBytes(s));
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
        try {
            Files.move(tmp, snapshotFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, snapshotFile, StandardCopyOption.REPLACE_EXISTING);
        }
        forceDir();
        // The snapshot holds everything: the journal starts over (a crash before this truncation replays
        // records the snapshot already has, which changes nothing).
        journal.truncate(0);
        journal.force(true);
        written = 0;
        synced = 0;
        journalLines = 0;
    }

    /** Creates the file readable by its owner only (it holds what people wrote to the bot), if it does not exist. */
    static void createPrivate(Path file) throws IOException {
        if (Files.exists(file)) {
            return;
        }
        try {
            Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        }
    }

    private void forceDir() {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // not every file system lets a directory be opened and forced; the rename is atomic anyway
        }
    }

    /** A summary for status: offset, records, unfinished. */
    synchronized Map<String, Object> summary() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("offset", offset);
        m.put("records", entries.size());
        long open = entries.values().stream().filter(e -> e.state == State.DISPATCHED || e.state == State.SENDING).count();
        m.put("unfinished", open);
        return m;
    }

    @Override
    public void close() {
        syncer.shutdown();
        try {
            if (!syncer.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS)) {
                syncer.shutdownNow();
            }
        } catch (InterruptedException e) {
            syncer.shutdownNow();
            Thread.currentThread().interrupt();
        }
        closeFiles();
    }

    private synchronized void closeFiles() {
        if (closed) {
            return;
        }
        closed = true;
        if (nextSync != null) {
            nextSync.completeExceptionally(new IOException("the delivery log " + dir + " is closed"));
            nextSync = null;
        }
        try {
            if (journal != null) {
                if (synced < written) {
                    journal.force(false);
                }
                journal.close();
            }
        } catch (IOException e) {
            // nothing more can be done; what was forced is safe
        }
        try {
            if (lock != null) {
                lock.release();
            }
            lockChannel.close();
        } catch (IOException e) {
            // closing the channel releases the lock anyway
        }
    }

    synchronized boolean isClosed() {
        return closed;
    }
}
