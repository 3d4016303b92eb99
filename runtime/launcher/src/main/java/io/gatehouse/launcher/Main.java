package io.gatehouse.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/**
 * Entry point of {@code bin/gatehouse}.
 *
 * <pre>
 * gatehouse [--home DIR] run                 run in the foreground until SIGTERM
 * gatehouse [--home DIR] shell "CMD"         run a Gogo command in the running gateway
 * gatehouse [--home DIR] wait-ready PID SECS wait until the gateway answers /healthz (used by start)
 * </pre>
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        String homeArg = null;
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if ("--home".equals(args[i]) && i + 1 < args.length) {
                homeArg = args[++i];
            } else if (args[i].startsWith("--home=")) {
                homeArg = args[i].substring("--home=".length());
            } else {
                rest.add(args[i]);
            }
        }
        GatewayHome home = GatewayHome.locate(homeArg);
        String command = rest.isEmpty() ? "run" : rest.remove(0);
        int status = switch (command) {
            case "run" -> run(home);
            case "shell" -> ShellClient.run(home, rest, System.out, System.err);
            case "wait-ready" -> ReadyProbe.run(home, rest);
            default -> {
                System.err.println("gatehouse: unknown command '" + command + "' (run, start, stop, status, shell)");
                yield 2;
            }
        };
        System.exit(status);
    }

    private static int run(GatewayHome home) {
        // Logging first: the launcher's own lines and every bundle's go through one logback setup.
        System.setProperty("gatehouse.home", home.root().toString());
        if (System.getProperty("logback.configurationFile") == null && Files.isRegularFile(home.etc().resolve("logback.xml"))) {
            System.setProperty("logback.configurationFile", home.etc().resolve("logback.xml").toString());
        }
        org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Main.class);
        Launcher launcher;
        try {
            launcher = new Launcher(home, System.console() != null);
        } catch (IOException e) {
            log.error("cannot prepare {}: {}", home.data(), e.getMessage());
            return 1;
        }
        Thread shutdownHook = new Thread(() -> launcher.shutdown(Launcher.FRAMEWORK_STOP_TIMEOUT_MS * 2),
                "gatehouse-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        installGracefulSignal(launcher, "TERM");
        installGracefulSignal(launcher, "INT");
        try {
            home.writeRunFile(home.pidFile(), ProcessHandle.current().pid() + "\n");
            int status = launcher.run();
            log.info("gateway stopped");
            return status;
        } catch (LaunchException e) {
            log.error("gateway failed to start: {}", e.getMessage());
            return 1;
        } catch (IOException e) {
            log.error("cannot write {}: {}", home.pidFile(), e.getMessage());
            return 1;
        } catch (RuntimeException e) {
            log.error("gateway failed", e);
            return 1;
        } finally {
            try {
                Files.deleteIfExists(home.pidFile());
            } catch (IOException ignored) {
                // best effort
            }
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // the hook is running: it finds the launcher stopped
            }
        }
    }

    /**
     * SIGTERM/SIGINT ask for a graceful stop and an exit status of 0 (a shutdown hook alone would
     * make the JVM exit with 143). Falls back to the shutdown hook where signals are not available.
     */
    private static void installGracefulSignal(Launcher launcher, String name) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> {
                Thread t = new Thread(() -> launcher.shutdown(Long.MAX_VALUE), "gatehouse-signal-" + name);
                t.setDaemon(true);
                t.start();
            });
        } catch (Throwable unsupported) {
            // shutdown hook covers it
        }
    }
}
