package io.gatehouse.example.upper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class UpperProviderTest {
    static final List<Map<String, String>> CHAT = List.of(
            Map.of("role", "system", "content", "be loud"),
            Map.of("role", "user", "content", "first"),
            Map.of("role", "assistant", "content", "FIRST"),
            Map.of("role", "user", "content", "hello there, world"));

    final UpperProvider provider = new UpperProvider("1.2.3", new UpperProvider.Defaults("UPPER: ", 0, false));

    @Test
    void repliesWithTheLastUserMessageUpperCasedAfterTheDefaultPrefix() throws Exception {
        List<String> deltas = new ArrayList<>();
        String reply = provider.complete(CHAT, Map.of(), deltas::add);
        assertEquals("UPPER: HELLO THERE, WORLD", reply);
        assertEquals(reply, String.join("", deltas));
        assertTrue(deltas.size() > 1, "streamed in " + deltas);
    }

    @Test
    void optionsOverrideTheDefaults() throws Exception {
        assertEquals(">> HELLO THERE, WORLD", provider.complete(CHAT, Map.of("prefix", ">> "), d -> { }));
        assertEquals("UPPER: HELLO THERE, WORLD [example-upper 1.2.3]",
                provider.complete(CHAT, Map.of("showVersion", true), d -> { }));
        assertEquals("UPPER: ", provider.complete(List.of(Map.of("role", "system", "content", "x")), Map.of(), d -> { }));
    }

    @Test
    void delayMsPausesBeforeEachDeltaAndTheReplyCountsAsInFlightMeanwhile() throws Exception {
        List<Integer> pendingAtDelta = new ArrayList<>();
        List<Long> deltaTimes = new ArrayList<>();
        long t0 = System.nanoTime();
        String reply = provider.complete(CHAT, Map.of("delayMs", 40), d -> {
            pendingAtDelta.add(provider.pending());
            deltaTimes.add(System.nanoTime());
        });
        long elapsedMs = (System.nanoTime() - t0) / 1_000_000;
        assertEquals("UPPER: HELLO THERE, WORLD", reply);
        assertTrue(elapsedMs >= 40L * deltaTimes.size(), "took " + elapsedMs + " ms for " + deltaTimes.size() + " deltas");
        assertTrue(pendingAtDelta.stream().allMatch(n -> n == 1), pendingAtDelta.toString());
        assertEquals(0, provider.pending());
        assertEquals(UpperProvider.ID, provider.name());
    }

    @Test
    void chunksJoinBackToTheText() {
        for (String s : List.of("", "a", "ab", "abc", "UPPER: HELLO")) {
            assertEquals(s, String.join("", UpperProvider.chunks(s, 3)), s);
            assertTrue(UpperProvider.chunks(s, 3).size() <= 3);
        }
    }
}
