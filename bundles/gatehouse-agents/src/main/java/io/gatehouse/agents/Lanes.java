package io.gatehouse.agents;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Runs tasks on a bounded pool of threads, one at a time per key and in submission order per key:
 * two messages to the same session run one after the other, different sessions in parallel.
 * Counts running and queued tasks for in-flight accounting.
 */
final class Lanes {
    private final ThreadPoolExecutor pool;
    private final int maxQueued;
    /** Key to the tasks waiting behind the running one; a key is present while its lane has a worker. Guarded by itself. */
    private final Map<String, ArrayDeque<Supplier<Runnable>>> lanes = new HashMap<>();
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger queued = new AtomicInteger();
    private volatile boolean closed;

    Lanes(String threadPrefix, int threads, int maxQueued) {
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, threadPrefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.pool.allowCoreThreadTimeOut(true);
        this.maxQueued = maxQueued;
    }

    /**
     * Queues a task behind the key's earlier ones. The task does the work and returns what completes
     * it (e.g. completing the caller's future), which runs after the task stopped counting as running,
     * so whoever sees the completion sees the turn gone from {@link #running()}.
     *
     * @throws RejectedExecutionException when closed or when {@code maxQueued} tasks are already waiting
     */
    void submit(String key, Supplier<Runnable> task) {
        synchronized (lanes) {
            if (closed) {
                throw new RejectedExecutionException("the agents bundle is stopping");
            }
            if (queued.get() >= maxQueued) {
                throw new RejectedExecutionException("too many queued agent turns (" + maxQueued + ")");
            }
            queued.incrementAndGet();
            ArrayDeque<Supplier<Runnable>> lane = lanes.get(key);
            if (lane != null) {
                lane.addLast(task);
                return;
            }
            lane = new ArrayDeque<>();
            lane.addLast(task);
            lanes.put(key, lane);
            try {
                pool.execute(() -> drain(key));
            } catch (RejectedExecutionException e) {
                lanes.remove(key);
                queued.decrementAndGet();
                throw e;
            }
        }
    }

    /** Runs the key's tasks until its lane is empty (the lane stays with this worker meanwhile). */
    private void drain(String key) {
        while (true) {
            Supplier<Runnable> next;
            synchronized (lanes) {
                ArrayDeque<Supplier<Runnable>> lane = lanes.get(key);
                next = lane == null ? null : lane.pollFirst();
                if (next == null) {
                    lanes.remove(key);
                    return;
                }
                queued.decrementAndGet();
                running.incrementAndGet();
            }
            Runnable completion = null;
            try {
                completion = next.get();
            } catch (RuntimeException | Error e) {
                // tasks complete their own futures; nothing may stop the lane
            } finally {
                running.decrementAndGet();
            }
            if (completion != null) {
                try {
                    completion.run();
                } catch (RuntimeException | Error e) {
                    // a caller's completion stage callback failed: not the lane's business
                }
            }
        }
    }

    int running() {
        return running.get();
    }

    int queued() {
        return queued.get();
    }

    /** Takes no new tasks, lets queued ones run for up to {@code timeoutMs}, then interrupts what is left. */
    boolean close(long timeoutMs) throws InterruptedException {
        synchronized (lanes) {
            closed = true;
        }
        pool.shutdown();
        if (pool.awaitTermination(timeoutMs, TimeUnit.MILLISECONDS)) {
            return true;
        }
        pool.shutdownNow();
        return pool.awaitTermination(2, TimeUnit.SECONDS);
    }

    ExecutorService pool() {
        return pool;
    }
}
