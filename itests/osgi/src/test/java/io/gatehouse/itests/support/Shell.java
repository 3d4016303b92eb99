package io.gatehouse.itests.support;

import java.io.IOException;

import io.gatehouse.support.shell.ShellProtocol;

/** Runs a command over the admin socket with the production wire protocol ({@link ShellProtocol}). */
public final class Shell {
    private Shell() {
    }

    public static ShellProtocol.Result run(int port, String token, String command) throws IOException {
        return ShellProtocol.run(port, token, command, 5_000, 20_000, false);
    }
}
