package io.gatehouse.channels.support;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

import io.gatehouse.api.channel.InboundMessage;

/**
 * The {@link InboundMessage#attributes()} an HTTP channel knows about a request: the Host the client addressed the
 * gateway by ({@link InboundMessage#HTTP_HOST}), the scheme ({@link InboundMessage#HTTP_SCHEME}) and the client's
 * address ({@link InboundMessage#CLIENT_ADDRESS}). Behind a reverse proxy the proxy's {@code Forwarded} (RFC 7239)
 * or {@code X-Forwarded-Host}/{@code -Proto}/{@code -For} headers win, so a URL handed back (a canvas link) is one
 * the client can reach. These only shape what is told to that same client, never who may do what.
 */
public final class HttpAttributes {
    private static final Pattern ADDRESS = Pattern.compile("[0-9A-Fa-f:.]+");

    private HttpAttributes() {
    }

    /**
     * @param host    the request's Host header (host[:port]), or null
     * @param scheme  the request's scheme ({@code http}, {@code https})
     * @param remote  the peer address of the connection
     * @param headers header lookup by name (first value), e.g. {@code request::getHeader}
     */
    public static Map<String, String> of(String host, String scheme, String remote, Function<String, String> headers) {
        String fHost = null;
        String fProto = null;
        String fFor = null;
        String forwarded = headers.apply("Forwarded");
        if (forwarded != null) {
            String first = forwarded.split(",", 2)[0];
            for (String pair : first.split(";")) {
                int eq = pair.indexOf('=');
                if (eq < 0) {
                    continue;
                }
                String k = pair.substring(0, eq).trim().toLowerCase(Locale.ROOT);
                String v = unquote(pair.substring(eq + 1).trim());
                switch (k) {
                    case "host" -> fHost = v;
                    case "proto" -> fProto = v;
                    case "for" -> fFor = address(v);
                    default -> {
                        // by, extensions
                    }
                }
            }
        }
        String h = firstNonBlank(fHost, first(headers.apply("X-Forwarded-Host")), host);
        String s = firstNonBlank(fProto, first(headers.apply("X-Forwarded-Proto")), scheme);
        String c = firstNonBlank(fFor, address(first(headers.apply("X-Forwarded-For"))), remote);
        Map<String, String> out = new LinkedHashMap<>();
        if (h != null && h.length() <= 255 && validHost(h)) {
            out.put(InboundMessage.HTTP_HOST, h);
        }
        if (s != null) {
            String lower = s.toLowerCase(Locale.ROOT);
            if (lower.equals("http") || lower.equals("https")) {
                out.put(InboundMessage.HTTP_SCHEME, lower);
            }
        }
        if (c != null && c.length() <= 64 && ADDRESS.matcher(c).matches()) {
            out.put(InboundMessage.CLIENT_ADDRESS, c);
        }
        return out;
    }

    /**
     * Whether {@code h} is a host[:port]: {@code [A-Za-z0-9._~-]+(:[0-9]{1,5})?} or {@code \[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?}.
     * A loop, not a pattern: the pattern ran on every request and was a measurable part of a message's CPU
     * ({@code HttpAttributesTest} compares the two).
     */
    static boolean validHost(String h) {
        int end = h.length();
        int i;
        if (!h.isEmpty() && h.charAt(0) == '[') {
            int close = h.indexOf(']');
            if (close < 2) {
                return false;
            }
            for (i = 1; i < close; i++) {
                char c = h.charAt(i);
                if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' || c == ':' || c == '.')) {
                    return false;
                }
            }
            i = close + 1;
        } else {
            i = 0;
            while (i < end && hostChar(h.charAt(i))) {
                i++;
            }
            if (i == 0) {
                return false;
            }
        }
        if (i == end) {
            return true;
        }
        int digits = end - i - 1;
        if (h.charAt(i) != ':' || digits < 1 || digits > 5) {
            return false;
        }
        for (int j = i + 1; j < end; j++) {
            if (h.charAt(j) < '0' || h.charAt(j) > '9') {
                return false;
            }
        }
        return true;
    }

    private static boolean hostChar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '~' || c == '-';
    }

    private static String first(String list) {
        if (list == null) {
            return null;
        }
        String f = list.split(",", 2)[0].trim();
        return f.isEmpty() ? null : f;
    }

    private static String firstNonBlank(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v.trim();
            }
        }
        return null;
    }

    private static String unquote(String v) {
        return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
    }

    /** An address without port or brackets ({@code [::1]:5000} is {@code ::1}, {@code 1.2.3.4:5} is {@code 1.2.3.4}). */
    private static String address(String v) {
        if (v == null) {
            return null;
        }
        String a = v.trim();
        if (a.startsWith("[")) {
            int end = a.indexOf(']');
            return end > 0 ? a.substring(1, end) : null;
        }
        int colon = a.indexOf(':');
        if (colon > 0 && a.indexOf(':', colon + 1) < 0) {
            return a.substring(0, colon); // v4 with port
        }
        return a;
    }
}
