package io.gatehouse.itests.distribution;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A client that connects in a tight loop (a new TCP connection per request) and counts what it sees:
 * answered with 200, refused, or failed in any other way.
 */
final class LoadLoop implements AutoCloseable {
    final AtomicInteger ok = new AtomicInteger();
    final AtomicInteger refused = new AtomicInteger();
    final AtomicInteger failed = new AtomicInteger();
    final AtomicLong slowestMs = new AtomicLong();
    final List<String> failures = new CopyOnWriteArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;
    private final InetSocketAddress target;

    LoadLoop(InetSocketAddress target) {
        this.target = target;
        this.thread = new Thread(this::loop, "load-loop");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        long end = System.nanoTime() + 120_000_000_000L; // bounded even if close() is never called
        while (running.get() && System.nanoTime() < end) {
            long t0 = System.nanoTime();
            try (Socket s = new Socket()) {
                s.connect(target, 10_000);
                s.setSoTimeout(30_000);
                s.getOutputStream().write(("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                String status = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII))
                        .readLine();
                if (status != null && status.startsWith("HTTP/1.1 200")) {
                    ok.incrementAndGet();
                } else {
                    failed.incrementAndGet();
                    failures.add(String.valueOf(status));
                }
            } catch (ConnectException e) {
                refused.incrementAndGet();
                failures.add(e.toString());
            } catch (IOException e) {
                failed.incrementAndGet();
                failures.add(e.toString());
            }
            slowestMs.accumulateAndGet((System.nanoTime() - t0) / 1_000_000, Math::max);
        }
    }

    int total() {
        return ok.get() + refused.get() + failed.get();
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join(60_000);
    }

    @Override
    public String toString() {
        return "ok=" + ok + " refused=" + refused + " failed=" + failed + " slowest=" + slowestMs + "ms "
                + (failures.isEmpty() ? "" : failures.subList(0, Math.min(5, failures.size())));
    }
}
