package io.gatehouse.agents;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.gatehouse.api.agent.TurnStats;
import io.gatehouse.api.channel.TurnRejectedException;

/**
 * Schedules turns without holding a thread while they wait.
 *
 * <ul>
 * <li><b>Sessions.</b> One lane per session key: its turns run one after the other, in arrival order;
 * different sessions run in parallel, with no cap on how many.</li>
 * <li><b>Gates.</b> A turn may wait for a slot of its agent ({@code maxConcurrent} of the agent) and, for
 * each model request, of its provider ({@code models.providers.<id>.maxConcurrent}); see {@link Gate}.</li>
 * <li><b>Queue cap.</b> Turns accepted but not started (behind their session's turn or waiting for a
 * slot) are counted; a message that would exceed the cap is refused at once with
 * {@link TurnRejectedException}.</li>
 * <li><b>Threads.</b> A small pool runs the CPU part of turns (prompt, transcript, reply) when a turn
 * becomes runnable because another finished or a slot was freed; nothing on it waits for a model.
 * A timer thread runs timeouts.</li>
 * </ul>
 */
final class TurnEngine {
    private static final Logger LOG = LoggerFactory.getLogger(TurnEngine.class);
    /** When a full queue's refusal says to retry. */
    static final long RETRY_AFTER_SECONDS = 2;

    /** One session's turns: the one started ({@code active}) and those behind it. Changed only inside {@code lanes.compute}. */
    private static final class Lane {
        TurnRun active;
        final ArrayDeque<TurnRun> waiting = new ArrayDeque<>(2);
    }

    /**
     * Session key to its lane, present while the session has a turn. Per-key atomic updates
     * ({@code compute}), so sessions never wait for each other's bookkeeping; no global lock on the
     * message path.
     */
    private final ConcurrentHashMap<String, Lane> lanes = new ConcurrentHashMap<>();
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger queued = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicLong accepted = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong rejected = new java.util.concurrent.atomic.AtomicLong();
    private volatile boolean closed;
    /** Woken when running + queued reaches 0 (the drain at stop waits on it). */
    private final Object idle = new Object();
    private final java.util.concurrent.atomic.AtomicLong completed = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong failed = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong cancelled = new java.util.concurrent.atomic.AtomicLong();

    private final Map<String, Gate> providerGates = new ConcurrentHashMap<>();
    private final Map<String, Gate> agentGates = new ConcurrentHashMap<>();
    private final IntSupplier maxQueued;
    private final ThreadPoolExecutor pool;
    private final ThreadPoolExecutor recorder;
    private final ScheduledThreadPoolExecutor timer;

    TurnEngine(String threadPrefix, int threads, IntSupplier maxQueued) {
        this.maxQueued = maxQueued;
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, threadPrefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.pool.allowCoreThreadTimeOut(true);
        AtomicInteger transcripts = new AtomicInteger();
        this.recorder = new ThreadPoolExecutor(2, 2, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), task -> {
            Thread t = new Thread(task, threadPrefix.replace("turn-", "transcript-") + transcripts.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.recorder.allowCoreThreadTimeOut(true);
        this.timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, threadPrefix + "timer");
            t.setDaemon(true);
            return t;
        });
        this.timer.setRemoveOnCancelPolicy(true);
        this.timer.setKeepAliveTime(30, TimeUnit.SECONDS);
        this.timer.allowCoreThreadTimeOut(true);
    }

    Executor executor() {
        return this::execute;
    }

    ScheduledExecutorService timer() {
        return timer;
    }

    /** Runs transcript writes (blocking file I/O, off every turn's path); on the caller's thread once stopped. */
    Executor recorder() {
        return task -> {
            try {
                recorder.execute(task);
            } catch (RejectedExecutionException stopping) {
                task.run();
            }
        };
    }

    /** Runs a task on the pool; when the pool is gone (stopping) on the caller's thread, so nothing is lost. */
    void execute(Runnable task) {
        try {
            pool.execute(task);
        } catch (RejectedExecutionException stopping) {
            task.run();
        }
    }

    /** Runs granted gate callbacks on the pool (never on the releasing thread, which may hold a turn's state). */
    void runAll(List<Runnable> granted) {
        for (Runnable r : granted) {
            execute(r);
        }
    }

    Gate providerGate(String ref) {
        return providerGates.computeIfAbsent(ref, Gate::new);
    }

    Gate agentGate(String agent) {
        return agentGates.computeIfAbsent(agent, Gate::new);
    }

    /** Config changed: new limits hand freed slots to waiters at once. */
    void limits(java.util.function.ToIntFunction<String> providerLimit, java.util.function.ToIntFunction<String> agentLimit) {
        for (Gate g : providerGates.values()) {
            runAll(g.setLimit(providerLimit.applyAsInt(g.id)));
        }
        for (Gate g : agentGates.values()) {
            runAll(g.setLimit(agentLimit.applyAsInt(g.id)));
        }
    }

    /**
     * Accepts a turn: queued behind its session's turns, or started at once (on the caller's thread)
     * when its session is idle.
     *
     * @throws TurnRejectedException when the queue is full or the engine is stopping
     */
    void submit(TurnRun t) {
        if (closed) {
            rejected.incrementAndGet();
            throw new TurnRejectedException("the agent runtime is stopping", 1);
        }
        int cap = maxQueued.getAsInt();
        int q = queued.incrementAndGet();
        if (q > cap) {
            queued.decrementAndGet();
            rejected.incrementAndGet();
            throw new TurnRejectedException("the gateway is busy: " + (q - 1) + " turns are waiting (agents.maxQueuedTurns "
                    + cap + "); try again later", RETRY_AFTER_SECONDS);
        }
        accepted.incrementAndGet();
        boolean[] startNow = {false};
        lanes.compute(t.key, (k, lane) -> {
            if (lane == null) {
                lane = new Lane();
            }
            if (lane.active == null) {
                lane.active = t;
                startNow[0] = true;
            } else {
                lane.waiting.addLast(t);
            }
            return lane;
        });
        if (startNow[0]) {
            t.start();
        }
    }

    /** The turn got what it needs to send its first model request: it counts as running from now. */
    void markRunning(TurnRun t) {
        synchronized (t.counts) {
            if (t.countedRunning || t.countedDone) {
                return;
            }
            t.countedRunning = true;
        }
        queued.decrementAndGet();
        running.incrementAndGet();
    }

    /**
     * The turn is over (replied, failed or cancelled): its session's next turn starts, on the pool.
     * Idempotent.
     */
    void finished(TurnRun t, Outcome outcome) {
        boolean wasRunning;
        synchronized (t.counts) {
            if (t.countedDone) {
                return;
            }
            t.countedDone = true;
            wasRunning = t.countedRunning;
        }
        TurnRun[] next = {null};
        lanes.computeIfPresent(t.key, (k, lane) -> {
            if (lane.active == t) {
                next[0] = lane.waiting.pollFirst();
                lane.active = next[0];
                return next[0] == null ? null : lane;
            }
            lane.waiting.remove(t);
            return lane;
        });
        int left = (wasRunning ? running.decrementAndGet() : queued.decrementAndGet()) + (wasRunning ? queued.get() : running.get());
        if (left == 0 || closed) {
            synchronized (idle) {
                idle.notifyAll();
            }
        }
        switch (outcome) {
            case COMPLETED -> completed.incrementAndGet();
            case FAILED -> failed.incrementAndGet();
            case CANCELLED -> cancelled.incrementAndGet();
        }
        if (next[0] != null) {
            TurnRun n = next[0];
            execute(n::start);
        }
    }

    enum Outcome { COMPLETED, FAILED, CANCELLED }

    int running() {
        return running.get();
    }

    int queued() {
        return queued.get();
    }

    /** Running plus queued. */
    int pending() {
        return running.get() + queued.get();
    }

    TurnStats.Snapshot snapshot() {
        long now = System.nanoTime();
        long oldest = Long.MAX_VALUE;
        int sessions = 0;
        if (queued.get() > 0) {
            for (String key : lanes.keySet()) {
                long[] o = {Long.MAX_VALUE};
                lanes.computeIfPresent(key, (k, lane) -> {
                    if (lane.active != null && !lane.active.countedRunning) {
                        o[0] = Math.min(o[0], lane.active.acceptedNanos);
                    }
                    TurnRun first = lane.waiting.peekFirst();
                    if (first != null) {
                        o[0] = Math.min(o[0], first.acceptedNanos);
                    }
                    return lane;
                });
                oldest = Math.min(oldest, o[0]);
            }
        }
        sessions = lanes.size();
        List<TurnStats.Gate> providers = gates(providerGates, now);
        List<TurnStats.Gate> agents = gates(agentGates, now);
        return new TurnStats.Snapshot(running.get(), queued.get(), maxQueued.getAsInt(),
                oldest == Long.MAX_VALUE ? 0 : (now - oldest) / 1_000_000, accepted.get(), completed.get(), failed.get(),
                cancelled.get(), rejected.get(), sessions, providers, agents);
    }

    private static List<TurnStats.Gate> gates(Map<String, Gate> gates, long now) {
        List<TurnStats.Gate> out = new ArrayList<>();
        for (Gate g : gates.values()) {
            TurnStats.Gate s = g.stats(now);
            if (s.maxConcurrent() > 0 || s.inFlight() > 0 || s.waiting() > 0) {
                out.add(s);
            }
        }
        out.sort(Comparator.comparing(TurnStats.Gate::id));
        return out;
    }

    /**
     * Takes no new turns and waits up to {@code timeoutMs} for running and queued ones to finish; then
     * cancels what is left and stops the threads. True when everything finished in time.
     */
    boolean close(long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        closed = true;
        synchronized (idle) {
            while (pending() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                idle.wait(Math.max(1, Math.min(100, TimeUnit.NANOSECONDS.toMillis(left))));
            }
        }
        boolean drained = pending() == 0;
        if (!drained) {
            List<TurnRun> left = new ArrayList<>();
            for (String key : lanes.keySet()) {
                lanes.computeIfPresent(key, (k, lane) -> {
                    if (lane.active != null) {
                        left.add(lane.active);
                    }
                    left.addAll(lane.waiting);
                    return lane;
                });
            }
            LOG.warn("{} agent turn(s) still running or queued after {} ms at stop are cancelled", left.size(), timeoutMs);
            for (TurnRun t : left) {
                t.cancel("the agent runtime stopped before the turn finished");
            }
        }
        recorder.shutdown(); // the cancelled turns' lines are queued already: let them be written
        if (!recorder.awaitTermination(5, TimeUnit.SECONDS)) {
            recorder.shutdownNow();
        }
        pool.shutdown();
        timer.shutdownNow();
        if (!pool.awaitTermination(2, TimeUnit.SECONDS)) {
            pool.shutdownNow();
        }
        return drained;
    }

    boolean isClosed() {
        return closed;
    }
}
