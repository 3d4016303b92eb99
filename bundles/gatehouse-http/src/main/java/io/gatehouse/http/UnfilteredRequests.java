package io.gatehouse.http;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.eclipse.jetty.io.Connection;

/**
 * Requests Jetty has on a gateway connection that the request filter has not counted yet: a client
 * that connected just before a restart paused the socket has its first request in the kernel or the
 * parser, and a parsed request takes a moment (longer on a busy machine) to reach the filter. Without
 * these the drain could end, and the framework stop, while such a request is on its way.
 *
 * <p>A connection counts while it is recently active ({@link #ACTIVE_MS}) and either has not started
 * a request yet or has started more than the filter saw; the bound keeps a silent client, or a request
 * that no filter sees, from holding a restart.
 */
final class UnfilteredRequests implements Connection.Listener {
    static final long ACTIVE_MS = 2_000;

    /** An open connection: its client address and the number of its requests the filter has seen. */
    private record Tracked(SocketAddress remote, AtomicLong seen) {
    }

    private final Map<Connection, Tracked> open = new ConcurrentHashMap<>();
    private final Map<SocketAddress, AtomicLong> byRemote = new ConcurrentHashMap<>();

    @Override
    public void onOpened(Connection connection) {
        Tracked t = new Tracked(connection.getEndPoint().getRemoteSocketAddress(), new AtomicLong());
        open.put(connection, t);
        if (t.remote() != null) {
            byRemote.put(t.remote(), t.seen());
        }
    }

    @Override
    public void onClosed(Connection connection) {
        Tracked t = open.remove(connection);
        if (t != null && t.remote() != null) {
            byRemote.remove(t.remote(), t.seen());
        }
    }

    /** The request filter saw a request from this client address and port. */
    void filterSaw(String remoteAddr, int remotePort) {
        if (remoteAddr == null || byRemote.isEmpty()) {
            return;
        }
        String host = remoteAddr.startsWith("[") && remoteAddr.endsWith("]") ? remoteAddr.substring(1, remoteAddr.length() - 1) : remoteAddr;
        AtomicLong seen = byRemote.get(new InetSocketAddress(host, remotePort));
        if (seen != null) {
            seen.incrementAndGet();
        }
    }

    /**
     * During a drain: a connection whose request body the client has not finished sending, and which has
     * not moved for {@code idleMs}, gets that as its idle timeout, so Jetty fails the read that waits for
     * it (the servlet answers, the request ends) instead of the drain waiting for the whole idle timeout
     * on a client that is not sending. A client that keeps sending, however slowly, is not cut.
     *
     * @return how many connections were bounded by this call
     */
    int boundIdleReads(long idleMs) {
        int n = 0;
        for (Connection c : open.keySet()) {
            if (c instanceof org.eclipse.jetty.server.internal.HttpConnection http && http.getParser().inContentState()
                    && c.getEndPoint().getIdleTimeout() > idleMs) {
                c.getEndPoint().setIdleTimeout(idleMs);
                n++;
            }
        }
        return n;
    }

    int pending() {
        long now = System.currentTimeMillis();
        int n = 0;
        for (Map.Entry<Connection, Tracked> e : open.entrySet()) {
            Connection c = e.getKey();
            long started = c.getMessagesIn();
            boolean active = started == 0 ? now - c.getCreatedTimeStamp() < ACTIVE_MS : idleFor(c) < ACTIVE_MS;
            if (active && (started == 0 || started > e.getValue().seen().get())) {
                n++;
            }
        }
        return n;
    }

    /** Milliseconds since the connection last read or wrote (socket end points track it); 0 when unknown. */
    private static long idleFor(Connection c) {
        return c.getEndPoint() instanceof org.eclipse.jetty.io.IdleTimeout t ? t.getIdleFor() : 0;
    }
}
