package io.gatehouse.channels.support;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import io.gatehouse.api.config.ConfigService;
import io.gatehouse.launcher.api.ListeningSocket;

/**
 * The gateway token rule for HTTP and WebSocket channels.
 *
 * <ul>
 * <li>{@code gateway.auth.token} set (after {@code ${ENV}} substitution): every request must present it;</li>
 * <li>not set: requests from a loopback address are allowed without a token, all others are refused;</li>
 * <li>{@code gateway.auth.mode: "none"}: every request is allowed (the operator chose no auth; a gateway
 * beyond loopback without a token runs only with this).</li>
 * </ul>
 * The token is read from the config in force on every call, so a change applies to the next request.
 */
@Component(service = GatewayAuth.class)
public final class GatewayAuth {
    public static final String TOKEN_PATH = "gateway.auth.token";
    public static final String MODE_PATH = "gateway.auth.mode";

    private final ConfigService config;
    private final ListeningSocket gateway;

    @Activate
    public GatewayAuth(@Reference ConfigService config,
            @Reference(target = "(" + ListeningSocket.NAME + "=" + ListeningSocket.GATEWAY + ")") ListeningSocket gateway) {
        this.config = config;
        this.gateway = gateway;
    }

    /** The configured token, or null when none is set (or it is blank). */
    public String token() {
        if ("none".equals(config.current().get(MODE_PATH).orElse(null))) {
            return null;
        }
        Object t = config.current().get(TOKEN_PATH).orElse(null);
        return t instanceof String s && !s.isBlank() ? s : null;
    }

    /**
     * @param remoteAddress the client's address as the servlet container reports it
     * @param presented     the token the client presented, or null
     */
    public boolean allowed(String remoteAddress, String presented) {
        if ("none".equals(config.current().get(MODE_PATH).orElse(null))) {
            return true;
        }
        String token = token();
        if (token != null) {
            return presented != null && MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8),
                    presented.getBytes(StandardCharsets.UTF_8));
        }
        return isLoopback(remoteAddress);
    }

    /** Whether the gateway socket is bound to a loopback address only (then only local clients can connect). */
    public boolean gatewayOnLoopback() {
        InetAddress a = gateway.localAddress().getAddress();
        return a != null && a.isLoopbackAddress();
    }

    /** The token of an {@code Authorization: Bearer <token>} header, or null. */
    public static String bearer(String authorization) {
        if (authorization == null) {
            return null;
        }
        String a = authorization.trim();
        return a.regionMatches(true, 0, "Bearer ", 0, 7) ? a.substring(7).trim() : null;
    }

    static boolean isLoopback(String address) {
        if (address == null || address.isEmpty()) {
            return false;
        }
        String a = address.startsWith("[") && address.endsWith("]") ? address.substring(1, address.length() - 1) : address;
        // only literal addresses: never resolve a name here
        if (!a.matches("[0-9.]+") && !a.contains(":")) {
            return false;
        }
        try {
            return InetAddress.getByName(a).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
