package support;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A client thread that connects in a tight loop: a new TCP connection per {@code GET /healthz}
 * (Connection: close, the whole answer read), as fast as it can, until stopped. Each request is
 * counted (ok, refused, failed) with its latency in the {@link Tally} current when it started;
 * {@link #switchTo} starts a new tally, so one loop can report phases separately.
 */
public final class ConnectLoop implements Runnable {

    /** What the loop saw during one phase. Written by the loop thread, read by others. */
    public static final class Tally {
        public final String name;
        long ok;
        long refused;
        long failedIo;
        long failedStatus;
        final Map<String, Long> errors = new TreeMap<>();
        long[] latencyNs = new long[1 << 14];
        int latencies;

        public Tally(String name) {
            this.name = name;
        }

        public synchronized long ok() {
            return ok;
        }

        /** Connections refused (ConnectException). */
        public synchronized long refused() {
            return refused;
        }

        /** Other IOExceptions: resets, timeouts, empty answers, ... */
        public synchronized long failedIo() {
            return failedIo;
        }

        /** Answers other than 200. */
        public synchronized long failedStatus() {
            return failedStatus;
        }

        public synchronized long total() {
            return ok + refused + failedIo + failedStatus;
        }

        /** Error kinds and how often each occurred. */
        public synchronized Map<String, Long> errors() {
            return new TreeMap<>(errors);
        }

        public synchronized List<Double> latenciesMs() {
            List<Double> l = new ArrayList<>(latencies);
            for (int i = 0; i < latencies; i++) {
                l.add(latencyNs[i] / 1e6);
            }
            return l;
        }

        synchronized void error(String kind) {
            errors.merge(kind, 1L, Long::sum);
        }

        synchronized void record(long ns) {
            if (latencies == latencyNs.length) {
                latencyNs = Arrays.copyOf(latencyNs, latencies * 2);
            }
            latencyNs[latencies++] = ns;
        }
    }

    final String listen;
    final String userAgent;
    final AtomicBoolean stop = new AtomicBoolean();
    volatile Tally tally;
    Thread thread;

    public ConnectLoop(String listen, String userAgent, Tally first) {
        this.listen = listen;
        this.userAgent = userAgent;
        this.tally = first;
    }

    public void start() {
        thread = new Thread(this, "bench-connect-loop");
        thread.setDaemon(true);
        thread.start();
    }

    /** Requests started from now on go to {@code next}; returns the tally they went to until now. */
    public Tally switchTo(Tally next) {
        Tally previous = tally;
        tally = next;
        return previous;
    }

    /** Stops the loop and waits for its last request (bounded by the read timeout). */
    public void stop() throws InterruptedException, BenchFailure {
        stop.set(true);
        if (thread != null) {
            thread.join(BenchSupport.READ_TIMEOUT_MS + 5_000L);
            if (thread.isAlive()) {
                throw new BenchFailure("the client thread did not finish");
            }
        }
    }

    @Override
    public void run() {
        while (!stop.get()) {
            Tally t = tally;
            long t0 = System.nanoTime();
            try {
                int code = BenchSupport.healthz(listen, userAgent, true);
                if (code == 200) {
                    synchronized (t) {
                        t.ok++;
                    }
                } else {
                    synchronized (t) {
                        t.failedStatus++;
                    }
                    t.error("HTTP " + code);
                }
            } catch (ConnectException e) {
                synchronized (t) {
                    t.refused++;
                }
                t.error("refused: " + e.getMessage());
            } catch (BindException e) {
                failed(t, "client-side bind: " + e.getMessage());
            } catch (SocketTimeoutException e) {
                failed(t, "timeout: " + e.getMessage());
            } catch (IOException | RuntimeException e) {
                failed(t, e.getClass().getSimpleName() + ": " + e.getMessage());
            }
            t.record(System.nanoTime() - t0);
        }
    }

    static void failed(Tally t, String kind) {
        synchronized (t) {
            t.failedIo++;
        }
        t.error(kind);
    }
}
