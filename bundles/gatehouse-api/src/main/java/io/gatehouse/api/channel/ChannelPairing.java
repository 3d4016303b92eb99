package io.gatehouse.api.channel;

import java.util.List;
import java.util.Map;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Optionally implemented by a {@link ChannelAdapter} that lets unknown senders ask for access with a
 * pairing code, which the operator approves with {@code channels:pair <channel> <code>}.
 *
 * @since 0.4
 */
@ConsumerType
public interface ChannelPairing {

    /**
     * Approves the pending request with this code: its sender may talk to the agents from now on.
     *
     * @return what was approved, for the operator (never a secret)
     * @throws IllegalArgumentException when no pending request has this code (unknown or expired)
     */
    String approvePairing(String code) throws Exception;

    /** The pending requests: {@code code}, {@code accountId}, {@code sender}, {@code name}, {@code expiresAt}. */
    List<Map<String, Object>> pendingPairings();
}
