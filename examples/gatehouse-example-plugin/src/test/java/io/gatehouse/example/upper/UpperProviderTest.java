package io.gatehouse.example.upper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.gatehouse.api.agent.ModelReply;
import io.gatehouse.api.agent.ModelRequest;

class UpperProviderTest {
    static final List<Map<String, Object>> CHAT = List.of(
            Map.of("role", "system", "content", "be loud"),
            Map.of("role", "user", "content", "first"),
            Map.of("role", "assistant", "content", "FIRST"),
            Map.of("role", "user", "content", "hello there, world"));

    final UpperProvider provider = new UpperProvider("1.2.3", new UpperProvider.Defaults("UPPER: ", 0, false));

    @AfterEach
    void stop() {
        provider.deactivate();
    }

    String complete(List<Map<String, Object>> chat, Map<String, Object> options, Consumer<String> onDelta) throws Exception {
        return provider.complete(new ModelRequest(chat, options), onDelta).toCompletableFuture().get(10, TimeUnit.SECONDS).text();
    }

    @Test
    void repliesWithTheLastUserMessageUpperCasedAfterTheDefaultPrefix() throws Exception {
        List<String> deltas = new ArrayList<>();
        String reply = complete(CHAT, Map.of(), deltas::add);
        assertEquals("UPPER: HELLO THERE, WORLD", reply);
        assertEquals(reply, String.join("", deltas));
        assertTrue(deltas.size() > 1, "streamed in " + deltas);
    }

    @Test
    void optionsOverrideTheDefaults() throws Exception {
        assertEquals(">> HELLO THERE, WORLD", complete(CHAT, Map.of("prefix", ">> "), d -> { }));
        assertEquals("UPPER: HELLO THERE, WORLD [example-upper 1.2.3]", complete(CHAT, Map.of("showVersion", true), d -> { }));
        assertEquals("UPPER: ", complete(List.of(Map.of("role", "system", "content", "x")), Map.of(), d -> { }));
    }

    @Test
    void delayMsAnswersLaterWithoutHoldingTheCallerAndCountsAsInFlightMeanwhile() throws Exception {
        List<Integer> pendingAtDelta = new CopyOnWriteArrayList<>();
        CompletableFuture<ModelReply> f = provider.complete(new ModelRequest(CHAT, Map.of("delayMs", 40)),
                d -> pendingAtDelta.add(provider.pending())).toCompletableFuture();
        // complete() returned before any delta: the pauses run on the provider's timer, not the caller's thread
        assertTrue(pendingAtDelta.isEmpty() || !f.isDone());
        assertEquals("UPPER: HELLO THERE, WORLD", f.get(10, TimeUnit.SECONDS).text());
        assertEquals(3, pendingAtDelta.size());
        assertTrue(pendingAtDelta.stream().allMatch(n -> n == 1), pendingAtDelta.toString());
        assertEquals(0, provider.pending());
        assertEquals(UpperProvider.ID, provider.name());
    }

    @Test
    void cancellingStopsTheReply() throws Exception {
        CompletableFuture<Void> cancel = new CompletableFuture<>();
        List<String> deltas = new CopyOnWriteArrayList<>();
        CompletableFuture<ModelReply> f = provider.complete(new ModelRequest(CHAT, Map.of("delayMs", 60_000), List.of(),
                ModelRequest.ToolChoice.AUTO, cancel), deltas::add).toCompletableFuture();
        cancel.complete(null);
        assertTrue(f.isCancelled());
        assertTrue(deltas.isEmpty());
        assertEquals(0, provider.pending());
    }

    @Test
    void chunksJoinBackToTheText() {
        for (String s : List.of("", "a", "ab", "abc", "UPPER: HELLO")) {
            assertEquals(s, String.join("", UpperProvider.chunks(s, 3)), s);
            assertTrue(UpperProvider.chunks(s, 3).size() <= 3);
        }
    }
}
