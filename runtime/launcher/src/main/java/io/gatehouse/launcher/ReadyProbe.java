package io.gatehouse.launcher;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code bin/gatehouse start} runs this after starting the gateway in the background: it returns 0
 * once {@code /healthz} answers 200, or 1 with the reason when the process died or the time ran out;
 * a gateway it started that is not ready in time is stopped, so a failed start leaves nothing running.
 *
 * <p>With {@code --existing}, it checks a gateway the pid file names: 0 when it answers, {@link #GONE}
 * when that process exits meanwhile (it was going away, e.g. after a crash: start a new one).
 */
final class ReadyProbe {
    /** {@code --existing}: the process exited while we waited. */
    static final int GONE = 3;
    static final long STOP_GRACE_MS = 10_000;

    private ReadyProbe() {
    }

    static int run(GatewayHome home, List<String> args) {
        boolean existing = args.contains("--existing");
        List<String> rest = args.stream().filter(a -> !a.equals("--existing")).toList();
        if (rest.size() != 2) {
            System.err.println("usage: gatehouse wait-ready PID TIMEOUT_SECONDS [--existing]");
            return 2;
        }
        long pid = Long.parseLong(rest.get(0));
        long deadline = System.nanoTime() + Long.parseLong(rest.get(1)) * 1_000_000_000L;
        String lastProblem = "no answer yet";
        while (System.nanoTime() < deadline) {
            if (!alive(pid)) {
                if (existing) {
                    return GONE;
                }
                System.err.println("gatehouse: the gateway (pid " + pid + ") exited during start:");
                printLogTail(home.logDir().resolve("gatehouse.log"), 15);
                return 1;
            }
            try {
                String listen = Files.readString(home.listenFile()).trim();
                HttpURLConnection c = (HttpURLConnection) URI.create("http://" + hostForClient(listen) + "/healthz")
                        .toURL().openConnection();
                c.setConnectTimeout(1000);
                c.setReadTimeout(2000);
                int code = c.getResponseCode();
                c.disconnect();
                if (code == 200) {
                    System.out.println(existing ? "gatehouse: already running (pid " + pid + ") on http://" + listen
                            : "gatehouse started (pid " + pid + ") on http://" + listen);
                    return 0;
                }
                lastProblem = "/healthz answered " + code;
            } catch (IOException e) {
                lastProblem = e.toString();
            }
            try {
                Thread.sleep(50); // polling interval while waiting for a separate process
            } catch (InterruptedException e) {
                return 1;
            }
        }
        if (existing) {
            System.err.println("gatehouse: pid " + pid + " runs but does not answer (" + lastProblem + "); not starting another");
            return 1;
        }
        System.err.println("gatehouse: not ready in time (" + lastProblem + "); stopping it (pid " + pid + ")");
        printLogTail(home.logDir().resolve("gatehouse.log"), 15);
        stop(pid);
        return 1;
    }

    /** SIGTERM (a graceful stop), then SIGKILL after {@link #STOP_GRACE_MS}. */
    static void stop(long pid) {
        ProcessHandle.of(pid).ifPresent(p -> {
            p.destroy();
            long until = System.nanoTime() + STOP_GRACE_MS * 1_000_000L;
            while (alive(pid) && System.nanoTime() < until) {
                try {
                    Thread.sleep(50); // polling interval while another process exits
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            if (alive(pid)) {
                p.destroyForcibly();
            }
        });
    }

    /** Alive and not a zombie (an exited process its parent has not reaped yet). */
    static boolean alive(long pid) {
        if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            int afterName = stat.lastIndexOf(')');
            return afterName < 0 || stat.length() < afterName + 3 || stat.charAt(afterName + 2) != 'Z';
        } catch (IOException noProcfs) {
            return true;
        }
    }

    /** A wildcard bind is reached through loopback. */
    static String hostForClient(String listen) {
        return listen.startsWith("0.0.0.0:") ? "127.0.0.1" + listen.substring(7) : listen;
    }

    private static void printLogTail(Path log, int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            for (String l : all.subList(Math.max(0, all.size() - lines), all.size())) {
                System.err.println("  " + l);
            }
        } catch (IOException e) {
            System.err.println("  (no log at " + log + ")");
        }
    }
}
