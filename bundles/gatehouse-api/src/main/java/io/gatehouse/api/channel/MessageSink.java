package io.gatehouse.api.channel;

import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Where channels deliver inbound messages: the gateway routes each one with the bindings in force,
 * runs the agent's turn and completes the stage with the reply.
 */
@ProviderType
public interface MessageSink {

    /**
     * @param message the inbound message
     * @param onDelta receives reply text as it is produced (for streaming channels), in order; may be
     *                called from another thread; the completed {@link Reply} holds the whole text
     */
    CompletionStage<Reply> deliver(InboundMessage message, Consumer<String> onDelta);
}
