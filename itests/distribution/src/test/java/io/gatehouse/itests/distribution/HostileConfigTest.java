package io.gatehouse.itests.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Issue 10: 200 generated hostile configs written into a running gateway, each followed by a good one.
 * Throughout: the process stays alive and serves every request; after each hostile file the last good
 * config is in force and the error names the file (with line and column for content errors); after
 * each good file it is in force and the error is gone. One gateway process; status through the admin
 * socket in this JVM; every wait polls with a deadline.
 */
class HostileConfigTest {
    static final int ROUNDS = Integer.getInteger("gatehouse.hostile.rounds", 200);
    static final Duration EACH = Duration.ofSeconds(15);
    static final Pattern LINE_COL = Pattern.compile("gatehouse\\.json:\\d+:\\d+: ");

    @TempDir
    Path dir;

    @Test
    void twoHundredHostileConfigsNeverStopTheGatewayAndEachGoodOneApplies() throws Exception {
        try (Gateway g = Gateway.copyInto(dir)) {
            int port = Gateway.freePort();
            Path file = g.home.resolve("etc/gatehouse.json");
            g.writeConfig(HostileConfigs.good(port, 0));
            assertEquals(0, g.cli("start").exit());
            long pid = g.pid();
            String hash = g.fastStatus().path("configHash").asText();
            Random rnd = new Random(20261205L);
            List<String> failures = new ArrayList<>();
            try (Prober prober = new Prober(port)) {
                for (int i = 1; i <= ROUNDS; i++) {
                    HostileConfigs.Case c = HostileConfigs.make(i, rnd, port);
                    c.write().to(file);
                    String lastGood = hash;
                    JsonNode s = await(g, "round " + i + " (" + c + ") rejected", x -> !x.path("configError").isNull());
                    String error = s.path("configError").asText();
                    check(failures, i, c, s.path("configHash").asText().equals(lastGood), "last good not in force: " + s);
                    check(failures, i, c, error.contains(file.toString()), "the error does not name the file: " + error);
                    check(failures, i, c, !c.positional() || LINE_COL.matcher(error).find(), "no line:col: " + error);
                    check(failures, i, c, c.reason() == null || error.contains(c.reason()), "reason: " + error);
                    check(failures, i, c, "degraded".equals(s.path("status").asText()), "status: " + s.path("status"));
                    check(failures, i, c, ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "process gone");

                    HostileConfigs.clear(file);
                    g.writeConfig(HostileConfigs.good(port, i));
                    s = await(g, "round " + i + " good config applied",
                            x -> x.path("configError").isNull() && !x.path("configHash").asText().equals(lastGood));
                    hash = s.path("configHash").asText();
                    Gateway.Result name = g.shell("config:get agents.list");
                    check(failures, i, c, name.out().contains("round-" + i), "next good not in force: " + name);
                    check(failures, i, c, "ok".equals(s.path("status").asText()), "status after the good one: " + s);
                    if (failures.size() > 10) {
                        break;
                    }
                }
                assertEquals(List.of(), failures);
                assertEquals(0, prober.failed.get(), "requests failed while hostile configs came and went: " + prober.lastFailure.get());
                assertTrue(prober.served.get() > ROUNDS, "the prober ran: " + prober.served.get());
            }
            assertEquals(pid, g.pid(), "the same process throughout");
            assertEquals(0, g.fastStatus().path("restarts").asInt(), "no restart: every good config was hot");
            assertTrue(Files.readString(g.home.resolve("data/log/gatehouse.log")).contains("config reload skipped"));
        }
    }

    private static void check(List<String> failures, int round, HostileConfigs.Case c, boolean ok, String what) {
        if (!ok) {
            failures.add("round " + round + " (" + c + "): " + what);
        }
    }

    private static JsonNode await(Gateway g, String what, Predicate<JsonNode> done) throws IOException {
        long deadline = System.nanoTime() + EACH.toNanos();
        JsonNode last = null;
        while (true) {
            last = g.fastStatus();
            if (done.test(last)) {
                return last;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what + "; last status: " + last);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(10_000_000L); // poll interval against another process
        }
    }

    /** GET /healthz in a loop on fresh connections; counts what was served and what failed. */
    static final class Prober implements AutoCloseable {
        final AtomicLong served = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final AtomicReference<String> lastFailure = new AtomicReference<>();
        private final Thread thread;
        private volatile boolean stop;

        Prober(int port) {
            thread = new Thread(() -> {
                while (!stop) {
                    try {
                        HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/healthz").toURL()
                                .openConnection();
                        c.setConnectTimeout(5_000);
                        c.setReadTimeout(10_000);
                        int code = c.getResponseCode();
                        c.getInputStream().readAllBytes();
                        c.disconnect();
                        if (code == 200) {
                            served.incrementAndGet();
                        } else {
                            failed.incrementAndGet();
                            lastFailure.set("HTTP " + code);
                        }
                    } catch (IOException e) {
                        failed.incrementAndGet();
                        lastFailure.set(e.toString());
                    }
                    java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L); // request rate, not a wait for an effect
                }
            }, "hostile-prober");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            stop = true;
            thread.join(15_000);
        }
    }
}
