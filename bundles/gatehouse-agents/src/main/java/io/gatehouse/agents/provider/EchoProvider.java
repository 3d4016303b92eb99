package io.gatehouse.agents.provider;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.osgi.service.component.annotations.Component;

import io.gatehouse.api.agent.ModelProvider;
import io.gatehouse.api.agent.ModelReply;
import io.gatehouse.api.agent.ModelRequest;

/**
 * The embedded default model: replies {@code echo: <last user message>}, streamed in up to three
 * deltas, with no network. Options: {@code prefix} (default {@code "echo: "}); {@code echoSystem: true} appends
 * {@code [system]} and the system prompt of the turn (to see what the turn gave the model); {@code delayMs}
 * (default 0) spreads the deltas over that long without holding a thread, to stand in for a slow model.
 */
@Component(service = ModelProvider.class, property = ModelProvider.PROVIDER_ID + "=" + EchoProvider.ID)
public final class EchoProvider implements ModelProvider {
    public static final String ID = "echo";

    @Override
    public CompletionStage<ModelReply> complete(ModelRequest request, Consumer<String> onDelta) {
        Map<String, Object> options = request.options();
        String prefix = options.get("prefix") instanceof String p ? p : "echo: ";
        String reply = prefix + request.lastUserText();
        if (Boolean.TRUE.equals(options.get("echoSystem"))) {
            // for tests and operators: show the system prompt the turn built (workspace, skills, memory)
            for (Map<String, Object> m : request.messages()) {
                if ("system".equals(m.get("role"))) {
                    reply += "\n\n[system]\n" + m.get("content");
                }
            }
        }
        List<String> pieces = chunks(reply, 3);
        long delay = options.get("delayMs") instanceof Number n ? Math.max(0, n.longValue()) : 0;
        if (delay == 0) {
            for (String d : pieces) {
                onDelta.accept(d);
            }
            return CompletableFuture.completedFuture(new ModelReply(reply));
        }
        CompletableFuture<ModelReply> done = new CompletableFuture<>();
        request.cancelled().thenRun(() -> done.cancel(false));
        step(pieces, 0, delay / pieces.size(), onDelta, done, reply);
        return done;
    }

    /**
     * Piece {@code i} after {@code each} ms, run by the JDK's delay scheduler thread itself (handing a
     * delta to the channel is quick): no thread sleeps, and none is started per reply.
     */
    private static void step(List<String> pieces, int i, long each, Consumer<String> onDelta, CompletableFuture<ModelReply> done,
            String reply) {
        Executor later = CompletableFuture.delayedExecutor(Math.max(1, each), TimeUnit.MILLISECONDS, Runnable::run);
        later.execute(() -> {
            if (done.isDone()) {
                return;
            }
            try {
                onDelta.accept(pieces.get(i));
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
                return;
            }
            if (i + 1 < pieces.size()) {
                step(pieces, i + 1, each, onDelta, done, reply);
            } else {
                done.complete(new ModelReply(reply));
            }
        });
    }

    /** {@code text} in up to {@code n} pieces, cut at spaces where possible; the pieces join to the text. */
    static List<String> chunks(String text, int n) {
        if (text.length() < n * 2) {
            return List.of(text);
        }
        java.util.ArrayList<String> out = new java.util.ArrayList<>();
        int start = 0;
        for (int k = 1; k < n; k++) {
            int target = text.length() * k / n;
            int cut = text.indexOf(' ', target);
            if (cut < 0 || cut <= start) {
                cut = Math.max(target, start + 1);
            } else {
                cut++;
            }
            if (cut >= text.length()) {
                break;
            }
            out.add(text.substring(start, cut));
            start = cut;
        }
        out.add(text.substring(start));
        return out;
    }
}
