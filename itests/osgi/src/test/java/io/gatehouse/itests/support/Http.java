package io.gatehouse.itests.support;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Plain HTTP/1.1 requests to the gateway over loopback. */
public final class Http {
    private Http() {
    }

    public record Response(int status, Map<String, List<String>> headers, String body) {
        /** The first value of a header (case-insensitive), or null. */
        public String header(String name) {
            for (Map.Entry<String, List<String>> e : headers.entrySet()) {
                if (e.getKey() != null && e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
                    return e.getValue().get(0);
                }
            }
            return null;
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    public static Response get(int port, String path) throws IOException {
        @SuppressWarnings("deprecation") // URI.toURL() needs a URI; this is a fixed loopback URL
        URL url = new URL("http", "127.0.0.1", port, path);
        HttpURLConnection c = (HttpURLConnection) url.openConnection();
        c.setConnectTimeout(5_000);
        c.setReadTimeout(20_000);
        c.setUseCaches(false);
        try {
            int status = c.getResponseCode();
            InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
            String body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
            if (in != null) {
                in.close(); // lets the connection go back to the keep-alive cache
            }
            return new Response(status, c.getHeaderFields(), body);
        } catch (IOException e) {
            c.disconnect();
            throw e;
        }
    }
}
