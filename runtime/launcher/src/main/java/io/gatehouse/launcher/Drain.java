package io.gatehouse.launcher;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.gatehouse.launcher.api.InFlightWork;

/**
 * The wait for in-flight work before a framework stops: every {@link InFlightWork} gets
 * {@code beginDrain()}, then their {@code pending()} counts are polled until all stay zero for
 * {@link #SETTLE_MS}, bounded by the deadline ({@code gateway.reload.deferralTimeoutMs}). What it waits
 * for is logged once a second.
 */
final class Drain {
    private static final Logger LOG = LoggerFactory.getLogger(Drain.class);

    /** How long in-flight counts must stay zero before the drain ends. */
    static final long SETTLE_MS = 20;
    /** Polling interval of the bounded wait on other bundles' counters. */
    static final long POLL_MS = 5;

    /**
     * How a drain ended.
     *
     * @param drained true when every count stayed zero; false at the deadline or when interrupted
     * @param busy    at the end, the counts that were not zero ({@code name=n})
     */
    record Outcome(boolean drained, List<String> busy) {
    }

    private Drain() {
    }

    /** The {@link InFlightWork} services of a running framework; empty when it is not active. */
    static List<InFlightWork> of(Framework framework) {
        List<InFlightWork> work = new ArrayList<>();
        if ((framework.getState() & Bundle.ACTIVE) == 0) {
            return work;
        }
        BundleContext ctx = framework.getBundleContext();
        try {
            for (ServiceReference<InFlightWork> ref : ctx.getServiceReferences(InFlightWork.class, null)) {
                InFlightWork w = ctx.getService(ref);
                if (w != null) {
                    work.add(w);
                }
            }
        } catch (Exception e) {
            LOG.warn("cannot list in-flight work: {}", e.toString());
        }
        return work;
    }

    /** Begins the drain of every {@code work} and waits, at most {@code timeoutMs}, for it to finish. */
    static Outcome await(List<InFlightWork> work, long timeoutMs) {
        for (InFlightWork w : work) {
            try {
                w.beginDrain();
            } catch (RuntimeException e) {
                LOG.warn("{}: beginDrain failed: {}", w.name(), e.toString());
            }
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        long nextReport = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        long quietSince = 0;
        while (true) {
            List<String> busy = busy(work);
            long now = System.nanoTime();
            if (busy.isEmpty()) {
                // Zero twice, SETTLE_MS apart: a connection handed to Jetty's selector just before the
                // pause is counted (as a connection without a request) only once Jetty has created it.
                if (quietSince == 0) {
                    quietSince = now;
                } else if (now - quietSince >= TimeUnit.MILLISECONDS.toNanos(SETTLE_MS)) {
                    return new Outcome(true, busy);
                }
            } else {
                quietSince = 0;
            }
            if (quietSince == 0) {
                if (now >= deadline) {
                    LOG.warn("in-flight work did not drain within {} ms, stopping anyway: {}", timeoutMs, busy);
                    return new Outcome(false, busy);
                }
                if (now >= nextReport) {
                    LOG.info("waiting for in-flight work before stopping: {}", busy);
                    nextReport = now + TimeUnit.SECONDS.toNanos(1);
                }
            }
            try {
                Thread.sleep(POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Outcome(false, busy);
            }
        }
    }

    private static List<String> busy(List<InFlightWork> work) {
        List<String> busy = new ArrayList<>();
        for (InFlightWork w : work) {
            try {
                int n = w.pending();
                if (n > 0) {
                    busy.add(w.name() + "=" + n);
                }
            } catch (RuntimeException e) {
                // a stopping bundle; its work is gone with it
            }
        }
        return busy;
    }
}
