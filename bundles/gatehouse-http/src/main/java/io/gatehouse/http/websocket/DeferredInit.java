package io.gatehouse.http.websocket;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.servlet.ServletException;

/**
 * An initialisation run once, by the first caller; the others wait until it has ended (however it ended),
 * at most {@code wait}. An initialisation that failed is not run again.
 */
final class DeferredInit {
    /** The initialisation. */
    interface Action {
        void run() throws ServletException;
    }

    private final AtomicBoolean started = new AtomicBoolean();
    private final CountDownLatch done = new CountDownLatch(1);
    private final Duration wait;

    DeferredInit(Duration wait) {
        this.wait = wait;
    }

    /** Runs {@code action} if no caller has yet, else waits for the caller that did. */
    void ensure(Action action) throws ServletException {
        if (started.compareAndSet(false, true)) {
            try {
                action.run();
            } finally {
                done.countDown();
            }
        } else {
            try {
                if (!done.await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new ServletException("websocket servlet initialisation timed out");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ServletException(e);
            }
        }
    }

    /** Whether the initialisation has begun (then the servlet has something to destroy). */
    boolean started() {
        return started.get();
    }
}
