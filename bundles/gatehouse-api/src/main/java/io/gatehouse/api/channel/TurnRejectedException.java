package io.gatehouse.api.channel;

/**
 * A message the gateway did not accept because it is full (its queue of waiting turns is at its cap) or
 * stopping. Nothing was recorded or sent to a model; the client may send the message again after
 * {@link #retryAfterSeconds()}. Channels answer it clearly, never with a hang: HTTP 429 with
 * {@code Retry-After}, an error frame, a "busy" reply.
 */
public class TurnRejectedException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final long retryAfterSeconds;

    public TurnRejectedException(String message, long retryAfterSeconds) {
        super(message);
        this.retryAfterSeconds = Math.max(1, retryAfterSeconds);
    }

    /** When a retry may succeed, in whole seconds (at least 1). */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
