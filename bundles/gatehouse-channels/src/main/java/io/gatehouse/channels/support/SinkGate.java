package io.gatehouse.channels.support;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import io.gatehouse.api.channel.MessageSink;

/**
 * Holds a channel's sink while the channel runs. Requests that arrive while it is stopped (during a
 * restart) wait for the next start without holding a thread, up to a bound.
 */
public final class SinkGate {
    private volatile MessageSink sink; // written under this
    private List<CompletableFuture<MessageSink>> waiting = new ArrayList<>(); // guarded by this

    public void open(MessageSink s) {
        List<CompletableFuture<MessageSink>> release;
        synchronized (this) {
            sink = s;
            release = waiting;
            waiting = new ArrayList<>();
        }
        release.forEach(f -> f.complete(s));
    }

    public synchronized void close() {
        sink = null;
    }

    public boolean isOpen() {
        return sink != null;
    }

    /**
     * The sink now, or when the channel next starts; fails with {@link java.util.concurrent.TimeoutException}
     * after {@code timeoutMs}.
     */
    public CompletionStage<MessageSink> sink(long timeoutMs) {
        MessageSink now = sink;
        if (now != null) {
            return CompletableFuture.completedFuture(now); // running: no lock on the message path
        }
        CompletableFuture<MessageSink> f;
        synchronized (this) {
            if (sink != null) {
                return CompletableFuture.completedFuture(sink);
            }
            f = new CompletableFuture<>();
            waiting.add(f);
        }
        f.orTimeout(timeoutMs, TimeUnit.MILLISECONDS).whenComplete((s, e) -> {
            synchronized (this) {
                waiting.remove(f);
            }
        });
        return f;
    }
}
