package io.gatehouse.api.agent;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.osgi.annotation.versioning.ConsumerType;

/** A model provider (openai-compatible, echo, or from a plugin), registered as a service. */
@ConsumerType
public interface ModelProvider {

    /** Service property: the provider id used in {@code models} config. */
    String PROVIDER_ID = "gatehouse.provider.id";

    /**
     * One completion.
     *
     * @param messages chat messages, each with {@code role} ({@code system}, {@code user},
     *                 {@code assistant}) and {@code content}
     * @param options  provider options from config (model, baseUrl, temperature, ...)
     * @param onDelta  receives the reply text as it streams, in order
     * @return the whole reply text
     */
    String complete(List<Map<String, String>> messages, Map<String, Object> options, Consumer<String> onDelta)
            throws Exception;
}
