package io.gatehouse.agents.session;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.gatehouse.support.agent.AgentFolders;
import io.gatehouse.support.files.AtomicFiles;

/**
 * Session transcripts: {@code <data>/agents/<agentId>/sessions/<session file>.jsonl}, one JSON object per
 * line, plus {@code index.json} beside them (session key to file, created, updated, message count).
 *
 * <p>A line is appended with one {@code write} of the whole line and its newline, so a crash can at
 * worst leave a torn last line: reading skips a line that does not parse, and the next append first
 * ends a torn line with a newline, so it never glues a new line to the fragment. Earlier lines are
 * never rewritten. The index is a cache of what the transcripts hold: it is rewritten atomically
 * (temp file + rename) after every append and rebuilt from the transcripts when missing or unreadable.
 */
@Component(service = SessionStore.class)
public final class SessionStore {
    private static final Logger LOG = LoggerFactory.getLogger(SessionStore.class);
    static final String INDEX = "index.json";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    /** The role of a transcript line that starts the session over ({@code /new}): history stops there. */
    public static final String RESET = "reset";

    /**
     * One session of the index.
     *
     * @param bytes the transcript's size when the entry was made: a transcript of another size was
     *              written after the index (a crash before the index was flushed), so it is counted again
     */
    public record Entry(String key, String agentId, String file, long created, long updated, int messages, long bytes) {
        public Entry(String key, String agentId, String file, long created, long updated, int messages) {
            this(key, agentId, file, created, updated, messages, -1);
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("file", file);
            m.put("created", created);
            m.put("updated", updated);
            m.put("messages", messages);
            m.put("bytes", bytes);
            return m;
        }
    }

    /** How long index changes may wait before they are written (the index can be rebuilt from the transcripts). */
    static final long INDEX_FLUSH_MS = 200;
    /** The wait before the next background index write: {@link #INDEX_FLUSH_MS}, longer for large indexes. */
    private volatile long flushDelayMs = INDEX_FLUSH_MS;

    private final Path root;
    /** Agent folder name to its index (session key to entry, concurrent), loaded on first use. */
    private final Map<String, Map<String, Entry>> indexes = new ConcurrentHashMap<>();
    /** Locks for transcript appends, by file (striped: bounded, and two sessions rarely share one). */
    private final Object[] fileLocks = new Object[1024];

    {
        for (int i = 0; i < fileLocks.length; i++) {
            fileLocks[i] = new Object();
        }
    }

    /** One index file write at a time. */
    private final Object indexFileLock = new Object();
    /** Session folders known to exist (created once, not on every line). */
    private final java.util.Set<Path> knownDirs = ConcurrentHashMap.newKeySet();
    /** Agents whose index changed since it was last written. */
    private final java.util.Set<String> dirty = ConcurrentHashMap.newKeySet();
    /**
     * Writes changed indexes in the background, at most every {@link #INDEX_FLUSH_MS}: rewriting an
     * agent's whole index on every appended line (under the agent's lock) serialised all its sessions.
     */
    private final java.util.concurrent.ScheduledExecutorService indexWriter =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "gatehouse-session-index");
                t.setDaemon(true);
                return t;
            });
    private final java.util.concurrent.atomic.AtomicBoolean flushScheduled = new java.util.concurrent.atomic.AtomicBoolean();

    @Activate
    public SessionStore(BundleContext context) {
        this(Path.of(context.getProperty("gatehouse.data") != null ? context.getProperty("gatehouse.data") : "data", "agents"));
    }

    /** @param root the {@code agents} folder of the data dir */
    public SessionStore(Path root) {
        this(root, RECHECK_NANOS);
    }

    /** @param recheckNanos how long an open transcript's file is trusted to be as this store left it */
    SessionStore(Path root, long recheckNanos) {
        this.root = root.toAbsolutePath();
        this.recheckNanos = recheckNanos;
    }

    public Path root() {
        return root;
    }

    public Path sessionsDir(String agentId) {
        return root.resolve(AgentFolders.name(agentId)).resolve("sessions");
    }

    public Path transcript(String agentId, String sessionKey) {
        return sessionsDir(agentId).resolve(SessionFiles.fileName(sessionKey));
    }

    /**
     * Appends one line to the session's transcript and updates the index. {@code ts},
     * {@code sessionKey} and {@code agentId} are added when missing.
     */
    public void append(String agentId, String sessionKey, Map<String, Object> line) throws IOException {
        String agent = AgentFolders.name(agentId);
        Map<String, Object> record = new LinkedHashMap<>();
        long now = System.currentTimeMillis();
        record.put("ts", now);
        record.putAll(line);
        record.putIfAbsent("sessionKey", sessionKey);
        record.putIfAbsent("agentId", agent);
        byte[] text = (JSON.writeValueAsString(record) + "\n").getBytes(StandardCharsets.UTF_8);
        Map<String, Entry> index = index(agent); // loaded (or rebuilt from the transcripts) before this line is written
        Path dir = sessionsDir(agent);
        if (!knownDirs.contains(dir)) {
            Files.createDirectories(dir);
            knownDirs.add(dir);
        }
        Path file = dir.resolve(SessionFiles.fileName(sessionKey));
        // One session's lines are written one at a time (a lock per file, striped); sessions of one agent
        // no longer wait for each other (the index is a concurrent map).
        synchronized (lockOf(file)) {
            long[] sizes;
            try {
                sizes = write(file, text);
            } catch (java.nio.file.NoSuchFileException gone) {
                Files.createDirectories(dir); // the folder was removed while running
                sizes = write(file, text);
            }
            Tail t = tails.get(file);
            Object role = line.get("role");
            boolean message = ("user".equals(role) || "assistant".equals(role)) && line.get("content") instanceof String;
            if (t != null && t.size == sizes[0]) {
                t.size = sizes[1];
                if (RESET.equals(role)) {
                    t.clear(); // the session starts over: its history is what follows
                } else if (message) {
                    t.add(Map.of("role", (String) role, "content", (String) line.get("content")));
                }
            } else if (sizes[0] == 0) {
                tails.put(file, new Tail(sizes[1], message ? List.of(Map.of("role", (String) role, "content",
                        (String) line.get("content"))) : List.of(), true));
                evictTails();
            } else {
                tails.remove(file); // written by someone else meanwhile: read it again next time
            }
            // under the file's lock: the size recorded is the size after this line, in the order written
            String fileName = file.getFileName().toString();
            long size = sizes[1];
            index.compute(sessionKey, (k, old) -> new Entry(sessionKey, agent, fileName,
                    old == null ? now : old.created(), now, old == null ? 1 : old.messages() + 1, size));
        }
        if (closed) {
            closeTranscripts(); // a line after close (a late turn) leaves no transcript open without an owner
        } else {
            closeIdleTranscripts();
        }
        dirty.add(agent);
        if (flushScheduled.compareAndSet(false, true)) {
            try {
                indexWriter.schedule(this::flushQuietly, flushDelayMs, java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException stopping) {
                flushScheduled.set(false);
                flush();
            }
        }
    }

    /** Writes every changed index now. */
    public void flush() throws IOException {
        flushScheduled.set(false);
        IOException failure = null;
        for (String agent : List.copyOf(dirty)) {
            dirty.remove(agent);
            Map<String, Entry> index = index(agent);
            try {
                writeIndex(agent, index);
            } catch (IOException e) {
                dirty.add(agent);
                failure = e;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private void flushQuietly() {
        long t0 = System.nanoTime();
        try {
            flush();
            // An index of many sessions costs its rewrite: wait at least 20 times as long as the last took (at
            // most 5 s), so a busy gateway does not spend its time rewriting index.json every 200 ms.
            long took = (System.nanoTime() - t0) / 1_000_000;
            flushDelayMs = Math.min(5_000, Math.max(INDEX_FLUSH_MS, took * 20));
        } catch (IOException e) {
            LOG.warn("cannot write a session index: {}", e.toString());
        }
    }

    /** Writes what is pending and stops the index writer. */
    @org.osgi.service.component.annotations.Deactivate
    public void close() {
        closed = true; // before the transcripts are closed: an append that opens one after that closes it itself
        indexWriter.shutdown();
        try {
            // a write in progress finishes before the last flush, so nothing writes after close
            indexWriter.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flushQuietly();
        closeTranscripts();
    }

    private static byte[] prependNewline(byte[] text) {
        byte[] out = new byte[text.length + 1];
        out[0] = '\n';
        System.arraycopy(text, 0, out, 1, text.length);
        return out;
    }

    /**
     * Appends the line; the file's size before and after. Called under the file's lock.
     *
     * <p>The transcript stays open for the session's next lines ({@link #OPEN_TRANSCRIPTS} at most): opening,
     * checking and closing the file for every line was most of a turn's transcript cost. What others do to the
     * path is still found: a history read or a write looks at the file when that was more than
     * {@link #RECHECK_NANOS} ago. A file deleted or replaced is opened again (created), and a size other than
     * this store's last write is checked for a torn last line (and re-read for history).
     */
    private long[] write(Path file, byte[] text) throws IOException {
        OpenTranscript o = openTranscripts.get(file);
        if (o != null && !o.channel.isOpen()) {
            openTranscripts.remove(file, o); // closed by an interrupt of the thread that last wrote it
            o = null;
        }
        if (o != null && System.nanoTime() - o.checked > recheckNanos) {
            o = check(file, o);
        }
        if (o == null) {
            FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
            try {
                Object key = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
                o = new OpenTranscript(ch, key == null ? file : key);
            } catch (IOException | RuntimeException e) {
                ch.close();
                throw e;
            }
            o.size = -1; // unknown: checked below
            o.checked = System.nanoTime();
            openTranscripts.put(file, o);
        }
        o.lastUse = System.nanoTime();
        try {
            long before = o.channel.size(); // an fstat: lines others appended since are never overwritten
            // this store's own last write ended with a newline; anything else is checked
            boolean torn = before != o.size && endsTorn(o.channel, before);
            long at = before;
            ByteBuffer buf = ByteBuffer.wrap(torn ? prependNewline(text) : text);
            while (buf.hasRemaining()) {
                at += o.channel.write(buf, at);
            }
            o.size = at;
            return new long[] {before, at};
        } catch (IOException | RuntimeException e) {
            openTranscripts.remove(file, o);
            o.close();
            throw e;
        }
    }

    /** A history read or a write looks at an open transcript's file again when it was last looked at longer ago. */
    static final long RECHECK_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(1);
    private final long recheckNanos;

    /**
     * Looks at the open transcript's file (one {@code stat}): the open file when it is still the one at the path,
     * with its size unknown when someone else changed it; null (closed) when the file was deleted or replaced.
     * Under the file's lock.
     */
    private OpenTranscript check(Path file, OpenTranscript o) throws IOException {
        BasicFileAttributes onDisk;
        try {
            onDisk = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException gone) {
            onDisk = null;
        }
        if (onDisk == null || !o.fileKey.equals(onDisk.fileKey()) || !o.channel.isOpen()) {
            openTranscripts.remove(file, o);
            o.close();
            return null;
        }
        if (onDisk.size() != o.size) {
            o.size = -1; // written by someone else: the next write checks for a torn line
        }
        o.checked = System.nanoTime();
        return o;
    }

    /** Whether the session's transcript is open (its next line is a write, not a file creation). */
    public boolean isOpen(String agentId, String sessionKey) {
        return openTranscripts.containsKey(transcript(agentId, sessionKey));
    }

    /** Transcripts kept open between appends, at most this many (the least recently used are closed). */
    static final int OPEN_TRANSCRIPTS = 256;

    /** An open transcript: used under its file's lock only. */
    private static final class OpenTranscript {
        final FileChannel channel;
        /** The file's identity when opened (device and inode): a replaced file is another one. */
        final Object fileKey;
        /** The size after this store's last write, -1 when not known. */
        long size;
        /** When the path was last looked at ({@link System#nanoTime()}). */
        long checked;
        volatile long lastUse;

        OpenTranscript(FileChannel channel, Object fileKey) {
            this.channel = channel;
            this.fileKey = fileKey;
        }

        void close() {
            try {
                channel.close();
            } catch (IOException e) {
                LOG.debug("closing a transcript: {}", e.toString());
            }
        }
    }

    private final Map<Path, OpenTranscript> openTranscripts = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /**
     * Closes the least recently used open transcripts beyond {@link #OPEN_TRANSCRIPTS} (an eighth more, so this
     * runs once per many new sessions). Called holding no file lock: it takes each victim's.
     */
    private void closeIdleTranscripts() {
        int over = openTranscripts.size() - OPEN_TRANSCRIPTS;
        if (over <= 0) {
            return;
        }
        List<Map.Entry<Path, OpenTranscript>> all = new ArrayList<>(openTranscripts.entrySet());
        all.sort((a, b) -> Long.compare(a.getValue().lastUse, b.getValue().lastUse));
        for (int i = 0; i < Math.min(all.size(), over + OPEN_TRANSCRIPTS / 8); i++) {
            Path file = all.get(i).getKey();
            OpenTranscript o = all.get(i).getValue();
            synchronized (lockOf(file)) {
                if (openTranscripts.remove(file, o)) {
                    o.close();
                }
            }
        }
    }

    /** Closes every open transcript (on deactivation). */
    private void closeTranscripts() {
        for (Map.Entry<Path, OpenTranscript> e : List.copyOf(openTranscripts.entrySet())) {
            synchronized (lockOf(e.getKey())) {
                if (openTranscripts.remove(e.getKey(), e.getValue())) {
                    e.getValue().close();
                }
            }
        }
    }

    /** Whether the open file is non-empty and does not end with a newline (a torn last line). */
    private static boolean endsTorn(FileChannel ch, long size) throws IOException {
        if (size == 0) {
            return false;
        }
        ByteBuffer last = ByteBuffer.allocate(1);
        ch.read(last, size - 1);
        return last.get(0) != '\n';
    }

    /** Every readable line of the session's transcript, oldest first; unreadable (torn) lines are skipped. */
    public List<Map<String, Object>> read(String agentId, String sessionKey) throws IOException {
        return readFile(transcript(agentId, sessionKey));
    }

    static List<Map<String, Object>> readFile(Path file) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return List.of();
        }
        List<Map<String, Object>> out = new ArrayList<>(lines.size());
        int skipped = 0;
        for (String l : lines) {
            if (l.isBlank()) {
                continue;
            }
            try {
                out.add(JSON.readValue(l, MAP));
            } catch (IOException e) {
                skipped++;
            }
        }
        if (skipped > 0) {
            LOG.debug("{}: skipped {} unreadable line(s)", file, skipped);
        }
        return out;
    }

    /**
     * The last {@code limit} user and assistant messages of the session, as chat messages
     * ({@code role}, {@code content}), oldest first.
     */
    public List<Map<String, String>> history(String agentId, String sessionKey, int limit) throws IOException {
        if (limit <= 0) {
            return List.of();
        }
        Path file = transcript(agentId, sessionKey);
        synchronized (lockOf(file)) {
            // one stat, and no exception for a new session (Files.size throws NoSuchFileException, whose stack
            // trace was a measurable part of a new conversation's first turn); 0 also for a missing file
            OpenTranscript o = openTranscripts.get(file);
            if (o != null && System.nanoTime() - o.checked > recheckNanos) {
                o = check(file, o);
            }
            long size;
            if (o != null && o.size >= 0) {
                size = o.size; // the open file is the one at the path, as this store wrote it
            } else {
                size = file.toFile().length();
            }
            if (size == 0) {
                tails.remove(file);
                return List.of();
            }
            Tail t = tails.get(file);
            if (t != null && t.size == size && (t.complete || t.messages.size() >= limit)) {
                return t.last(limit); // the file is as this store last wrote it: no read, no parse
            }
            List<Map<String, String>> out = readHistory(file, size, limit);
            tails.put(file, new Tail(size, out, out.size() < limit));
            evictTails();
            return out;
        }
    }

    /** Reads from the end in growing chunks: a turn costs the tail it needs, not the whole transcript. */
    private static List<Map<String, String>> readHistory(Path file, long size, int limit) throws IOException {
        long chunk = 16 * 1024;
        while (true) {
            long from = Math.max(0, size - chunk);
            boolean[] reset = {false};
            List<Map<String, String>> out = messages(tail(file, from, size), from > 0, reset);
            if (out.size() >= limit || from == 0 || reset[0]) {
                return out.size() <= limit ? out : new ArrayList<>(out.subList(out.size() - limit, out.size()));
            }
            chunk *= 4;
        }
    }

    /**
     * The recent user/assistant messages of a transcript as this store last wrote it ({@code size}): a
     * turn's history without reading the file while nobody else wrote it. Bounded per session
     * ({@link #TAIL_MESSAGES}, {@link #TAIL_CHARS}) and in sessions ({@link #TAIL_SESSIONS}).
     */
    private static final class Tail {
        long size;
        final ArrayDeque<Map<String, String>> messages;
        /** Holds every message of the file (so fewer than asked for is the whole history). */
        boolean complete;
        long chars;

        Tail(long size, List<Map<String, String>> messages, boolean complete) {
            this.size = size;
            this.messages = new ArrayDeque<>(messages);
            this.complete = complete;
            for (Map<String, String> m : messages) {
                chars += m.get("content").length();
            }
            trim();
        }

        void clear() {
            messages.clear();
            chars = 0;
            complete = true;
        }

        void add(Map<String, String> m) {
            messages.addLast(m);
            chars += m.get("content").length();
            trim();
        }

        private void trim() {
            while (messages.size() > TAIL_MESSAGES || (chars > TAIL_CHARS && messages.size() > 1)) {
                chars -= messages.pollFirst().get("content").length();
                complete = false;
            }
        }

        List<Map<String, String>> last(int limit) {
            List<Map<String, String>> all = new ArrayList<>(messages);
            return all.size() <= limit ? all : new ArrayList<>(all.subList(all.size() - limit, all.size()));
        }
    }

    static final int TAIL_MESSAGES = 64;
    static final long TAIL_CHARS = 32 * 1024;
    static final int TAIL_SESSIONS = 2048;
    private final Map<Path, Tail> tails = new ConcurrentHashMap<>();

    private Object lockOf(Path file) {
        return fileLocks[Math.floorMod(file.hashCode(), fileLocks.length)];
    }

    private void evictTails() {
        int over = tails.size() - TAIL_SESSIONS;
        if (over > 0) {
            java.util.Iterator<Path> it = tails.keySet().iterator();
            for (int i = 0; i < over + TAIL_SESSIONS / 8 && it.hasNext(); i++) {
                it.next();
                it.remove();
            }
        }
    }

    private static String tail(Path file, long from, long to) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocate((int) Math.min(Integer.MAX_VALUE - 8, to - from));
            while (buf.hasRemaining() && ch.read(buf, from + buf.position()) > 0) {
                // read until full
            }
            return new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8);
        }
    }

    /**
     * User and assistant messages of transcript text after its last {@link #RESET} line ({@code reset[0]} tells
     * whether there was one); the first line is skipped when it may be cut.
     */
    private static List<Map<String, String>> messages(String text, boolean firstLineMayBeCut, boolean[] reset) {
        List<Map<String, String>> out = new ArrayList<>();
        String[] lines = text.split("\n");
        for (int i = firstLineMayBeCut ? 1 : 0; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            try {
                Map<String, Object> l = JSON.readValue(lines[i], MAP);
                Object role = l.get("role");
                if (RESET.equals(role)) {
                    out.clear(); // the session started over here: what came before is not its history
                    reset[0] = true;
                    continue;
                }
                if (("user".equals(role) || "assistant".equals(role)) && l.get("content") instanceof String c) {
                    out.add(Map.of("role", (String) role, "content", c));
                }
            } catch (IOException torn) {
                // a torn line: skipped, as read() does
            }
        }
        return out;
    }

    /** The sessions of one agent (or of every agent when null), most recently updated first. */
    public List<Entry> list(String agentId) throws IOException {
        List<String> agents = new ArrayList<>();
        if (agentId != null) {
            agents.add(AgentFolders.name(agentId));
        } else if (Files.isDirectory(root)) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(root, Files::isDirectory)) {
                ds.forEach(p -> agents.add(p.getFileName().toString()));
            }
        }
        List<Entry> out = new ArrayList<>();
        for (String a : agents) {
            Map<String, Entry> index = index(a);
            out.addAll(index.values());
        }
        out.sort((x, y) -> Long.compare(y.updated(), x.updated()));
        return out;
    }

    /** The index entry of a session key: looked up under the agent the key names, else under every agent. */
    public Entry find(String sessionKey) throws IOException {
        String agent = SessionFiles.agentOf(sessionKey);
        if (agent != null) {
            Map<String, Entry> index = index(AgentFolders.name(agent));
            Entry e = index.get(sessionKey);
            if (e != null) {
                return e;
            }
        }
        for (Entry e : list(null)) {
            if (e.key().equals(sessionKey)) {
                return e;
            }
        }
        return null;
    }

    private Map<String, Entry> index(String agent) {
        return indexes.computeIfAbsent(agent, this::loadIndex);
    }

    private Map<String, Entry> loadIndex(String agent) {
        Path dir = root.resolve(agent).resolve("sessions");
        Path file = dir.resolve(INDEX);
        Map<String, Entry> index = new ConcurrentHashMap<>();
        if (Files.exists(file)) {
            try {
                Map<String, Object> doc = JSON.readValue(file.toFile(), MAP);
                if (doc.get("sessions") instanceof Map<?, ?> sessions) {
                    for (Map.Entry<?, ?> e : sessions.entrySet()) {
                        if (e.getValue() instanceof Map<?, ?> v && v.get("file") instanceof String f) {
                            index.put((String) e.getKey(), new Entry((String) e.getKey(), agent, f, num(v.get("created")),
                                    num(v.get("updated")), (int) num(v.get("messages")),
                                    v.get("bytes") instanceof Number b ? b.longValue() : -1));
                        }
                    }
                    verify(agent, dir, index);
                    return index;
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("{} is unreadable ({}); rebuilding it from the transcripts", file, e.getMessage());
            }
        }
        rebuild(agent, dir, index);
        return index;
    }

    /**
     * The index is a cache written a moment after the transcripts: after a crash it may miss the last
     * lines or whole sessions. Every entry whose transcript has another size than it recorded (or none),
     * and every transcript without an entry, is counted again from the transcript; entries whose
     * transcript is gone are dropped. Only what changed is read.
     */
    private void verify(String agent, Path dir, Map<String, Entry> index) {
        int fixed = 0;
        Map<String, String> byFile = new java.util.HashMap<>();
        synchronized (index) {
            for (Entry e : List.copyOf(index.values())) {
                Path f = dir.resolve(e.file());
                long size;
                try {
                    size = Files.size(f);
                } catch (IOException gone) {
                    index.remove(e.key());
                    fixed++;
                    continue;
                }
                byFile.put(e.file(), e.key());
                if (size != e.bytes()) {
                    Entry counted = count(agent, f, size);
                    if (counted != null) {
                        index.put(e.key(), new Entry(e.key(), agent, e.file(), e.created() > 0 ? e.created() : counted.created(),
                                Math.max(e.updated(), counted.updated()), counted.messages(), size));
                        fixed++;
                    }
                }
            }
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.jsonl")) {
                for (Path f : ds) {
                    if (!byFile.containsKey(f.getFileName().toString())) {
                        Entry counted = count(agent, f, Files.size(f));
                        if (counted != null && !index.containsKey(counted.key())) {
                            index.put(counted.key(), counted);
                            fixed++;
                        }
                    }
                }
            } catch (IOException e) {
                LOG.warn("cannot check the session index of agent {} against its transcripts: {}", agent, e.toString());
            }
            if (fixed > 0) {
                LOG.info("session index of agent {}: {} entr{} counted again from the transcripts (written after the index,"
                        + " e.g. before a crash)", agent, fixed, fixed == 1 ? "y" : "ies");
                try {
                    writeIndex(agent, index);
                } catch (IOException e) {
                    LOG.warn("cannot write the session index of agent {}: {}", agent, e.toString());
                }
            }
        }
    }

    /** The entry a transcript implies, or null when it names no session key. */
    private static Entry count(String agent, Path f, long size) {
        try {
            List<Map<String, Object>> lines = readFile(f);
            if (lines.isEmpty() || !(lines.get(0).get("sessionKey") instanceof String key)) {
                return null;
            }
            return new Entry(key, agent, f.getFileName().toString(), num(lines.get(0).get("ts")),
                    num(lines.get(lines.size() - 1).get("ts")), lines.size(), size);
        } catch (IOException e) {
            return null;
        }
    }

    /** Rebuilds an agent's index from its transcripts (each line names its session key). */
    private void rebuild(String agent, Path dir, Map<String, Entry> index) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.jsonl")) {
            for (Path f : ds) {
                Entry counted = count(agent, f, Files.size(f));
                if (counted != null) {
                    index.put(counted.key(), counted);
                }
            }
            if (!index.isEmpty()) {
                writeIndex(agent, index);
            }
        } catch (IOException e) {
            LOG.warn("cannot rebuild the session index of agent {}: {}", agent, e.toString());
        }
    }

    private static long num(Object o) {
        return o instanceof Number n ? n.longValue() : 0L;
    }

    /**
     * Writes an agent's index: a copy of the entries (the map is concurrent: appends never wait for the
     * file), sorted by key, serialised and written by one writer at a time.
     */
    private void writeIndex(String agent, Map<String, Entry> index) throws IOException {
        List<Entry> entries = new ArrayList<>(index.values());
        entries.sort((a, b) -> a.key().compareTo(b.key()));
        synchronized (indexFileLock) {
            writeIndex(agent, entries);
        }
    }

    private void writeIndex(String agent, List<Entry> entries) throws IOException {
        Map<String, Object> sessions = new LinkedHashMap<>();
        entries.forEach(e -> sessions.put(e.key(), e.toMap()));
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("version", 1);
        doc.put("agentId", agent);
        doc.put("sessions", sessions);
        Path dir = root.resolve(agent).resolve("sessions");
        Files.createDirectories(dir);
        AtomicFiles.write(dir.resolve(INDEX), PRETTY.writeValueAsBytes(doc));
    }
}
