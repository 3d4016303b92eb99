package io.gatehouse.agents.provider;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.function.Consumer;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.gatehouse.agents.provider.OpenAiCompatibleProvider.AttemptException;
import io.gatehouse.api.agent.ModelReply;

/**
 * The body of one chat completions response, parsed as its bytes arrive (no thread reads a stream):
 * server-sent events ({@code data:} lines, each a {@code chat.completion.chunk} whose
 * {@code delta.content} goes to the delta consumer and whose {@code delta.tool_calls} pieces are joined
 * by index) until {@code [DONE]} or the end; a plain JSON completion otherwise; an error body for any
 * status but 200.
 */
final class EventStream {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };
    private static final int MAX_ERROR_BODY = 4096;
    private static final int MAX_LINE = 8 * 1024 * 1024;

    /** The stream said something that is not a completion (an error event, bad JSON): not retried. */
    static final class StreamError extends IOException {
        private static final long serialVersionUID = 1L;

        StreamError(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static final Consumer<String> NO_DELTA = d -> { };

    /** Dropped by {@link #release} (see there). */
    private volatile Consumer<String> onDelta;
    private volatile OpenAiCompatibleProvider.ToolNames names;
    private final StringBuilder text = new StringBuilder();
    /** Tool calls by their stream index: id, name, arguments so far. */
    private final Map<Integer, String[]> calls = new TreeMap<>();
    private volatile Body body;

    EventStream(Consumer<String> onDelta, OpenAiCompatibleProvider.ToolNames names) {
        this.onDelta = onDelta;
        this.names = names;
    }

    /** The subscriber for a response with this status and headers. */
    HttpResponse.BodySubscriber<ModelReply> subscriber(HttpResponse.ResponseInfo info, URI uri) {
        String type = info.headers().firstValue("Content-Type").orElse("");
        Body b;
        if (info.statusCode() != 200) {
            long retryAfter = info.headers().firstValue("Retry-After").map(OpenAiCompatibleProvider::seconds).orElse(0L);
            b = new ErrorBody(info.statusCode(), retryAfter, uri);
        } else if (type.startsWith("text/event-stream")) {
            b = new Events(uri);
        } else {
            b = new Whole(uri);
        }
        body = b;
        return b;
    }

    /**
     * The exchange is over: let go of the turn. The JDK client keeps an idle keep-alive connection's
     * last exchange reachable (its request, handler and this subscriber) until the connection is used
     * again or closed, minutes later; without this every pooled connection held its last turn (prompt,
     * reply, consumer chain: about 30 kB), and a burst of 5,000 conversations kept 150 MB after it ended.
     */
    void release() {
        onDelta = NO_DELTA;
        names = null;
        Body b = body;
        if (b != null) {
            b.release();
        }
    }

    /** Stops reading (cancel, timeout): the body fails with {@code why}, the connection is closed. */
    void abort(IOException why) {
        Body b = body;
        if (b != null) {
            b.abort(why);
        }
    }

    /** A body subscriber that collects into a reply; {@link #chunk} sees the bytes, {@link #end} makes the reply. */
    private abstract static class Body implements HttpResponse.BodySubscriber<ModelReply> {
        final CompletableFuture<ModelReply> result = new CompletableFuture<>();
        final URI uri;
        private volatile Flow.Subscription subscription;

        Body(URI uri) {
            this.uri = uri;
        }

        @Override
        public CompletionStage<ModelReply> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            if (result.isDone()) {
                s.cancel();
            } else {
                s.request(1);
            }
        }

        @Override
        public void onNext(List<ByteBuffer> item) {
            if (result.isDone()) {
                // after [DONE] the rest is read only so the connection can be reused
                subscription.request(1);
                return;
            }
            try {
                for (ByteBuffer b : item) {
                    chunk(b);
                }
            } catch (IOException | RuntimeException e) {
                fail(e instanceof IOException io ? io : new StreamError("unreadable response from " + uri + ": " + e, e));
                return;
            }
            subscription.request(1);
        }

        @Override
        public void onError(Throwable t) {
            result.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            if (result.isDone()) {
                return;
            }
            try {
                result.complete(end());
            } catch (IOException | RuntimeException e) {
                result.completeExceptionally(e);
            }
        }

        void fail(IOException e) {
            result.completeExceptionally(e);
            Flow.Subscription s = subscription;
            if (s != null) {
                s.cancel();
            }
        }

        void abort(IOException why) {
            fail(why);
        }

        /** Drops what was read; after the result is complete only a drain for reuse can follow. */
        void release() {
        }

        abstract void chunk(ByteBuffer b) throws IOException;

        abstract ModelReply end() throws IOException;
    }

    /** A status other than 200: a little of the body for the message. */
    private static final class ErrorBody extends Body {
        final int status;
        final long retryAfter;
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        ErrorBody(int status, long retryAfter, URI uri) {
            super(uri);
            this.status = status;
            this.retryAfter = retryAfter;
        }

        @Override
        void chunk(ByteBuffer b) {
            int n = Math.min(b.remaining(), MAX_ERROR_BODY - bytes.size());
            if (n > 0) {
                byte[] a = new byte[n];
                b.get(a);
                bytes.write(a, 0, n);
            }
        }

        @Override
        ModelReply end() throws IOException {
            String t = bytes.toString(StandardCharsets.UTF_8).strip();
            boolean retryable = status == 429 || status >= 500;
            throw new AttemptException("HTTP " + status + " from " + uri + (t.isEmpty() ? "" : ": "
                    + io.gatehouse.support.secrets.Secrets.scrub(OpenAiCompatibleProvider.errorText(t))), retryable, retryAfter, null);
        }
    }

    /** A JSON completion in one piece. */
    private final class Whole extends Body {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        Whole(URI uri) {
            super(uri);
        }

        @Override
        void chunk(ByteBuffer b) throws IOException {
            if (bytes.size() + b.remaining() > MAX_LINE) {
                throw new StreamError("the response of " + uri + " is larger than " + MAX_LINE + " bytes", null);
            }
            byte[] a = new byte[b.remaining()];
            b.get(a);
            bytes.write(a, 0, a.length);
        }

        @Override
        ModelReply end() throws IOException {
            Map<String, Object> doc;
            try {
                doc = JSON.readValue(bytes.toByteArray(), MAP);
            } catch (IOException e) {
                throw new StreamError("the response of " + uri + " is not JSON: " + e.getMessage(), e);
            }
            if (doc.get("choices") instanceof List<?> choices && !choices.isEmpty() && choices.get(0) instanceof Map<?, ?> c0
                    && c0.get("message") instanceof Map<?, ?> m) {
                String content = m.get("content") instanceof String s ? s : "";
                if (m.get("tool_calls") instanceof List<?> tc) {
                    int i = 0;
                    for (Object o : tc) {
                        toolCallPiece(i++, o);
                    }
                }
                if (!content.isEmpty()) {
                    onDelta.accept(content);
                }
                text.append(content);
                return reply();
            }
            throw new StreamError("no choices[0].message in the response of " + uri + ": "
                    + OpenAiCompatibleProvider.abbreviate(JSON.writeValueAsString(doc)), null);
        }
    }

    /** Server-sent events, split into lines as bytes arrive (UTF-8 is decoded per whole line). */
    private final class Events extends Body {
        private byte[] line = new byte[256];
        private int len;
        private final StringBuilder data = new StringBuilder();

        Events(URI uri) {
            super(uri);
        }

        @Override
        void release() {
            if (result.isDone()) {
                line = new byte[0];
                len = 0;
            }
        }

        @Override
        void chunk(ByteBuffer b) throws IOException {
            while (b.hasRemaining() && !result.isDone()) {
                byte x = b.get();
                if (x == '\n') {
                    int n = len > 0 && line[len - 1] == '\r' ? len - 1 : len;
                    String l = new String(line, 0, n, StandardCharsets.UTF_8);
                    len = 0;
                    line(l);
                } else {
                    if (len == line.length) {
                        if (len >= MAX_LINE) {
                            throw new StreamError("an event line of " + uri + " is longer than " + MAX_LINE + " bytes", null);
                        }
                        line = java.util.Arrays.copyOf(line, len * 2);
                    }
                    line[len++] = x;
                }
            }
        }

        private void line(String l) throws IOException {
            if (l.isEmpty()) {
                if (data.length() > 0) {
                    String d = data.toString();
                    data.setLength(0);
                    if (event(d)) {
                        result.complete(reply()); // [DONE]; the rest of the body is drained for reuse
                    }
                }
            } else if (l.startsWith("data:")) {
                if (data.length() > 0) {
                    data.append('\n');
                }
                data.append(l, l.startsWith("data: ") ? 6 : 5, l.length());
            }
            // comments (":"), event:, id:, retry: lines carry nothing for chat completions
        }

        @Override
        ModelReply end() throws IOException {
            if (len > 0) {
                line(new String(line, 0, len, StandardCharsets.UTF_8));
                len = 0;
            }
            if (data.length() > 0 && !result.isDone()) {
                String d = data.toString();
                data.setLength(0);
                event(d);
            }
            return reply();
        }

        /**
         * One event; true at {@code [DONE]}. Read with Jackson's streaming parser, keeping only
         * {@code choices[0].delta.content} and {@code .tool_calls}: a model turn has one event per token or
         * piece, and the whole chunk as a map tree (id, model, created, ...) per event was the biggest
         * allocation of a streamed turn. Same outcome as reading the chunk as a map: the last of duplicate
         * keys wins, an {@code error} that is not null fails the stream, bad JSON fails it.
         */
        private boolean event(String data) throws IOException {
            String d = data.strip();
            if (d.equals("[DONE]")) {
                return true;
            }
            String content = null;
            List<?> toolCalls = null;
            boolean error = false;
            try (JsonParser p = JSON.getFactory().createParser(d)) {
                if (p.nextToken() != JsonToken.START_OBJECT) {
                    throw new JsonParseException(p, "an event is not a JSON object");
                }
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    JsonToken t = p.nextToken();
                    if ("error".equals(name)) {
                        error = t != JsonToken.VALUE_NULL;
                        p.skipChildren();
                    } else if ("choices".equals(name)) {
                        content = null; // a later "choices" replaces an earlier one, as in a map
                        toolCalls = null;
                        if (t != JsonToken.START_ARRAY) {
                            p.skipChildren();
                            continue;
                        }
                        t = p.nextToken();
                        if (t == JsonToken.END_ARRAY) {
                            continue;
                        }
                        if (t == JsonToken.START_OBJECT) {
                            while (p.nextToken() == JsonToken.FIELD_NAME) {
                                String field = p.currentName();
                                JsonToken v = p.nextToken();
                                if (!"delta".equals(field)) {
                                    p.skipChildren();
                                    continue;
                                }
                                content = null;
                                toolCalls = null;
                                if (v != JsonToken.START_OBJECT) {
                                    p.skipChildren();
                                    continue;
                                }
                                while (p.nextToken() == JsonToken.FIELD_NAME) {
                                    String key = p.currentName();
                                    JsonToken w = p.nextToken();
                                    if ("content".equals(key)) {
                                        content = w == JsonToken.VALUE_STRING ? p.getText() : null;
                                        p.skipChildren();
                                    } else if ("tool_calls".equals(key)) {
                                        toolCalls = w == JsonToken.START_ARRAY ? JSON.readValue(p, List.class) : null;
                                        if (w != JsonToken.START_ARRAY) {
                                            p.skipChildren();
                                        }
                                    } else {
                                        p.skipChildren();
                                    }
                                }
                            }
                        } else {
                            p.skipChildren();
                        }
                        while (p.nextToken() != JsonToken.END_ARRAY) { // the other choices
                            p.skipChildren();
                        }
                    } else {
                        p.skipChildren();
                    }
                }
            } catch (IOException e) {
                throw new StreamError("an event of " + uri + " is not JSON: " + e.getMessage(), e);
            }
            if (error) {
                Map<String, Object> chunk = JSON.readValue(d, MAP);
                throw new StreamError("the server reported an error in the stream: "
                        + io.gatehouse.support.secrets.Secrets.scrub(OpenAiCompatibleProvider.errorText(JSON.writeValueAsString(chunk))), null);
            }
            if (content != null && !content.isEmpty()) {
                text.append(content);
                onDelta.accept(content);
            }
            if (toolCalls != null) {
                int i = 0;
                for (Object o : toolCalls) {
                    int index = o instanceof Map<?, ?> m && m.get("index") instanceof Number n ? n.intValue() : i;
                    toolCallPiece(index, o);
                    i++;
                }
            }
            return false;
        }
    }

    /** A tool call, or a streamed piece of one: the id and name are set once, the arguments are joined. */
    private void toolCallPiece(int index, Object o) {
        if (!(o instanceof Map<?, ?> m)) {
            return;
        }
        String[] c = calls.computeIfAbsent(index, i -> new String[] {null, null, ""});
        if (m.get("id") instanceof String id && !id.isEmpty() && c[0] == null) {
            c[0] = id;
        }
        if (m.get("function") instanceof Map<?, ?> fn) {
            if (fn.get("name") instanceof String n && !n.isEmpty()) {
                c[1] = c[1] == null ? n : (n.startsWith(c[1]) ? n : c[1]);
            }
            if (fn.get("arguments") instanceof String a) {
                c[2] = c[2] + a;
            } else if (fn.get("arguments") instanceof Map<?, ?> args) {
                try {
                    c[2] = JSON.writeValueAsString(args); // some servers send an object
                } catch (IOException e) {
                    c[2] = "{}";
                }
            }
        }
    }

    private ModelReply reply() {
        OpenAiCompatibleProvider.ToolNames names = this.names;
        List<ModelReply.ToolCall> out = new ArrayList<>();
        for (Map.Entry<Integer, String[]> e : calls.entrySet()) {
            String[] c = e.getValue();
            if (c[1] == null) {
                continue;
            }
            out.add(new ModelReply.ToolCall(c[0] == null ? "call_" + e.getKey() : c[0], names.back(c[1]), c[2].isEmpty() ? "{}" : c[2]));
        }
        return new ModelReply(text.toString(), out);
    }
}
