package io.gatehouse.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceRegistration;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.service.ServiceExtension;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;

import io.gatehouse.api.channel.ChannelAccounts;
import io.gatehouse.api.channel.ChannelAdapter;
import io.gatehouse.api.channel.InboundMessage;
import io.gatehouse.api.channel.MessageSink;
import io.gatehouse.api.config.ConfigService;
import io.gatehouse.itests.support.ConfigFile;
import io.gatehouse.itests.support.EchoSink;
import io.gatehouse.itests.support.Gatehouse;
import io.gatehouse.itests.support.Http;
import io.gatehouse.itests.support.LauncherServices;
import io.gatehouse.itests.support.LauncherServicesExtension;
import io.gatehouse.itests.support.Poll;
import io.gatehouse.itests.support.Shell;
import io.gatehouse.launcher.api.InFlightWork;
import io.gatehouse.support.shell.ShellProtocol;

/** The openai and webchat channels over real loopback sockets, with a test MessageSink, and the channel manager. */
@ExtendWith(LauncherServicesExtension.class)
@ExtendWith(ServiceExtension.class)
class ChannelsIT {
    static final EchoSink SINK = new EchoSink();
    static ServiceRegistration<MessageSink> registration;
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    @InjectService(timeout = 30_000)
    ConfigService config;

    ConfigFile configFile;

    @BeforeAll
    static void up(LauncherServices launcher) throws Exception {
        Gatehouse.awaitHealthy(launcher);
        BundleContext ctx = FrameworkUtil.getBundle(ChannelsIT.class).getBundleContext();
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(Constants.SERVICE_RANKING, Integer.MAX_VALUE);
        registration = ctx.registerService(MessageSink.class, SINK, props);
        Poll.until("openai and webchat running", () -> channels(launcher),
                l -> state(l, "openai").equals("running") && state(l, "webchat").equals("running"));
    }

    @AfterAll
    static void down() {
        SINK.release();
        if (registration != null) {
            registration.unregister();
        }
    }

    @BeforeEach
    void remember() throws Exception {
        BundleContext ctx = FrameworkUtil.getBundle(ChannelsIT.class).getBundleContext();
        configFile = ConfigFile.of(ChannelsIT.class, ".channels-restore.tmp");
    }

    @AfterEach
    void restore() throws Exception {
        SINK.release();
        configFile.restore(config, () -> config.current().get("channels.openai").isEmpty()
                && config.current().get("gateway.auth").isEmpty());
    }

    // ---- helpers

    static List<Map<String, Object>> channels(LauncherServices launcher) throws Exception {
        ShellProtocol.Result r = Shell.run(launcher.adminSocket().port(), launcher.adminToken(), "channels:list --json");
        assertEquals(0, r.exit(), r.toString());
        return Gatehouse.JSON.readValue(r.out(), new TypeReference<List<Map<String, Object>>>() {
        });
    }

    static Map<String, Object> row(List<Map<String, Object>> rows, String id) {
        return rows.stream().filter(r -> id.equals(r.get("id"))).findFirst().orElse(Map.of());
    }

    static String state(List<Map<String, Object>> rows, String id) {
        return String.valueOf(row(rows, id).get("state"));
    }

    static long starts(List<Map<String, Object>> rows, String id) {
        return ((Number) row(rows, id).get("starts")).longValue();
    }

    static HttpResponse<String> post(LauncherServices launcher, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + launcher.gatewaySocket().port() + path))
                .timeout(TIMEOUT).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String chat(String text, boolean stream, String user) {
        return "{\"model\":\"gatehouse\",\"stream\":" + stream + (user == null ? "" : ",\"user\":\"" + user + "\"")
                + ",\"messages\":[{\"role\":\"system\",\"content\":\"be brief\"},{\"role\":\"user\",\"content\":\"earlier\"},"
                + "{\"role\":\"assistant\",\"content\":\"ok\"},{\"role\":\"user\",\"content\":\"" + text + "\"}]}";
    }

    // ---- openai

    @Test
    void openaiNonStreaming(LauncherServices launcher) throws Exception {
        HttpResponse<String> r = post(launcher, "/v1/chat/completions", chat("hello world", false, null));
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        JsonNode j = Gatehouse.JSON.readTree(r.body());
        assertEquals("chat.completion", j.path("object").asText());
        assertTrue(j.path("id").asText().startsWith("chatcmpl-"), r.body());
        assertTrue(j.path("created").isNumber());
        // the model the client asked for, as the streamed chunks say (never the provider's name: "echo")
        assertEquals("gatehouse", j.path("model").asText());
        JsonNode choice = j.path("choices").get(0);
        assertEquals(0, choice.path("index").asInt());
        assertEquals("assistant", choice.path("message").path("role").asText());
        assertEquals("echo: hello world", choice.path("message").path("content").asText());
        assertEquals("stop", choice.path("finish_reason").asText());
        assertTrue(j.path("usage").has("total_tokens"), r.body());
        InboundMessage m = SINK.last("openai");
        assertEquals("hello world", m.text());
        assertEquals("direct", m.route().peer().kind());
        assertEquals("openai", m.route().peer().id());
        // what the request tells about the client, for tools that hand back URLs (canvas.url)
        assertEquals("127.0.0.1:" + launcher.gatewaySocket().port(), m.attributes().get(InboundMessage.HTTP_HOST));
        assertEquals("http", m.attributes().get(InboundMessage.HTTP_SCHEME));
        assertEquals("127.0.0.1", m.attributes().get(InboundMessage.CLIENT_ADDRESS));
    }

    @Test
    void openaiStreaming(LauncherServices launcher) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + launcher.gatewaySocket().port()
                + "/v1/chat/completions")).timeout(TIMEOUT).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(chat("stream this please", true, null))).build();
        HttpResponse<java.util.stream.Stream<String>> r = HTTP.send(req, HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"), r.headers().toString());
        List<String> data = new ArrayList<>();
        r.body().forEach(line -> {
            if (line.startsWith("data: ")) {
                data.add(line.substring(6));
            } else {
                assertTrue(line.isEmpty(), "unexpected SSE line: " + line);
            }
        });
        assertEquals("[DONE]", data.get(data.size() - 1), data.toString());
        StringBuilder content = new StringBuilder();
        String finish = null;
        int contentChunks = 0;
        for (String d : data.subList(0, data.size() - 1)) {
            JsonNode c = Gatehouse.JSON.readTree(d);
            assertEquals("chat.completion.chunk", c.path("object").asText(), d);
            assertEquals("gatehouse", c.path("model").asText(), "the plain reply's model: " + d);
            JsonNode choice = c.path("choices").get(0);
            if (choice.path("delta").has("content") && !choice.path("delta").path("content").asText().isEmpty()) {
                content.append(choice.path("delta").path("content").asText());
                contentChunks++;
            }
            if (!choice.path("finish_reason").isNull()) {
                finish = choice.path("finish_reason").asText();
            }
        }
        assertEquals("echo: stream this please", content.toString());
        assertTrue(contentChunks > 1, "the reply came in " + contentChunks + " chunk(s): " + data);
        assertEquals("stop", finish);
    }

    @Test
    void openaiModels(LauncherServices launcher) throws Exception {
        Http.Response r = Http.get(launcher.gatewaySocket().port(), "/v1/models");
        assertEquals(200, r.status(), r.body());
        JsonNode j = Gatehouse.JSON.readTree(r.body());
        assertEquals("list", j.path("object").asText());
        assertEquals("gatehouse", j.path("data").get(0).path("id").asText());
        assertEquals("model", j.path("data").get(0).path("object").asText());
    }

    /** A disabled openai channel lists no models: 503 as for its chat completions, and the list is back once enabled. */
    @Test
    void openaiModelsOnlyWhileTheChannelRuns(LauncherServices launcher) throws Exception {
        config.set("channels.openai", Map.of("enabled", false), "itest");
        Poll.until("openai stopped", () -> channels(launcher), l -> !"running".equals(state(l, "openai")));
        Http.Response off = Http.get(launcher.gatewaySocket().port(), "/v1/models");
        assertEquals(503, off.status(), off.body());
        assertTrue(off.body().contains("channel_unavailable") && !off.body().contains("\"data\""), off.body());

        config.set("channels.openai.enabled", true, "itest");
        Poll.until("openai running", () -> channels(launcher), l -> "running".equals(state(l, "openai")));
        Http.Response on = Http.get(launcher.gatewaySocket().port(), "/v1/models");
        assertEquals(200, on.status(), on.body());
    }

    /** A channel whose start fails with its credentials in the error (a Bot API URL) shows none in channels:list. */
    @Test
    void aChannelsErrorShowsNoCredentials(LauncherServices launcher) throws Exception {
        String token = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0";
        class Failing implements ChannelAdapter, ChannelAccounts {
            @Override
            public String id() {
                return "itest-secret-fail";
            }

            @Override
            public List<Map<String, Object>> accounts() {
                Map<String, Object> row = new java.util.LinkedHashMap<>();
                row.put(ChannelAccounts.ACCOUNT_ID, "ops");
                row.put(ChannelAccounts.STATE, "failed");
                row.put(ChannelAccounts.LAST_ERROR, "getUpdates: https://api.telegram.org/bot" + token + "/getUpdates refused");
                row.put("botToken", token); // an adapter breaking its promise
                return List.of(row);
            }

            @Override
            public void start(Map<String, Object> channelConfig, MessageSink sink) {
                throw new IllegalStateException("HTTP 401 from https://api.telegram.org/bot" + token + "/getMe");
            }

            @Override
            public void stop() {
            }
        }
        ChannelAdapter failing = new Failing();
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(ChannelAdapter.CHANNEL_ID, "itest-secret-fail");
        props.put("gatehouse.channel.defaultEnabled", "true");
        ServiceRegistration<ChannelAdapter> reg = FrameworkUtil.getBundle(ChannelsIT.class).getBundleContext()
                .registerService(ChannelAdapter.class, failing, props);
        try {
            List<Map<String, Object>> rows = Poll.until("the channel failed", () -> channels(launcher),
                    l -> "failed".equals(state(l, "itest-secret-fail")));
            String error = String.valueOf(row(rows, "itest-secret-fail").get("lastError"));
            assertTrue(error.contains("api.telegram.org/bot<redacted>/getMe"), error);
            assertTrue(String.valueOf(row(rows, "itest-secret-fail").get("accounts")).contains("bot<redacted>/getUpdates"), rows.toString());
            ShellProtocol.Result text = Shell.run(launcher.adminSocket().port(), launcher.adminToken(), "channels:list");
            assertEquals(0, text.exit(), text.toString());
            assertTrue(text.out().contains("itest-secret-fail"), text.out());
            for (String shown : List.of(rows.toString(), text.out() + text.err())) {
                assertFalse(shown.contains(token) || shown.contains("AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0"), shown);
            }
        } finally {
            reg.unregister();
        }
    }

    @Test
    void openaiRequiresTheTokenWhenOneIsSet(LauncherServices launcher) throws Exception {
        config.set("gateway.auth", Map.of("token", "itest-s3cret"), "itest");
        HttpResponse<String> none = post(launcher, "/v1/chat/completions", chat("hi", false, null));
        assertEquals(401, none.statusCode(), none.body());
        JsonNode err = Gatehouse.JSON.readTree(none.body()).path("error");
        assertEquals("invalid_api_key", err.path("code").asText(), none.body());
        assertFalse(err.path("message").asText().isEmpty());
        assertEquals("invalid_request_error", err.path("type").asText());
        HttpResponse<String> wrong = post(launcher, "/v1/chat/completions", chat("hi", false, null),
                "Authorization", "Bearer nope");
        assertEquals(401, wrong.statusCode(), wrong.body());
        HttpResponse<String> right = post(launcher, "/v1/chat/completions", chat("hi", false, null),
                "Authorization", "Bearer itest-s3cret");
        assertEquals(200, right.statusCode(), right.body());
    }

    @Test
    void peerAndAccountReachTheSink(LauncherServices launcher) throws Exception {
        HttpResponse<String> r = post(launcher, "/v1/chat/completions", chat("from alice", false, "alice"));
        assertEquals(200, r.statusCode(), r.body());
        InboundMessage m = SINK.last("openai");
        assertEquals("from alice", m.text());
        assertEquals("direct", m.route().peer().kind());
        assertEquals("alice", m.route().peer().id());
        assertEquals(null, m.route().accountId());

        r = post(launcher, "/v1/chat/completions", chat("to the group", false, "alice"),
                "X-Gatehouse-Peer", "group:g-42", "X-Gatehouse-Account", "work");
        assertEquals(200, r.statusCode(), r.body());
        m = SINK.last("openai");
        assertEquals("group", m.route().peer().kind());
        assertEquals("g-42", m.route().peer().id());
        assertEquals("work", m.route().accountId());

        r = post(launcher, "/v1/chat/completions", chat("x", false, null), "X-Gatehouse-Peer", "nonsense");
        assertEquals(400, r.statusCode(), r.body());
    }

    // ---- webchat

    @Test
    void webchatPageIsServed(LauncherServices launcher) throws Exception {
        Http.Response r = Http.get(launcher.gatewaySocket().port(), "/");
        assertEquals(200, r.status(), r.body());
        assertTrue(r.header("Content-Type").startsWith("text/html"), r.header("Content-Type"));
        assertTrue(r.body().contains("webchat.js"), r.body());
        assertEquals(200, Http.get(launcher.gatewaySocket().port(), "/webchat.js").status());
        assertEquals(404, Http.get(launcher.gatewaySocket().port(), "/no-such-page").status());
    }

    /** Collects whole text frames. */
    static final class Frames implements WebSocket.Listener {
        final BlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    frames.add(Gatehouse.JSON.readTree(partial.toString()));
                } catch (Exception e) {
                    frames.add(Gatehouse.JSON.createObjectNode().put("type", "unparsable").put("text", partial.toString()));
                }
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }

        JsonNode next() throws InterruptedException {
            JsonNode f = frames.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            assertNotNull(f, "no frame within " + TIMEOUT);
            return f;
        }
    }

    @Test
    void webchatStreamsTheReplyOverTheWebSocket(LauncherServices launcher) throws Exception {
        Frames frames = new Frames();
        WebSocket ws = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                .buildAsync(URI.create("ws://127.0.0.1:" + launcher.gatewaySocket().port() + "/ws?session=itest-browser-1"), frames)
                .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        try {
            JsonNode ready = frames.next();
            assertEquals("ready", ready.path("type").asText(), ready.toString());
            assertEquals("itest-browser-1", ready.path("session").asText());
            ws.sendText("{\"type\":\"message\",\"text\":\"hi there webchat\"}", true).get(5, TimeUnit.SECONDS);
            StringBuilder streamed = new StringBuilder();
            int deltas = 0;
            JsonNode f;
            while (!"done".equals((f = frames.next()).path("type").asText())) {
                assertEquals("delta", f.path("type").asText(), f.toString());
                streamed.append(f.path("text").asText());
                deltas++;
            }
            assertEquals("echo: hi there webchat", f.path("text").asText());
            assertEquals("echo: hi there webchat", streamed.toString());
            assertTrue(deltas > 1, "deltas: " + deltas);
            InboundMessage m = SINK.last("webchat");
            assertEquals("direct", m.route().peer().kind());
            assertEquals("itest-browser-1", m.route().peer().id());
            assertEquals("127.0.0.1:" + launcher.gatewaySocket().port(), m.attributes().get(InboundMessage.HTTP_HOST));
            assertEquals("http", m.attributes().get(InboundMessage.HTTP_SCHEME));
            assertEquals("127.0.0.1", m.attributes().get(InboundMessage.CLIENT_ADDRESS));
        } finally {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
    }

    // ---- manager

    @Test
    void channelsListJson(LauncherServices launcher) throws Exception {
        List<Map<String, Object>> rows = channels(launcher);
        for (String id : List.of("openai", "webchat")) {
            Map<String, Object> r = row(rows, id);
            assertEquals("running", r.get("state"), rows.toString());
            assertEquals(0, ((Number) r.get("inFlight")).intValue(), rows.toString());
            assertNotNull(r.get("startedAt"), rows.toString());
            assertTrue(r.containsKey("lastError"), rows.toString());
        }
        InFlightWork w = Poll.until("the channel-messages InFlightWork", () -> Gatehouse.inFlightWork("channel-messages"),
                Objects::nonNull);
        assertEquals(0, w.pending());
    }

    @Test
    void aChannelsOpenaiChangeRestartsOnlyOpenaiAfterItsInFlightWorkDrains(LauncherServices launcher) throws Exception {
        List<Map<String, Object>> before = channels(launcher);
        long openaiStarts = starts(before, "openai");
        long webchatStarts = starts(before, "webchat");

        // one held message in flight on openai
        CompletableFuture<HttpResponse<String>> held = CompletableFuture.supplyAsync(() -> {
            try {
                return post(launcher, "/v1/chat/completions", chat("hold", false, null));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Poll.until("the held message in flight", () -> SINK.held.size(), n -> n == 1);
        assertEquals(1, ((Number) row(channels(launcher), "openai").get("inFlight")).intValue());

        // The change returns at once: the channel restart waits for the drain on the channel
        // manager's own thread, never holding up the config pipeline (other edits, the watcher).
        config.set("channels.openai", Map.of("models", List.of("gatehouse", "gatehouse-two")), "itest");
        assertTrue(config.current().get("channels.openai").isPresent());
        // still draining: the channel has not been restarted while its message is in flight
        List<Map<String, Object>> during = channels(launcher);
        assertEquals(openaiStarts, starts(during, "openai"), during.toString());
        assertEquals("running", state(during, "openai"));
        config.set("messages.whileDraining", true, "itest"); // the pipeline is free meanwhile
        assertEquals(openaiStarts, starts(channels(launcher), "openai"), "restarted before its message drained");

        SINK.release();
        HttpResponse<String> reply = held.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(200, reply.statusCode(), reply.body());
        assertTrue(reply.body().contains("echo: hold"), reply.body());

        List<Map<String, Object>> after = Poll.until("openai restarted", () -> channels(launcher),
                l -> starts(l, "openai") == openaiStarts + 1 && "running".equals(state(l, "openai")));
        assertEquals(webchatStarts, starts(after, "webchat"), after.toString());
        Http.Response models = Http.get(launcher.gatewaySocket().port(), "/v1/models");
        assertTrue(models.body().contains("gatehouse-two"), models.body());
    }

    @Test
    void channelsRestartFromTheShell(LauncherServices launcher) throws Exception {
        long webchatStarts = starts(channels(launcher), "webchat");
        ShellProtocol.Result r = Shell.run(launcher.adminSocket().port(), launcher.adminToken(), "channels:restart webchat");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("channel webchat restarted"), r.toString());
        assertEquals(webchatStarts + 1, starts(channels(launcher), "webchat"));
    }
}
