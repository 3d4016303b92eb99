package io.gatehouse.http;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;

import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import io.gatehouse.launcher.api.ListeningSocket;

/**
 * A Jetty connector that takes its connections from the launcher's {@link ListeningSocket} instead
 * of binding a port. Opening and closing the connector never touch the socket, so a framework
 * restart leaves the port listening; stopping the connector interrupts the acceptor thread, which
 * only ends its wait for the next connection.
 */
final class HandoffConnector extends ServerConnector {
    private final ListeningSocket socket;
    private final Runnable onStarted;
    private final Runnable onStopping;

    HandoffConnector(Server server, ListeningSocket socket, int acceptors, Runnable onStarted, Runnable onStopping,
            ConnectionFactory... factories) {
        super(server, Math.max(1, acceptors), -1, factories);
        this.socket = socket;
        this.onStarted = onStarted;
        this.onStopping = onStopping;
        setHost(socket.localAddress().getHostString());
        setPort(socket.localAddress().getPort());
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        onStarted.run();
    }

    @Override
    protected void doStop() throws Exception {
        onStopping.run();
        super.doStop();
    }

    @Override
    public void open() {
        // the launcher owns the listening socket
    }

    @Override
    public void close() {
        // the launcher owns the listening socket
    }

    @Override
    public boolean isOpen() {
        return isRunning();
    }

    @Override
    public int getLocalPort() {
        return socket.localAddress().getPort();
    }

    @Override
    public Object getTransport() {
        return socket;
    }

    @Override
    public void accept(int acceptorID) throws IOException {
        SocketChannel channel = socket.accept();
        try {
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            getSelectorManager().accept(channel);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }
}
