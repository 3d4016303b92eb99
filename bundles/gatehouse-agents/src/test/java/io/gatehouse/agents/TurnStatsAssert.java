package io.gatehouse.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gatehouse.api.agent.TurnStats;

final class TurnStatsAssert {
    private TurnStatsAssert() {
    }

    static void provider(TurnStats.Snapshot s, String id, int cap, int inFlight, int waiting) {
        TurnStats.Gate g = s.providers().stream().filter(p -> p.id().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("no provider " + id + " in " + s));
        assertEquals(cap, g.maxConcurrent(), g::toString);
        assertEquals(inFlight, g.inFlight(), g::toString);
        assertEquals(waiting, g.waiting(), g::toString);
    }
}
