package io.gatehouse.api.auth;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The gateway token rule for HTTP and WebSocket channels, a service the gateway provides
 * (gatehouse-channels) and channel plugins use:
 *
 * <ul>
 * <li>{@code gateway.auth.token} set (after {@code ${ENV}} substitution): every request must present it;</li>
 * <li>not set: requests from a loopback address are allowed without a token, all others are refused;</li>
 * <li>{@code gateway.auth.mode: "none"}: every request is allowed and no token counts as configured (the
 * operator's explicit choice; the only way to bind beyond loopback without a token).</li>
 * </ul>
 * The token is read from the config in force on every call, so a change applies to the next request.
 */
@ProviderType
public interface GatewayAuth {
    /** The config path of the token. */
    String TOKEN_PATH = "gateway.auth.token";

    /**
     * Whether a request may pass.
     *
     * @param remoteAddress the client's address as the servlet container reports it (a literal address,
     *                      IPv6 possibly in brackets); host names never count as loopback
     * @param presented     the token the client presented, or null
     */
    boolean allowed(String remoteAddress, String presented);

    /** Whether a token is configured (then every client must present it); the token itself is never exposed. */
    boolean tokenConfigured();

    /** Whether the gateway socket is bound to a loopback address only (then only local clients can connect). */
    boolean gatewayOnLoopback();

    /**
     * HMAC-SHA256 (base64url, no padding) of {@code label} keyed by the configured token, or null when no
     * token is configured: lets a channel remember a client that presented the token (in a cookie)
     * without storing or sending the token itself. Changes when the token changes.
     */
    String tokenMac(String label);

    /** The token of an {@code Authorization: Bearer <token>} header, or null. */
    static String bearer(String authorization) {
        if (authorization == null) {
            return null;
        }
        String a = authorization.trim();
        return a.regionMatches(true, 0, "Bearer ", 0, 7) ? a.substring(7).trim() : null;
    }
}
