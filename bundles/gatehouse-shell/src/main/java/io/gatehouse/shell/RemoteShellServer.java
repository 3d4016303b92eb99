package io.gatehouse.shell;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.gatehouse.launcher.api.InFlightWork;
import io.gatehouse.launcher.api.ListeningSocket;
import io.gatehouse.support.shell.ShellProtocol;
import io.gatehouse.support.shell.ShellProtocol.Frames;

/**
 * Runs Gogo command lines sent by {@code bin/gatehouse shell} over the launcher's loopback admin
 * socket, after checking the token in {@code data/admin.token}. Each command runs in its own Gogo
 * session; output streams back in frames ({@link ShellProtocol}), then the exit status: 0, or 1 when
 * the command threw.
 */
@Component(service = InFlightWork.class, immediate = true, configurationPid = "gatehouse.shell")
@Designate(ocd = RemoteShellServer.Config.class)
public final class RemoteShellServer implements InFlightWork {
    private static final Logger LOG = LoggerFactory.getLogger(RemoteShellServer.class);

    @ObjectClassDefinition(name = "Gatehouse remote shell", description = "The command channel behind bin/gatehouse shell.")
    public @interface Config {
        @AttributeDefinition(description = "Commands that may run at the same time.", min = "1", max = "64")
        int maxConcurrent() default 8;

        @AttributeDefinition(description = "Time a client has to send its request (ms).", min = "100")
        int requestTimeoutMs() default 10_000;
    }

    private final ListeningSocket socket;
    private final CommandProcessor processor;
    private final byte[] token;
    private final int requestTimeoutMs;
    private final ExecutorService workers;
    private final Thread acceptor;
    private final AtomicInteger running = new AtomicInteger();
    private volatile boolean stopping;

    @Activate
    public RemoteShellServer(BundleContext context, Config config,
            @Reference(target = "(" + ListeningSocket.NAME + "=" + ListeningSocket.ADMIN + ")") ListeningSocket socket,
            @Reference CommandProcessor processor) throws IOException {
        this.socket = socket;
        this.processor = processor;
        this.requestTimeoutMs = config.requestTimeoutMs();
        Path tokenFile = Path.of(context.getProperty("gatehouse.data"), "admin.token");
        this.token = Files.readString(tokenFile, StandardCharsets.US_ASCII).trim().getBytes(StandardCharsets.US_ASCII);
        AtomicInteger n = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(config.maxConcurrent(), config.maxConcurrent(), 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(256), r -> {
                    Thread t = new Thread(r, "gatehouse-shell-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        ((ThreadPoolExecutor) workers).allowCoreThreadTimeOut(true);
        this.acceptor = new Thread(this::acceptLoop, "gatehouse-shell-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        stopping = true;
        acceptor.interrupt();
        acceptor.join(5_000);
        workers.shutdown();
        if (!workers.awaitTermination(10, TimeUnit.SECONDS)) {
            workers.shutdownNow();
        }
    }

    private void acceptLoop() {
        while (!stopping) {
            SocketChannel ch;
            try {
                ch = socket.accept();
            } catch (InterruptedIOException | ClosedChannelException e) {
                return;
            } catch (IOException e) {
                LOG.warn("admin socket: {}", e.toString());
                continue;
            }
            running.incrementAndGet();
            try {
                workers.execute(() -> {
                    try (SocketChannel c = ch) {
                        serve(c);
                    } catch (IOException e) {
                        LOG.debug("shell client went away: {}", e.toString());
                    } finally {
                        running.decrementAndGet();
                    }
                });
            } catch (RuntimeException rejected) {
                running.decrementAndGet();
                closeQuietly(ch);
            }
        }
    }

    private void serve(SocketChannel ch) throws IOException {
        ch.socket().setSoTimeout(requestTimeoutMs);
        InputStream in = ch.socket().getInputStream();
        Frames frames = new Frames(ch.socket().getOutputStream());
        String hello = ShellProtocol.readLine(in);
        String presented = ShellProtocol.readLine(in);
        String command = ShellProtocol.readLine(in);
        if (!ShellProtocol.HELLO.equals(hello)) {
            frames.exit(ShellProtocol.USAGE, "protocol mismatch: expected '" + ShellProtocol.HELLO + "'\n");
            return;
        }
        if (presented == null
                || !MessageDigest.isEqual(token, presented.trim().getBytes(StandardCharsets.US_ASCII))) {
            LOG.warn("remote shell: rejected a client with a wrong token from {}",
                    ((InetSocketAddress) ch.getRemoteAddress()).getAddress().getHostAddress());
            frames.exit(ShellProtocol.DENIED, "access denied: wrong admin token (see data/admin.token)\n");
            return;
        }
        if (command == null || command.isBlank()) {
            frames.exit(ShellProtocol.USAGE, "no command given\n");
            return;
        }
        LOG.debug("remote shell: {} (arguments not logged)", commandName(command));
        int status;
        try (PrintStream o = new PrintStream(frames.stream('O'), true, StandardCharsets.UTF_8);
                PrintStream e = new PrintStream(frames.stream('E'), true, StandardCharsets.UTF_8);
                CommandSession session = processor.createSession(new ByteArrayInputStream(new byte[0]), o, e)) {
            try {
                Object result = session.execute(command);
                if (result != null) {
                    CharSequence text = session.format(result, Converter.INSPECT);
                    o.print(text);
                    if (text.length() > 0 && text.charAt(text.length() - 1) != '\n') {
                        o.println();
                    }
                }
                status = ShellProtocol.OK;
            } catch (Exception failure) {
                e.println(describe(failure));
                status = ShellProtocol.FAILED;
            }
            o.flush();
            e.flush();
        }
        frames.exit(status, null);
    }

    /**
     * The command's name for the log: never its arguments, which may be a secret
     * ({@code config:set gateway.auth.token <value>}).
     */
    static String commandName(String line) {
        String first = line.strip().split("\\s+", 2)[0];
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < first.length() && b.length() < 64; i++) {
            char c = first.charAt(i);
            b.append(Character.isLetterOrDigit(c) || c == ':' || c == '-' || c == '_' || c == '.' ? c : '?');
        }
        return b.toString();
    }

    private static String describe(Exception e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            m = e.getClass().getSimpleName();
        }
        return "Error: " + m;
    }

    private static void closeQuietly(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // client is gone anyway
        }
    }

    @Override
    public String name() {
        return "shell-commands";
    }

    @Override
    public int pending() {
        return running.get();
    }

    @Override
    public void beginDrain() {
        // running commands finish; the launcher stops handing out new connections
    }
}
