package io.gatehouse.agents.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.gatehouse.api.agent.ModelReply;
import io.gatehouse.api.agent.ModelRequest;

/** The provider against a real HTTP server on 127.0.0.1 that speaks OpenAI's chat completions wire format. */
class OpenAiCompatibleProviderTest {
    static final ObjectMapper JSON = new ObjectMapper();
    HttpServer server;
    final List<Map<String, Object>> requests = new CopyOnWriteArrayList<>();
    final List<String> auth = new CopyOnWriteArrayList<>();
    final AtomicInteger failuresLeft = new AtomicInteger();
    final AtomicInteger failStatus = new AtomicInteger(500);
    final CountDownLatch release = new CountDownLatch(1);
    volatile boolean hang;
    final CountDownLatch hanging = new CountDownLatch(1);
    final CountDownLatch hangEnded = new CountDownLatch(1);
    /** Tool calls the server answers with (while the request has no tool message yet). */
    volatile List<Map<String, Object>> toolCalls;
    final OpenAiCompatibleProvider provider = new OpenAiCompatibleProvider();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/v1/chat/completions", this::handle);
        server.start();
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.stop(0);
        provider.deactivate();
    }

    /** The provider's async completion, waited for here (the test's thread, not the provider's). */
    String complete(List<Map<String, String>> prompt, Map<String, Object> options, Consumer<String> onDelta) throws Exception {
        return reply(prompt, options, onDelta).text();
    }

    ModelReply reply(List<Map<String, String>> prompt, Map<String, Object> options, Consumer<String> onDelta) throws Exception {
        List<Map<String, Object>> messages = new ArrayList<>();
        prompt.forEach(m -> messages.add(new HashMap<>(m)));
        return await(provider.complete(new ModelRequest(messages, options), onDelta));
    }

    static List<Map<String, Object>> objects(List<Map<String, String>> prompt) {
        List<Map<String, Object>> out = new ArrayList<>();
        prompt.forEach(m -> out.add(new HashMap<>(m)));
        return out;
    }

    static <T> T await(java.util.concurrent.CompletionStage<T> stage) throws Exception {
        try {
            return stage.toCompletableFuture().get(20, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception x) {
                throw x;
            }
            throw e;
        }
    }

    @SuppressWarnings("unchecked")
    private void handle(HttpExchange ex) throws IOException {
        Map<String, Object> body = JSON.readValue(ex.getRequestBody(), Map.class);
        requests.add(body);
        auth.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
        if (hang) {
            hanging.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                hangEnded.countDown();
            }
        }
        if (rawEvents != null) {
            ex.getResponseHeaders().add("Content-Type", "text/event-stream");
            ex.sendResponseHeaders(200, 0);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(rawEvents.getBytes(StandardCharsets.UTF_8));
            }
            return;
        }
        if (failuresLeft.getAndDecrement() > 0) {
            byte[] err = "{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}".getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(failStatus.get(), err.length);
            ex.getResponseBody().write(err);
            ex.close();
            return;
        }
        List<Map<String, Object>> messages = (List<Map<String, Object>>) body.get("messages");
        String last = String.valueOf(messages.get(messages.size() - 1).get("content"));
        String reply = "you said " + last;
        boolean toolRound = toolCalls != null && body.get("tools") != null
                && messages.stream().noneMatch(m -> "tool".equals(m.get("role")));
        if (toolRound && Boolean.TRUE.equals(body.get("stream"))) {
            ex.getResponseHeaders().add("Content-Type", "text/event-stream");
            ex.sendResponseHeaders(200, 0);
            try (OutputStream o = ex.getResponseBody()) {
                o.write("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"let me look\"}}]}\n\n".getBytes(StandardCharsets.UTF_8));
                int index = 0;
                for (Map<String, Object> call : toolCalls) {
                    Map<String, Object> fn = (Map<String, Object>) call.get("function");
                    String args = (String) fn.get("arguments");
                    int half = args.length() / 2;
                    // the call in two pieces, as streaming servers send it
                    List<Map<String, Object>> first = List.of(Map.of("index", index, "id", call.get("id"), "type", "function",
                            "function", Map.of("name", fn.get("name"), "arguments", args.substring(0, half))));
                    List<Map<String, Object>> second = List.of(Map.of("index", index, "function", Map.of("arguments", args.substring(half))));
                    for (List<Map<String, Object>> piece : List.of(first, second)) {
                        o.write(("data: " + JSON.writeValueAsString(Map.of("choices", List.of(Map.of("index", 0, "delta",
                                Map.of("tool_calls", piece))))) + "\n\n").getBytes(StandardCharsets.UTF_8));
                        o.flush();
                    }
                    index++;
                }
                o.write("data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}\n\ndata: [DONE]\n\n"
                        .getBytes(StandardCharsets.UTF_8));
            }
            return;
        }
        if (toolRound) {
            Map<String, Object> message = new HashMap<>();
            message.put("role", "assistant");
            message.put("content", null);
            message.put("tool_calls", toolCalls);
            byte[] out = JSON.writeValueAsBytes(Map.of("choices", List.of(Map.of("index", 0, "message", message,
                    "finish_reason", "tool_calls"))));
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, out.length);
            ex.getResponseBody().write(out);
            ex.close();
            return;
        }
        if (Boolean.TRUE.equals(body.get("stream"))) {
            ex.getResponseHeaders().add("Content-Type", "text/event-stream");
            ex.sendResponseHeaders(200, 0);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(": keep-alive comment\n\n".getBytes(StandardCharsets.UTF_8));
                o.write(("data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
                        + "\"delta\":{\"role\":\"assistant\"},\"finish_reason\":null}]}\n\n").getBytes(StandardCharsets.UTF_8));
                for (String piece : List.of("you ", "said ", last)) {
                    o.write(("data: " + JSON.writeValueAsString(Map.of("id", "c1", "object", "chat.completion.chunk",
                            "choices", List.of(Map.of("index", 0, "delta", Map.of("content", piece))))) + "\n\n")
                            .getBytes(StandardCharsets.UTF_8));
                    o.flush();
                }
                Map<String, Object> stop = new HashMap<>();
                stop.put("index", 0);
                stop.put("delta", Map.of());
                stop.put("finish_reason", "stop");
                o.write(("data: " + JSON.writeValueAsString(Map.of("choices", List.of(stop))) + "\n\ndata: [DONE]\n\n")
                        .getBytes(StandardCharsets.UTF_8));
            }
        } else {
            byte[] out = JSON.writeValueAsBytes(Map.of("id", "c2", "object", "chat.completion", "choices",
                    List.of(Map.of("index", 0, "message", Map.of("role", "assistant", "content", reply), "finish_reason", "stop"))));
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, out.length);
            ex.getResponseBody().write(out);
            ex.close();
        }
    }

    Map<String, Object> options(Object... kv) {
        Map<String, Object> m = new HashMap<>();
        m.put("baseUrl", "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/");
        m.put("model", "test-model");
        m.put("retryBackoffMs", 10);
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    static final List<Map<String, String>> PROMPT = List.of(Map.of("role", "system", "content", "be brief"),
            Map.of("role", "user", "content", "hello"));

    @Test
    void streamsServerSentEvents() throws Exception {
        List<String> deltas = new ArrayList<>();
        String reply = complete(PROMPT, options("apiKey", "sk-test", "temperature", 0.2, "maxTokens", 64), deltas::add);
        assertEquals("you said hello", reply);
        assertEquals(List.of("you ", "said ", "hello"), deltas);
        Map<String, Object> req = requests.get(0);
        assertEquals("test-model", req.get("model"));
        assertEquals(true, req.get("stream"));
        assertEquals(0.2, req.get("temperature"));
        assertEquals(64, req.get("max_tokens"));
        assertEquals(PROMPT, req.get("messages"));
        assertEquals("Bearer sk-test", auth.get(0));
    }

    /** When set, the server answers every request with these server-sent events as they are. */
    volatile String rawEvents;

    @Test
    void eventsOfAnyShapeGiveTheirDeltaContentOnly() throws Exception {
        rawEvents = String.join("\n\n",
                "data: {\"id\":\"x\",\"error\":null,\"usage\":{\"a\":[1,{\"b\":[]}]},\"choices\":[{\"index\":0,"
                        + "\"logprobs\":{\"content\":[{\"token\":\"no\"}]},\"delta\":{\"role\":\"assistant\",\"content\":\"a\\u00e9\"}},"
                        + "{\"index\":1,\"delta\":{\"content\":\"other choice\"}}]}",
                "data: {\"choices\":[{\"delta\":{\"content\":\"dropped\"}}],\"choices\":[{\"delta\":{\"content\":\" b\"}}]}",
                "data: {\"choices\":[{\"delta\":{\"content\":null,\"tool_calls\":null}}]}",
                "data: {\"choices\":[]}",
                "data: {\"choices\":{\"delta\":{\"content\":\"not a list\"}}}",
                "data: {\"choices\":[7,{\"delta\":{\"content\":\"second\"}}]}",
                "data: {\"choices\":[{\"delta\":\"text\"}]}",
                "data: {\"choices\":[{\"delta\":{\"content\":\" c\"}}]} trailing",
                "data: [DONE]", "");
        List<String> deltas = new ArrayList<>();
        assertEquals("a\u00e9 b c", complete(PROMPT, options(), deltas::add));
        assertEquals(List.of("a\u00e9", " b", " c"), deltas);
    }

    @Test
    void anErrorEventOrBadJsonFailsTheStream() {
        rawEvents = "data: {\"choices\":[{\"delta\":{\"content\":\"x\"}}],\"error\":{\"message\":\"quota gone\"}}\n\ndata: [DONE]\n\n";
        Exception e = assertThrows(Exception.class, () -> complete(PROMPT, options("maxRetries", 0), d -> { }));
        assertTrue(e.getMessage().contains("the server reported an error in the stream: quota gone"), e.getMessage());
        for (String bad : List.of("{\"choices\":[{\"delta\":{\"content\":\"x\"}}]", "[1,2]", "{\"choices\":[{\"delta\":{\"content\":\"x\"}}],}")) {
            rawEvents = "data: " + bad + "\n\ndata: [DONE]\n\n";
            Exception b = assertThrows(Exception.class, () -> complete(PROMPT, options("maxRetries", 0), d -> { }), bad);
            assertTrue(b.getMessage().contains("is not JSON"), b.getMessage());
        }
    }

    @Test
    void wireNamesAndBaseUrlsAreCutAsTheRegexesDid() {
        for (String name : List.of("canvas.write", "plain_name-1", "a b/c.d", "ünïcode", "emoji\uD83D\uDE00x", "", "...", "x\uD800y")) {
            assertEquals(name.replaceAll("[^A-Za-z0-9_-]", "_"), OpenAiCompatibleProvider.ToolNames.wireChars(name), name);
        }
        for (String url : List.of("http://h/v1", "http://h/v1/", "http://h/v1///", "///", "", "http://h/v1/ ")) {
            assertEquals(url.replaceAll("/+$", ""), OpenAiCompatibleProvider.withoutTrailingSlashes(url), url);
        }
    }

    @Test
    void nonStreamingFallback() throws Exception {
        List<String> deltas = new ArrayList<>();
        assertEquals("you said hello", complete(PROMPT, options("stream", false), deltas::add));
        assertEquals(List.of("you said hello"), deltas);
        assertEquals(false, requests.get(0).get("stream"));
        assertEquals("null", auth.get(0), "no key configured: no Authorization header");
    }

    @Test
    void retriesA500ThenSucceeds() throws Exception {
        failuresLeft.set(1);
        List<String> deltas = new ArrayList<>();
        assertEquals("you said hello", complete(PROMPT, options(), deltas::add));
        assertEquals(2, requests.size());
        assertEquals(List.of("you ", "said ", "hello"), deltas, "nothing of the failed attempt streamed");
    }

    @Test
    void retriesAreBoundedAndTheErrorIsClear() {
        failuresLeft.set(100);
        failStatus.set(503);
        Exception e = assertThrows(IOException.class, () -> complete(PROMPT, options("maxRetries", 2), d -> { }));
        assertEquals(3, requests.size());
        assertTrue(e.getMessage().contains("HTTP 503") && e.getMessage().contains("overloaded")
                && e.getMessage().contains("after 3 attempts"), e.getMessage());
    }

    @Test
    void aClientErrorIsNotRetried() {
        failuresLeft.set(1);
        failStatus.set(401);
        Exception e = assertThrows(IOException.class, () -> complete(PROMPT, options(), d -> { }));
        assertEquals(1, requests.size());
        assertTrue(e.getMessage().contains("HTTP 401"), e.getMessage());
    }

    @Test
    void timesOut() {
        hang = true;
        long t0 = System.nanoTime();
        Exception e = assertThrows(IOException.class, () -> complete(PROMPT, options("timeoutMs", 300), d -> { }));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(e.getMessage().contains("within 300 ms"), e.getMessage());
        assertTrue(ms < 10_000, "took " + ms + " ms");
        assertEquals(1, requests.size(), "a timeout is not retried");
    }

    @Test
    void connectionRefusedIsRetriedThenReported() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Map<String, Object> o = options("baseUrl", "http://127.0.0.1:" + port + "/v1", "maxRetries", 1);
        Exception e = assertThrows(IOException.class, () -> complete(PROMPT, o, d -> { }));
        assertTrue(e.getMessage().startsWith("cannot reach http://127.0.0.1:" + port) && e.getMessage().contains("after 2 attempts"),
                e.getMessage());
    }

    /** A password written into baseUrl reaches no error (the caller adds the provider's name, the log and the client take the message). */
    @Test
    void urlCredentialsAreInNoError() throws Exception {
        int port = server.getAddress().getPort();
        failuresLeft.set(100);
        failStatus.set(503);
        Exception e = assertThrows(IOException.class, () -> complete(PROMPT,
                options("baseUrl", "http://alice:pw-in-url@127.0.0.1:" + port + "/v1", "maxRetries", 1), d -> { }));
        assertTrue(e.getMessage().contains("HTTP 503 from http://127.0.0.1:" + port + "/v1/chat/completions"), e.getMessage());
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        List<String> messages = new ArrayList<>(List.of(" -> " + e.getMessage()));
        for (String url : List.of("http://alice:pw-in-url@127.0.0.1:" + closed + "/v1", "http://alice:pw-in-url@ho st/v1",
                "http://alice:pw-in-url@bad_host/v1", "ftp://alice:pw-in-url@127.0.0.1/v1", "alice:pw-in-url@127.0.0.1/v1")) {
            Exception x = assertThrows(Exception.class, () -> complete(PROMPT, options("baseUrl", url, "maxRetries", 0), d -> { }));
            for (Throwable t = x; t != null; t = t.getCause()) {
                messages.add(url + " -> " + t);
            }
        }
        for (String m : messages) {
            assertFalse(m.substring(m.indexOf(" -> ") + 1).contains("pw-in-url"), m);
        }
        assertEquals("http://127.0.0.1:8080/v1/chat/completions", OpenAiCompatibleProvider.redacted(
                java.net.URI.create("http://u:p@127.0.0.1:8080/v1/chat/completions?key=abc")).toString());
    }

    @Test
    void missingKeyVariableIsNamed() {
        Exception e = assertThrows(IllegalStateException.class,
                () -> complete(PROMPT, options("apiKeyEnv", "GATEHOUSE_TEST_NO_SUCH_VARIABLE"), d -> { }));
        assertTrue(e.getMessage().contains("GATEHOUSE_TEST_NO_SUCH_VARIABLE"), e.getMessage());
    }

    @Test
    void echoStreamsItsReplyInPieces() throws Exception {
        List<String> deltas = new ArrayList<>();
        String reply = await(new EchoProvider().complete(new ModelRequest(objects(PROMPT), Map.of()), deltas::add)).text();
        assertEquals("echo: hello", reply);
        assertEquals(reply, String.join("", deltas));
        assertTrue(deltas.size() > 1, deltas::toString);
        List<String> longer = new ArrayList<>();
        new EchoProvider().complete(new ModelRequest(objects(List.of(Map.of("role", "user", "content", "the quick brown fox jumps"))),
                Map.of()), longer::add);
        assertEquals(3, longer.size(), longer::toString);
    }

    @Test
    void echoWithADelayAnswersLaterWithoutBlockingTheCaller() throws Exception {
        List<String> deltas = new CopyOnWriteArrayList<>();
        CompletableFuture<ModelReply> f = new EchoProvider().complete(new ModelRequest(objects(PROMPT), Map.of("delayMs", 30)),
                deltas::add).toCompletableFuture();
        assertEquals("echo: hello", f.get(10, TimeUnit.SECONDS).text());
        assertEquals("echo: hello", String.join("", deltas));
    }

    static final List<Map<String, Object>> CALLS = List.of(
            Map.of("id", "call_1", "type", "function", "function", Map.of("name", "canvas_write",
                    "arguments", "{\"name\":\"page.html\",\"html\":\"<h1>hi</h1>\"}")),
            Map.of("id", "call_2", "type", "function", "function", Map.of("name", "skills_read", "arguments", "{\"skill\":\"weather\"}")));

    static final List<ModelRequest.Tool> TOOLS = List.of(
            new ModelRequest.Tool("canvas.write", "writes a page", Map.of("type", "object")),
            new ModelRequest.Tool("skills.read", "reads a skill", Map.of("type", "object")));

    @SuppressWarnings("unchecked")
    void toolCallsComeBackWithTheirOwnNames(boolean stream) throws Exception {
        toolCalls = CALLS;
        List<Map<String, Object>> messages = new ArrayList<>();
        PROMPT.forEach(m -> messages.add(new HashMap<>(m)));
        List<String> deltas = new ArrayList<>();
        ModelReply r = await(provider.complete(new ModelRequest(messages, options("stream", stream), TOOLS,
                ModelRequest.ToolChoice.AUTO, null), deltas::add));
        assertEquals(List.of(new ModelReply.ToolCall("call_1", "canvas.write", "{\"name\":\"page.html\",\"html\":\"<h1>hi</h1>\"}"),
                new ModelReply.ToolCall("call_2", "skills.read", "{\"skill\":\"weather\"}")), r.toolCalls());
        Map<String, Object> req = requests.get(0);
        List<Map<String, Object>> tools = (List<Map<String, Object>>) req.get("tools");
        assertEquals(List.of("canvas_write", "skills_read"), tools.stream()
                .map(t -> ((Map<String, Object>) t.get("function")).get("name")).toList(), "names mapped to OpenAI's alphabet");
        assertEquals("function", tools.get(0).get("type"));
        assertEquals("writes a page", ((Map<String, Object>) tools.get(0).get("function")).get("description"));
        assertEquals("auto", req.get("tool_choice"));

        // the next round: the calls and their results go back, with the wire names; the model answers
        List<Map<String, Object>> next = new ArrayList<>(messages);
        Map<String, Object> assistant = new HashMap<>();
        assistant.put("role", "assistant");
        assistant.put("content", null);
        assistant.put("tool_calls", List.of(Map.of("id", "call_1", "type", "function", "function",
                Map.of("name", "canvas.write", "arguments", "{}"))));
        next.add(assistant);
        next.add(Map.of("role", "tool", "tool_call_id", "call_1", "content", "written"));
        ModelReply done = await(provider.complete(new ModelRequest(next, options("stream", stream), TOOLS,
                ModelRequest.ToolChoice.NONE, null), d -> { }));
        assertEquals("you said written", done.text());
        assertTrue(done.toolCalls().isEmpty());
        Map<String, Object> second = requests.get(1);
        assertEquals("none", second.get("tool_choice"));
        List<Map<String, Object>> sent = (List<Map<String, Object>>) second.get("messages");
        Map<String, Object> call = ((List<Map<String, Object>>) sent.get(2).get("tool_calls")).get(0);
        assertEquals("canvas_write", ((Map<String, Object>) call.get("function")).get("name"));
        assertEquals("call_1", sent.get(3).get("tool_call_id"));
    }

    @Test
    void streamedToolCallsAreJoinedAndNamesMappedBack() throws Exception {
        toolCallsComeBackWithTheirOwnNames(true);
    }

    @Test
    void toolCallsOfAWholeResponse() throws Exception {
        toolCallsComeBackWithTheirOwnNames(false);
    }

    @Test
    void toolsCanBeTurnedOffPerProvider() {
        assertTrue(provider.supportsTools(Map.of()));
        assertTrue(!provider.supportsTools(Map.of("tools", false)));
    }

    @Test
    void cancellingAbortsTheRequestWithoutWaitingForTheModel() throws Exception {
        hang = true;
        CompletableFuture<Void> cancel = new CompletableFuture<>();
        List<Map<String, Object>> messages = new ArrayList<>();
        PROMPT.forEach(m -> messages.add(new HashMap<>(m)));
        CompletableFuture<ModelReply> f = provider.complete(new ModelRequest(messages, options(), List.of(),
                ModelRequest.ToolChoice.AUTO, cancel), d -> { }).toCompletableFuture();
        assertTrue(hanging.await(10, TimeUnit.SECONDS), "the request reached the server");
        assertTrue(!f.isDone());
        cancel.complete(null);
        assertThrows(java.util.concurrent.CancellationException.class, () -> f.get(10, TimeUnit.SECONDS));
        assertTrue(hangEnded.getCount() == 1 || requests.size() == 1, "not retried");
        assertEquals(1, requests.size(), "not retried");
    }

    @Test
    void aFinishedCallLetsGoOfItsTurnWhileItsConnectionWaitsForReuse() throws Exception {
        // The JDK client keeps an idle keep-alive connection's last exchange reachable (request, handler,
        // subscriber) until the connection is used again: that must not keep the turn behind the call.
        java.lang.ref.WeakReference<Object> turn = callAndForget();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (turn.get() != null && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(20); // polling for the collector, not waiting for an effect of the code under test
        }
        assertTrue(turn.get() == null, "the finished call's delta consumer (the turn) is still reachable");
        // the connection is still pooled and reused: a second call works
        assertEquals("you said hello", complete(PROMPT, options(), d -> { }));
        assertEquals(2, requests.size());
    }

    /** One streamed call whose delta consumer holds 1 MB of "turn"; returns a weak reference to it. */
    private java.lang.ref.WeakReference<Object> callAndForget() throws Exception {
        byte[] turnState = new byte[1 << 20];
        java.lang.ref.WeakReference<Object> ref = new java.lang.ref.WeakReference<>(turnState);
        assertEquals("you said hello", complete(PROMPT, options(), d -> turnState[0]++));
        return ref;
    }

    @Test
    void aReleasedRequestBodyIsNeverSentShort() throws Exception {
        OpenAiCompatibleProvider.ReleasableBody body = new OpenAiCompatibleProvider.ReleasableBody(new byte[] {1, 2, 3});
        assertEquals(3, body.contentLength());
        body.release();
        assertTrue(body.released());
        assertEquals(3, body.contentLength());
        CompletableFuture<Throwable> failed = new CompletableFuture<>();
        body.subscribe(new java.util.concurrent.Flow.Subscriber<java.nio.ByteBuffer>() {
            @Override
            public void onSubscribe(java.util.concurrent.Flow.Subscription s) {
                s.request(1);
            }

            @Override
            public void onNext(java.nio.ByteBuffer item) {
                failed.completeExceptionally(new AssertionError("bytes after release"));
            }

            @Override
            public void onError(Throwable t) {
                failed.complete(t);
            }

            @Override
            public void onComplete() {
                failed.completeExceptionally(new AssertionError("completed after release"));
            }
        });
        assertTrue(failed.get(5, TimeUnit.SECONDS) instanceof IOException);
    }
}
