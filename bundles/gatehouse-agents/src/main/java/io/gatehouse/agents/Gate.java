package io.gatehouse.agents;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.gatehouse.api.agent.TurnStats;

/**
 * A counting gate with a fair queue and no threads: at most {@code limit} holders (0: no limit); a
 * caller that cannot enter leaves a {@link Waiter} whose callback runs when a slot is handed to it.
 * Fair: waiters are grouped by a key (the agent, for a provider's gate); a free slot goes to the waiting
 * key that holds the fewest slots (the longest-waiting such key first), FIFO within a key, so one agent
 * with a thousand waiting turns does not starve another with one.
 *
 * <p>The limit is read live: every {@link #acquire} passes the one in force, and {@link #setLimit} (on
 * a config change) hands freed slots to waiters at once.
 */
final class Gate {
    /** A turn waiting for a slot. */
    static final class Waiter {
        final String key;
        final long since = System.nanoTime();
        final Runnable onGrant;
        boolean done; // guarded by the gate

        Waiter(String key, Runnable onGrant) {
            this.key = key;
            this.onGrant = onGrant;
        }
    }

    final String id;
    private int limit; // 0: none
    private int inUse;
    private int waiting;
    /** Keys with waiters, in the order they started waiting; each key's waiters FIFO. */
    private final java.util.LinkedHashMap<String, ArrayDeque<Waiter>> byKey = new java.util.LinkedHashMap<>();
    /** Slots held per key. */
    private final Map<String, int[]> held = new HashMap<>();

    Gate(String id) {
        this.id = id;
    }

    /**
     * Takes a slot now (returns null) or queues {@code onGrant} for when one is free (returns the
     * waiter, which {@link #cancel} can withdraw). Granted callbacks are returned by {@link #release}
     * and {@link #setLimit} to the caller, who runs them outside any lock.
     */
    synchronized Waiter acquire(String key, int limit, Runnable onGrant) {
        this.limit = Math.max(0, limit);
        if (waiting == 0 && (this.limit == 0 || inUse < this.limit)) {
            take(key);
            return null;
        }
        Waiter w = new Waiter(key, onGrant);
        byKey.computeIfAbsent(key, k -> new ArrayDeque<>()).addLast(w);
        waiting++;
        return w;
    }

    private void take(String key) {
        inUse++;
        held.computeIfAbsent(key, k -> new int[1])[0]++;
    }

    /** Gives back a slot {@code key} held; returns the callbacks of waiters that got a slot (run them outside locks). */
    synchronized List<Runnable> release(String key) {
        inUse = Math.max(0, inUse - 1);
        int[] h = held.get(key);
        if (h != null && --h[0] <= 0) {
            held.remove(key);
        }
        return grant();
    }

    /** A new limit (config change); returns the callbacks of waiters that now get a slot. */
    synchronized List<Runnable> setLimit(int limit) {
        this.limit = Math.max(0, limit);
        return grant();
    }

    /** Withdraws a waiter; true when it was still waiting (it then never gets a slot). */
    synchronized boolean cancel(Waiter w) {
        if (w == null || w.done) {
            return false;
        }
        w.done = true;
        ArrayDeque<Waiter> q = byKey.get(w.key);
        if (q != null && q.remove(w)) {
            waiting--;
            if (q.isEmpty()) {
                byKey.remove(w.key);
            }
            return true;
        }
        return false;
    }

    private List<Runnable> grant() {
        List<Runnable> granted = null;
        while (waiting > 0 && (limit == 0 || inUse < limit)) {
            String key = null;
            int least = Integer.MAX_VALUE;
            for (String k : byKey.keySet()) { // in the order the keys started waiting: ties go to the earliest
                int[] h = held.get(k);
                int n = h == null ? 0 : h[0];
                if (n < least) {
                    least = n;
                    key = k;
                    if (n == 0) {
                        break;
                    }
                }
            }
            ArrayDeque<Waiter> q = byKey.get(key);
            Waiter w = q.pollFirst();
            if (q.isEmpty()) {
                byKey.remove(key);
            } else {
                byKey.remove(key);
                byKey.put(key, q); // it was served: behind the keys that waited longer
            }
            waiting--;
            w.done = true;
            take(key);
            if (granted == null) {
                granted = new ArrayList<>();
            }
            granted.add(w.onGrant);
        }
        return granted == null ? List.of() : granted;
    }

    synchronized boolean idle() {
        return inUse == 0 && waiting == 0;
    }

    synchronized int inUse() {
        return inUse;
    }

    synchronized int waiting() {
        return waiting;
    }

    synchronized TurnStats.Gate stats(long now) {
        long oldest = 0;
        for (ArrayDeque<Waiter> q : byKey.values()) {
            Waiter first = q.peekFirst();
            if (first != null) {
                oldest = Math.max(oldest, (now - first.since) / 1_000_000);
            }
        }
        return new TurnStats.Gate(id, limit, inUse, waiting, oldest);
    }
}
