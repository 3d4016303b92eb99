package io.gatehouse.agents.provider;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.gatehouse.api.agent.ModelProvider;
import io.gatehouse.support.secrets.Secrets;

/**
 * Any server speaking OpenAI's chat completions API (OpenAI, vLLM, llama.cpp server, Ollama's
 * {@code /v1}, LM Studio, ...): {@code POST {baseUrl}/chat/completions}, streamed as server-sent
 * events, or as one JSON response when {@code stream} is false or the server answers without SSE.
 *
 * <p>Options (from {@code models.providers.<id>} with the agent's {@code model} settings over them):
 * {@code baseUrl}, {@code model}, {@code apiKey} or {@code apiKeyEnv}, {@code stream},
 * {@code connectTimeoutMs}, {@code timeoutMs}, {@code maxRetries}, {@code retryBackoffMs},
 * {@code retryMaxBackoffMs}, {@code temperature}, {@code maxTokens}, {@code headers}. Connection
 * errors, HTTP 429 and 5xx are retried with exponential backoff (honouring {@code Retry-After}) as
 * long as no reply text has been streamed yet.
 */
@Component(service = ModelProvider.class, property = ModelProvider.PROVIDER_ID + "=" + OpenAiCompatibleProvider.ID)
public final class OpenAiCompatibleProvider implements ModelProvider {
    public static final String ID = "openai-compatible";
    static final String DEFAULT_BASE_URL = "https://api.openai.com/v1";
    private static final Logger LOG = LoggerFactory.getLogger(OpenAiCompatibleProvider.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private final Map<Long, HttpClient> clients = new ConcurrentHashMap<>();

    @Deactivate
    void deactivate() {
        clients.clear();
    }

    /** The failure of one attempt; {@code retryable} when another attempt may succeed. */
    static final class AttemptException extends IOException {
        private static final long serialVersionUID = 1L;
        final boolean retryable;
        final long retryAfterMs;

        AttemptException(String message, boolean retryable, long retryAfterMs, Throwable cause) {
            super(message, cause);
            this.retryable = retryable;
            this.retryAfterMs = retryAfterMs;
        }
    }

    @Override
    public String complete(List<Map<String, String>> messages, Map<String, Object> options, Consumer<String> onDelta)
            throws Exception {
        String baseUrl = str(options.get("baseUrl"), DEFAULT_BASE_URL).replaceAll("/+$", "");
        String model = str(options.get("model"), null);
        if (model == null) {
            throw new IllegalArgumentException("no model: set the agent's model as \"<provider>/<model>\" or models.providers.<id>.model");
        }
        boolean stream = !(options.get("stream") instanceof Boolean b) || b;
        long connectTimeout = num(options.get("connectTimeoutMs"), 10_000);
        long timeout = num(options.get("timeoutMs"), 120_000);
        int maxRetries = (int) Math.min(10, num(options.get("maxRetries"), 2));
        long backoff = num(options.get("retryBackoffMs"), 500);
        long maxBackoff = num(options.get("retryMaxBackoffMs"), 8_000);

        Map<String, Object> body = new LinkedHashMap<>();
        body.put("model", model);
        body.put("messages", messages);
        body.put("stream", stream);
        if (options.get("temperature") instanceof Number t) {
            body.put("temperature", t);
        }
        if (options.get("maxTokens") instanceof Number m) {
            body.put("max_tokens", m);
        }
        URI uri = endpoint(baseUrl);
        HttpRequest.Builder req = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofMillis(Math.max(1, timeout)))
                .header("Content-Type", "application/json")
                .header("Accept", stream ? "text/event-stream" : "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
        String key = apiKey(options);
        if (key != null) {
            req.header("Authorization", "Bearer " + key);
        }
        if (options.get("headers") instanceof Map<?, ?> h) {
            h.forEach((k, v) -> req.header(String.valueOf(k), String.valueOf(v)));
        }
        HttpRequest request = req.build();
        HttpClient client = clients.computeIfAbsent(Math.max(1, connectTimeout), ms -> HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofMillis(ms))
                .followRedirects(HttpClient.Redirect.NORMAL).build());

        boolean[] emitted = {false};
        Consumer<String> tracking = d -> {
            emitted[0] = true;
            onDelta.accept(d);
        };
        long delay = Math.max(0, backoff);
        for (int attempt = 0; ; attempt++) {
            try {
                return attempt(client, request, uri, timeout, tracking);
            } catch (AttemptException e) {
                if (!e.retryable || emitted[0] || attempt >= maxRetries) {
                    throw new IOException(Secrets.scrub(e.getMessage()) + (attempt > 0 ? " (after " + (attempt + 1) + " attempts)" : ""), e.getCause());
                }
                long wait = Math.min(Math.max(delay, e.retryAfterMs), Math.max(maxBackoff, 0));
                LOG.info("{}: {}; retrying in {} ms ({} of {})", redacted(uri), e.getMessage(), wait, attempt + 1, maxRetries);
                Thread.sleep(wait);
                delay = Math.min(Math.max(1, delay) * 2, Math.max(maxBackoff, 0));
            }
        }
    }

    /**
     * The endpoint of a {@code baseUrl}. A malformed URL is refused without its text: it may hold
     * credentials ({@code http://user:password@host}), and the error reaches the log, the client and the
     * transcript (where the caller names the provider).
     */
    static URI endpoint(String baseUrl) {
        URI uri;
        try {
            uri = URI.create(baseUrl + "/chat/completions");
        } catch (IllegalArgumentException e) {
            String reason = e.getCause() instanceof java.net.URISyntaxException u ? u.getReason() + " at index " + u.getIndex() : "malformed";
            throw new IllegalArgumentException("baseUrl is not a valid URL (" + reason + ")");
        }
        // the HTTP client's own refusal ("unsupported URI <the whole URL>") would quote it
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("baseUrl is not an http(s) URL");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("baseUrl names no valid host");
        }
        return uri;
    }

    /** The URI without user info and query, for messages (credentials never show). */
    static URI redacted(URI uri) {
        try {
            return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), null, null);
        } catch (java.net.URISyntaxException | RuntimeException e) {
            return URI.create(uri.getScheme() + "://" + uri.getHost());
        }
    }

    private String attempt(HttpClient client, HttpRequest request, URI uri, long timeout, Consumer<String> onDelta)
            throws IOException, InterruptedException {
        HttpResponse<InputStream> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpConnectTimeoutException e) {
            throw new AttemptException("cannot connect to " + redacted(uri) + ": connect timed out", true, 0, e);
        } catch (HttpTimeoutException e) {
            throw new AttemptException("no response from " + redacted(uri) + " within " + timeout + " ms", false, 0, e);
        } catch (IOException e) {
            throw new AttemptException("cannot reach " + redacted(uri) + ": " + Secrets.scrub(String.valueOf(e)), true, 0, e);
        }
        try (InputStream in = response.body()) {
            int status = response.statusCode();
            if (status != 200) {
                String text = new String(in.readNBytes(2048), StandardCharsets.UTF_8).strip();
                boolean retryable = status == 429 || status >= 500;
                long retryAfter = response.headers().firstValue("Retry-After").map(OpenAiCompatibleProvider::seconds).orElse(0L);
                throw new AttemptException("HTTP " + status + " from " + redacted(uri) + (text.isEmpty() ? "" : ": " + Secrets.scrub(errorText(text))),
                        retryable, retryAfter, null);
            }
            String type = response.headers().firstValue("Content-Type").orElse("");
            if (type.startsWith("text/event-stream")) {
                return readEvents(in, onDelta);
            }
            Map<String, Object> doc = JSON.readValue(in, MAP);
            String content = messageContent(doc);
            if (content == null) {
                throw new IOException("no choices[0].message.content in the response of " + redacted(uri) + ": " + abbreviate(JSON.writeValueAsString(doc)));
            }
            if (!content.isEmpty()) {
                onDelta.accept(content);
            }
            return content;
        }
    }

    /** Reads server-sent events until {@code [DONE]} or the end of the stream; each event's delta content goes to onDelta. */
    static String readEvents(InputStream in, Consumer<String> onDelta) throws IOException {
        StringBuilder reply = new StringBuilder();
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        StringBuilder data = new StringBuilder();
        String line;
        while ((line = r.readLine()) != null) {
            if (line.isEmpty()) {
                if (data.length() > 0 && event(data.toString(), reply, onDelta)) {
                    return reply.toString();
                }
                data.setLength(0);
            } else if (line.startsWith("data:")) {
                if (data.length() > 0) {
                    data.append('\n');
                }
                data.append(line.substring(line.startsWith("data: ") ? 6 : 5));
            }
            // comments (":"), event:, id:, retry: lines carry nothing for chat completions
        }
        if (data.length() > 0) {
            event(data.toString(), reply, onDelta);
        }
        return reply.toString();
    }

    /** One event; true at {@code [DONE]}. */
    @SuppressWarnings("unchecked")
    private static boolean event(String data, StringBuilder reply, Consumer<String> onDelta) throws IOException {
        String d = data.strip();
        if (d.equals("[DONE]")) {
            return true;
        }
        Map<String, Object> chunk = JSON.readValue(d, MAP);
        if (chunk.get("error") != null) {
            throw new IOException("the server reported an error in the stream: " + errorText(JSON.writeValueAsString(chunk)));
        }
        if (chunk.get("choices") instanceof List<?> choices && !choices.isEmpty() && choices.get(0) instanceof Map<?, ?> c0
                && c0.get("delta") instanceof Map<?, ?> delta && delta.get("content") instanceof String content
                && !content.isEmpty()) {
            reply.append(content);
            onDelta.accept(content);
        }
        return false;
    }

    private static String messageContent(Map<String, Object> doc) {
        if (doc.get("choices") instanceof List<?> choices && !choices.isEmpty() && choices.get(0) instanceof Map<?, ?> c0
                && c0.get("message") instanceof Map<?, ?> m) {
            return m.get("content") instanceof String s ? s : "";
        }
        return null;
    }

    private static String errorText(String body) {
        try {
            Map<String, Object> doc = JSON.readValue(body, MAP);
            if (doc.get("error") instanceof Map<?, ?> e && e.get("message") instanceof String m) {
                return m;
            }
            if (doc.get("error") instanceof String s) {
                return s;
            }
        } catch (IOException | RuntimeException e) {
            // not JSON: the text itself
        }
        return abbreviate(body);
    }

    private static String abbreviate(String s) {
        return s.length() <= 300 ? s : s.substring(0, 300) + "...";
    }

    private static long seconds(String v) {
        try {
            return Math.max(0, Long.parseLong(v.trim())) * 1000;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** {@code apiKey} (the config pipeline has already replaced {@code ${ENV}}), else the variable {@code apiKeyEnv} names. */
    static String apiKey(Map<String, Object> options) {
        String key = str(options.get("apiKey"), null);
        if (key != null) {
            return key;
        }
        String env = str(options.get("apiKeyEnv"), null);
        if (env != null) {
            String v = System.getenv(env);
            if (v == null || v.isBlank()) {
                throw new IllegalStateException("the environment variable " + env + " (apiKeyEnv) is not set");
            }
            return v.strip();
        }
        return null;
    }

    private static String str(Object o, String dflt) {
        return o instanceof String s && !s.isBlank() ? s.strip() : dflt;
    }

    private static long num(Object o, long dflt) {
        return o instanceof Number n ? Math.max(0, n.longValue()) : dflt;
    }
}
