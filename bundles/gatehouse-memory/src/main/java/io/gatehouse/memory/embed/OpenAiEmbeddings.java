package io.gatehouse.memory.embed;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * An OpenAI-compatible {@code POST <baseUrl>/embeddings} endpoint. Errors name the endpoint and the HTTP
 * status, never the key or header values.
 */
public final class OpenAiEmbeddings implements Embedder {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final String key;
    private final URI endpoint;
    /** The endpoint as errors and status show it: without user-info (a password written into baseUrl). */
    private final String shown;
    private final String model;
    private final String apiKey;
    private final Map<String, String> headers;
    private final Duration timeout;
    private final int batchSize;
    private final HttpClient http;

    public OpenAiEmbeddings(String baseUrl, String model, String apiKey, Map<String, String> headers, int timeoutMs,
            int batchSize) {
        String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.endpoint = endpoint(base);
        this.shown = withoutUserInfo(endpoint.toString());
        this.key = keyOf(model, baseUrl);
        this.model = model;
        this.apiKey = apiKey;
        this.headers = Map.copyOf(headers);
        this.timeout = Duration.ofMillis(timeoutMs);
        this.batchSize = Math.max(1, batchSize);
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    @Override
    public String key() {
        return key;
    }

    @Override
    public List<float[]> embed(List<String> texts) throws IOException {
        List<float[]> out = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i += batchSize) {
            out.addAll(call(texts.subList(i, Math.min(texts.size(), i + batchSize))));
        }
        return out;
    }

    private List<float[]> call(List<String> input) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("model", model);
        body.put("input", input);
        HttpRequest.Builder rq = HttpRequest.newBuilder(endpoint).timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
        if (apiKey != null && !apiKey.isBlank()) {
            rq.header("Authorization", "Bearer " + apiKey);
        }
        headers.forEach(rq::header);
        HttpResponse<byte[]> rs;
        try {
            rs = http.send(rq.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("embedding request to " + shown + " interrupted");
        } catch (IOException e) {
            String why = e.getMessage() == null ? "" : " " + e.getMessage().replace(endpoint.toString(), shown);
            throw new IOException("embedding request to " + shown + " failed: " + e.getClass().getSimpleName() + why);
        }
        if (rs.statusCode() / 100 != 2) {
            throw new IOException("embedding request to " + shown + " failed: HTTP " + rs.statusCode() + errorOf(rs.body()));
        }
        JsonNode data = JSON.readTree(rs.body()).path("data");
        if (!data.isArray() || data.size() != input.size()) {
            throw new IOException("embedding response of " + shown + " has " + (data.isArray() ? data.size() : 0)
                    + " vectors for " + input.size() + " inputs");
        }
        float[][] vectors = new float[input.size()][];
        for (int i = 0; i < data.size(); i++) {
            JsonNode d = data.get(i);
            int at = d.has("index") ? d.get("index").asInt() : i;
            JsonNode e = d.path("embedding");
            if (at < 0 || at >= vectors.length || !e.isArray() || e.isEmpty()) {
                throw new IOException("embedding response of " + shown + " has a malformed entry " + i);
            }
            float[] v = new float[e.size()];
            for (int k = 0; k < v.length; k++) {
                v[k] = (float) e.get(k).asDouble();
            }
            vectors[at] = Embedder.normalize(v);
        }
        List<float[]> out = new ArrayList<>();
        for (float[] v : vectors) {
            if (v == null) {
                throw new IOException("embedding response of " + shown + " misses a vector");
            }
            out.add(v);
        }
        return out;
    }

    /** {@code <baseUrl>/embeddings}; a malformed baseUrl is refused without quoting it (it may hold a password). */
    private static URI endpoint(String base) {
        try {
            URI uri = new URI(base + "/embeddings");
            if (uri.getHost() == null || !("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))) {
                throw new IllegalArgumentException("baseUrl is not an http(s) URL with a host");
            }
            return uri;
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("baseUrl is not a valid URL (" + e.getReason() + " at index " + e.getIndex() + ")");
        }
    }

    /**
     * What the vectors are made with ({@code openai:<model>@<baseUrl>}), as the index records it and memory
     * status shows it: the baseUrl without user-info (a password written into it is no part of it).
     */
    public static String keyOf(String model, String baseUrl) {
        return "openai:" + model + "@" + withoutUserInfo(baseUrl);
    }

    /** A URL without its user-info ({@code http://user:pw@host/v1} is {@code http://host/v1}); other text unchanged. */
    static String withoutUserInfo(String url) {
        int s = url.indexOf("://");
        if (s < 0) {
            return url;
        }
        int end = url.length();
        for (char c : new char[] {'/', '?', '#'}) {
            int i = url.indexOf(c, s + 3);
            if (i >= 0) {
                end = Math.min(end, i);
            }
        }
        int at = url.lastIndexOf('@', end - 1);
        return at > s ? url.substring(0, s + 3) + url.substring(at + 1) : url;
    }

    /** The server's error message (short), which never holds our credentials. */
    private static String errorOf(byte[] body) {
        try {
            JsonNode m = JSON.readTree(body).path("error").path("message");
            if (m.isTextual()) {
                String s = m.asText();
                return ": " + (s.length() > 200 ? s.substring(0, 200) + "..." : s);
            }
        } catch (IOException | RuntimeException notJson) {
            // no detail
        }
        return "";
    }

    @Override
    public void close() {
        // HttpClient needs no closing on Java 17
    }
}
