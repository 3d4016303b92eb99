package io.gatehouse.support.socket;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.gatehouse.launcher.api.ListeningSocket;

/**
 * A listening socket the launcher holds across framework restarts.
 *
 * <p>One accept thread takes a connection from the kernel only when the previous one has been handed
 * to a consumer, so at most one accepted connection waits here and the rest wait in the kernel's
 * backlog. While the socket is paused (a framework is stopping or starting) consumers get nothing:
 * connecting clients wait instead of being refused or being handed to a server that is going away.
 * Interrupting a consumer never closes the channel, which is why the framework's server does not call
 * {@link ServerSocketChannel#accept()} itself: an interrupt there would close the channel.
 *
 * <p>The launcher holds one per socket across framework generations; the OSGi itests register the
 * same class (one generation) as the launcher services of their framework.
 */
public final class HeldSocket implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HeldSocket.class);

    /** Large enough for a restart's worth of clients; the kernel caps it at net.core.somaxconn. */
    public static final int BACKLOG = 4096;

    private final String name;
    private final ServerSocketChannel server;
    private final InetSocketAddress address;
    private final Thread acceptThread;
    private final Object lock = new Object();
    private final AtomicLong handedOut = new AtomicLong();

    // guarded by lock
    private SocketChannel waiting;
    private long openGeneration = -1;
    private boolean closed;

    private HeldSocket(String name, ServerSocketChannel server) throws IOException {
        this.name = name;
        this.server = server;
        this.address = (InetSocketAddress) server.getLocalAddress();
        this.acceptThread = new Thread(this::acceptLoop, "gatehouse-accept-" + name);
        acceptThread.setDaemon(true);
        acceptThread.start();
    }

    /**
     * Binds a socket (backlog {@link #BACKLOG}) and starts its accept thread.
     *
     * @throws IOException naming the address, the socket's name and the reason
     */
    public static HeldSocket bind(String name, InetSocketAddress at) throws IOException {
        ServerSocketChannel ch = null;
        try {
            ch = ServerSocketChannel.open();
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            ch.bind(at, BACKLOG);
            ch.configureBlocking(true);
            return new HeldSocket(name, ch);
        } catch (IOException e) {
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // already failing
                }
            }
            throw new IOException("cannot listen on " + at.getHostString() + ":" + at.getPort() + " for the "
                    + name + " socket: " + e.getMessage(), e);
        }
    }

    public String name() {
        return name;
    }

    public InetSocketAddress address() {
        return address;
    }

    public int port() {
        return address.getPort();
    }

    @Override
    public String toString() {
        return "HeldSocket[" + name + " " + hostPort(address) + "]";
    }

    /**
     * {@code host:port} for operators and clients: a wildcard bind (which the JDK reports as the IPv6
     * {@code ::} on a dual-stack socket) reads {@code 0.0.0.0}; other IPv6 hosts are bracketed.
     */
    public static String hostPort(InetSocketAddress a) {
        java.net.InetAddress ip = a.getAddress();
        String host = ip.isAnyLocalAddress() ? "0.0.0.0"
                : ip instanceof java.net.Inet6Address ? "[" + ip.getHostAddress() + "]" : ip.getHostAddress();
        return host + ":" + a.getPort();
    }

    /** Lets consumers of the given framework generation take connections. */
    public void open(long generation) {
        synchronized (lock) {
            openGeneration = generation;
            lock.notifyAll();
        }
    }

    /** Stops handing out connections; clients wait in the backlog. Consumers of any generation fail. */
    public void pause() {
        synchronized (lock) {
            openGeneration = -1;
            lock.notifyAll();
        }
    }

    /** The service a framework generation sees. */
    public ListeningSocket viewFor(long generation) {
        return new ListeningSocket() {
            @Override
            public InetSocketAddress localAddress() {
                return address;
            }

            @Override
            public SocketChannel accept() throws IOException {
                return take(generation);
            }

            @Override
            public String toString() {
                return "ListeningSocket[" + name + " " + address + " generation " + generation + "]";
            }
        };
    }

    private SocketChannel take(long generation) throws IOException {
        synchronized (lock) {
            while (true) {
                if (closed) {
                    throw new ClosedChannelException();
                }
                if (openGeneration > generation) {
                    // A later framework owns the socket: this consumer belongs to a stopped framework.
                    throw new ClosedChannelException();
                }
                if (openGeneration == generation && waiting != null) {
                    SocketChannel ch = waiting;
                    waiting = null;
                    handedOut.incrementAndGet();
                    lock.notifyAll();
                    return ch;
                }
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while waiting for a connection on " + name);
                }
            }
        }
    }

    private void acceptLoop() {
        while (true) {
            try {
                synchronized (lock) {
                    while (waiting != null && !closed) {
                        lock.wait();
                    }
                    if (closed) {
                        return;
                    }
                }
                SocketChannel ch = server.accept();
                synchronized (lock) {
                    if (closed) {
                        ch.close();
                        return;
                    }
                    waiting = ch;
                    lock.notifyAll();
                }
            } catch (InterruptedException | ClosedChannelException e) {
                return;
            } catch (IOException e) {
                // EMFILE and the like: keep the socket, back off briefly, try again.
                LOG.warn("accept failed on the {} socket {}: {}", name, address, e.toString());
                synchronized (lock) {
                    try {
                        lock.wait(100);
                    } catch (InterruptedException ie) {
                        return;
                    }
                }
            }
        }
    }

    /** Connections handed to consumers so far. */
    public long handedOut() {
        return handedOut.get();
    }

    /** Whether the listening channel is open (an interrupted consumer must never close it). */
    public boolean isOpen() {
        return server.isOpen();
    }

    @Override
    public void close() {
        SocketChannel orphan;
        synchronized (lock) {
            closed = true;
            orphan = waiting;
            waiting = null;
            lock.notifyAll();
        }
        try {
            server.close();
        } catch (IOException e) {
            LOG.debug("closing {} socket", name, e);
        }
        if (orphan != null) {
            try {
                orphan.close();
            } catch (IOException ignored) {
                // nothing more to do
            }
        }
        try {
            acceptThread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
