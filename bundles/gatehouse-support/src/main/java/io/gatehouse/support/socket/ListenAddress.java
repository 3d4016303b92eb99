package io.gatehouse.support.socket;

import java.math.BigInteger;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;

/**
 * The one decision of "which address the gateway socket listens on", from {@code gateway.bind} and
 * {@code gateway.port}: used to validate a config, to bind the socket and to compare what is configured
 * with what is listening, so these can never disagree. No name is ever looked up: {@code bind} is a
 * name Gatehouse knows or a literal address.
 *
 * @param bind the bind name as configured ({@code loopback}, {@code lan}, ... or the literal)
 * @param host the literal address to bind
 * @param port the port; 0 picks a free one
 */
public record ListenAddress(String bind, String host, int port) {
    public static final int DEFAULT_PORT = 18789;
    public static final String DEFAULT_BIND = "loopback";
    /** Names a bind may use besides a literal address. */
    public static final List<String> BIND_NAMES = List.of("loopback", "localhost", "lan", "all");

    /** The defaults: 127.0.0.1:18789. */
    public static ListenAddress defaults() {
        return new ListenAddress(DEFAULT_BIND, "127.0.0.1", DEFAULT_PORT);
    }

    /**
     * The address {@code gateway.bind} and {@code gateway.port} name; null (absent) means the default.
     *
     * @throws IllegalArgumentException naming the field and the reason (with a did-you-mean for a near miss)
     */
    public static ListenAddress of(Object bind, Object port) {
        String bindProblem = bindProblem(bind);
        if (bindProblem != null) {
            throw new IllegalArgumentException("gateway.bind: " + bindProblem);
        }
        String portProblem = portProblem(port);
        if (portProblem != null) {
            throw new IllegalArgumentException("gateway.port: " + portProblem);
        }
        String b = bind == null ? DEFAULT_BIND : ((String) bind).trim();
        int p = port == null ? DEFAULT_PORT : ((Number) port).intValue();
        String host = switch (b) {
            case "loopback", "localhost" -> "127.0.0.1";
            case "lan", "all", "0.0.0.0" -> "0.0.0.0";
            default -> literal(b).getHostAddress();
        };
        return new ListenAddress(b, host, p);
    }

    /** Why {@code bind} cannot be used, or null when it can. */
    public static String bindProblem(Object bind) {
        if (bind == null) {
            return null;
        }
        if (!(bind instanceof String s) || s.isBlank()) {
            return "expected loopback, lan, all or an IP address, got " + render(bind);
        }
        String b = s.trim();
        if (BIND_NAMES.contains(b) || literal(b) != null) {
            return null;
        }
        String shown = b.length() > 40 ? b.substring(0, 40) + "..." : b;
        String near = closest(b.toLowerCase(Locale.ROOT));
        return "expected loopback, lan, all or an IP address, got \"" + shown + "\""
                + (near == null ? "" : " (did you mean \"" + near + "\"?)");
    }

    /** Why {@code port} cannot be used, or null when it can. */
    public static String portProblem(Object port) {
        if (port == null) {
            return null;
        }
        boolean integral = port instanceof Integer || port instanceof Long || port instanceof Short
                || (port instanceof BigInteger b && b.bitLength() < 32);
        if (!integral || ((Number) port).longValue() < 0 || ((Number) port).longValue() > 65535) {
            return "expected an integer 0-65535, got " + render(port);
        }
        return null;
    }

    /**
     * Why a gateway with this address and these {@code gateway.auth} settings must not run, or null:
     * beyond loopback, a token is required unless {@code mode: "none"} says the operator wants no auth.
     */
    public String authProblem(Object token, Object mode) {
        if (loopback() || "none".equals(mode) || (token instanceof String t && !t.isBlank())) {
            return null;
        }
        return "listening on " + this + " (beyond loopback) without gateway.auth.token: anyone who can reach the port"
                + " could use the gateway; set gateway.auth.token (e.g. \"${GATEHOUSE_TOKEN}\"), or gateway.auth.mode:"
                + " \"none\" to allow it without a token";
    }

    /** Bound to a loopback address only. */
    public boolean loopback() {
        InetAddress a = literal(host);
        return a != null && a.isLoopbackAddress();
    }

    public InetSocketAddress socketAddress() {
        return new InetSocketAddress(literal(host), port);
    }

    /** Whether a socket bound to {@code actual} is this address (port 0 matches any port). */
    public boolean matches(InetSocketAddress actual) {
        if (actual == null || actual.getAddress() == null) {
            return false;
        }
        if (port != 0 && actual.getPort() != port) {
            return false;
        }
        InetAddress want = literal(host);
        InetAddress have = actual.getAddress();
        if (want.isAnyLocalAddress() || have.isAnyLocalAddress()) {
            return want.isAnyLocalAddress() && have.isAnyLocalAddress(); // 0.0.0.0 and :: (dual stack) are one
        }
        return want.equals(have);
    }

    /** {@code host:port} for operators: a wildcard reads 0.0.0.0, IPv6 hosts are bracketed. */
    public static String text(InetSocketAddress a) {
        InetAddress ip = a.getAddress();
        String host = ip == null ? a.getHostString()
                : ip.isAnyLocalAddress() ? "0.0.0.0" : ip instanceof Inet6Address ? "[" + ip.getHostAddress() + "]" : ip.getHostAddress();
        return host + ":" + a.getPort();
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    /** The address of an IPv4 or IPv6 literal, or null: never a name lookup. */
    static InetAddress literal(String s) {
        String t = s.startsWith("[") && s.endsWith("]") ? s.substring(1, s.length() - 1) : s;
        boolean v4 = t.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        if (v4) {
            for (String part : t.split("\\.")) {
                if (Integer.parseInt(part) > 255) {
                    return null;
                }
            }
        } else if (!(t.contains(":") && t.matches("[0-9A-Fa-f:.]+"))) {
            return null;
        }
        try {
            return InetAddress.getByName(t); // a literal: parsed, not looked up
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static String closest(String word) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : BIND_NAMES) {
            int d = distance(word, candidate);
            if (d < bestDistance) {
                bestDistance = d;
                best = candidate;
            }
        }
        return bestDistance <= Math.max(1, best.length() / 3) ? best : null;
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private static String render(Object v) {
        if (v instanceof String s) {
            return "\"" + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "\"";
        }
        String t = String.valueOf(v);
        return t.length() > 40 ? t.substring(0, 40) + "..." : t;
    }
}
