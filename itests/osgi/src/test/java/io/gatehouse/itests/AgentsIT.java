package io.gatehouse.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.service.ServiceExtension;

import io.gatehouse.api.channel.InboundMessage;
import io.gatehouse.api.channel.MessageSink;
import io.gatehouse.api.channel.Reply;
import io.gatehouse.api.config.ConfigService;
import io.gatehouse.api.routing.RouteRequest;
import io.gatehouse.itests.support.ConfigFile;
import io.gatehouse.itests.support.Gatehouse;
import io.gatehouse.itests.support.LauncherServices;
import io.gatehouse.itests.support.LauncherServicesExtension;
import io.gatehouse.itests.support.Poll;
import io.gatehouse.itests.support.Shell;
import io.gatehouse.launcher.api.InFlightWork;
import io.gatehouse.support.shell.ShellProtocol;

/**
 * The agents bundle in a real framework: a message delivered to the MessageSink is routed, answered by
 * the embedded echo model with streamed deltas and written to its session transcript; rebinding the peer
 * to another agent through the config pipeline sends the very next message to that agent and its own
 * session; agent settings changes apply on the next message; sessions:list/show through the shell.
 */
@ExtendWith(LauncherServicesExtension.class)
@ExtendWith(ServiceExtension.class)
class AgentsIT {
    static final RouteRequest ALICE = new RouteRequest("webchat", null, new RouteRequest.Peer("direct", "alice"), null, null,
            List.of(), null);

    @InjectService(timeout = 30_000)
    ConfigService config;

    @InjectService(timeout = 30_000)
    MessageSink sink;

    ConfigFile configFile;
    Path agentsDir;

    @BeforeAll
    static void gatewayUp(LauncherServices launcher) {
        Gatehouse.awaitHealthy(launcher);
    }

    @BeforeEach
    void setUp() throws Exception {
        BundleContext ctx = FrameworkUtil.getBundle(AgentsIT.class).getBundleContext();
        configFile = ConfigFile.of(AgentsIT.class, ".agents-restore.tmp");
        agentsDir = Path.of(ctx.getProperty("gatehouse.data"), "agents").toAbsolutePath();
    }

    @AfterEach
    void restore() throws Exception {
        configFile.restore(config, () -> config.current().get("bindings").isEmpty()
                && config.current().get("agents").isEmpty());
    }

    record Delivered(Reply reply, List<String> deltas) {
    }

    Delivered deliver(String text) throws Exception {
        List<String> deltas = new CopyOnWriteArrayList<>();
        Reply r = sink.deliver(new InboundMessage(ALICE, text, System.currentTimeMillis()), deltas::add)
                .toCompletableFuture().get(30, TimeUnit.SECONDS);
        // the reply comes first; the turn ends once its transcript lines are written
        InFlightWork turns = Gatehouse.inFlightWork("agent-turns");
        Poll.until("the turn's transcript lines written", () -> turns.pending() == 0);
        return new Delivered(r, deltas);
    }

    static String nonce() {
        return Long.toString(System.nanoTime(), 36);
    }

    @Test
    void echoAnswersStreamsAndWritesTheTranscript() throws Exception {
        String text = "hello " + nonce();
        Delivered d = deliver(text);
        assertEquals("echo: " + text, d.reply().text());
        assertEquals("echo", d.reply().model());
        assertEquals("main", d.reply().route().agentId());
        assertEquals("agent:main:main", d.reply().route().sessionKey());
        assertTrue(d.deltas().size() > 1, d.deltas()::toString);
        assertEquals(d.reply().text(), String.join("", d.deltas()));

        Path transcript = agentsDir.resolve("main/sessions/agent.main.main.jsonl");
        List<String> lines = Files.readAllLines(transcript);
        List<Map<String, Object>> mine = lines.stream().map(AgentsIT::json).filter(l -> String.valueOf(l.get("content")).endsWith(text.substring(6)))
                .toList();
        assertEquals(List.of("user", "assistant"), mine.stream().map(l -> l.get("role")).toList(), lines::toString);
        assertEquals("webchat", mine.get(0).get("channel"));
        assertEquals("direct:alice", mine.get(0).get("peer"));
        // the index is written in the background (at most 200 ms later)
        Map<String, Object> index = Poll.until("session index written", () -> {
            Path f = agentsDir.resolve("main/sessions/index.json");
            return Files.exists(f) ? Gatehouse.json(Files.readString(f)) : Map.<String, Object>of();
        }, m -> m.get("sessions") instanceof Map<?, ?> s && s.containsKey("agent:main:main"));
        assertTrue(((Map<?, ?>) index.get("sessions")).containsKey("agent:main:main"), index::toString);

        InFlightWork turns = Gatehouse.inFlightWork("agent-turns");
        assertNotNull(turns, "agent-turns in-flight work");
        assertEquals(0, turns.pending());
    }

    @Test
    @SuppressWarnings("unchecked")
    void rebindingAPeerSendsTheNextMessageToTheNewAgentAndItsSession(LauncherServices launcher) throws Exception {
        deliver("before " + nonce());
        config.set("agents", Map.of("list", List.of(Map.of("id", "main", "default", true),
                Map.of("id", "helper", "model", Map.of("provider", "echo", "prefix", "helper: ")))), "itest");
        assertEquals("main", deliver("still main").reply().route().agentId(), "agents changed, bindings not yet");
        config.set("bindings", List.of(Map.of("agentId", "helper", "match",
                Map.of("channel", "webchat", "peer", Map.of("kind", "direct", "id", "alice")))), "itest");

        String text = "to helper " + nonce();
        Delivered d = deliver(text);
        assertEquals("helper", d.reply().route().agentId());
        assertEquals("agent:helper:main", d.reply().route().sessionKey());
        assertEquals("helper: " + text, d.reply().text());
        Path helperFile = agentsDir.resolve("helper/sessions/agent.helper.main.jsonl");
        assertTrue(Files.readString(helperFile).contains(text));
        assertFalse(Files.readString(agentsDir.resolve("main/sessions/agent.main.main.jsonl")).contains(text),
                "history is not migrated: the main agent's session does not get the message");

        // changing the agent applies to the next message, without a restart
        config.set("agents", Map.of("list", List.of(Map.of("id", "main", "default", true),
                Map.of("id", "helper", "model", Map.of("provider", "echo", "prefix", "helper v2: ")))), "itest");
        assertEquals("helper v2: again", deliver("again").reply().text());

        // removing the agent: the binding now routes to the default agent
        config.set("agents", Map.of("list", List.of(Map.of("id", "main", "default", true))), "itest");
        Delivered back = deliver("back " + nonce());
        assertEquals("main", back.reply().route().agentId());
        assertTrue(back.reply().text().startsWith("echo: back "));

        // the sessions through the shell
        ShellProtocol.Result list = shell(launcher, "sessions:list --json helper");
        assertEquals(0, list.exit(), list.toString());
        List<Map<String, Object>> rows = Gatehouse.JSON.readValue(list.out(), List.class);
        Map<String, Object> row = rows.stream().filter(r -> "agent:helper:main".equals(r.get("key"))).findFirst().orElseThrow();
        assertEquals("helper", row.get("agent"));
        assertTrue(((Number) row.get("messages")).intValue() >= 4, row::toString);
        assertTrue(rows.stream().allMatch(r -> "helper".equals(r.get("agent"))), rows::toString);

        ShellProtocol.Result all = shell(launcher, "sessions:list");
        assertEquals(0, all.exit(), all.toString());
        assertTrue(all.out().contains("agent:helper:main") && all.out().contains("agent:main:main"), all.out());

        ShellProtocol.Result show = shell(launcher, "sessions:show --json agent:helper:main");
        assertEquals(0, show.exit(), show.toString());
        Map<String, Object> doc = Gatehouse.json(show.out());
        List<Map<String, Object>> messages = (List<Map<String, Object>>) doc.get("messages");
        assertTrue(messages.stream().anyMatch(m -> text.equals(m.get("content")) && "user".equals(m.get("role"))), show.out());
        assertTrue(messages.stream().anyMatch(m -> ("helper: " + text).equals(m.get("content"))), show.out());

        ShellProtocol.Result showText = shell(launcher, "sessions:show agent:helper:main");
        assertEquals(0, showText.exit(), showText.toString());
        assertTrue(showText.out().contains("assistant") && showText.out().contains("helper v2: again"), showText.out());

        ShellProtocol.Result missing = shell(launcher, "sessions:show agent:nobody:main");
        assertEquals(1, missing.exit(), missing.toString());
        assertTrue(missing.err().contains("no session agent:nobody:main"), missing.toString());

        ShellProtocol.Result status = shell(launcher, "gateway:status --json");
        Map<String, Object> inFlight = (Map<String, Object>) Gatehouse.json(status.out()).get("inFlight");
        assertEquals(0, inFlight.get("agent-turns"), status.out());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(String line) {
        try {
            return Gatehouse.json(line);
        } catch (java.io.IOException e) {
            return Map.of();
        }
    }

    private static ShellProtocol.Result shell(LauncherServices launcher, String command) throws Exception {
        return Shell.run(launcher.adminSocket().port(), launcher.adminToken(), command);
    }
}
