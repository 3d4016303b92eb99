package support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A load client for many concurrent HTTP/1.1 conversations on one thread: one keep-alive connection per
 * conversation, opened before anything is measured; then every request is written at once and each
 * response read to its end (Content-Length or chunked) as bytes arrive. It costs the machine far less
 * than {@code java.net.http.HttpClient} with thousands of requests in flight, so the figures are the
 * gateway's, not the client's. Loopback only.
 */
public final class NioLoad implements AutoCloseable {
    /** One conversation's exchange: when it was written, its first byte and its end; the response. */
    public static final class Exchange {
        public long sentNanos;
        public long firstByteNanos;
        public long doneNanos;
        public int status;
        public String error;
        public final ByteArrayOutputStream body = new ByteArrayOutputStream(256);

        public String bodyText() {
            return body.toString(StandardCharsets.UTF_8);
        }
    }

    private final class Conn {
        final SocketChannel ch;
        SelectionKey key;
        ByteBuffer out;
        Exchange ex;
        // response parsing
        final ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        int state; // 0 status, 1 headers, 2 fixed body, 3 chunk size, 4 chunk data, 5 chunk crlf, 6 trailers, 7 done
        long remaining;
        boolean chunked;
        long length = -1;

        Conn(SocketChannel ch) {
            this.ch = ch;
        }
    }

    private final InetSocketAddress target;
    private final Selector selector;
    private final List<Conn> conns = new ArrayList<>();
    private final ByteBuffer read = ByteBuffer.allocateDirect(64 * 1024);

    public NioLoad(InetSocketAddress target) throws IOException {
        this.target = target;
        this.selector = Selector.open();
    }

    /** Opens connections until there are {@code n}, at most {@code batch} connecting at once (the accept backlog). */
    public void open(int n, int batch, long timeoutMs) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (conns.size() < n) {
            int k = Math.min(batch, n - conns.size());
            List<Conn> connecting = new ArrayList<>();
            for (int i = 0; i < k; i++) {
                SocketChannel ch = SocketChannel.open();
                ch.configureBlocking(false);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                Conn c = new Conn(ch);
                ch.connect(target);
                c.key = ch.register(selector, SelectionKey.OP_CONNECT, c);
                connecting.add(c);
            }
            int pending = connecting.size();
            while (pending > 0) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("could not open " + n + " connections within " + timeoutMs + " ms (" + conns.size() + " open)");
                }
                selector.select(100);
                Iterator<SelectionKey> it = selector.selectedKeys().iterator();
                while (it.hasNext()) {
                    SelectionKey key = it.next();
                    it.remove();
                    Conn c = (Conn) key.attachment();
                    if (key.isConnectable() && c.ch.finishConnect()) {
                        key.interestOps(0);
                        conns.add(c);
                        pending--;
                    }
                }
            }
        }
    }

    /**
     * Writes request {@code i} on connection {@code i} (all at once, as fast as the selector can), then reads
     * every response to its end. Returns the exchanges in request order; one that fails or is not done by the
     * deadline carries an error.
     */
    public List<Exchange> exchange(List<byte[]> requests, long timeoutMs) throws IOException {
        if (requests.size() > conns.size()) {
            throw new IllegalArgumentException(requests.size() + " requests for " + conns.size() + " connections");
        }
        List<Exchange> out = new ArrayList<>(requests.size());
        int open = 0;
        for (int i = 0; i < requests.size(); i++) {
            Conn c = conns.get(i);
            c.ex = new Exchange();
            c.out = ByteBuffer.wrap(requests.get(i));
            c.state = 0;
            c.line.reset();
            c.chunked = false;
            c.length = -1;
            out.add(c.ex);
            c.ex.sentNanos = System.nanoTime();
            c.ch.write(c.out);
            c.key.interestOps(c.out.hasRemaining() ? SelectionKey.OP_WRITE | SelectionKey.OP_READ : SelectionKey.OP_READ);
            open++;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (open > 0 && System.nanoTime() < deadline) {
            selector.select(100);
            Iterator<SelectionKey> it = selector.selectedKeys().iterator();
            while (it.hasNext()) {
                SelectionKey key = it.next();
                it.remove();
                Conn c = (Conn) key.attachment();
                if (c.ex == null || c.state == 7 || c.ex.error != null) {
                    continue;
                }
                try {
                    if (key.isValid() && key.isWritable()) {
                        c.ch.write(c.out);
                        if (!c.out.hasRemaining()) {
                            key.interestOps(SelectionKey.OP_READ);
                        }
                    }
                    if (key.isValid() && key.isReadable()) {
                        read.clear();
                        int n = c.ch.read(read);
                        if (n < 0) {
                            throw new IOException("connection closed by the server before the response ended");
                        }
                        read.flip();
                        if (n > 0 && c.ex.firstByteNanos == 0) {
                            c.ex.firstByteNanos = System.nanoTime();
                        }
                        parse(c);
                        if (c.state == 7) {
                            c.ex.doneNanos = System.nanoTime();
                            key.interestOps(0);
                            open--;
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    c.ex.error = e.toString();
                    c.ex.doneNanos = System.nanoTime();
                    key.cancel();
                    open--;
                }
            }
        }
        for (Exchange e : out) {
            if (e.doneNanos == 0 && e.error == null) {
                e.error = "no complete response within " + timeoutMs + " ms";
            }
        }
        return out;
    }

    private void parse(Conn c) throws IOException {
        while (read.hasRemaining() && c.state != 7) {
            switch (c.state) {
                case 0, 1, 3, 5, 6 -> {
                    byte b = read.get();
                    if (b != '\n') {
                        c.line.write(b);
                        continue;
                    }
                    String l = c.line.toString(StandardCharsets.ISO_8859_1);
                    c.line.reset();
                    if (l.endsWith("\r")) {
                        l = l.substring(0, l.length() - 1);
                    }
                    line(c, l);
                }
                case 2, 4 -> {
                    int n = (int) Math.min(c.remaining, read.remaining());
                    byte[] a = new byte[n];
                    read.get(a);
                    c.ex.body.write(a, 0, n);
                    c.remaining -= n;
                    if (c.remaining == 0) {
                        c.state = c.state == 2 ? 7 : 5;
                    }
                }
                default -> throw new IllegalStateException("state " + c.state);
            }
        }
    }

    private static void line(Conn c, String l) throws IOException {
        switch (c.state) {
            case 0 -> {
                if (!l.startsWith("HTTP/1.1 ")) {
                    throw new IOException("not a status line: " + l);
                }
                c.ex.status = Integer.parseInt(l.substring(9, 12));
                c.state = 1;
            }
            case 1 -> {
                if (l.isEmpty()) {
                    if (c.chunked) {
                        c.state = 3;
                    } else if (c.length > 0) {
                        c.remaining = c.length;
                        c.state = 2;
                    } else {
                        c.state = 7;
                    }
                    return;
                }
                int colon = l.indexOf(':');
                String name = l.substring(0, colon).trim();
                String value = l.substring(colon + 1).trim();
                if (name.equalsIgnoreCase("Content-Length")) {
                    c.length = Long.parseLong(value);
                } else if (name.equalsIgnoreCase("Transfer-Encoding") && value.equalsIgnoreCase("chunked")) {
                    c.chunked = true;
                } else if (name.equalsIgnoreCase("Connection") && value.equalsIgnoreCase("close")) {
                    throw new IOException("the server closes the connection (Connection: close)");
                }
            }
            case 3 -> {
                long n = Long.parseLong(l.split(";")[0].trim(), 16);
                if (n == 0) {
                    c.state = 6;
                } else {
                    c.remaining = n;
                    c.state = 4;
                }
            }
            case 5 -> c.state = 3; // the CRLF after a chunk
            case 6 -> {
                if (l.isEmpty()) {
                    c.state = 7;
                }
            }
            default -> throw new IllegalStateException("state " + c.state);
        }
    }

    public int connections() {
        return conns.size();
    }

    @Override
    public void close() {
        for (Conn c : conns) {
            try {
                c.ch.close();
            } catch (IOException ignored) {
                // closing
            }
        }
        try {
            selector.close();
        } catch (IOException ignored) {
            // closing
        }
    }
}
