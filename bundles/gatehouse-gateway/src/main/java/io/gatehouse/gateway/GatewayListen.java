package io.gatehouse.gateway;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Optional;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.gatehouse.api.config.ConfigReloadEvent;
import io.gatehouse.api.config.ConfigReloadListener;
import io.gatehouse.api.config.ConfigService;
import io.gatehouse.api.config.ConfigSnapshot;
import io.gatehouse.api.config.ReloadHandler;
import io.gatehouse.api.config.ReloadPlan;
import io.gatehouse.launcher.api.LauncherControl;
import io.gatehouse.launcher.api.ListeningSocket;
import io.gatehouse.support.socket.ListenAddress;

/**
 * Keeps the gateway socket where the config in force says ({@code gateway.bind}, {@code gateway.port}):
 * the one place that decides to move it. It compares the address the config in force names
 * ({@link ListenAddress}, the decision the launcher binds by too) with the address the socket is bound
 * to, and asks the launcher to move the socket when they differ:
 * <ul>
 * <li>as the hot action {@value #ACTION} of a change of {@code gateway.port} or {@code gateway.bind}, so
 * the edit that asked for it ({@code config:set}) fails with the reason when the socket cannot move;</li>
 * <li>when it starts (every framework start: the config in force may name another address than the one
 * the launcher kept, e.g. after two quick changes during a restart, or a file missing at start);</li>
 * <li>after every other reload, including {@code gateway:reload} of an unchanged file, so a move that
 * failed (the port was in use) is retried once the operator has freed it.</li>
 * </ul>
 * The last failure is kept for {@code gateway:status}, which shows the address listening and the one
 * configured whenever they differ.
 */
@Component(service = {GatewayListen.class, ReloadHandler.class, ConfigReloadListener.class},
        property = ReloadHandler.ACTIONS + "=" + GatewayListen.ACTION)
public final class GatewayListen implements ReloadHandler, ConfigReloadListener {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayListen.class);
    static final String ACTION = "gateway-listen";

    private final LauncherControl launcher;
    private final ConfigService config;
    private final ListeningSocket socket;
    private volatile String problem;

    @Activate
    public GatewayListen(@Reference LauncherControl launcher, @Reference ConfigService config,
            @Reference(target = "(" + ListeningSocket.NAME + "=" + ListeningSocket.GATEWAY + ")") ListeningSocket socket) {
        this.launcher = launcher;
        this.config = config;
        this.socket = socket;
        try {
            reconcile(config.current());
        } catch (IOException e) {
            // kept in problem() and logged; the gateway serves where it is
        }
    }

    @Override
    public void apply(String action, ReloadPlan plan, ConfigSnapshot snapshot) throws IOException {
        reconcile(snapshot);
    }

    @Override
    public void reloaded(ConfigReloadEvent event) {
        if (ConfigReloadEvent.REJECTED.equals(event.outcome())
                || (event.plan() != null && event.plan().actions().contains(ACTION))) {
            return; // nothing new in force, or the action already did it
        }
        try {
            reconcile(config.current());
        } catch (IOException e) {
            // kept in problem() and logged
        }
    }

    /** Why the socket is not where the config in force says, when a move failed; empty otherwise. */
    public Optional<String> problem() {
        return Optional.ofNullable(problem);
    }

    /**
     * Moves the socket to the address {@code snapshot} names, unless it is there already.
     *
     * @throws IOException why it cannot listen there (the socket stays where it is)
     */
    synchronized void reconcile(ConfigSnapshot snapshot) throws IOException {
        ListenAddress want;
        try {
            want = ListenAddress.of(snapshot.get("gateway.bind").orElse(null), snapshot.get("gateway.port").orElse(null));
        } catch (IllegalArgumentException e) {
            // the pipeline never puts such a config in force; a last good config from an older version might
            problem = "the config in force names no usable address: " + e.getMessage();
            LOG.error("gateway socket: {}", problem);
            throw new IOException(problem, e);
        }
        InetSocketAddress have = socket.localAddress();
        if (want.matches(have)) {
            problem = null;
            return;
        }
        try {
            InetSocketAddress now = launcher.moveGatewaySocket(want.socketAddress());
            problem = want.matches(now) ? null : "moved to " + ListenAddress.text(now) + ", not " + want;
            LOG.info("gateway socket now on {} (config in force: {})", ListenAddress.text(now), want);
        } catch (IOException e) {
            problem = e.getMessage();
            LOG.error("gateway socket stays on {}: {}", ListenAddress.text(have), e.getMessage());
            throw e;
        }
    }
}
