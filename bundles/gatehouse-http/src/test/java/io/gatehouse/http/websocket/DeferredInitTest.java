package io.gatehouse.http.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import jakarta.servlet.ServletException;

/** Jetty's deferred initialisation runs once; concurrent first requests wait for it, at most the bound. */
class DeferredInitTest {

    /** A first caller whose initialisation holds until {@code release}, then counts itself {@code finished}. */
    private static CompletableFuture<Void> blockedInit(DeferredInit d, CountDownLatch entered, CountDownLatch release,
            AtomicInteger finished) {
        return CompletableFuture.runAsync(() -> {
            try {
                d.ensure(() -> {
                    entered.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    finished.incrementAndGet();
                });
            } catch (ServletException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void runsOnceAndOnlyWhenFirstUsed() throws Exception {
        DeferredInit d = new DeferredInit(Duration.ofSeconds(5));
        AtomicInteger runs = new AtomicInteger();
        assertFalse(d.started());
        d.ensure(runs::incrementAndGet);
        d.ensure(runs::incrementAndGet);
        assertTrue(d.started());
        assertEquals(1, runs.get());
    }

    @Test
    void aConcurrentCallerWaitsUntilTheFirstHasEnded() throws Exception {
        DeferredInit d = new DeferredInit(Duration.ofSeconds(30));
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger finished = new AtomicInteger();
        CompletableFuture<Void> first = blockedInit(d, entered, release, finished);
        assertTrue(entered.await(10, TimeUnit.SECONDS));
        CompletableFuture<Integer> second = CompletableFuture.supplyAsync(() -> {
            try {
                d.ensure(() -> {
                    throw new ServletException("must not run twice");
                });
            } catch (ServletException e) {
                throw new IllegalStateException(e);
            }
            return finished.get();
        });
        assertFalse(second.isDone(), "the second caller returned before the initialisation ended");
        release.countDown();
        assertEquals(1, second.get(10, TimeUnit.SECONDS), "the second caller saw the initialisation ended");
        first.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aFailedInitialisationIsNotRunAgainAndReleasesTheWaiters() {
        DeferredInit d = new DeferredInit(Duration.ofSeconds(5));
        AtomicInteger runs = new AtomicInteger();
        ServletException e = assertThrows(ServletException.class, () -> d.ensure(() -> {
            runs.incrementAndGet();
            throw new ServletException("no context");
        }));
        assertEquals("no context", e.getMessage());
        assertTrue(d.started(), "a failed initialisation still has something to destroy");
        assertDoesNotThrowServlet(d, runs);
        assertEquals(1, runs.get());
    }

    private static void assertDoesNotThrowServlet(DeferredInit d, AtomicInteger runs) {
        try {
            d.ensure(runs::incrementAndGet);
        } catch (ServletException e) {
            throw new AssertionError("a waiter after a failed initialisation was refused", e);
        }
    }

    @Test
    void aWaiterGivesUpAfterTheBound() throws Exception {
        DeferredInit d = new DeferredInit(Duration.ofMillis(50));
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Void> first = blockedInit(d, entered, release, new AtomicInteger());
        try {
            assertTrue(entered.await(10, TimeUnit.SECONDS));
            ServletException e = assertThrows(ServletException.class, () -> d.ensure(() -> {
            }));
            assertEquals("websocket servlet initialisation timed out", e.getMessage());
        } finally {
            release.countDown();
            first.get(10, TimeUnit.SECONDS);
        }
    }
}
