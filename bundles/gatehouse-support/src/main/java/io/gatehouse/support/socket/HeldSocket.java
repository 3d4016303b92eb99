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
    /** The listening channel; replaced by {@link #move} (under {@link #lock}, which the accept thread waits on). */
    private volatile ServerSocketChannel server;
    private volatile InetSocketAddress address;
    private final Thread acceptThread;
    private final Object lock = new Object();
    /** Serialises {@link #move}s. */
    private final Object moving = new Object();
    /** Bound on waiting for the kernel to release a closed socket's port during a same-port move. */
    static final long SAME_PORT_WAIT_MS = 1_000;
    /** The channel the accept thread is blocked on, or null (guarded by lock). */
    private ServerSocketChannel acceptingOn;
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
        return new HeldSocket(name, open(name, at));
    }

    /** A bound, blocking listening channel, or an IOException naming the address and the reason (never an unchecked one). */
    private static ServerSocketChannel open(String name, InetSocketAddress at) throws IOException {
        ServerSocketChannel ch = null;
        try {
            if (at.isUnresolved()) {
                throw new IOException("the address " + at.getHostString() + " is not an IP address");
            }
            ch = ServerSocketChannel.open();
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            ch.bind(at, BACKLOG);
            ch.configureBlocking(true);
            return ch;
        } catch (IOException | RuntimeException e) {
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // already failing
                }
            }
            String why = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
            throw new IOException("cannot listen on " + hostPort(at) + " for the " + name + " socket: " + why, e);
        }
    }

    /**
     * Moves the socket to {@code to} in place: consumers keep taking connections from this object, and
     * connections already handed out are not touched. On another port the new socket is bound first and
     * the old one closed only then, so some socket always listens. On the same port at another address
     * (e.g. {@code 0.0.0.0} to {@code 127.0.0.1}) the kernel refuses the new bind while the old socket
     * holds the port, so the old one is closed first and the new one bound at once (clients connecting
     * in that instant are refused); if that bind fails, the old address is bound again.
     *
     * @return the address the socket listens on afterwards ({@code to}, with the port picked when it was 0)
     * @throws IOException naming the address and the reason when it cannot listen there; the socket then
     *                     listens where it did
     */
    public InetSocketAddress move(InetSocketAddress to) throws IOException {
        synchronized (moving) {
            synchronized (lock) {
                if (closed) {
                    throw new ClosedChannelException();
                }
            }
            InetSocketAddress from = address;
            if (sameHost(from, to) && (to.getPort() == 0 || to.getPort() == from.getPort())) {
                return from;
            }
            ServerSocketChannel old = server;
            if (to.getPort() != from.getPort() || to.getPort() == 0) {
                swap(open(name, to)); // throws: nothing changed
                closeQuietly(old);
                LOG.info("{} socket moved from {} to {}", name, hostPort(from), hostPort(address));
                return address;
            }
            closeQuietly(old); // the accept thread waits for the replacement
            awaitAcceptLeft(old);
            try {
                swap(openRetrying(to));
            } catch (IOException e) {
                try {
                    swap(openRetrying(from));
                } catch (IOException again) {
                    LOG.error("{} socket: cannot listen on {} ({}) nor again on {} ({}): not listening", name, hostPort(to),
                            e.getMessage(), hostPort(from), again.getMessage());
                    throw new IOException(e.getMessage() + "; and " + hostPort(from) + " could not be bound again: "
                            + again.getMessage() + " (nothing listens now)", e);
                }
                throw e;
            }
            LOG.info("{} socket moved from {} to {} (same port: the old socket was closed first)", name, hostPort(from),
                    hostPort(address));
            return address;
        }
    }

    /**
     * Closing a channel another thread is blocked in {@code accept()} on frees the kernel socket only when
     * that thread leaves the call: until then the port is still "in use". Waits (bounded) for the accept
     * thread to have left it.
     */
    private void awaitAcceptLeft(ServerSocketChannel old) {
        long deadline = System.nanoTime() + SAME_PORT_WAIT_MS * 1_000_000L;
        synchronized (lock) {
            while (acceptingOn == old && System.nanoTime() < deadline) {
                try {
                    lock.wait(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Binds, retrying "address in use" briefly while the kernel lets go of a socket just closed. */
    private ServerSocketChannel openRetrying(InetSocketAddress at) throws IOException {
        long deadline = System.nanoTime() + SAME_PORT_WAIT_MS * 1_000_000L;
        while (true) {
            try {
                return open(name, at);
            } catch (IOException e) {
                if (!(e.getCause() instanceof java.net.BindException) || System.nanoTime() > deadline) {
                    throw e;
                }
                try {
                    Thread.sleep(10); // retry interval while the old socket is released
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private void swap(ServerSocketChannel next) throws IOException {
        InetSocketAddress bound = (InetSocketAddress) next.getLocalAddress();
        synchronized (lock) {
            server = next;
            address = bound;
            lock.notifyAll();
        }
    }

    private static boolean sameHost(InetSocketAddress a, InetSocketAddress b) {
        if (a.getAddress() == null || b.getAddress() == null) {
            return false;
        }
        if (a.getAddress().isAnyLocalAddress() || b.getAddress().isAnyLocalAddress()) {
            return a.getAddress().isAnyLocalAddress() && b.getAddress().isAnyLocalAddress();
        }
        return a.getAddress().equals(b.getAddress());
    }

    private static void closeQuietly(ServerSocketChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // closing anyway
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
        if (ip == null) {
            return a.getHostString() + ":" + a.getPort(); // unresolved: as given
        }
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
                return "ListeningSocket[" + name + " " + hostPort(address) + " generation " + generation + "]";
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
                ServerSocketChannel listening = server;
                SocketChannel ch;
                synchronized (lock) {
                    acceptingOn = listening;
                }
                try {
                    ch = listening.accept();
                } catch (ClosedChannelException e) {
                    // closed for good, or moved: then take connections from the replacement
                    synchronized (lock) {
                        acceptingOn = null;
                        lock.notifyAll();
                        while (!closed && server == listening) {
                            lock.wait();
                        }
                        if (closed) {
                            return;
                        }
                    }
                    continue;
                }
                synchronized (lock) {
                    acceptingOn = null;
                    if (closed) {
                        ch.close();
                        return;
                    }
                    waiting = ch;
                    lock.notifyAll();
                }
            } catch (InterruptedException e) {
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
