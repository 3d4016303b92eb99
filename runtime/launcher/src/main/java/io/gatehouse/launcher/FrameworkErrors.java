package io.gatehouse.launcher;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;

/**
 * Collects the errors a framework reports per bundle while it starts (an activator that throws, a
 * bundle that does not resolve) and tells when the start levels are all done. Framework events are
 * delivered in order, so once STARTED arrives every error before it has been recorded.
 */
final class FrameworkErrors implements FrameworkListener {
    private final Map<Long, String> byBundle = new ConcurrentHashMap<>();
    private final CountDownLatch started = new CountDownLatch(1);

    @Override
    public void frameworkEvent(FrameworkEvent event) {
        if (event.getType() == FrameworkEvent.STARTED) {
            started.countDown();
        } else if (event.getType() == FrameworkEvent.ERROR && event.getBundle() != null && event.getBundle().getBundleId() != 0) {
            record(event.getBundle(), event.getThrowable());
        }
    }

    void record(Bundle bundle, Throwable t) {
        byBundle.merge(bundle.getBundleId(), describe(t), (a, b) -> a);
    }

    /** The first error reported for the bundle, or null. */
    String of(Bundle bundle) {
        return byBundle.get(bundle.getBundleId());
    }

    boolean awaitStarted(long timeoutMs) {
        try {
            return started.await(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The message and its causes, e.g. {@code Activator start error in bundle x [42]: IllegalStateException: boom}. */
    static String describe(Throwable t) {
        if (t == null) {
            return "unknown error";
        }
        StringBuilder s = new StringBuilder(trimStop(t.getMessage()));
        Throwable c = t.getCause();
        for (int depth = 0; c != null && depth < 5; depth++, c = c.getCause()) {
            s.append(": ").append(c.getClass().getSimpleName()).append(": ").append(trimStop(c.getMessage()));
        }
        return s.toString();
    }

    private static String trimStop(String message) {
        String m = String.valueOf(message).trim();
        return m.endsWith(".") ? m.substring(0, m.length() - 1) : m;
    }
}
