package io.gatehouse.api.agent;

import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A model provider (openai-compatible, echo, or from a plugin), registered as a service with the
 * property {@link #PROVIDER_ID}.
 *
 * <p>Asynchronous: {@link #complete} starts the completion and returns at once; nothing may wait for
 * the model on the caller's thread (a network call uses an asynchronous client, a simulated delay a
 * scheduler). The gateway serves thousands of conversations with a handful of threads only because
 * no provider holds one while its model thinks.
 */
@ConsumerType
public interface ModelProvider {

    /** Service property: the provider id used in {@code models} config. */
    String PROVIDER_ID = "gatehouse.provider.id";

    /**
     * Starts one completion.
     *
     * @param request the prompt, the options, the tools on offer and the cancellation signal
     * @param onDelta receives the reply text as it streams, in order, one call at a time (from any
     *                thread); the pieces join to {@link ModelReply#text()}
     * @return completes with the reply, or exceptionally with an error whose message says what failed
     *         (never a secret). After {@link ModelRequest#cancelled()} completes, the provider should
     *         stop its work (abort the request) and may complete the stage either way: the turn no
     *         longer waits for it.
     */
    CompletionStage<ModelReply> complete(ModelRequest request, Consumer<String> onDelta);

    /**
     * Whether {@link #complete} understands {@link ModelRequest#tools()} with these options; when false
     * the turn offers no tools and sends no tool messages.
     *
     * @param options the provider options of the turn, as in {@link ModelRequest#options()}
     */
    default boolean supportsTools(Map<String, Object> options) {
        return false;
    }
}
