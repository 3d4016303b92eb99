package io.gatehouse.agents.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.support.agent.AgentFolders;

class SessionStoreTest {
    /** Every store a test opens is closed after it, so no index write races the temp folder's removal. */
    private final java.util.List<SessionStore> opened = new java.util.ArrayList<>();

    private SessionStore open(java.nio.file.Path dir) {
        SessionStore s = new SessionStore(dir);
        opened.add(s);
        return s;
    }

    /** A store that looks at an open transcript's file before every read and write (the default is once a second). */
    private SessionStore openChecking(java.nio.file.Path dir) {
        SessionStore s = new SessionStore(dir, 0);
        opened.add(s);
        return s;
    }

    @org.junit.jupiter.api.AfterEach
    void closeStores() {
        opened.forEach(SessionStore::close);
    }

    @TempDir
    Path data;

    @Test
    void appendsOneLinePerMessageAndKeepsAnIndex() throws Exception {
        SessionStore store = open(data.resolve("agents"));
        store.append("main", "agent:main:main", Map.of("role", "user", "content", "hi"));
        store.append("main", "agent:main:main", Map.of("role", "assistant", "content", "echo: hi"));
        Path file = data.resolve("agents/main/sessions/agent.main.main.jsonl");
        List<String> lines = Files.readAllLines(file);
        assertEquals(2, lines.size());
        Map<?, ?> first = new ObjectMapper().readValue(lines.get(0), Map.class);
        assertEquals("user", first.get("role"));
        assertEquals("agent:main:main", first.get("sessionKey"));
        assertTrue(first.get("ts") instanceof Number);

        store.flush(); // the index is written in the background; flush() writes it now
        Map<?, ?> index = new ObjectMapper().readValue(data.resolve("agents/main/sessions/index.json").toFile(), Map.class);
        Map<?, ?> entry = (Map<?, ?>) ((Map<?, ?>) index.get("sessions")).get("agent:main:main");
        assertEquals("agent.main.main.jsonl", entry.get("file"));
        assertEquals(2, entry.get("messages"));
        assertTrue(((Number) entry.get("updated")).longValue() >= ((Number) entry.get("created")).longValue());
        assertEquals(List.of(Map.of("role", "user", "content", "hi"), Map.of("role", "assistant", "content", "echo: hi")),
                store.history("main", "agent:main:main", 10));
        assertEquals(List.of(Map.of("role", "assistant", "content", "echo: hi")), store.history("main", "agent:main:main", 1));
        assertTrue(Files.list(data.resolve("agents/main/sessions")).noneMatch(p -> p.getFileName().toString().endsWith(".tmp")));
    }

    @Test
    void aTornLastLineIsSkippedAndNeverBreaksEarlierOrLaterLines() throws Exception {
        SessionStore store = open(data.resolve("agents"));
        store.append("main", "agent:main:main", Map.of("role", "user", "content", "one"));
        store.append("main", "agent:main:main", Map.of("role", "assistant", "content", "two"));
        Path file = store.transcript("main", "agent:main:main");
        // a crash in the middle of a write: half a JSON line, no newline
        Files.write(file, "{\"ts\":1,\"role\":\"user\",\"cont".getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);
        assertEquals(List.of("one", "two"), store.read("main", "agent:main:main").stream().map(l -> l.get("content")).toList());

        // after a restart (a new store) the next append starts on a line of its own
        SessionStore after = open(data.resolve("agents"));
        after.append("main", "agent:main:main", Map.of("role", "user", "content", "three"));
        assertEquals(List.of("one", "two", "three"),
                after.read("main", "agent:main:main").stream().map(l -> l.get("content")).toList());
        assertEquals(List.of("one", "two", "three"),
                after.history("main", "agent:main:main", 20).stream().map(m -> m.get("content")).toList());
        // garbage in the middle of the file is skipped too
        Files.write(file, "not json at all\n\u0000\u0001\n".getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);
        after.append("main", "agent:main:main", Map.of("role", "assistant", "content", "four"));
        assertEquals(List.of("one", "two", "three", "four"),
                after.read("main", "agent:main:main").stream().map(l -> l.get("content")).toList());
    }

    @Test
    void aMissingOrCorruptIndexIsRebuiltFromTheTranscripts() throws Exception {
        SessionStore store = open(data.resolve("agents"));
        store.append("ops", "agent:ops:telegram:direct:42", Map.of("role", "user", "content", "a"));
        store.append("ops", "agent:ops:telegram:direct:42", Map.of("role", "assistant", "content", "b"));
        store.append("ops", "agent:ops:main", Map.of("role", "user", "content", "c"));
        store.flush();
        Path index = data.resolve("agents/ops/sessions/index.json");
        Files.writeString(index, "{\"version\":1,\"sessi");
        SessionStore after = open(data.resolve("agents"));
        List<SessionStore.Entry> list = after.list("ops");
        assertEquals(2, list.size());
        SessionStore.Entry tg = after.find("agent:ops:telegram:direct:42");
        assertEquals(2, tg.messages());
        assertEquals("ops", tg.agentId());
        Files.delete(index);
        assertEquals(2, open(data.resolve("agents")).list(null).size());
        assertTrue(Files.exists(index), "rewritten");
    }

    /** Issue case 10: after a crash the index (written a moment after the transcripts) is verified at start. */
    @Test
    void anIndexLeftBehindByACrashIsCorrectedFromTheTranscripts() throws Exception {
        SessionStore store = new SessionStore(data.resolve("agents"));
        store.append("ops", "agent:ops:main", Map.of("role", "user", "content", "a"));
        store.append("ops", "agent:ops:telegram:direct:7", Map.of("role", "user", "content", "d"));
        store.flush();
        Path index = data.resolve("agents/ops/sessions/index.json");
        String behind = Files.readString(index);
        store.append("ops", "agent:ops:main", Map.of("role", "assistant", "content", "b"));
        store.append("ops", "agent:ops:main", Map.of("role", "user", "content", "c"));
        store.flush();
        // the crash came before the last flush; and the operator deleted a transcript meanwhile
        Files.writeString(index, behind);
        Files.delete(data.resolve("agents/ops/sessions").resolve(SessionFiles.fileName("agent:ops:telegram:direct:7")));

        SessionStore after = new SessionStore(data.resolve("agents"));
        assertEquals(3, after.find("agent:ops:main").messages(), "counted again from the transcript");
        assertNull(after.find("agent:ops:telegram:direct:7"), "the deleted transcript's entry is gone");
        assertEquals(1, after.list("ops").size());
        assertTrue(Files.readString(index).contains("\"messages\" : 3"), "the corrected index is written");
    }

    /** A session whose lines were written but whose index entry never was (crash right after its first line). */
    @Test
    void aTranscriptMissingFromTheIndexIsAddedAtStart() throws Exception {
        SessionStore store = new SessionStore(data.resolve("agents"));
        store.append("ops", "agent:ops:main", Map.of("role", "user", "content", "a"));
        store.flush();
        Path index = data.resolve("agents/ops/sessions/index.json");
        String flushed = Files.readString(index);
        store.append("ops", "agent:ops:new", Map.of("role", "user", "content", "b"));
        store.flush();
        Files.writeString(index, flushed); // the crash came before this flush
        SessionStore after = new SessionStore(data.resolve("agents"));
        assertEquals(1, after.find("agent:ops:new").messages());
        assertEquals(2, after.list("ops").size());
    }

    @Test
    void listsEveryAgentAndFindsKeys() throws Exception {
        SessionStore store = open(data.resolve("agents"));
        store.append("main", "agent:main:main", Map.of("role", "user", "content", "a"));
        store.append("helper", "agent:helper:main", Map.of("role", "user", "content", "b"));
        assertEquals(2, store.list(null).size());
        assertEquals(List.of("agent:helper:main"), store.list("helper").stream().map(SessionStore.Entry::key).toList());
        assertEquals("helper", store.find("agent:helper:main").agentId());
        assertNull(store.find("agent:nobody:main"));
        assertEquals(List.of(), store.list("nobody"));
    }

    @Test
    void fileNamesArePathSafeAndDistinct() {
        assertEquals("agent.main.main.jsonl", SessionFiles.fileName("agent:main:main"));
        assertEquals("agent.x.webchat.direct.a%2Fb%2E%2E.jsonl", SessionFiles.fileName("agent:x:webchat:direct:a/b.."));
        assertNotEquals(SessionFiles.fileName("a:b"), SessionFiles.fileName("a.b"));
        String longKey = "agent:main:" + "x".repeat(500);
        assertTrue(SessionFiles.fileName(longKey).length() < 200);
        assertNotEquals(SessionFiles.fileName(longKey), SessionFiles.fileName(longKey + "y"));
        assertEquals("main", SessionFiles.agentOf("agent:main:main"));
        assertEquals("my-bot", AgentFolders.name("My Bot"));
        assertEquals("main", AgentFolders.name("../.."));
    }

    @Test
    void historyReadsOnlyTheTailOfALongTranscript() throws Exception {
        SessionStore store = open(data.resolve("agents"));
        String pad = "x".repeat(300);
        for (int i = 0; i < 400; i++) { // ~140 KB, several times the first tail chunk
            store.append("main", "agent:main:long", Map.of("role", i % 2 == 0 ? "user" : "assistant", "content", i + " " + pad));
            if (i == 200) {
                Files.writeString(store.transcript("main", "agent:main:long"), "{\"role\":\"user\",\"cont", java.nio.file.StandardOpenOption.APPEND);
            }
        }
        List<Map<String, String>> last = store.history("main", "agent:main:long", 3);
        assertEquals(List.of("397 " + pad, "398 " + pad, "399 " + pad), last.stream().map(m -> m.get("content")).toList());
        List<Map<String, String>> many = store.history("main", "agent:main:long", 300);
        assertEquals(300, many.size());
        assertEquals("100 " + pad, many.get(0).get("content"));
        assertEquals(400, store.history("main", "agent:main:long", 1000).size(), "every message, the torn line skipped");
        store.close();
    }

    @Test
    void historyComesFromMemoryWhileOnlyTheStoreWritesAndFromTheFileAfterAnyoneElse() throws Exception {
        SessionStore store = openChecking(data.resolve("agents"));
        String key = "agent:main:cache";
        for (int i = 0; i < 30; i++) {
            store.append("main", key, Map.of("role", i % 2 == 0 ? "user" : "assistant", "content", "m" + i));
            store.append("main", key, Map.of("role", "tool", "content", "not history"));
        }
        List<Map<String, String>> h = store.history("main", key, 5);
        assertEquals(List.of("m25", "m26", "m27", "m28", "m29"), h.stream().map(m -> m.get("content")).toList());
        store.append("main", key, Map.of("role", "user", "content", "m30"));
        assertEquals("m30", store.history("main", key, 5).get(4).get("content"), "the store's own append is in the cached tail");
        assertEquals(20, store.history("main", key, 20).size());

        // someone else appends (an editor, another process): the file is read again
        Path file = store.transcript("main", key);
        Files.writeString(file, "{\"role\":\"assistant\",\"content\":\"by hand\"}\n", java.nio.file.StandardOpenOption.APPEND);
        assertEquals("by hand", store.history("main", key, 5).get(4).get("content"));
        // and a removed transcript has no history
        Files.delete(file);
        assertTrue(store.history("main", key, 5).isEmpty());
        store.append("main", key, Map.of("role", "user", "content", "fresh"));
        assertEquals(List.of(Map.of("role", "user", "content", "fresh")), store.history("main", key, 5));
    }
    @Test
    void anOpenTranscriptFollowsWhatOthersDoToItsFile() throws Exception {
        SessionStore store = openChecking(data.resolve("agents"));
        String key = "agent:main:open";
        store.append("main", key, Map.of("role", "user", "content", "one"));
        Path file = store.transcript("main", key);

        // a torn fragment appended by someone else: the store's next line starts on a line of its own
        Files.write(file, "{\"role\":\"user\",\"cont".getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);
        store.append("main", key, Map.of("role", "assistant", "content", "two"));
        assertEquals(List.of("one", "two"), store.read("main", key).stream().map(l -> l.get("content")).toList());

        // deleted: the next turn (which reads the history first) creates the file again instead of writing to the
        // deleted one
        Files.delete(file);
        assertTrue(store.history("main", key, 10).isEmpty());
        store.append("main", key, Map.of("role", "user", "content", "three"));
        assertEquals(List.of("three"), store.read("main", key).stream().map(l -> l.get("content")).toList());

        // replaced by another file (an editor's save: write a copy, rename it over): the new file gets the line
        Path copy = file.resolveSibling("edited.tmp");
        Files.writeString(copy, "{\"role\":\"user\",\"content\":\"edited\"}\n");
        Files.move(copy, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        assertEquals(List.of("edited"), store.history("main", key, 10).stream().map(m -> m.get("content")).toList());
        store.append("main", key, Map.of("role", "assistant", "content", "four"));
        assertEquals(List.of("edited", "four"), store.read("main", key).stream().map(l -> l.get("content")).toList());

        // truncated to nothing: written from the start, no blank line first
        Files.write(file, new byte[0], StandardOpenOption.TRUNCATE_EXISTING);
        assertTrue(store.history("main", key, 10).isEmpty());
        store.append("main", key, Map.of("role", "user", "content", "five"));
        List<String> lines = Files.readAllLines(file);
        assertEquals(1, lines.size());
        assertTrue(lines.get(0).contains("\"five\""));
    }

    /** Files of this process open under {@code dir} (its descriptors in /proc/self/fd). */
    private static long openFilesUnder(Path dir) throws java.io.IOException {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).startsWith(dir);
                } catch (java.io.IOException gone) {
                    return false; // the listing's own descriptor, closed meanwhile
                }
            }).count();
        }
    }

    @Test
    void manySessionsKeepABoundedNumberOfTranscriptsOpenAndLoseNoLine() throws Exception {
        SessionStore store = open(data.resolve("agents"));
        int sessions = SessionStore.OPEN_TRANSCRIPTS * 2 + 7;
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < sessions; i++) {
                store.append("main", "agent:main:s" + i, Map.of("role", "user", "content", "r" + round));
            }
        }
        long open = openFilesUnder(data);
        assertTrue(open <= SessionStore.OPEN_TRANSCRIPTS, open + " transcripts open");
        for (int i = 0; i < sessions; i++) {
            assertEquals(List.of("r0", "r1"), store.read("main", "agent:main:s" + i).stream().map(l -> l.get("content")).toList());
        }
        store.close();
        long after = openFilesUnder(data);
        assertEquals(0, after, "close() closes every transcript");
        // a late line (a turn ending after deactivation) is written, and leaves nothing open
        store.append("main", "agent:main:s0", Map.of("role", "assistant", "content", "late"));
        store.append("main", "agent:main:late", Map.of("role", "user", "content", "late"));
        assertEquals(0, openFilesUnder(data), "a line after close() leaves its transcript open");
        assertEquals(List.of("r0", "r1", "late"), store.read("main", "agent:main:s0").stream().map(l -> l.get("content")).toList());
    }

    @Test
    void aWriteInterruptedOnItsThreadLosesOnlyThatLine() throws Exception {
        SessionStore store = open(data.resolve("agents"));
        String key = "agent:main:interrupted";
        store.append("main", key, Map.of("role", "user", "content", "one"));
        // an interrupt closes a FileChannel in use: the open transcript must not stay closed for the next lines
        Thread.currentThread().interrupt();
        try {
            store.append("main", key, Map.of("role", "assistant", "content", "lost"));
        } catch (java.io.IOException expected) {
            // ClosedByInterruptException
        } finally {
            Thread.interrupted();
        }
        store.append("main", key, Map.of("role", "assistant", "content", "two"));
        List<Object> contents = store.read("main", key).stream().map(l -> l.get("content")).toList();
        assertEquals("one", contents.get(0));
        assertEquals("two", contents.get(contents.size() - 1));
        assertTrue(contents.size() <= 3, contents.toString());
    }
}
