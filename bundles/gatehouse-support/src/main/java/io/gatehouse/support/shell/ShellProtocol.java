package io.gatehouse.support.shell;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The wire protocol of the remote command channel behind {@code bin/gatehouse shell} (server: the
 * gatehouse-shell bundle; clients: the launcher's ShellClient, the OSGi itests, the benchmarks).
 *
 * <p>The client sends three UTF-8 lines: {@code GATEHOUSE-SHELL 1}, the admin token and the command.
 * The server answers with frames: one type byte ({@code O} stdout, {@code E} stderr, {@code X} exit), a
 * 4-byte big-endian length and the payload; the exit frame's payload is the 4-byte status. Statuses:
 * 0 ok, 1 the command failed, 2 usage or protocol, 3 not running (client side), 4 wrong token.
 */
public final class ShellProtocol {
    public static final String HELLO = "GATEHOUSE-SHELL 1";
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;
    public static final int NOT_RUNNING = 3;
    public static final int DENIED = 4;
    /** Longest request line the server reads. */
    public static final int MAX_LINE = 64 * 1024;
    /** Longest frame a client accepts. */
    public static final int MAX_FRAME = 16 * 1024 * 1024;

    private ShellProtocol() {
    }

    // ---- client

    /**
     * Runs one command on 127.0.0.1:{@code port}, copying the stdout and stderr frames to {@code out}
     * and {@code err} as they arrive.
     *
     * @return the exit status the server sent
     * @throws java.net.ConnectException when nothing listens there
     * @throws IOException               when the connection breaks or a frame is malformed
     */
    public static int run(int port, String token, String command, OutputStream out, OutputStream err,
            int connectTimeoutMs, int readTimeoutMs, boolean tcpNoDelay) throws IOException {
        try (Socket s = new Socket()) {
            if (tcpNoDelay) {
                s.setTcpNoDelay(true);
            }
            s.connect(new InetSocketAddress("127.0.0.1", port), connectTimeoutMs);
            s.setSoTimeout(readTimeoutMs);
            OutputStream o = s.getOutputStream();
            o.write(request(token, command));
            o.flush();
            DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream()));
            while (true) {
                int type = in.read();
                if (type < 0) {
                    throw new EOFException("the gateway closed the shell connection before the command finished");
                }
                int len = in.readInt();
                if (len < 0 || len > MAX_FRAME) {
                    throw new IOException("bad shell frame length " + len);
                }
                byte[] payload = in.readNBytes(len);
                if (payload.length != len) {
                    throw new EOFException("short shell frame");
                }
                switch (type) {
                    case 'O' -> out.write(payload);
                    case 'E' -> err.write(payload);
                    case 'X' -> {
                        if (len != 4) {
                            throw new IOException("exit frame of " + len + " bytes");
                        }
                        out.flush();
                        err.flush();
                        return ByteBuffer.wrap(payload).getInt();
                    }
                    default -> throw new IOException("unknown shell frame type " + type);
                }
            }
        }
    }

    /** A finished command: its status and what it printed. */
    public record Result(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- out:\n" + out + "\n--- err:\n" + err;
        }
    }

    /** {@link #run} collecting the output. */
    public static Result run(int port, String token, String command, int connectTimeoutMs, int readTimeoutMs,
            boolean tcpNoDelay) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit;
        try {
            exit = run(port, token, command, out, err, connectTimeoutMs, readTimeoutMs, tcpNoDelay);
        } catch (EOFException e) {
            throw new EOFException(e.getMessage() + "; out so far: " + out.toString(StandardCharsets.UTF_8)
                    + " err so far: " + err.toString(StandardCharsets.UTF_8));
        }
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** The request bytes: hello, token and command lines (a newline in the command becomes a space). */
    public static byte[] request(String token, String command) {
        return (HELLO + "\n" + token + "\n" + command.replace('\n', ' ') + "\n").getBytes(StandardCharsets.UTF_8);
    }

    // ---- server

    /** Reads one UTF-8 request line (without its end), or null at end of stream; bounded by {@link #MAX_LINE}. */
    public static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                return b.toString(StandardCharsets.UTF_8);
            }
            if (b.size() >= MAX_LINE) {
                throw new IOException("request line longer than " + MAX_LINE + " bytes");
            }
            b.write(c);
        }
        return b.size() == 0 ? null : b.toString(StandardCharsets.UTF_8);
    }

    /** The server's frame writer, shared by the stdout and stderr streams of one command. */
    public static final class Frames {
        private final DataOutputStream out;

        public Frames(OutputStream out) {
            this.out = new DataOutputStream(out);
        }

        public synchronized void write(char type, byte[] b, int off, int len) throws IOException {
            out.write(type);
            out.writeInt(len);
            out.write(b, off, len);
            out.flush();
        }

        /** The exit frame, after {@code message} (if any) as a stderr frame. */
        public synchronized void exit(int status, String message) throws IOException {
            if (message != null) {
                byte[] m = message.getBytes(StandardCharsets.UTF_8);
                write('E', m, 0, m.length);
            }
            out.write('X');
            out.writeInt(4);
            out.writeInt(status);
            out.flush();
        }

        /** A stream whose writes become frames of {@code type} ({@code 'O'} or {@code 'E'}). */
        public OutputStream stream(char type) {
            return new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    if (len > 0) {
                        Frames.this.write(type, b, off, len);
                    }
                }
            };
        }
    }
}
