package io.gatehouse.launcher;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.launch.Framework;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.gatehouse.launcher.FrameworkGeneration.Started;
import io.gatehouse.launcher.api.LauncherControl;
import io.gatehouse.launcher.api.ListeningSocket;
import io.gatehouse.support.socket.HeldSocket;

/**
 * Runs the gateway: binds the listening sockets, starts a framework generation
 * ({@link FrameworkGeneration}, with the plugin set {@link PluginRollback} settles on), and serves
 * restart requests by draining ({@link Drain}) and stopping that framework and starting a new one in
 * the same JVM while the sockets stay open.
 */
public final class Launcher implements LauncherControl {
    private static final Logger LOG = LoggerFactory.getLogger(Launcher.class);

    static final long FRAMEWORK_STOP_TIMEOUT_MS = FrameworkGeneration.FRAMEWORK_STOP_TIMEOUT_MS;

    private final GatewayHome home;
    private final boolean console;
    private final long processStartedAt = System.currentTimeMillis();

    private final Object lock = new Object();
    private final Object moveLock = new Object();
    // guarded by lock
    private final Set<String> pendingRestartReasons = new LinkedHashSet<>();
    private boolean shutdownRequested;
    private boolean frameworkStoppedOnItsOwn;

    private final AtomicLong restarts = new AtomicLong();
    private volatile String lastRestartReason;
    private volatile long frameworkStartedAt;
    private volatile LauncherSettings settings;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private HeldSocket gatewaySocket;
    private HeldSocket adminSocket;
    private final PluginStoreFiles pluginStore;
    private final FrameworkGeneration generations;
    private final PluginRollback rollback;
    /** Each framework instance gets its own socket views; a rolled-back start uses one too. */
    private long nextGeneration;

    public Launcher(GatewayHome home, boolean console) throws IOException {
        this.home = home;
        this.console = console;
        home.createDataDirs();
        home.adminToken(); // created on first start, read by the shell bundle
        String exposed = home.configPermissionProblem();
        if (exposed != null) {
            LOG.warn("{}", exposed);
        }
        this.pluginStore = new PluginStoreFiles(home.data().resolve("plugins"));
        this.generations = new FrameworkGeneration(home, console, this, pluginStore);
        this.rollback = new PluginRollback(pluginStore);
    }

    /**
     * Runs until a shutdown is requested or the framework stops on its own.
     *
     * @return the process exit status
     */
    public int run() throws LaunchException {
        // The file, else (missing) the last good config the pipeline will run on, else the defaults.
        settings = LauncherSettings.read(home.configFile(), home.lastGoodConfig(), System::getenv);
        gatewaySocket = bind(ListeningSocket.GATEWAY, settings.address());
        try {
            adminSocket = bind(ListeningSocket.ADMIN, new InetSocketAddress("127.0.0.1", 0));
        } catch (LaunchException e) {
            gatewaySocket.close();
            throw e;
        }
        try {
            writeRunFiles();
            while (true) {
                long t0 = System.nanoTime();
                Started started = rollback.start(
                        plugins -> generations.start(nextGeneration++, plugins, settings.plugins(), gatewaySocket, adminSocket,
                                at -> frameworkStartedAt = at),
                        adminSocket::pause);
                Framework framework = started.framework();
                openSockets(started.generation(), started.ready(), t0);
                boolean restart = waitForStopOrRestart(framework);
                drain(framework);
                Set<String> reasons = stopFramework(framework);
                if (!restart) {
                    return 0;
                }
                lastRestartReason = String.join("; ", reasons);
                LOG.info("framework restart {} done stopping ({}); starting a new framework",
                        restarts.get() + 1, lastRestartReason);
                rereadSettings();
                restarts.incrementAndGet();
            }
        } finally {
            gatewaySocket.close();
            adminSocket.close();
            deleteRunFiles();
            stopped.countDown();
        }
    }

    /** Asks the run loop to drain and stop; returns when it has, or after the timeout. */
    public boolean shutdown(long timeoutMs) {
        synchronized (lock) {
            shutdownRequested = true;
            lock.notifyAll();
        }
        try {
            return stopped.await(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    // ---- LauncherControl

    @Override
    public long requestRestart(String reason) {
        synchronized (lock) {
            pendingRestartReasons.add(reason == null || reason.isBlank() ? "unspecified" : reason);
            lock.notifyAll();
            return restarts.get() + 1;
        }
    }

    @Override
    public long restartCount() {
        return restarts.get();
    }

    @Override
    public Optional<String> lastRestartReason() {
        return Optional.ofNullable(lastRestartReason);
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
        return home.root();
    }

    @Override
    public Path configFile() {
        return home.configFile();
    }

    // ---- the loop

    /** Hands connections to the framework of this generation. */
    private void openSockets(long generation, boolean ready, long t0) {
        if (!ready) {
            LOG.warn("the gateway did not report ready within {} ms; opening the port anyway",
                    FrameworkGeneration.READY_TIMEOUT_MS);
        }
        gatewaySocket.open(generation);
        LOG.info("gateway ready on {} in {} ms (framework {}, restarts so far {})", listenText(),
                (System.nanoTime() - t0) / 1_000_000, generation, restarts.get());
    }

    /** Blocks until a restart (true) or a shutdown (false) is asked for. */
    private boolean waitForStopOrRestart(Framework framework) {
        Thread watcher = new Thread(() -> {
            try {
                FrameworkEvent e = framework.waitForStop(0);
                if (e.getType() == FrameworkEvent.STOPPED || e.getType() == FrameworkEvent.ERROR) {
                    synchronized (lock) {
                        frameworkStoppedOnItsOwn = true;
                        lock.notifyAll();
                    }
                }
            } catch (InterruptedException ignored) {
                // the loop stops the framework itself
            }
        }, "gatehouse-framework-watch");
        watcher.setDaemon(true);
        watcher.start();
        try {
            synchronized (lock) {
                while (true) {
                    if (shutdownRequested) {
                        return false;
                    }
                    if (frameworkStoppedOnItsOwn) {
                        LOG.info("the framework was stopped from inside (system bundle stop); exiting");
                        return false;
                    }
                    if (!pendingRestartReasons.isEmpty()) {
                        // Requests made while the restart drains are still served by it; see stopFramework().
                        return true;
                    }
                    lock.wait();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            watcher.interrupt();
        }
    }

    /** Stops handing out connections, then waits (bounded) for in-flight work to finish. */
    private void drain(Framework framework) {
        gatewaySocket.pause();
        adminSocket.pause();
        Drain.await(Drain.of(framework), settings.drainTimeoutMs());
    }

    /** Stops the framework; returns the restart reasons it serves (every request made until now). */
    private Set<String> stopFramework(Framework framework) {
        Set<String> served;
        synchronized (lock) {
            served = new LinkedHashSet<>(pendingRestartReasons);
            pendingRestartReasons.clear();
            frameworkStoppedOnItsOwn = false;
        }
        FrameworkGeneration.stop(framework);
        return served;
    }

    /**
     * Before the next framework: the drain bound and the plugin policy from the file. The socket stays
     * where it is: the new framework's gateway bundle moves it if the config in force names another
     * address ({@link #moveGatewaySocket}), so the launcher never decides an address from a file the
     * pipeline may not accept (a restart during two quick edits used to leave the socket on the first).
     */
    private void rereadSettings() {
        // A file caught mid-write (or briefly missing) keeps what we have.
        LauncherSettings next = LauncherSettings.readSettled(home.configFile(), 150, 2_000);
        if (next == null) {
            LOG.warn("config unreadable or missing at restart; keeping the settings in use");
            return;
        }
        settings = next;
    }

    @Override
    public InetSocketAddress moveGatewaySocket(InetSocketAddress to) throws IOException {
        synchronized (moveLock) {
            InetSocketAddress now = gatewaySocket.move(to);
            try {
                writeRunFiles();
            } catch (LaunchException e) {
                LOG.warn(e.getMessage());
            }
            return now;
        }
    }

    String listenText() {
        return HeldSocket.hostPort(gatewaySocket.address());
    }

    private static HeldSocket bind(String name, InetSocketAddress at) throws LaunchException {
        try {
            return HeldSocket.bind(name, at);
        } catch (IOException e) {
            throw new LaunchException(e.getMessage(), e);
        }
    }

    private void writeRunFiles() throws LaunchException {
        try {
            home.writeRunFile(home.listenFile(), listenText() + "\n");
            home.writeRunFile(home.adminPortFile(), adminSocket.address().getPort() + "\n");
        } catch (IOException e) {
            throw new LaunchException("cannot write " + home.runDir() + ": " + e.getMessage(), e);
        }
    }

    private void deleteRunFiles() {
        try {
            Files.deleteIfExists(home.listenFile());
            Files.deleteIfExists(home.adminPortFile());
        } catch (IOException e) {
            LOG.debug("removing run files", e);
        }
    }
}
