package io.gatehouse.canvas;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Turns file events into settled batches: one batch per burst of saves, never a half-written file.
 *
 * <p>Events make their paths dirty. A batch is released once no event came for {@code quietMs} and every
 * dirty file looks completely written ({@link CanvasFiles#looksComplete}: an empty file or an HTML document
 * whose {@code </html>} has not arrived yet is waited for, re-checked every {@code recheckMs}, up to
 * {@code maxWaitMs} of quiet). A save is a burst of its own writes (truncate, write, rename), so the quiet
 * time is the settle time; the completeness test covers writers that pause in the middle of a file, which
 * a quiet time alone (the reference waits 75 ms + 75 ms) can only make less likely.
 *
 * <p>While a path is dirty, {@link #settled(Path)} lets a request for it wait for the batch, so a page that
 * reloads during a burst gets the final content, not a torn one.
 *
 * <p>All checks run on the given single-threaded executor; {@link #changed} may be called from any thread.
 */
final class ChangeSettler {
    private final ScheduledExecutorService executor;
    private final long quietNanos;
    private final long maxWaitNanos;
    private final long recheckMs;
    private final BiConsumer<Set<Path>, Long> onSettled;

    // guarded by this
    private final Set<Path> dirty = new LinkedHashSet<>();
    private final Map<Path, List<CompletableFuture<Void>>> waiters = new HashMap<>();
    private long lastEventNanos;
    private long lastEventMillis;
    private ScheduledFuture<?> scheduled;
    private long scheduledFor;
    private boolean closed;

    /**
     * @param onSettled called with each settled batch and the wall-clock time (ms) of its last event, on the executor
     */
    ChangeSettler(ScheduledExecutorService executor, long quietMs, long maxWaitMs, long recheckMs,
            BiConsumer<Set<Path>, Long> onSettled) {
        this.executor = executor;
        this.quietNanos = TimeUnit.MILLISECONDS.toNanos(quietMs);
        this.maxWaitNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(quietMs, maxWaitMs));
        this.recheckMs = Math.max(1, recheckMs);
        this.onSettled = onSettled;
    }

    /** Paths that changed (created, written, deleted). */
    void changed(Set<Path> paths) {
        if (paths.isEmpty()) {
            return;
        }
        synchronized (this) {
            if (closed) {
                return;
            }
            dirty.addAll(paths);
            lastEventNanos = System.nanoTime();
            lastEventMillis = System.currentTimeMillis();
            scheduleAt(lastEventNanos + quietNanos);
        }
    }

    /** Whether a change of this path is waiting to settle. */
    synchronized boolean isDirty(Path p) {
        return dirty.contains(p);
    }

    /** Completes when the path is not (or no longer) dirty; never fails. */
    CompletableFuture<Void> settled(Path p) {
        synchronized (this) {
            if (!dirty.contains(p) || closed) {
                return CompletableFuture.completedFuture(null);
            }
            CompletableFuture<Void> f = new CompletableFuture<>();
            waiters.computeIfAbsent(p, k -> new ArrayList<>()).add(f);
            return f;
        }
    }

    synchronized int pending() {
        return dirty.size();
    }

    /** Stops: releases every waiter, forgets what is dirty. */
    void close() {
        List<CompletableFuture<Void>> release = new ArrayList<>();
        synchronized (this) {
            closed = true;
            if (scheduled != null) {
                scheduled.cancel(false);
            }
            waiters.values().forEach(release::addAll);
            waiters.clear();
            dirty.clear();
        }
        release.forEach(f -> f.complete(null));
    }

    private void scheduleAt(long nanos) {
        if (scheduled != null && !scheduled.isDone() && scheduledFor <= nanos) {
            return; // an earlier check will reschedule itself
        }
        if (scheduled != null) {
            scheduled.cancel(false);
        }
        scheduledFor = nanos;
        long delay = Math.max(0, nanos - System.nanoTime());
        try {
            scheduled = executor.schedule(this::check, delay, TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // shutting down
        }
    }

    private void check() {
        Set<Path> batch;
        long seen;
        synchronized (this) {
            scheduled = null;
            if (closed || dirty.isEmpty()) {
                return;
            }
            long now = System.nanoTime();
            if (now - lastEventNanos < quietNanos) {
                scheduleAt(lastEventNanos + quietNanos);
                return;
            }
            batch = Set.copyOf(dirty);
            seen = lastEventNanos;
        }
        boolean complete = true;
        for (Path p : batch) {
            if (!complete(p)) {
                complete = false;
                break;
            }
        }
        List<CompletableFuture<Void>> release = new ArrayList<>();
        Set<Path> settled;
        long lastMillis;
        synchronized (this) {
            if (closed) {
                return;
            }
            if (lastEventNanos != seen) {
                scheduleAt(lastEventNanos + quietNanos); // written to while we looked
                return;
            }
            long now = System.nanoTime();
            if (!complete && now - lastEventNanos < maxWaitNanos) {
                scheduleAt(now + TimeUnit.MILLISECONDS.toNanos(recheckMs));
                return;
            }
            settled = new LinkedHashSet<>(dirty);
            dirty.clear();
            for (Path p : settled) {
                List<CompletableFuture<Void>> w = waiters.remove(p);
                if (w != null) {
                    release.addAll(w);
                }
            }
            lastMillis = lastEventMillis;
        }
        try {
            onSettled.accept(Set.copyOf(settled), lastMillis);
        } finally {
            release.forEach(f -> f.complete(null));
        }
    }

    /** A deleted path or a folder is settled; a file is when it looks completely written. */
    private static boolean complete(Path p) {
        if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
            return true;
        }
        try {
            if (!CanvasFiles.isHtml(p)) {
                return Files.size(p) > 0;
            }
            return CanvasFiles.looksComplete(p, Files.readAllBytes(p));
        } catch (IOException e) {
            return true; // gone again: nothing to wait for
        }
    }
}
