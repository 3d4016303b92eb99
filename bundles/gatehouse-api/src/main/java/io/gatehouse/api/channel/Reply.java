package io.gatehouse.api.channel;

import io.gatehouse.api.routing.ResolvedRoute;

/**
 * An agent's whole reply to one inbound message.
 *
 * @param text  the reply text
 * @param route where the message was routed (agent, session key, ...)
 * @param model the model that produced it (e.g. {@code echo}), for the OpenAI-compatible channel
 */
public record Reply(String text, ResolvedRoute route, String model) {
}
