package io.gatehouse.itests.support;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Client side of the remote shell wire format (as runtime/launcher ShellClient): the lines
 * {@code GATEHOUSE-SHELL 1}, token and command; then frames of a type byte ({@code O}, {@code E},
 * {@code X}), a 4-byte length and the payload, the exit frame's payload being the 4-byte status.
 */
public final class Shell {
    public static final String HELLO = "GATEHOUSE-SHELL 1";

    private Shell() {
    }

    public record Result(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- out:\n" + out + "\n--- err:\n" + err;
        }
    }

    public static Result run(int port, String token, String command) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            s.setSoTimeout(20_000);
            OutputStream o = s.getOutputStream();
            o.write((HELLO + "\n" + token + "\n" + command + "\n").getBytes(StandardCharsets.UTF_8));
            o.flush();
            DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream()));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            while (true) {
                int type = in.read();
                if (type < 0) {
                    throw new EOFException("connection closed before the exit frame; out so far: "
                            + out.toString(StandardCharsets.UTF_8) + " err so far: " + err.toString(StandardCharsets.UTF_8));
                }
                int len = in.readInt();
                if (len < 0 || len > 16 * 1024 * 1024) {
                    throw new IOException("bad frame length " + len);
                }
                byte[] payload = in.readNBytes(len);
                if (payload.length != len) {
                    throw new EOFException("short frame");
                }
                switch (type) {
                    case 'O' -> out.write(payload);
                    case 'E' -> err.write(payload);
                    case 'X' -> {
                        if (len != 4) {
                            throw new IOException("exit frame of " + len + " bytes");
                        }
                        return new Result(ByteBuffer.wrap(payload).getInt(), out.toString(StandardCharsets.UTF_8),
                                err.toString(StandardCharsets.UTF_8));
                    }
                    default -> throw new IOException("unknown frame type " + type);
                }
            }
        }
    }
}
