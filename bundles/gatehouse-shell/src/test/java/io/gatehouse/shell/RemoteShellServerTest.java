package io.gatehouse.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;

import io.gatehouse.launcher.api.ListeningSocket;
import io.gatehouse.support.shell.ShellProtocol;
import io.gatehouse.support.socket.HeldSocket;

/** The server side of bin/gatehouse shell, driven by the production client over a real loopback socket. */
class RemoteShellServerTest {
    private static final String TOKEN = "0123456789abcdef0123456789abcdef";

    @TempDir
    Path data;
    private HeldSocket socket;
    private RemoteShellServer server;

    /** A Gogo stand-in: "echo x" prints x, "fail" throws, anything else returns its text. */
    private static CommandProcessor processor() {
        return (CommandProcessor) Proxy.newProxyInstance(RemoteShellServerTest.class.getClassLoader(),
                new Class<?>[] {CommandProcessor.class}, (p, m, a) -> {
                    if (!"createSession".equals(m.getName())) {
                        return null;
                    }
                    PrintStream out = (PrintStream) a[1];
                    return Proxy.newProxyInstance(RemoteShellServerTest.class.getClassLoader(), new Class<?>[] {CommandSession.class},
                            (sp, sm, sa) -> switch (sm.getName()) {
                                case "execute" -> {
                                    String line = sa[0].toString();
                                    if (line.equals("fail")) {
                                        throw new IllegalStateException("it broke");
                                    }
                                    if (line.startsWith("echo ")) {
                                        out.println(line.substring(5));
                                        yield null;
                                    }
                                    yield "result of " + line;
                                }
                                case "format" -> sa[0].toString();
                                default -> null;
                            });
                });
    }

    private static RemoteShellServer.Config config() {
        return new RemoteShellServer.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return RemoteShellServer.Config.class;
            }

            @Override
            public int maxConcurrent() {
                return 2;
            }

            @Override
            public int requestTimeoutMs() {
                return 5_000;
            }
        };
    }

    @BeforeEach
    void start() throws Exception {
        Files.writeString(data.resolve("admin.token"), TOKEN + "\n");
        BundleContext ctx = (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {BundleContext.class},
                (p, m, a) -> "getProperty".equals(m.getName()) && "gatehouse.data".equals(a[0]) ? data.toString() : null);
        socket = HeldSocket.bind(ListeningSocket.ADMIN, new InetSocketAddress("127.0.0.1", 0));
        socket.open(0);
        server = new RemoteShellServer(ctx, config(), socket.viewFor(0), processor());
    }

    @AfterEach
    void stop() throws Exception {
        server.deactivate();
        socket.close();
    }

    private ShellProtocol.Result run(String token, String command) throws Exception {
        return ShellProtocol.run(socket.port(), token, command, 2_000, 10_000, true);
    }

    @Test
    void aCommandRunsAndItsOutputAndResultComeBack() throws Exception {
        ShellProtocol.Result r = run(TOKEN, "echo hello");
        assertEquals(ShellProtocol.OK, r.exit(), r::toString);
        assertEquals("hello\n", r.out());
        r = run(TOKEN, "gateway:status");
        assertEquals(ShellProtocol.OK, r.exit(), r::toString);
        assertEquals("result of gateway:status\n", r.out());
        // the server counts a command until its connection is closed, just after the exit frame
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (server.pending() != 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(0, server.pending(), "nothing in flight after the command");
    }

    /** A command line may hold a secret (config:set gateway.auth.token ...): the log names the command only. */
    @Test
    void theLogNeverHoldsACommandsArguments() throws Exception {
        ch.qos.logback.classic.Logger log = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(RemoteShellServer.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> seen = new ch.qos.logback.core.read.ListAppender<>();
        seen.start();
        ch.qos.logback.classic.Level before = log.getLevel();
        log.setLevel(ch.qos.logback.classic.Level.TRACE);
        log.addAppender(seen);
        try {
            ShellProtocol.Result r = run(TOKEN, "config:set gateway.auth.token sk_live_in_the_args");
            assertEquals(0, r.exit(), r.toString());
            run(TOKEN, "fail sk_live_in_the_args");
        } finally {
            log.detachAppender(seen);
            log.setLevel(before);
        }
        assertTrue(seen.list.stream().anyMatch(e -> e.getFormattedMessage().contains("config:set")), seen.list.toString());
        for (ch.qos.logback.classic.spi.ILoggingEvent e : seen.list) {
            assertTrue(!e.getFormattedMessage().contains("sk_live") && !e.getThreadName().contains("sk_live"), e.toString());
        }
        assertEquals("config:set", RemoteShellServer.commandName("  config:set gateway.auth.token x "));
    }

    @Test
    void aFailingCommandExitsOneWithTheReasonOnStderr() throws Exception {
        ShellProtocol.Result r = run(TOKEN, "fail");
        assertEquals(ShellProtocol.FAILED, r.exit(), r::toString);
        assertEquals("Error: it broke\n", r.err());
    }

    @Test
    void aWrongTokenIsDeniedAndRunsNothing() throws Exception {
        ShellProtocol.Result r = run("not-the-token", "echo secret");
        assertEquals(ShellProtocol.DENIED, r.exit(), r::toString);
        assertEquals("", r.out());
        assertTrue(r.err().contains("access denied") && !r.err().contains(TOKEN), r.err());
    }

    @Test
    void anEmptyCommandIsAUsageError() throws Exception {
        assertEquals(ShellProtocol.USAGE, run(TOKEN, "  ").exit());
    }

    @Test
    void anotherProtocolIsRefused() throws Exception {
        try (Socket s = new Socket()) {
            s.connect(socket.address(), 2_000);
            s.setSoTimeout(10_000);
            OutputStream o = s.getOutputStream();
            o.write(("GET / HTTP/1.1\n" + TOKEN + "\necho hi\n").getBytes(StandardCharsets.UTF_8));
            o.flush();
            byte[] all = s.getInputStream().readAllBytes();
            String text = new String(all, StandardCharsets.UTF_8);
            assertTrue(text.contains("protocol mismatch"), text);
            assertEquals('X', all[all.length - 9], "ends with the exit frame");
            assertEquals(ShellProtocol.USAGE, all[all.length - 1]);
        }
    }
}
