package io.gatehouse.itests.support;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import io.gatehouse.launcher.api.LauncherControl;
import io.gatehouse.support.socket.HeldSocket;

/**
 * The launcher as seen from the framework, recording restart requests instead of restarting. Socket
 * moves are real: the gateway {@link HeldSocket} moves as the launcher's does.
 */
public final class RecordingLauncherControl implements LauncherControl {
    private final long processStartedAt = System.currentTimeMillis();
    private final long frameworkStartedAt = processStartedAt;
    private final Path home;
    private final Path configFile;
    private final List<String> restartRequests = new CopyOnWriteArrayList<>();
    private final List<InetSocketAddress> moves = new CopyOnWriteArrayList<>();
    private volatile HeldSocket gateway;

    public RecordingLauncherControl(Path home, Path configFile) {
        this.home = home;
        this.configFile = configFile;
    }

    /** The gateway socket {@link #moveGatewaySocket} moves. */
    void gatewaySocket(HeldSocket socket) {
        this.gateway = socket;
    }

    /** Addresses asked for by {@link #moveGatewaySocket}, oldest first. */
    public List<InetSocketAddress> moves() {
        return List.copyOf(moves);
    }

    @Override
    public InetSocketAddress moveGatewaySocket(InetSocketAddress to) throws IOException {
        moves.add(to);
        return gateway.move(to);
    }

    /** Reasons passed to {@link #requestRestart(String)}, oldest first. */
    public List<String> restartRequests() {
        return List.copyOf(restartRequests);
    }

    /** Forgets the recorded requests (between tests). */
    public void clearRestartRequests() {
        restartRequests.clear();
    }

    @Override
    public long requestRestart(String reason) {
        restartRequests.add(reason);
        return restartCount() + 1;
    }

    @Override
    public long restartCount() {
        return 0;
    }

    @Override
    public Optional<String> lastRestartReason() {
        return Optional.empty();
    }

    @Override
    public long processStartedAt() {
        return processStartedAt;
    }

    @Override
    public long frameworkStartedAt() {
        return frameworkStartedAt;
    }

    @Override
    public Path home() {
        return home;
    }

    @Override
    public Path configFile() {
        return configFile;
    }
}
