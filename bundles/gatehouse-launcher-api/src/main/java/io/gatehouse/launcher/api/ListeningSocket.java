package io.gatehouse.launcher.api;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A listening socket owned by the launcher, which outlives framework restarts.
 *
 * <p>Registered as a service with the property {@link #NAME} ({@link #GATEWAY} or {@link #ADMIN}).
 * A server inside the framework takes accepted connections with {@link #accept()}. While no one
 * takes connections (during a restart) clients wait in the kernel's accept backlog instead of being
 * refused.
 */
@ProviderType
public interface ListeningSocket {

    /** Service property naming the socket. */
    String NAME = "gatehouse.socket.name";

    /** The public gateway port ({@code gateway.bind}:{@code gateway.port}). */
    String GATEWAY = "gateway";

    /** The loopback-only remote command channel used by {@code bin/gatehouse shell}. */
    String ADMIN = "admin";

    /** The address the socket is bound to. */
    InetSocketAddress localAddress();

    /**
     * Waits for the next accepted connection. Interrupting the calling thread ends the wait with
     * an {@link java.io.InterruptedIOException} and leaves the socket open.
     *
     * @return a connected channel in blocking mode; the caller owns it
     * @throws java.io.InterruptedIOException if the calling thread was interrupted
     * @throws IOException if the launcher has stopped handing out connections for good
     */
    SocketChannel accept() throws IOException;
}
