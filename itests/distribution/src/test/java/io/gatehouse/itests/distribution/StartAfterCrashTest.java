package io.gatehouse.itests.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue case 10: {@code bin/gatehouse start} after a crash, and a pid file naming someone else's process. */
class StartAfterCrashTest {
    @TempDir
    Path dir;

    @Test
    void startRightAfterAKillStartsANewGatewayAndAStalePidIsNeverSignalled() throws Exception {
        try (Gateway g = Gateway.copyInto(dir)) {
            // A pid file left by a crash whose pid the OS gave to another process: not ours, not signalled.
            Process stranger = new ProcessBuilder("sleep", "120").start();
            try {
                Files.createDirectories(g.home.resolve("data/run"));
                Files.writeString(g.home.resolve("data/run/gatehouse.pid"), stranger.pid() + "\n");
                Gateway.Result stop = g.cli("stop");
                assertEquals(0, stop.exit(), stop.toString());
                assertTrue(stop.out().contains("not running"), stop.toString());
                assertTrue(stranger.isAlive(), "stop signalled a process that is not the gateway");
                assertEquals(3, g.cli("status").exit(), "status: not running");

                Gateway.Result start = g.cli("start");
                assertEquals(0, start.exit(), start.toString());
                assertTrue(start.out().contains("gatehouse started"), start.toString());
                assertTrue(stranger.isAlive());
            } finally {
                stranger.destroyForcibly();
            }
            long first = g.pid();
            assertNotEquals(-1, first);

            // kill -9, then start at once: the dying pid must not count as "already running"
            ProcessHandle.of(first).orElseThrow().destroyForcibly();
            Gateway.Result again = g.cli("start");
            assertEquals(0, again.exit(), again.toString());
            long second = g.pid();
            assertNotEquals(first, second, again.toString());
            assertTrue(ProcessHandle.of(second).map(ProcessHandle::isAlive).orElse(false));
            g.awaitHealthy(Duration.ofSeconds(30));

            // a second start while it runs: "already running", the same process
            Gateway.Result twice = g.cli("start");
            assertEquals(0, twice.exit(), twice.toString());
            assertTrue(twice.out().contains("already running (pid " + second + ")"), twice.toString());
        }
    }

    /** Case 2: a start that does not get ready in time leaves no JVM behind (it used to keep running, unhealthy). */
    @Test
    void aStartThatTimesOutStopsTheProcessItStarted() throws Exception {
        try (Gateway g = Gateway.copyInto(dir)) {
            Gateway.Result r = g.cli(java.util.Map.of("GATEHOUSE_START_TIMEOUT", "0"), "start");
            assertEquals(1, r.exit(), r.toString());
            assertTrue(r.err().contains("not ready in time") && r.err().contains("stopping it"), r.toString());
            long pid = g.pid();
            if (pid > 0) { // the pid file goes when the process has gone
                Gateway.await(Duration.ofSeconds(30), () -> !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false),
                        "the started process gone");
            }
            assertEquals(3, g.cli("status").exit(), "nothing runs");
        }
    }
}
