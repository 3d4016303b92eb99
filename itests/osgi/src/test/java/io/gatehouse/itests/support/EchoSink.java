package io.gatehouse.itests.support;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import io.gatehouse.api.channel.InboundMessage;
import io.gatehouse.api.channel.MessageSink;
import io.gatehouse.api.channel.Reply;

/**
 * A test {@link MessageSink}: replies {@code echo: <text>}, streamed word by word, with model {@code echo}.
 * A message whose text is {@code hold} is held until {@link #release()}; every message is recorded.
 */
public final class EchoSink implements MessageSink {
    public final List<InboundMessage> received = new CopyOnWriteArrayList<>();
    public final List<CompletableFuture<Void>> held = new CopyOnWriteArrayList<>();

    @Override
    public CompletionStage<Reply> deliver(InboundMessage message, Consumer<String> onDelta) {
        received.add(message);
        String reply = "echo: " + message.text();
        if ("hold".equals(message.text())) {
            CompletableFuture<Void> gate = new CompletableFuture<>();
            held.add(gate);
            return gate.thenApply(x -> new Reply(reply, null, "echo"));
        }
        return CompletableFuture.supplyAsync(() -> {
            String[] words = reply.split("(?<= )");
            for (String w : words) {
                onDelta.accept(w);
            }
            return new Reply(reply, null, "echo");
        });
    }

    public void release() {
        held.forEach(f -> f.complete(null));
    }

    /** The last message received on a channel, or null. */
    public InboundMessage last(String channel) {
        for (int i = received.size() - 1; i >= 0; i--) {
            if (channel.equals(received.get(i).route().channel())) {
                return received.get(i);
            }
        }
        return null;
    }
}
