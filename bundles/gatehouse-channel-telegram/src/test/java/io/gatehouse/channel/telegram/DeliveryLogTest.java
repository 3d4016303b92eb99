package io.gatehouse.channel.telegram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.gatehouse.channel.telegram.DeliveryLog.Entry;
import io.gatehouse.channel.telegram.DeliveryLog.State;

class DeliveryLogTest {
    @TempDir
    Path dir;

    private static Entry dispatched(long chat, long msg, long update) {
        return new Entry(chat, msg, update, State.DISPATCHED, "{\"update_id\":" + update + "}", System.currentTimeMillis());
    }

    @Test
    void aRecordedBatchSurvivesAReopenWithItsOffsetAndStates() throws IOException {
        try (DeliveryLog log = DeliveryLog.open(dir)) {
            assertEquals(0, log.offset());
            Entry a = dispatched(42, 1, 10);
            Entry b = dispatched(42, 2, 11);
            log.recordBatch(13, 12, List.of(a, b), List.of(new Entry(-100, 3, 12, State.DONE, null, 0)));
            log.mark(a, State.SENDING, 0, 0, true);
            log.mark(a, State.REPLIED, 0, 0, false);
            log.mark(b, State.SENDING, 77, 0, true);
        }
        try (DeliveryLog log = DeliveryLog.open(dir)) {
            assertEquals(13, log.offset());
            assertEquals(12, log.lastUpdateId());
            assertEquals(State.REPLIED, log.get(42, 1).state);
            assertNull(log.get(42, 1).raw, "the update is not kept once answered");
            assertEquals(State.SENDING, log.get(42, 2).state);
            assertEquals(77, log.get(42, 2).preview);
            assertNotNull(log.get(42, 2).raw, "kept to finish the preview after a crash");
            assertEquals(State.DONE, log.get(-100, 3).state);
            assertNull(log.get(42, 3), "keys are (chat, message)");
            assertEquals(1, log.unfinished().size());
        }
    }

    @Test
    void aStateNeverGoesBackwards() throws IOException {
        try (DeliveryLog log = DeliveryLog.open(dir)) {
            Entry a = dispatched(1, 1, 1);
            log.recordBatch(2, 1, List.of(a), List.of());
            log.mark(a, State.REPLIED, 0, 0, true);
            log.mark(a, State.SENDING, 0, 0, true);
            assertEquals(State.REPLIED, a.state);
        }
        try (DeliveryLog log = DeliveryLog.open(dir)) {
            assertEquals(State.REPLIED, log.get(1, 1).state);
        }
    }

    @Test
    void aTornLastLineIsDroppedAndTheRestKept() throws IOException {
        try (DeliveryLog log = DeliveryLog.open(dir)) {
            log.recordBatch(6, 5, List.of(dispatched(7, 1, 5)), List.of());
        }
        // the process died in the middle of writing the next batch
        Files.write(dir.resolve("journal"), "{\"t\":\"b\",\"o\":9,\"lu\":8,\"d\":[{\"c\":7,\"m\":2".getBytes(StandardCharsets.UTF_8),
                StandardOpenOption.APPEND);
        try (DeliveryLog log = DeliveryLog.open(dir)) {
            assertEquals(1, log.droppedOnOpen());
            assertEquals(6, log.offset(), "the torn batch was never acknowledged: its updates come again");
            assertNull(log.get(7, 2));
            assertNotNull(log.get(7, 1));
            log.recordBatch(9, 8, List.of(dispatched(7, 2, 8)), List.of());
        }
        try (DeliveryLog log = DeliveryLog.open(dir)) {
            assertEquals(0, log.droppedOnOpen());
            assertEquals(9, log.offset());
            assertNotNull(log.get(7, 2));
        }
    }

    @Test
    void compactionKeepsEverythingThatMattersAndStartsTheJournalOver() throws Exception {
        try (DeliveryLog log = DeliveryLog.open(dir)) {
            log.compactAfter(500);
            List<Entry> all = new ArrayList<>();
            for (int i = 1; i <= 600; i++) {
                Entry e = dispatched(5, i, i);
                all.add(e);
                log.recordBatch(i + 1, i, List.of(e), List.of());
                if (i % 2 == 0) {
                    log.mark(e, State.REPLIED, 0, 0, false);
                }
            }
            log.awaitIdle();
            assertTrue(Files.exists(dir.resolve("state.json")), "compacted at 500 records");
            assertTrue(Files.readAllLines(dir.resolve("journal")).size() < 500, "the journal started over");
        }
        try (DeliveryLog log = DeliveryLog.open(dir)) {
            assertEquals(601, log.offset());
            assertEquals(600, log.size());
            assertEquals(300, log.unfinished().size());
            assertEquals(State.REPLIED, log.get(5, 600).state);
            assertEquals(State.DISPATCHED, log.get(5, 599).state);
            assertEquals("{\"update_id\":599}", log.get(5, 599).raw);
            assertEquals(State.DISPATCHED, log.get(5, 1).state, "from the snapshot");
            assertEquals(State.REPLIED, log.get(5, 2).state, "from the snapshot");
        }
    }

    @Test
    void recordsWrittenTogetherShareOneForce() throws Exception {
        try (DeliveryLog log = DeliveryLog.open(dir)) {
            Entry a = dispatched(1, 1, 1);
            log.recordBatch(2, 1, List.of(a), List.of(), false);
            var first = log.durable();
            log.mark(a, State.SENDING, 0, 0, false);
            var second = log.durable();
            first.get(10, java.util.concurrent.TimeUnit.SECONDS);
            second.get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertTrue(log.durable().isDone(), "nothing left to force");
        }
        try (DeliveryLog log = DeliveryLog.open(dir)) {
            assertEquals(State.SENDING, log.get(1, 1).state);
        }
    }

    @Test
    void oneLogPerBotInAProcess() throws IOException {
        try (DeliveryLog log = DeliveryLog.open(dir)) {
            IOException e = assertThrows(IOException.class, () -> DeliveryLog.open(dir));
            assertTrue(e.getMessage().contains("already polled here"), e.getMessage());
        }
        DeliveryLog.open(dir).close(); // released on close
    }

    @Test
    void anUnreadableSnapshotIsNamedAndNotOverwritten() throws IOException {
        Files.writeString(dir.resolve("state.json"), "{ not json");
        IOException e = assertThrows(IOException.class, () -> DeliveryLog.open(dir));
        assertTrue(e.getMessage().contains(dir.resolve("state.json").toString()) && e.getMessage().contains("unreadable"), e.getMessage());
        assertEquals("{ not json", Files.readString(dir.resolve("state.json")));
        DeliveryLog.open(dir.resolve("other")).close(); // and the lock was released
    }
}
