package io.gatehouse.api.channel;

import java.util.Map;

import io.gatehouse.api.routing.RouteRequest;

/**
 * A message received by a channel.
 *
 * @param route      what routing needs to know about the message
 * @param text       the message text
 * @param receivedAt epoch milliseconds
 * @param attributes facts the channel knows about the message, for tools and replies: {@link #HTTP_HOST}
 *                   (the Host the client used, so a URL handed back is one it can reach),
 *                   {@link #CLIENT_ADDRESS}, channel-specific ids ({@code telegram.message_id}); never secrets
 */
public record InboundMessage(RouteRequest route, String text, long receivedAt, Map<String, String> attributes) {

    /** Attribute: the {@code Host} header (host[:port]) the client addressed the gateway by. */
    public static final String HTTP_HOST = "http.host";
    /** Attribute: {@code http} or {@code https}, as the client sees the gateway (X-Forwarded-Proto honoured). */
    public static final String HTTP_SCHEME = "http.scheme";
    /** Attribute: the client's IP address. */
    public static final String CLIENT_ADDRESS = "client.address";
    /**
     * Attribute: {@code "true"} when the sender asked for a new session ({@code /new}): the agent runtime
     * starts the session's history over with this message; with an empty text it only starts it over and
     * answers with an empty reply.
     *
     * @since 0.4
     */
    public static final String SESSION_RESET = "session.reset";
    /**
     * Attribute: a thread of the conversation that has a session of its own (a Telegram direct-message topic
     * as {@code <chat id>:<thread id>}): the agent runtime uses {@code <routed session key>:thread:<value>},
     * the reference's thread session key, with the value lower-cased.
     *
     * @since 0.4
     */
    public static final String SESSION_THREAD = "session.thread";

    public InboundMessage {
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    }

    /** A message without attributes. */
    public InboundMessage(RouteRequest route, String text, long receivedAt) {
        this(route, text, receivedAt, Map.of());
    }
}
