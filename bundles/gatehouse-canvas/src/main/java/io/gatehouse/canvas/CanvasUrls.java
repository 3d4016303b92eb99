package io.gatehouse.canvas;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Map;

import io.gatehouse.api.channel.InboundMessage;

/**
 * The canvas URL handed to a user: {@code canvasHost.advertisedUrl} when set, else one the requesting client can
 * reach: the scheme and Host it addressed the gateway by ({@link InboundMessage#HTTP_HOST}, {@link
 * InboundMessage#HTTP_SCHEME}). A loopback address is handed out only to a client on this machine: a remote
 * client (behind a proxy, on a VPN) that reached the gateway by a loopback Host gets an explanation instead,
 * as does a message from a channel without a Host (a chat app) when the gateway listens on no specific address.
 */
final class CanvasUrls {
    private CanvasUrls() {
    }

    /** Why no URL can be made. */
    static final class NoUrl extends Exception {
        private static final long serialVersionUID = 1L;

        NoUrl(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * @param advertised the configured base URL (ending in /) or null
     * @param attributes the inbound message's attributes
     * @param gateway    the gateway's listening address, or null when unknown
     * @param rel        the path below the canvas root, already URL-encoded ({@code main/index.html}, or empty)
     */
    static String url(String advertised, Map<String, String> attributes, InetSocketAddress gateway, String rel) throws NoUrl {
        if (advertised != null) {
            return advertised + rel;
        }
        String host = attributes.get(InboundMessage.HTTP_HOST);
        String client = attributes.get(InboundMessage.CLIENT_ADDRESS);
        if (host != null && !host.isBlank()) {
            String scheme = "https".equalsIgnoreCase(attributes.get(InboundMessage.HTTP_SCHEME)) ? "https" : "http";
            String h = host.trim();
            String name = hostName(h);
            if (name == null) {
                throw new NoUrl("the client's Host header is not a host name; set canvasHost.advertisedUrl");
            }
            if (isLoopbackName(name) && client != null && !isLoopbackLiteral(client)) {
                throw new NoUrl("this client reached the gateway through a loopback address (a proxy or tunnel that does not"
                        + " pass the Host on), so a canvas URL built from it would point at the client's own machine;"
                        + " set canvasHost.advertisedUrl to the URL users reach the canvas at");
            }
            return scheme + "://" + h + CanvasServlet.PREFIX + "/" + rel;
        }
        // No Host: a channel that is not HTTP (Telegram, ...); its users are elsewhere unless proven local.
        if (gateway != null) {
            InetAddress a = gateway.getAddress();
            boolean local = client != null && isLoopbackLiteral(client);
            if (a != null && !a.isAnyLocalAddress() && (!a.isLoopbackAddress() || local)) {
                return "http://" + hostPort(a, gateway.getPort()) + CanvasServlet.PREFIX + "/" + rel;
            }
            if (a != null && a.isAnyLocalAddress() && local) {
                return "http://127.0.0.1:" + gateway.getPort() + CanvasServlet.PREFIX + "/" + rel;
            }
        }
        throw new NoUrl("the canvas address users can reach is not known for this channel (the gateway listens on "
                + (gateway == null ? "an unknown address" : gateway.getAddress() != null && gateway.getAddress().isLoopbackAddress()
                        ? "loopback only" : "every interface")
                + "); set canvasHost.advertisedUrl to the URL users reach the canvas at");
    }

    private static String hostPort(InetAddress a, int port) {
        String h = a.getHostAddress();
        return (h.contains(":") ? "[" + h + "]" : h) + ":" + port;
    }

    /** The host name of a Host header value (host, host:port, [v6]:port), or null when it is not one. */
    static String hostName(String hostHeader) {
        try {
            URI u = new URI("http://" + hostHeader + "/");
            if (u.getHost() == null || u.getRawUserInfo() != null || !"/".equals(u.getRawPath())) {
                return null;
            }
            String h = u.getHost();
            return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
        } catch (URISyntaxException e) {
            return null;
        }
    }

    static boolean isLoopbackName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.equals("localhost") || n.endsWith(".localhost") || isLoopbackLiteral(n);
    }

    /** Whether a literal address (never a name to resolve) is a loopback address. */
    static boolean isLoopbackLiteral(String address) {
        String a = address.startsWith("[") && address.endsWith("]") ? address.substring(1, address.length() - 1) : address;
        if (!a.matches("[0-9.]+") && !a.contains(":")) {
            return false;
        }
        try {
            return InetAddress.getByName(a).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** Percent-encodes each segment of a canvas-relative path for a URL. */
    static String encodePath(String rel) {
        StringBuilder b = new StringBuilder();
        for (String seg : rel.split("/", -1)) {
            if (b.length() > 0 || rel.startsWith("/")) {
                b.append('/');
            }
            b.append(encodeSegment(seg));
        }
        return b.toString();
    }

    private static String encodeSegment(String s) {
        StringBuilder b = new StringBuilder();
        for (byte x : s.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~!$&'()*+,;=:@".indexOf(c) >= 0) {
                b.append((char) c);
            } else {
                b.append('%').append(String.format("%02X", c));
            }
        }
        return b.toString();
    }
}
