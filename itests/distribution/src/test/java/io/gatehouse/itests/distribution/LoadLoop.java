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
 * answered as expected, refused, or failed in any other way. By default it asks {@code GET /healthz};
 * {@link #chat} sends chat messages through the OpenAI-compatible channel and checks each reply.
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
    private final String user; // null: health probes; else chat messages from this peer

    LoadLoop(InetSocketAddress target) {
        this(target, null);
    }

    private LoadLoop(InetSocketAddress target, String user) {
        this.target = target;
        this.user = user;
        this.thread = new Thread(this::loop, "load-loop");
        thread.setDaemon(true);
        thread.start();
    }

    /** Sends numbered messages as {@code user} (routed to the default echo agent) and checks every reply echoes its message. */
    static LoadLoop chat(InetSocketAddress target, String user) {
        return new LoadLoop(target, user);
    }

    private byte[] request(int n) {
        if (user == null) {
            return "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        }
        byte[] body = ("{\"messages\":[{\"role\":\"user\",\"content\":\"ping " + n + "\"}],\"user\":\"" + user + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        return ("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n" + new String(body, StandardCharsets.UTF_8))
                .getBytes(StandardCharsets.UTF_8);
    }

    private boolean answered(int n, String status, BufferedReader rest) throws IOException {
        if (status == null || !status.startsWith("HTTP/1.1 200")) {
            return false;
        }
        if (user == null) {
            return true;
        }
        StringBuilder body = new StringBuilder();
        for (String line; (line = rest.readLine()) != null;) {
            body.append(line).append('\n');
        }
        return body.toString().contains("echo: ping " + n + "\"");
    }

    private void loop() {
        long end = System.nanoTime() + 120_000_000_000L; // bounded even if close() is never called
        int n = 0;
        while (running.get() && System.nanoTime() < end) {
            n++;
            long t0 = System.nanoTime();
            try (Socket s = new Socket()) {
                s.connect(target, 10_000);
                s.setSoTimeout(30_000);
                s.getOutputStream().write(request(n));
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                String status = in.readLine();
                if (answered(n, status, in)) {
                    ok.incrementAndGet();
                } else {
                    failed.incrementAndGet();
                    StringBuilder rest = new StringBuilder();
                    for (String line; (line = in.readLine()) != null && rest.length() < 2000;) {
                        rest.append(line).append(' ');
                    }
                    failures.add(status + " " + rest.toString().trim());
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
