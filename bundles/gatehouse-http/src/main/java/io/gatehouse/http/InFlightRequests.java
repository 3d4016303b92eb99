package io.gatehouse.http;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;

import org.osgi.service.component.annotations.Component;

import io.gatehouse.launcher.api.InFlightWork;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Counts HTTP requests in flight in every whiteboard context, so a restart or stop waits for them
 * (including asynchronous ones such as streamed replies). Once a drain begins, responses carry
 * {@code Connection: close}, so keep-alive clients reconnect, and wait in the backlog for the next
 * framework, instead of reusing a connection that is about to go away.
 */
@Component(service = {Filter.class, InFlightWork.class, InFlightRequests.class}, property = {
        "osgi.http.whiteboard.filter.name=gatehouse-inflight",
        "osgi.http.whiteboard.filter.pattern=/*",
        "osgi.http.whiteboard.filter.asyncSupported=true",
        "osgi.http.whiteboard.context.select=(osgi.http.whiteboard.context.name=*)",
        "service.ranking:Integer=2147483647"})
public final class InFlightRequests implements Filter, InFlightWork {
    /** During a drain, how long a client may leave a request body unfinished before its read fails. */
    static final long DRAIN_IDLE_READ_MS = 3_000;

    private final AtomicInteger inFlight = new AtomicInteger();
    private final UnfilteredRequests unfiltered = new UnfilteredRequests();
    private volatile boolean draining;

    /** Listens to the gateway connector's connections (added as a connector bean). */
    UnfilteredRequests connectionListener() {
        return unfiltered;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        inFlight.incrementAndGet();
        unfiltered.filterSaw(request.getRemoteAddr(), request.getRemotePort());
        boolean async = false;
        try {
            if (draining && response instanceof HttpServletResponse http) {
                http.setHeader("Connection", "close");
            }
            chain.doFilter(request, response);
            if (request.isAsyncStarted()) {
                async = true;
                request.getAsyncContext().addListener(new AsyncListener() {
                    @Override
                    public void onComplete(AsyncEvent event) {
                        inFlight.decrementAndGet();
                    }

                    @Override
                    public void onTimeout(AsyncEvent event) {
                        // onComplete follows
                    }

                    @Override
                    public void onError(AsyncEvent event) {
                        // onComplete follows
                    }

                    @Override
                    public void onStartAsync(AsyncEvent event) {
                        event.getAsyncContext().addListener(this);
                    }
                });
            }
        } finally {
            if (!async) {
                inFlight.decrementAndGet();
            }
        }
    }

    @Override
    public String name() {
        return "http-requests";
    }

    @Override
    public int pending() {
        if (draining) {
            // polled through the drain: a request whose body stalls after the drain began is bounded too
            unfiltered.boundIdleReads(DRAIN_IDLE_READ_MS);
        }
        return inFlight.get() + unfiltered.pending();
    }

    @Override
    public void beginDrain() {
        draining = true;
        unfiltered.boundIdleReads(DRAIN_IDLE_READ_MS);
    }
}
