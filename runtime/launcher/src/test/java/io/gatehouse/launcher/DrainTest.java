package io.gatehouse.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

import org.junit.jupiter.api.Test;

import io.gatehouse.launcher.api.InFlightWork;

class DrainTest {

    /** In-flight work whose count the test scripts; records beginDrain. */
    private static final class Work implements InFlightWork {
        final String name;
        final IntSupplier pending;
        final AtomicInteger drains = new AtomicInteger();
        final AtomicInteger polls = new AtomicInteger();

        Work(String name, IntSupplier pending) {
            this.name = name;
            this.pending = pending;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public int pending() {
            polls.incrementAndGet();
            return pending.getAsInt();
        }

        @Override
        public void beginDrain() {
            drains.incrementAndGet();
        }
    }

    @Test
    void workThatNeverFinishesIsAbandonedAtTheDeadline() {
        Work stuck = new Work("agent-turns", () -> 2);
        long t0 = System.nanoTime();
        Drain.Outcome o = Drain.await(List.of(stuck), 150);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertFalse(o.drained());
        assertEquals(List.of("agent-turns=2"), o.busy());
        assertTrue(ms >= 150, "returned before the deadline: " + ms + " ms");
        assertTrue(ms < 2_000, "the deadline did not bound the wait: " + ms + " ms");
        assertEquals(1, stuck.drains.get(), "beginDrain once");
    }

    @Test
    void aZeroDeadlineStillAsksOnceAndDoesNotWait() {
        Work stuck = new Work("http-requests", () -> 1);
        long t0 = System.nanoTime();
        assertFalse(Drain.await(List.of(stuck), 0).drained());
        assertTrue((System.nanoTime() - t0) / 1_000_000 < 1_000);
        assertEquals(1, stuck.drains.get());
    }

    @Test
    void workThatFinishesEndsTheDrainBeforeTheDeadline() {
        AtomicInteger calls = new AtomicInteger();
        Work finishing = new Work("channel-messages", () -> calls.incrementAndGet() < 5 ? 1 : 0);
        Work idle = new Work("shell-commands", () -> 0);
        long t0 = System.nanoTime();
        Drain.Outcome o = Drain.await(List.of(finishing, idle), 30_000);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(o.drained());
        assertEquals(List.of(), o.busy());
        assertTrue(ms < 5_000, "waited " + ms + " ms for work that had finished");
        assertEquals(1, idle.drains.get());
    }

    @Test
    void zeroMustHoldForTheSettleTimeBeforeTheDrainEnds() {
        // zero, then busy again (a connection Jetty created late), then zero for good
        AtomicInteger calls = new AtomicInteger();
        Work flicker = new Work("http-requests", () -> calls.incrementAndGet() == 2 ? 1 : 0);
        long t0 = System.nanoTime();
        assertTrue(Drain.await(List.of(flicker), 5_000).drained());
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms >= Drain.SETTLE_MS, "ended after " + ms + " ms, before zero held for " + Drain.SETTLE_MS + " ms");
        assertTrue(flicker.polls.get() >= 3);
    }

    @Test
    void workOfAStoppingBundleThatThrowsCountsAsDone() {
        Work gone = new Work("gone", () -> {
            throw new IllegalStateException("bundle stopped");
        });
        assertTrue(Drain.await(List.of(gone), 5_000).drained());
    }
}
