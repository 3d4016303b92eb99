package io.gatehouse.api.channel;

import io.gatehouse.api.routing.RouteRequest;

/**
 * A message received by a channel.
 *
 * @param route      what routing needs to know about the message
 * @param text       the message text
 * @param receivedAt epoch milliseconds
 */
public record InboundMessage(RouteRequest route, String text, long receivedAt) {
}
