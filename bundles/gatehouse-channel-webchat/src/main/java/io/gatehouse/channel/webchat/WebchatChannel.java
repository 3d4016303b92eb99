package io.gatehouse.channel.webchat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import org.osgi.service.component.annotations.Component;

import io.gatehouse.api.channel.ChannelAdapter;
import io.gatehouse.api.channel.InboundMessage;
import io.gatehouse.api.channel.MessageSink;
import io.gatehouse.api.channel.Reply;
import io.gatehouse.api.routing.RouteRequest;
import io.gatehouse.channels.support.SinkGate;

/**
 * The {@code webchat} channel: browser sessions talking over {@code /ws} (see {@link WebchatSocketServlet});
 * the peer is {@code direct:<browser session id>}.
 */
@Component(service = {ChannelAdapter.class, WebchatChannel.class}, property = {
        ChannelAdapter.CHANNEL_ID + "=" + WebchatChannel.ID,
        "gatehouse.channel.defaultEnabled=true"})
public final class WebchatChannel implements ChannelAdapter {
    static final String ID = "webchat";
    /** How long a message waits for a stopped channel (a restart) to start again. */
    static final long START_WAIT_MS = 10_000;

    private final SinkGate gate = new SinkGate();
    private volatile String accountId;

    @Override
    public String id() {
        return ID;
    }

    @Override
    public void start(Map<String, Object> channelConfig, MessageSink sink) {
        accountId = channelConfig.get("accountId") instanceof String s && !s.isBlank() ? s : null;
        gate.open(sink);
    }

    @Override
    public void stop() {
        gate.close();
    }

    /**
     * Delivers one browser message; deltas go to {@code onDelta}, the stage completes with the whole reply.
     * Cancelling the stage (the socket closed) cancels the turn.
     *
     * @param attributes the message's attributes (the Host, scheme and address of the browser's connection)
     */
    CompletableFuture<Reply> deliver(String sessionId, String text, Map<String, String> attributes, Consumer<String> onDelta) {
        InboundMessage m = new InboundMessage(new RouteRequest(ID, accountId, new RouteRequest.Peer("direct", sessionId),
                null, null, List.of(), null), text, System.currentTimeMillis(), attributes);
        CompletableFuture<Reply> out = new CompletableFuture<>();
        gate.sink(START_WAIT_MS).whenComplete((sink, e) -> {
            if (e != null) {
                Throwable c = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                out.completeExceptionally(c instanceof TimeoutException ? new IllegalStateException("the webchat channel is not running") : c);
                return;
            }
            CompletionStage<Reply> turn;
            try {
                turn = sink.deliver(m, onDelta);
            } catch (RuntimeException re) {
                out.completeExceptionally(re);
                return;
            }
            out.whenComplete((r, x) -> {
                if (out.isCancelled()) {
                    try {
                        turn.toCompletableFuture().cancel(true);
                    } catch (UnsupportedOperationException notCancellable) {
                        // completes on its own
                    }
                }
            });
            turn.whenComplete((r, x) -> {
                if (x != null) {
                    out.completeExceptionally(x instanceof CompletionException && x.getCause() != null ? x.getCause() : x);
                } else {
                    out.complete(r);
                }
            });
        });
        return out;
    }
}
