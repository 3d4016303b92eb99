package support;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.PriorityQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The benchmark's own OpenAI-compatible model server: {@code POST /v1/chat/completions} answers
 * {@code mock: <last user message>} after a fixed delay, as one JSON completion, or, when the request
 * asks for {@code stream: true}, as server-sent events whose pieces are spread over the delay (the last
 * at the delay). HTTP/1.1 keep-alive; one thread and one selector for every connection (thousands of
 * concurrent requests cost it no threads), timers in a priority queue on the same thread.
 *
 * <p>Counts requests, requests in flight and the most in flight at once. Loopback only.
 */
public final class MockModel implements AutoCloseable {
    static final Pattern STREAM = Pattern.compile("\"stream\"\\s*:\\s*true");
    static final Pattern CONTENT = Pattern.compile("\"content\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    private final long delayMs;
    private final int pieces;
    private final ServerSocketChannel server;
    private final Selector selector;
    private final Thread thread;
    /** By time, then in the order they were set (a reply's pieces never overtake each other). */
    private final PriorityQueue<Timer> timers = new PriorityQueue<>((a, b) -> a.at != b.at ? Long.compare(a.at, b.at)
            : Long.compare(a.seq, b.seq));
    private long seq;
    private volatile boolean running = true;
    public final AtomicLong requests = new AtomicLong();
    public final AtomicInteger inFlight = new AtomicInteger();
    public final AtomicInteger maxInFlight = new AtomicInteger();
    public final AtomicInteger connections = new AtomicInteger();
    /** When the first and the last request since {@link #resetArrivals} arrived (nanoTime; 0: none yet). */
    public volatile long firstArrival;
    public volatile long lastArrival;

    public void resetArrivals() {
        firstArrival = 0;
        lastArrival = 0;
    }

    private record Timer(long at, long seq, Conn conn, Runnable action) {
    }

    /** One client connection: its read buffer and what waits to be written. */
    private final class Conn {
        final SocketChannel ch;
        final SelectionKey key;
        ByteBuffer in = ByteBuffer.allocate(4096);
        final ArrayDeque<ByteBuffer> out = new ArrayDeque<>();
        boolean closed;

        Conn(SocketChannel ch, SelectionKey key) {
            this.ch = ch;
            this.key = key;
        }

        void write(String s) {
            if (closed) {
                return;
            }
            out.add(ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8)));
            flush();
        }

        void flush() {
            try {
                while (!out.isEmpty()) {
                    ByteBuffer b = out.peek();
                    ch.write(b);
                    if (b.hasRemaining()) {
                        key.interestOps(key.interestOps() | SelectionKey.OP_WRITE);
                        return;
                    }
                    out.poll();
                }
                if (key.isValid()) {
                    key.interestOps(key.interestOps() & ~SelectionKey.OP_WRITE);
                }
            } catch (IOException | RuntimeException e) {
                close();
            }
        }

        void close() {
            if (!closed) {
                closed = true;
                connections.decrementAndGet();
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // closing
                }
            }
        }
    }

    public MockModel(long delayMs, int pieces) throws IOException {
        this.delayMs = delayMs;
        this.pieces = Math.max(1, pieces);
        server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress("127.0.0.1", 0), 8192);
        server.configureBlocking(false);
        selector = Selector.open();
        server.register(selector, SelectionKey.OP_ACCEPT);
        thread = new Thread(this::loop, "mock-model");
        thread.setDaemon(true);
        thread.start();
    }

    public int port() {
        return ((InetSocketAddress) server.socket().getLocalSocketAddress()).getPort();
    }

    private void loop() {
        try {
            while (running) {
                long now = System.nanoTime();
                Timer t;
                while ((t = timers.peek()) != null && t.at <= now) {
                    timers.poll();
                    if (!t.conn.closed) {
                        t.action.run();
                    }
                }
                long waitMs = t == null ? 1000 : Math.max(1, (t.at - now + 999_999) / 1_000_000);
                selector.select(waitMs);
                Iterator<SelectionKey> it = selector.selectedKeys().iterator();
                while (it.hasNext()) {
                    SelectionKey k = it.next();
                    it.remove();
                    if (!k.isValid()) {
                        continue;
                    }
                    if (k.isAcceptable()) {
                        SocketChannel ch;
                        while ((ch = server.accept()) != null) {
                            ch.configureBlocking(false);
                            ch.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
                            SelectionKey ck = ch.register(selector, SelectionKey.OP_READ);
                            ck.attach(new Conn(ch, ck));
                            connections.incrementAndGet();
                        }
                        continue;
                    }
                    Conn c = (Conn) k.attachment();
                    if (k.isWritable()) {
                        c.flush();
                    }
                    if (k.isValid() && k.isReadable()) {
                        read(c);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            if (running) {
                System.err.println("mock model stopped: " + e);
            }
        }
    }

    private void read(Conn c) {
        try {
            if (!c.in.hasRemaining()) {
                c.in = ByteBuffer.allocate(c.in.capacity() * 2).put(c.in.flip());
            }
            int n = c.ch.read(c.in);
            if (n < 0) {
                c.close();
                return;
            }
            while (request(c)) {
                // every whole request in the buffer
            }
        } catch (IOException | RuntimeException e) {
            c.close();
        }
    }

    /** Takes one whole request off the connection's buffer and schedules its answer; false when none is whole yet. */
    private boolean request(Conn c) {
        byte[] b = c.in.array();
        int len = c.in.position();
        int end = -1;
        for (int i = 3; i < len; i++) {
            if (b[i] == '\n' && b[i - 1] == '\r' && b[i - 2] == '\n' && b[i - 3] == '\r') {
                end = i + 1;
                break;
            }
        }
        if (end < 0) {
            return false;
        }
        String head = new String(b, 0, end, StandardCharsets.ISO_8859_1);
        int contentLength = 0;
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("content-length")) {
                contentLength = Integer.parseInt(line.substring(colon + 1).trim());
            }
        }
        if (len < end + contentLength) {
            return false;
        }
        String body = new String(b, end, contentLength, StandardCharsets.UTF_8);
        int consumed = end + contentLength;
        System.arraycopy(b, consumed, b, 0, len - consumed);
        c.in.position(len - consumed);
        answer(c, head.startsWith("POST") && head.contains("/chat/completions"), body);
        return true;
    }

    private void answer(Conn c, boolean chat, String body) {
        if (!chat) {
            c.write("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
            return;
        }
        requests.incrementAndGet();
        long arrived = System.nanoTime();
        if (firstArrival == 0) {
            firstArrival = arrived;
        }
        lastArrival = arrived;
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
        String last = "";
        Matcher m = CONTENT.matcher(body);
        while (m.find()) {
            last = m.group(1);
        }
        String reply = "mock: " + last; // still JSON-escaped, as it is written back into JSON
        long t0 = System.nanoTime();
        if (!STREAM.matcher(body).find()) {
            at(t0 + delayMs * 1_000_000, c, () -> {
                inFlight.decrementAndGet();
                String json = "{\"id\":\"mock\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                        + "\"content\":\"" + reply + "\"},\"finish_reason\":\"stop\"}]}";
                int bytes = json.getBytes(StandardCharsets.UTF_8).length;
                c.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + bytes + "\r\n\r\n" + json);
            });
            return;
        }
        // streamed: the pieces at delay*k/pieces, k = 1..pieces; headers with the first
        int size = Math.max(1, (reply.length() + pieces - 1) / pieces);
        for (int k = 1; k <= pieces; k++) {
            int from = Math.min(reply.length(), (k - 1) * size);
            int to = k == pieces ? reply.length() : Math.min(reply.length(), k * size);
            // never cut an escape sequence in two
            while (to > from && to < reply.length() && reply.charAt(to - 1) == '\\') {
                to++;
            }
            String piece = reply.substring(from, Math.max(from, to));
            boolean first = k == 1;
            boolean lastPiece = k == pieces;
            at(t0 + delayMs * 1_000_000 * k / pieces, c, () -> {
                StringBuilder w = new StringBuilder();
                if (first) {
                    w.append("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n");
                }
                chunk(w, "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + piece + "\"}}]}\n\n");
                if (lastPiece) {
                    inFlight.decrementAndGet();
                    chunk(w, "data: [DONE]\n\n");
                    w.append("0\r\n\r\n");
                }
                c.write(w.toString());
            });
        }
    }

    private static void chunk(StringBuilder w, String data) {
        w.append(Integer.toHexString(data.getBytes(StandardCharsets.UTF_8).length)).append("\r\n").append(data).append("\r\n");
    }

    private void at(long nanos, Conn c, Runnable action) {
        timers.add(new Timer(nanos, seq++, c, action));
    }

    @Override
    public void close() {
        running = false;
        selector.wakeup();
        try {
            thread.join(2000);
            for (SelectionKey k : selector.keys()) {
                k.channel().close();
            }
            selector.close();
            server.close();
        } catch (IOException | InterruptedException e) {
            // closing
        }
    }
}
