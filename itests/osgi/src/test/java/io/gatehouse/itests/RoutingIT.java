package io.gatehouse.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.service.ServiceExtension;

import io.gatehouse.api.config.ConfigReloadEvent;
import io.gatehouse.api.config.ConfigService;
import io.gatehouse.api.config.ReloadHandler;
import io.gatehouse.api.config.ReloadPlan;
import io.gatehouse.api.routing.ResolvedRoute;
import io.gatehouse.api.routing.RouteRequest;
import io.gatehouse.api.routing.Router;
import io.gatehouse.itests.support.ConfigFile;
import io.gatehouse.itests.support.Gatehouse;
import io.gatehouse.itests.support.LauncherServices;
import io.gatehouse.itests.support.LauncherServicesExtension;
import io.gatehouse.itests.support.Poll;
import io.gatehouse.itests.support.Shell;
import io.gatehouse.support.shell.ShellProtocol;

/**
 * The routing bundle in a real framework: a channel that got the Router once and keeps resolving
 * routes by whatever bindings are in force (seed 001's stale-snapshot bug cannot happen), the
 * reload rules routing owns, and route:explain and agents:list through the remote shell.
 */
@ExtendWith(LauncherServicesExtension.class)
@ExtendWith(ServiceExtension.class)
class RoutingIT {
    static final Duration APPLY = Duration.ofSeconds(10);
    static final RouteRequest DM = new RouteRequest("qqbot", "study", new RouteRequest.Peer("direct", "480562E9913A985D4A79822A643E27B6"),
            null, null, List.of(), null);

    @InjectService(timeout = 30_000)
    ConfigService config;

    @InjectService(timeout = 30_000)
    Router router;

    ConfigFile configFile;

    @BeforeAll
    static void gatewayUp(LauncherServices launcher) {
        Gatehouse.awaitHealthy(launcher);
    }

    @BeforeEach
    void setUp() throws Exception {
        BundleContext ctx = FrameworkUtil.getBundle(RoutingIT.class).getBundleContext();
        configFile = ConfigFile.of(RoutingIT.class, ".gatehouse.json.swp");
    }

    @AfterEach
    void restore() throws Exception {
        configFile.restore(config, () -> config.current().get("bindings").isEmpty());
    }

    /** Bindings routing {@link #DM} by a peer binding to {@code agent<n>}, with an account-wide binding under it. */
    static List<Object> bindings(int n) {
        return List.of(
                Map.of("agentId", "agent" + n, "match", Map.of("channel", "qqbot", "accountId", "study",
                        "peer", Map.of("kind", "direct", "id", "480562E9913A985D4A79822A643E27B6"))),
                Map.of("agentId", "study", "match", Map.of("channel", "qqbot", "accountId", "study")));
    }

    static int agentNumber(ResolvedRoute r) {
        return r.agentId().startsWith("agent") ? Integer.parseInt(r.agentId().substring(5)) : -1;
    }

    /** The agent number the bindings in force route to ({@code agent<n>} of the first binding), or -1. */
    int agentInForce() {
        Object bs = config.current().get("bindings").orElse(null);
        if (bs instanceof List<?> l && !l.isEmpty() && l.get(0) instanceof Map<?, ?> b && b.get("agentId") instanceof String id
                && id.startsWith("agent")) {
            return Integer.parseInt(id.substring(5));
        }
        return -1;
    }

    @Test
    void aRunningChannelRoutesTheNextMessageByTheNewBindings() throws Exception {
        config.set("bindings", bindings(0), "itest");
        assertEquals("agent0", router.resolve(DM).agentId());

        // The "channel": holds the Router it got at start and resolves in a loop, like a channel adapter
        // handling inbound messages. Before each call it notes the bindings in force; the route it gets
        // must be by those bindings or newer ones, never older.
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong resolved = new AtomicLong();
        List<String> stale = new CopyOnWriteArrayList<>();
        AtomicInteger applied = new AtomicInteger(0);
        Thread channel = new Thread(() -> {
            while (!stop.get()) {
                int before = Math.max(applied.get(), agentInForce());
                ResolvedRoute r = router.resolve(DM);
                resolved.incrementAndGet();
                if (agentNumber(r) < before) {
                    stale.add("bindings " + before + " were in force before the call, the route went to " + r.agentId());
                }
            }
        }, "itest-channel");
        channel.start();
        try {
            for (int n = 1; n <= 20; n++) {
                if (n % 2 == 1) {
                    // the shell/Config Admin door: applied when set() returns
                    config.set("bindings", bindings(n), "itest");
                } else {
                    // an operator's editor (write a temp file, rename it over): the watcher applies it
                    configFile.write("{ gateway: { bind: 'loopback', port: 0 }, bindings: "
                            + Gatehouse.JSON.writeValueAsString(bindings(n)) + " }");
                    int want = n;
                    Poll.until("bindings " + n + " in force", APPLY, this::agentInForce, x -> x == want);
                }
                applied.set(n);
                // the very next message after the reload is applied routes by the new bindings
                ResolvedRoute next = router.resolve(DM);
                assertEquals("agent" + n, next.agentId(), "change " + n);
                assertEquals("binding.peer", next.matchedBy());
                long seen = resolved.get();
                Poll.until("the channel resolved again after change " + n, APPLY, resolved::get, x -> x > seen + 1);
            }
        } finally {
            stop.set(true);
            channel.join(10_000);
        }
        assertTrue(stale.isEmpty(), () -> stale.size() + " stale routes, e.g. " + stale.get(0));
        assertTrue(resolved.get() > 100, "the channel kept running: " + resolved.get());

        // Removing the peer binding: the account binding decides the next message.
        config.set("bindings", List.of(bindings(0).get(1)), "itest");
        ResolvedRoute r = router.resolve(DM);
        assertEquals("study", r.agentId());
        assertEquals("binding.account", r.matchedBy());
    }

    @Test
    void routingOwnsBindingsAgentsAndSessionAsHot() throws Exception {
        for (String path : List.of("bindings", "agents", "session", "session.dmScope", "agents.defaults.workspace")) {
            ReloadPlan p = config.plan(List.of(path));
            assertEquals(List.of(path), p.hotReasons(), path);
            assertTrue(p.actions().contains("reload-routing"), path + ": " + p.actions());
            assertTrue(!p.restartGateway(), path);
        }
        BundleContext ctx = FrameworkUtil.getBundle(RoutingIT.class).getBundleContext();
        assertTrue(ctx.getServiceReferences(ReloadHandler.class, "(" + ReloadHandler.ACTIONS + "=reload-routing)").size() == 1,
                "the router handles reload-routing");
        ConfigReloadEvent e = config.set("session", Map.of("dmScope", "per-peer"), "itest");
        assertEquals(ConfigReloadEvent.HOT, e.outcome(), e.toString());
        assertEquals("agent:main:direct:480562e9913a985d4a79822a643e27b6", router.resolve(DM).sessionKey());
        config.set("agents", Map.of("list", List.of(Map.of("id", "ops", "default", true))), "itest");
        assertEquals("agent:ops:direct:480562e9913a985d4a79822a643e27b6", router.resolve(DM).sessionKey());
    }

    @Test
    void explainThroughTheShell(LauncherServices launcher) throws Exception {
        ShellProtocol.Result set = shell(launcher, "config:set bindings '[{\"agentId\":\"tg\",\"match\":{\"channel\":\"telegram\",\"accountId\":\"*\"}},"
                + "{\"agentId\":\"vip\",\"match\":{\"channel\":\"telegram\",\"peer\":{\"kind\":\"dm\",\"id\":\"42\"}}},"
                + "{\"agentId\":\"mod\",\"match\":{\"channel\":\"discord\",\"guildId\":\"g1\",\"roles\":[\"r2\"]}},"
                + "{\"agentId\":\"thread\",\"match\":{\"channel\":\"discord\",\"peer\":{\"kind\":\"channel\",\"id\":\"p1\"}}}]'");
        assertEquals(0, set.exit(), set.toString());

        ShellProtocol.Result json = shell(launcher, "route:explain --channel telegram --peer direct:42 --json");
        assertEquals(0, json.exit(), json.toString());
        Map<String, Object> route = Gatehouse.json(json.out());
        assertEquals(Map.of("agentId", "vip", "channel", "telegram", "accountId", "default", "sessionKey", "agent:vip:main",
                "mainSessionKey", "agent:vip:main", "lastRoutePolicy", "main", "matchedBy", "binding.peer"), route);
        assertEquals(List.of("agentId", "channel", "accountId", "sessionKey", "mainSessionKey", "lastRoutePolicy", "matchedBy"),
                new ArrayList<>(route.keySet()));

        Map<String, Object> other = Gatehouse.json(shell(launcher, "route:explain --channel telegram --account biz --peer direct:42 --json").out());
        assertEquals("tg", other.get("agentId"));
        assertEquals("binding.channel", other.get("matchedBy"));
        assertEquals("biz", other.get("accountId"));

        Map<String, Object> roles = Gatehouse.json(shell(launcher,
                "route:explain --channel discord --peer channel:t1 --guild g1 --roles r1,r2 --team T --json").out());
        assertEquals("mod", roles.get("agentId"));
        assertEquals("binding.guild+roles", roles.get("matchedBy"));
        assertEquals("agent:mod:discord:channel:t1", roles.get("sessionKey"));
        Map<String, Object> parent = Gatehouse.json(shell(launcher,
                "route:explain --channel discord --peer channel:t1 --parent-peer channel:p1 --guild g1 --roles r2 --json").out());
        assertEquals("thread", parent.get("agentId"));
        assertEquals("binding.peer.parent", parent.get("matchedBy"));

        // a channel no adapter serves is still routed: routing is data
        Map<String, Object> nowhere = Gatehouse.json(shell(launcher, "route:explain --channel no-such-channel --json").out());
        assertEquals("main", nowhere.get("agentId"));
        assertEquals("default", nowhere.get("matchedBy"));

        ShellProtocol.Result text = shell(launcher, "route:explain --channel telegram --account biz --peer direct:42");
        assertEquals(0, text.exit(), text.toString());
        assertTrue(text.out().contains("binding.peer: no match"), text.out());
        assertTrue(text.out().contains("bindings[1] agentId=vip channel=telegram accountId=(default) peer=direct:42 -> no accountId:"
                + " matches the default account only, message is on account biz"), text.out());
        assertTrue(text.out().contains("binding.channel: matched"), text.out());
        assertTrue(text.out().contains("MATCH bindings[0] agentId=tg"), text.out());

        ShellProtocol.Result missing = shell(launcher, "route:explain --peer direct:42");
        assertEquals(1, missing.exit(), missing.toString());
        assertTrue(missing.err().contains("--channel"), missing.toString());
    }

    @Test
    @SuppressWarnings("unchecked")
    void agentsListThroughTheShell(LauncherServices launcher) throws Exception {
        config.set("agents", Map.of("list", List.of(Map.of("id", "main", "name", "Main", "workspace", "~/main"),
                Map.of("id", "ops", "default", true, "model", "echo"))), "itest");
        config.set("bindings", List.of(Map.of("agentId", "ops", "match", Map.of("channel", "telegram")),
                Map.of("agentId", "ghost", "match", Map.of("channel", "discord"))), "itest");

        ShellProtocol.Result r = shell(launcher, "agents:list --bindings --json");
        assertEquals(0, r.exit(), r.toString());
        List<Map<String, Object>> rows = Gatehouse.JSON.readValue(r.out(), List.class);
        assertEquals(List.of("main", "ops"), rows.stream().map(x -> x.get("id")).toList());
        assertEquals(false, rows.get(0).get("default"));
        assertEquals(true, rows.get(1).get("default"));
        assertEquals("~/main", rows.get(0).get("workspace"));
        assertEquals("echo", rows.get(1).get("model"));
        // the binding to an unlisted agent routes to the default agent, and is listed there
        List<Map<String, Object>> opsBindings = (List<Map<String, Object>>) rows.get(1).get("bindings");
        assertEquals(List.of(0, 1), opsBindings.stream().map(b -> b.get("index")).toList());
        assertEquals(true, opsBindings.get(1).get("routesToDefault"));

        ShellProtocol.Result text = shell(launcher, "agents:list");
        assertEquals(0, text.exit(), text.toString());
        assertTrue(text.out().lines().anyMatch(l -> l.startsWith("ops ") && l.contains(" yes ")), text.out());
    }

    private static ShellProtocol.Result shell(LauncherServices launcher, String command) throws Exception {
        return Shell.run(launcher.adminSocket().port(), launcher.adminToken(), command);
    }
}
