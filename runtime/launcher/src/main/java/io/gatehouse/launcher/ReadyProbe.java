package io.gatehouse.launcher;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code bin/gatehouse start} runs this after starting the gateway in the background: it returns 0
 * once {@code /healthz} answers 200, or 1 with the reason when the process died or the time ran out.
 */
final class ReadyProbe {
    private ReadyProbe() {
    }

    static int run(GatewayHome home, List<String> args) {
        if (args.size() != 2) {
            System.err.println("usage: gatehouse wait-ready PID TIMEOUT_SECONDS");
            return 2;
        }
        long pid = Long.parseLong(args.get(0));
        long deadline = System.nanoTime() + Long.parseLong(args.get(1)) * 1_000_000_000L;
        String lastProblem = "no answer yet";
        while (System.nanoTime() < deadline) {
            if (!alive(pid)) {
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
                    System.out.println("gatehouse started (pid " + pid + ") on http://" + listen);
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
        System.err.println("gatehouse: not ready in time (" + lastProblem + ")");
        return 1;
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
