package io.gatehouse.itests.support;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicInteger;

import io.gatehouse.launcher.api.ListeningSocket;

/**
 * A real {@link ListeningSocket}, as the launcher's HeldSocket but without framework generations: a
 * {@link ServerSocketChannel} on 127.0.0.1 and an ephemeral port, whose connections a dedicated
 * accept thread hands over to consumers one at a time. Consumers never call
 * {@link ServerSocketChannel#accept()} themselves, so interrupting one (a component deactivating)
 * ends its wait and leaves the channel open for the next consumer.
 */
public final class TestListeningSocket implements ListeningSocket, AutoCloseable {
    private final String name;
    private final ServerSocketChannel server;
    private final InetSocketAddress address;
    private final Thread acceptThread;
    private final AtomicInteger handedOut = new AtomicInteger();
    private final Object lock = new Object();

    // guarded by lock
    private SocketChannel waiting;
    private boolean closed;

    private TestListeningSocket(String name, ServerSocketChannel server) throws IOException {
        this.name = name;
        this.server = server;
        this.address = (InetSocketAddress) server.getLocalAddress();
        this.acceptThread = new Thread(this::acceptLoop, "itest-accept-" + name);
        acceptThread.setDaemon(true);
        acceptThread.start();
    }

    /** Binds a new socket on 127.0.0.1 and an ephemeral port. */
    public static TestListeningSocket bind(String name) throws IOException {
        ServerSocketChannel ch = ServerSocketChannel.open();
        try {
            ch.bind(new InetSocketAddress("127.0.0.1", 0), 128);
            ch.configureBlocking(true);
            return new TestListeningSocket(name, ch);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    public String name() {
        return name;
    }

    public int port() {
        return address.getPort();
    }

    /** Connections handed to consumers so far. */
    public int handedOut() {
        return handedOut.get();
    }

    /** Whether the server channel is still open (interrupted consumers must not close it). */
    public boolean isOpen() {
        return server.isOpen();
    }

    @Override
    public InetSocketAddress localAddress() {
        return address;
    }

    @Override
    public SocketChannel accept() throws IOException {
        synchronized (lock) {
            while (true) {
                if (closed) {
                    throw new ClosedChannelException();
                }
                if (waiting != null) {
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
                synchronized (lock) {
                    if (closed) {
                        return;
                    }
                }
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        SocketChannel orphan;
        synchronized (lock) {
            closed = true;
            orphan = waiting;
            waiting = null;
            lock.notifyAll();
        }
        try {
            server.close();
        } catch (IOException ignored) {
            // nothing more to do
        }
        if (orphan != null) {
            try {
                orphan.close();
            } catch (IOException ignored) {
                // nothing more to do
            }
        }
        acceptThread.join(5_000);
    }

    @Override
    public String toString() {
        return "TestListeningSocket[" + name + " " + address + "]";
    }
}
