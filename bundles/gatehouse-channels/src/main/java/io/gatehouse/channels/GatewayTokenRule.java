package io.gatehouse.channels;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import io.gatehouse.api.auth.GatewayAuth;
import io.gatehouse.api.config.ConfigService;
import io.gatehouse.launcher.api.ListeningSocket;

/**
 * The gateway token rule for HTTP and WebSocket channels ({@link GatewayAuth}).
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
public final class GatewayTokenRule implements GatewayAuth {
    /** {@code "none"} there: the operator chose no auth, every request passes. */
    static final String MODE_PATH = "gateway.auth.mode";

    private final ConfigService config;
    private final ListeningSocket gateway;

    @Activate
    public GatewayTokenRule(@Reference ConfigService config,
            @Reference(target = "(" + ListeningSocket.NAME + "=" + ListeningSocket.GATEWAY + ")") ListeningSocket gateway) {
        this.config = config;
        this.gateway = gateway;
    }

    /** The configured token, or null when none is set (or it is blank). */
    String token() {
        if ("none".equals(config.current().get(MODE_PATH).orElse(null))) {
            return null;
        }
        Object t = config.current().get(TOKEN_PATH).orElse(null);
        return t instanceof String s && !s.isBlank() ? s : null;
    }

    @Override
    public boolean tokenConfigured() {
        return token() != null;
    }

    @Override
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

    @Override
    public boolean gatewayOnLoopback() {
        InetAddress a = gateway.localAddress().getAddress();
        return a != null && a.isLoopbackAddress();
    }

    private static final java.util.regex.Pattern DIGITS_AND_DOTS = java.util.regex.Pattern.compile("[0-9.]+");

    /** {@code a.b.c.d}, each part 0-255 in 1-3 digits without leading zeros. */
    static boolean isDottedQuad(String s) {
        int parts = 0;
        int i = 0;
        int n = s.length();
        while (i < n) {
            int start = i;
            int v = 0;
            while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9' && i - start < 3) {
                v = v * 10 + (s.charAt(i++) - '0');
            }
            if (i == start || v > 255 || (s.charAt(start) == '0' && i - start > 1)) {
                return false; // leading zeros (ambiguous: octal to some parsers) go the long way
            }
            parts++;
            if (i == n) {
                break;
            }
            if (s.charAt(i) != '.' || parts == 4) {
                return false;
            }
            i++;
            if (i == n) {
                return false;
            }
        }
        return parts == 4;
    }

    /** A literal loopback address ({@code 127.x}, {@code ::1}, {@code [::1]}, {@code ::ffff:127.0.0.1}); never resolves a name. */
    static boolean isLoopback(String address) {
        if (address == null || address.isEmpty()) {
            return false;
        }
        if (address.startsWith("127.") && isDottedQuad(address)) {
            return true; // the usual case (every local client), without a regex or InetAddress per request
        }
        String a = address.startsWith("[") && address.endsWith("]") ? address.substring(1, address.length() - 1) : address;
        // only literal addresses: never resolve a name here
        if (!DIGITS_AND_DOTS.matcher(a).matches() && !a.contains(":")) {
            return false;
        }
        try {
            return InetAddress.getByName(a).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    @Override
    public String tokenMac(String label) {
        String token = token();
        if (token == null) {
            return null;
        }
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(token.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return java.util.Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(mac.doFinal(label.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required of every JVM", e);
        }
    }
}
