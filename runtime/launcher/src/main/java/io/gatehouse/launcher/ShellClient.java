package io.gatehouse.launcher;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.List;

/**
 * Client side of the remote command channel ({@code bin/gatehouse shell "<gogo command>"}), in the
 * manner of Karaf's {@code bin/client}.
 *
 * <p>Wire format, shared with the shell bundle: the client sends the line {@code GATEHOUSE-SHELL 1},
 * the admin token line and the command line (UTF-8). The server answers with frames: one type byte
 * ({@code O} stdout, {@code E} stderr, {@code X} exit), a 4-byte length and the payload; the exit
 * frame's payload is the 4-byte status.
 */
public final class ShellClient {
    public static final String HELLO = "GATEHOUSE-SHELL 1";

    /** Exit statuses besides the command's own 0/1. */
    public static final int USAGE = 2;
    public static final int NOT_RUNNING = 3;
    public static final int DENIED = 4;

    private static final int READ_TIMEOUT_MS = Integer.getInteger("gatehouse.shell.timeoutMs", 300_000);

    private ShellClient() {
    }

    public static int run(GatewayHome home, List<String> args, PrintStream out, PrintStream err) {
        if (args.isEmpty()) {
            err.println("usage: gatehouse shell \"<command>\"   e.g. gatehouse shell gateway:status --json");
            return USAGE;
        }
        String command = String.join(" ", args).replace('\n', ' ').trim();
        int port;
        String token;
        try {
            port = Integer.parseInt(Files.readString(home.adminPortFile()).trim());
            token = Files.readString(home.adminTokenFile()).trim();
        } catch (NoSuchFileException e) {
            err.println("gatehouse: not running (no " + e.getFile() + ")");
            return NOT_RUNNING;
        } catch (IOException | NumberFormatException e) {
            err.println("gatehouse: cannot read the admin files under " + home.data() + ": " + e.getMessage());
            return NOT_RUNNING;
        }
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            s.setSoTimeout(READ_TIMEOUT_MS);
            DataOutputStream o = new DataOutputStream(s.getOutputStream());
            o.write((HELLO + "\n" + token + "\n" + command + "\n").getBytes(StandardCharsets.UTF_8));
            o.flush();
            DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream()));
            while (true) {
                int type = in.read();
                if (type < 0) {
                    err.println("gatehouse: the gateway closed the connection before the command finished");
                    return 1;
                }
                int len = in.readInt();
                byte[] payload = in.readNBytes(len);
                if (payload.length != len) {
                    throw new EOFException("short frame");
                }
                switch (type) {
                    case 'O' -> out.write(payload);
                    case 'E' -> err.write(payload);
                    case 'X' -> {
                        out.flush();
                        err.flush();
                        return java.nio.ByteBuffer.wrap(payload).getInt();
                    }
                    default -> throw new IOException("unknown frame type " + type);
                }
            }
        } catch (ConnectException e) {
            err.println("gatehouse: not running (nothing listens on 127.0.0.1:" + port + ")");
            return NOT_RUNNING;
        } catch (IOException e) {
            err.println("gatehouse: shell connection failed: " + e.getMessage());
            return 1;
        }
    }
}
