package io.gatehouse.api.channel;

import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Where channels deliver inbound messages: the gateway routes each one with the bindings in force,
 * runs the agent's turn and completes the stage with the reply.
 *
 * <p>Asynchronous: {@link #deliver} returns at once (or after CPU work only), and no thread waits for
 * the model meanwhile. A channel must answer asynchronously too (servlet async, WebSocket callbacks).
 */
@ProviderType
public interface MessageSink {

    /**
     * @param message the inbound message
     * @param onDelta receives reply text as it is produced (for streaming channels), in order; may be
     *                called from another thread; the completed {@link Reply} holds the whole text
     * @return completes with the reply; exceptionally with {@link TurnRejectedException} when the gateway
     *         is full and did not take the message, or with an error saying why the turn failed.
     *         <b>Cancelling</b> it ({@code toCompletableFuture().cancel(true)}), when the client went
     *         away or timed out, cancels the turn: a waiting turn is dropped, a running one aborts its
     *         model request.
     */
    CompletionStage<Reply> deliver(InboundMessage message, Consumer<String> onDelta);
}
