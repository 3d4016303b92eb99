package io.gatehouse.example.upper;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import io.gatehouse.api.agent.ModelProvider;
import io.gatehouse.api.agent.ModelReply;
import io.gatehouse.api.agent.ModelRequest;
import io.gatehouse.launcher.api.InFlightWork;

/**
 * Model provider {@code example-upper}: replies with the last user message upper-cased, after a
 * prefix, streamed in a few deltas.
 *
 * <p>Options (from {@code models.providers.<ref>} or the agent's {@code model} object; the
 * component configuration gives the defaults): {@code prefix} (default {@code "UPPER: "}),
 * {@code delayMs} (default 0: a pause before each delta, to simulate a slow model) and
 * {@code showVersion} (default false: end the reply with this bundle's version, so an updated
 * plugin can be told from the old one).
 *
 * <p>Asynchronous, as every provider must be: {@link #complete} returns a stage at once; the pauses
 * are scheduled on the component's own timer thread (stopped on deactivate), so a slow reply holds no
 * thread, and cancelling the turn ({@link ModelRequest#cancelled()}) stops the reply.
 *
 * <p>It is also {@link InFlightWork}: a framework restart (plugin install/update/uninstall) waits
 * for the replies it is still streaming.
 */
@Component(service = {ModelProvider.class, InFlightWork.class},
        property = ModelProvider.PROVIDER_ID + "=" + UpperProvider.ID)
@Designate(ocd = UpperProvider.Config.class)
public final class UpperProvider implements ModelProvider, InFlightWork {
    /** The provider id agents name in their model config. */
    public static final String ID = "example-upper";
    static final int DELTAS = 3;

    @ObjectClassDefinition(name = "Gatehouse example plugin: example-upper model",
            description = "Defaults for the example-upper model provider; per-model options override them.")
    @interface Config {
        @AttributeDefinition(description = "Text put before the upper-cased reply.")
        String prefix() default "UPPER: ";

        @AttributeDefinition(description = "Pause before each streamed delta (ms), to simulate a slow model.", min = "0")
        long delayMs() default 0;

        @AttributeDefinition(description = "End each reply with the plugin's bundle version.")
        boolean showVersion() default false;
    }

    /** The defaults, as plain values (tests build them without an annotation instance). */
    record Defaults(String prefix, long delayMs, boolean showVersion) {
        static Defaults of(Config c) {
            return new Defaults(c.prefix(), c.delayMs(), c.showVersion());
        }
    }

    private final String version;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile Defaults defaults;
    /** Runs the delayed deltas: one thread for every slow reply, owned by this component. */
    private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "example-upper-timer");
        t.setDaemon(true);
        return t;
    });

    @Activate
    public UpperProvider(BundleContext context, Config config) {
        this(context.getBundle().getVersion().toString(), Defaults.of(config));
    }

    UpperProvider(String version, Defaults defaults) {
        this.version = version;
        this.defaults = defaults;
        timer.setRemoveOnCancelPolicy(true);
    }

    @Deactivate
    void deactivate() {
        timer.shutdownNow();
    }

    /** New defaults apply to the next reply; nothing else to redo. */
    @Modified
    void modified(Config config) {
        defaults = Defaults.of(config);
    }

    @Override
    public CompletionStage<ModelReply> complete(ModelRequest request, Consumer<String> onDelta) {
        Map<String, Object> options = request.options();
        Defaults d = defaults;
        String prefix = options.get("prefix") instanceof String p ? p : d.prefix();
        long delayMs = Math.max(0, longOption(options.get("delayMs"), d.delayMs()));
        boolean showVersion = boolOption(options.get("showVersion"), d.showVersion());
        String reply = prefix + request.lastUserText().toUpperCase(Locale.ROOT)
                + (showVersion ? " [" + ID + " " + version + "]" : "");
        List<String> deltas = chunks(reply, DELTAS);
        if (delayMs == 0) {
            deltas.forEach(onDelta);
            return CompletableFuture.completedFuture(new ModelReply(reply));
        }
        inFlight.incrementAndGet();
        CompletableFuture<ModelReply> done = new CompletableFuture<>();
        done.whenComplete((r, e) -> inFlight.decrementAndGet());
        request.cancelled().thenRun(() -> done.cancel(false));
        next(deltas, 0, delayMs, onDelta, done, reply);
        return done;
    }

    /** Delta {@code i} after {@code delayMs}, on the timer; the last one completes the reply. */
    private void next(List<String> deltas, int i, long delayMs, Consumer<String> onDelta, CompletableFuture<ModelReply> done,
            String reply) {
        try {
            timer.schedule(() -> {
                if (done.isDone()) {
                    return; // cancelled
                }
                try {
                    onDelta.accept(deltas.get(i));
                } catch (RuntimeException e) {
                    done.completeExceptionally(e);
                    return;
                }
                if (i + 1 < deltas.size()) {
                    next(deltas, i + 1, delayMs, onDelta, done, reply);
                } else {
                    done.complete(new ModelReply(reply));
                }
            }, delayMs, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
            done.completeExceptionally(new IllegalStateException("the " + ID + " provider stopped"));
        }
    }

    // ---- InFlightWork

    @Override
    public String name() {
        return ID;
    }

    @Override
    public int pending() {
        return inFlight.get();
    }

    @Override
    public void beginDrain() {
        // replies in progress finish on their own; the agent runtime stops taking new turns
    }

    // ---- helpers

    private static long longOption(Object v, long fallback) {
        if (v instanceof Number n) {
            return n.longValue();
        }
        if (v instanceof String s) {
            try {
                return Long.parseLong(s.trim());
            } catch (NumberFormatException notANumber) {
                return fallback;
            }
        }
        return fallback;
    }

    private static boolean boolOption(Object v, boolean fallback) {
        if (v instanceof Boolean b) {
            return b;
        }
        return v instanceof String s ? Boolean.parseBoolean(s.trim()) : fallback;
    }

    /** {@code text} in up to {@code n} pieces that join back to it. */
    static List<String> chunks(String text, int n) {
        List<String> out = new ArrayList<>();
        if (text.length() < n) {
            out.add(text);
            return out;
        }
        int start = 0;
        for (int k = 1; k <= n; k++) {
            int end = k == n ? text.length() : text.length() * k / n;
            if (end > start) {
                out.add(text.substring(start, end));
                start = end;
            }
        }
        return out;
    }
}
