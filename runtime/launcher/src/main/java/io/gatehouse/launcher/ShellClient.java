package io.gatehouse.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.List;

import io.gatehouse.support.shell.ShellProtocol;

/**
 * Client side of the remote command channel ({@code bin/gatehouse shell "<gogo command>"}), in the
 * manner of Karaf's {@code bin/client}; the wire format is {@link ShellProtocol}.
 */
public final class ShellClient {
    private static final int READ_TIMEOUT_MS = Integer.getInteger("gatehouse.shell.timeoutMs", 300_000);

    private ShellClient() {
    }

    public static int run(GatewayHome home, List<String> args, PrintStream out, PrintStream err) {
        if (args.isEmpty()) {
            err.println("usage: gatehouse shell \"<command>\"   e.g. gatehouse shell gateway:status --json");
            return ShellProtocol.USAGE;
        }
        String command = String.join(" ", args).replace('\n', ' ').trim();
        int port;
        String token;
        try {
            port = Integer.parseInt(Files.readString(home.adminPortFile()).trim());
            token = Files.readString(home.adminTokenFile()).trim();
        } catch (NoSuchFileException e) {
            err.println("gatehouse: not running (no " + e.getFile() + ")");
            return ShellProtocol.NOT_RUNNING;
        } catch (IOException | NumberFormatException e) {
            err.println("gatehouse: cannot read the admin files under " + home.data() + ": " + e.getMessage());
            return ShellProtocol.NOT_RUNNING;
        }
        try {
            return ShellProtocol.run(port, token, command, out, err, 5_000, READ_TIMEOUT_MS, false);
        } catch (ConnectException e) {
            err.println("gatehouse: not running (nothing listens on 127.0.0.1:" + port + ")");
            return ShellProtocol.NOT_RUNNING;
        } catch (IOException e) {
            err.println("gatehouse: shell connection failed: " + e.getMessage());
            return ShellProtocol.FAILED;
        }
    }
}
