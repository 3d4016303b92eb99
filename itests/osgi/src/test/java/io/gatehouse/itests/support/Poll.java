package io.gatehouse.itests.support;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

import org.junit.jupiter.api.Assertions;

/** Polls a probe until its value is accepted or a deadline passes; the value, or a failure naming the last one. */
public final class Poll {
    /** Long enough for a slow CI machine to start Jetty; every wait ends as soon as the effect is seen. */
    public static final Duration DEFAULT = Duration.ofSeconds(30);
    private static final long INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private Poll() {
    }

    public static <T> T until(String what, Callable<T> probe, Predicate<? super T> done) {
        return until(what, DEFAULT, probe, done);
    }

    public static <T> T until(String what, Duration timeout, Callable<T> probe, Predicate<? super T> done) {
        long deadline = System.nanoTime() + timeout.toNanos();
        T last = null;
        Exception lastFailure = null;
        while (true) {
            try {
                last = probe.call();
                lastFailure = null;
                if (done.test(last)) {
                    return last;
                }
            } catch (Exception e) {
                lastFailure = e;
            }
            if (System.nanoTime() - deadline >= 0) {
                return Assertions.fail("timed out after " + timeout.toMillis() + " ms waiting for " + what
                        + "; last value: " + last + (lastFailure == null ? "" : "; last failure: " + lastFailure),
                        lastFailure);
            }
            LockSupport.parkNanos(INTERVAL_NANOS); // the polling interval, not a wait for the effect
        }
    }

    public static void until(String what, Callable<Boolean> condition) {
        until(what, DEFAULT, condition, Boolean.TRUE::equals);
    }
}
