package io.gatehouse.support.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.gatehouse.launcher.api.ListeningSocket;

class HeldSocketTest {
    private HeldSocket held;

    @BeforeEach
    void bind() throws Exception {
        held = HeldSocket.bind("test", new InetSocketAddress("127.0.0.1", 0));
    }

    @AfterEach
    void close() {
        held.close();
    }

    @Test
    void clientsConnectWhilePausedAndAreServedByTheNextGeneration() throws Exception {
        ListeningSocket gen0 = held.viewFor(0);
        held.open(0);
        try (Socket first = connect()) {
            try (SocketChannel served = gen0.accept()) {
                assertNotNull(served);
            }
        }
        held.pause();
        // A restart: the port must stay connectable (no refusal) while nobody takes connections.
        try (Socket waiting1 = connect(); Socket waiting2 = connect()) {
            waiting1.getOutputStream().write('a');
            waiting2.getOutputStream().write('b');
            ListeningSocket gen1 = held.viewFor(1);
            CompletableFuture<SocketChannel> taken = CompletableFuture.supplyAsync(() -> {
                try {
                    return gen1.accept();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            assertThrows(TimeoutException.class, () -> taken.get(200, TimeUnit.MILLISECONDS),
                    "a paused socket hands out nothing");
            held.open(1);
            try (SocketChannel a = taken.get(5, TimeUnit.SECONDS); SocketChannel b = gen1.accept()) {
                String got = readOne(a) + readOne(b);
                assertTrue(got.equals("ab") || got.equals("ba"), got);
            }
        }
    }

    @Test
    void consumersOfAnOlderGenerationAreTurnedAway() throws Exception {
        ListeningSocket gen0 = held.viewFor(0);
        held.open(0);
        CompletableFuture<Throwable> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                gen0.accept();
                return null;
            } catch (Exception e) {
                return e;
            }
        });
        held.pause();
        held.open(1);
        assertTrue(waiting.get(5, TimeUnit.SECONDS) instanceof ClosedChannelException);
    }

    @Test
    void interruptingAConsumerLeavesTheSocketListening() throws Exception {
        ListeningSocket gen0 = held.viewFor(0);
        held.open(0);
        Thread[] consumer = new Thread[1];
        CompletableFuture<Throwable> result = new CompletableFuture<>();
        consumer[0] = new Thread(() -> {
            try {
                gen0.accept();
                result.complete(null);
            } catch (Exception e) {
                result.complete(e);
            }
        });
        consumer[0].start();
        consumer[0].interrupt();
        assertTrue(result.get(5, TimeUnit.SECONDS) instanceof InterruptedIOException);
        try (Socket s = connect(); SocketChannel served = gen0.accept()) {
            assertNotNull(served, "still accepting after a consumer was interrupted");
        }
    }

    @Test
    void bindingABusyPortNamesTheAddress() {
        IOException e = assertThrows(IOException.class, () -> HeldSocket.bind("gateway", held.address()));
        assertTrue(e.getMessage().contains("127.0.0.1:" + held.address().getPort()), e.getMessage());
    }

    @Test
    void closeFailsWaitingConsumers() throws Exception {
        ListeningSocket gen0 = held.viewFor(0);
        CompletableFuture<Throwable> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                gen0.accept();
                return null;
            } catch (Exception e) {
                return e;
            }
        });
        held.close();
        assertTrue(waiting.get(5, TimeUnit.SECONDS) instanceof ClosedChannelException);
    }

    private Socket connect() throws Exception {
        Socket s = new Socket();
        s.connect(held.address(), 2000);
        return s;
    }

    private static String readOne(SocketChannel ch) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(1);
        assertEquals(1, ch.read(b));
        return String.valueOf((char) b.get(0));
    }


    @Test
    void wildcardBindReadsAsIpv4AnyForOperators() throws Exception {
        try (HeldSocket any = HeldSocket.bind("test", new InetSocketAddress("0.0.0.0", 0))) {
            assertEquals("0.0.0.0:" + any.address().getPort(), HeldSocket.hostPort(any.address()));
        }
        assertEquals("127.0.0.1:" + held.address().getPort(), HeldSocket.hostPort(held.address()));
    }

    /** Issue case 3: on the same port at another address the old socket is closed first (else the bind fails against itself). */
    @Test
    void aMoveOnTheSamePortClosesTheOldSocketFirst() throws Exception {
        ListeningSocket gen0 = held.viewFor(0);
        held.open(0);
        HeldSocket wide = HeldSocket.bind("wide", new InetSocketAddress("0.0.0.0", 0));
        try {
            wide.open(0);
            int port = wide.port();
            // a connection taken from the old socket stays open across the moves
            try (Socket kept = new Socket("127.0.0.1", port); SocketChannel keptServed = wide.viewFor(0).accept()) {
                for (int i = 0; i < 10; i++) { // the accept thread is blocked on the socket each time
                    String host = i % 2 == 0 ? "127.0.0.1" : "0.0.0.0";
                    InetSocketAddress now = wide.move(new InetSocketAddress(host, port));
                    assertEquals(host + ":" + port, HeldSocket.hostPort(now));
                    assertEquals(now, wide.viewFor(0).localAddress());
                    try (Socket c = new Socket("127.0.0.1", port); SocketChannel served = wide.viewFor(0).accept()) {
                        assertNotNull(served, "served after move " + i);
                    }
                }
                assertTrue(keptServed.isOpen() && !kept.isClosed());
            }
        } finally {
            wide.close();
        }
        assertNotNull(gen0);
    }

    /** Another port: bound first, the old one closed after; the same view keeps serving. */
    @Test
    void aMoveToAnotherPortKeepsServingThroughTheSameView() throws Exception {
        ListeningSocket gen0 = held.viewFor(0);
        held.open(0);
        int before = held.port();
        int free;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            free = probe.getLocalPort();
        }
        assertEquals(held.address(), held.move(new InetSocketAddress("127.0.0.1", 0)), "port 0: any port, no move");
        InetSocketAddress moved = held.move(new InetSocketAddress("127.0.0.1", free));
        assertTrue(moved.getPort() != before, "a new port: " + moved);
        assertEquals(moved, gen0.localAddress());
        try (Socket c = new Socket("127.0.0.1", moved.getPort()); SocketChannel served = gen0.accept()) {
            assertNotNull(served);
        }
        assertThrows(java.net.ConnectException.class, () -> new Socket("127.0.0.1", before).close(), "the old port is closed");
    }

    /** Issue case 7: a move to an address in use fails with the reason, and the socket stays where it was. */
    @Test
    void aFailedMoveLeavesTheSocketWhereItWas() throws Exception {
        ListeningSocket gen0 = held.viewFor(0);
        held.open(0);
        InetSocketAddress before = held.address();
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            IOException e = assertThrows(IOException.class,
                    () -> held.move(new InetSocketAddress("127.0.0.1", taken.getLocalPort())));
            assertTrue(e.getMessage().contains("cannot listen on 127.0.0.1:" + taken.getLocalPort()), e.getMessage());
        }
        IOException unresolved = assertThrows(IOException.class,
                () -> held.move(InetSocketAddress.createUnresolved("loopbak", 1234)));
        assertTrue(unresolved.getMessage().contains("not an IP address"), unresolved.getMessage());
        assertEquals(before, held.address());
        try (Socket c = new Socket("127.0.0.1", before.getPort()); SocketChannel served = gen0.accept()) {
            assertNotNull(served);
        }
    }
}
