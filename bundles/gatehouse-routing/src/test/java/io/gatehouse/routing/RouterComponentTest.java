package io.gatehouse.routing;

import io.gatehouse.testsupport.FakeConfigService;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.gatehouse.api.routing.ResolvedRoute;
import io.gatehouse.api.routing.RouteRequest;

/**
 * The Router service reads the config in force on every call: a change to bindings, agents or
 * session applies to the very next call, cache or no cache.
 */
class RouterComponentTest {
    static final RouteRequest DM = new RouteRequest("telegram", null, new RouteRequest.Peer("direct", "42"), null, null,
            List.of(), null);

    FakeConfigService config;
    RouterComponent router;

    static RouterComponent.Config settings(boolean cache, int max) {
        return new RouterComponent.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return RouterComponent.Config.class;
            }

            @Override
            public boolean routeCache() {
                return cache;
            }

            @Override
            public int routeCacheMaxEntries() {
                return max;
            }
        };
    }

    static Map<String, Object> config(String agentForTelegram, List<Map<String, Object>> agents, String dmScope) {
        return Map.of("bindings", List.of(Map.of("agentId", agentForTelegram, "match", Map.of("channel", "telegram"))),
                "agents", Map.of("list", agents), "session", Map.of("dmScope", dmScope));
    }

    @BeforeEach
    void setUp() {
        config = new FakeConfigService(config("alpha", List.of(Map.of("id", "alpha"), Map.of("id", "beta")), "main"));
        router = new RouterComponent();
        router.bindConfig(config);
        router.configure(settings(true, 100));
    }

    @Test
    void theCacheServesRepeatsAndEveryConfigChangeInvalidatesIt() {
        ResolvedRoute first = router.resolve(DM);
        assertEquals("alpha", first.agentId());
        assertSame(first, router.resolve(DM), "the second identical call is served from the cache");
        assertEquals(1, router.table().cachedRoutes());

        // bindings change
        config.set(config("beta", List.of(Map.of("id", "alpha"), Map.of("id", "beta")), "main"));
        ResolvedRoute afterBindings = router.resolve(DM);
        assertEquals("beta", afterBindings.agentId(), "the cached route of the old bindings was not used");
        assertSame(afterBindings, router.resolve(DM));

        // agents change: beta is no longer listed, so the binding falls back to the default agent
        config.set(config("beta", List.of(Map.of("id", "gamma", "default", true), Map.of("id", "alpha")), "main"));
        assertEquals("gamma", router.resolve(DM).agentId());
        assertEquals("binding.account", router.resolve(DM).matchedBy());

        // session change: per-peer DM keys
        config.set(config("beta", List.of(Map.of("id", "gamma", "default", true), Map.of("id", "alpha")), "per-peer"));
        ResolvedRoute perPeer = router.resolve(DM);
        assertEquals("agent:gamma:direct:42", perPeer.sessionKey());
        assertEquals("session", perPeer.lastRoutePolicy());
    }

    @Test
    void withoutTheCacheEveryCallResolves() {
        router.configure(settings(false, 100));
        ResolvedRoute first = router.resolve(DM);
        assertNotSame(first, router.resolve(DM));
        assertEquals(first, router.resolve(DM));
        assertEquals(0, router.table().cachedRoutes());
        config.set(config("beta", List.of(Map.of("id", "alpha"), Map.of("id", "beta")), "main"));
        assertEquals("beta", router.resolve(DM).agentId());
    }

    @Test
    void theCacheIsBounded() {
        router.configure(settings(true, 10));
        for (int i = 0; i < 100; i++) {
            router.resolve(new RouteRequest("telegram", null, new RouteRequest.Peer("direct", "p" + i), null, null,
                    List.of(), null));
            assertTrue(router.table().cachedRoutes() <= 10);
        }
    }

    @Test
    void aTableIsBuiltOncePerConfigHash() {
        var table = router.table();
        router.resolve(DM);
        assertSame(table, router.table());
        router.configUpdated(config); // the hash property changed but the config did not: same table
        assertSame(table, router.table());
        config.set(config("alpha", List.of(Map.of("id", "alpha")), "main"));
        router.configUpdated(config);
        assertNotSame(table, router.table());
    }

    @Test
    void aChangeOutsideRoutingKeepsTheIndexButStartsANewCache() {
        Map<String, Object> routing = config("alpha", List.of(Map.of("id", "alpha")), "main");
        config.set(with(routing, "logging", Map.of("level", "debug")));
        var before = router.table();
        router.resolve(DM);
        assertEquals(1, before.cachedRoutes());
        config.set(with(routing, "logging", Map.of("level", "info")));
        var after = router.table();
        assertNotSame(before, after);
        assertTrue(after.sharesIndexWith(before), "bindings, agents and session are unchanged: the index is kept");
        assertEquals(0, after.cachedRoutes(), "the cache belongs to one config hash");
        config.set(with(config("alpha", List.of(Map.of("id", "alpha")), "per-peer"), "logging", Map.of("level", "info")));
        assertTrue(!router.table().sharesIndexWith(after), "a session change re-reads the routing config");
    }

    private static Map<String, Object> with(Map<String, Object> base, String key, Object value) {
        Map<String, Object> m = new java.util.LinkedHashMap<>(base);
        m.put(key, value);
        return m;
    }

    @Test
    void routingIsDataChannelsNeedNoAdapter() {
        config.set(Map.of("bindings", List.of(Map.of("agentId", "x", "match", Map.of("channel", "no-such-adapter")))));
        ResolvedRoute r = router.resolve(new RouteRequest("no-such-adapter", null, null, null, null, List.of(), null));
        assertEquals("x", r.agentId());
        assertEquals("binding.account", r.matchedBy());
    }

    @Test
    void theNextCallAfterAChangeRoutesByIt() throws Exception {
        // A "channel" resolving in a loop on another thread while bindings change under it.
        router.configure(settings(true, 1000));
        var stop = new java.util.concurrent.atomic.AtomicBoolean();
        var errors = new java.util.concurrent.CopyOnWriteArrayList<Throwable>();
        Thread channel = new Thread(() -> {
            while (!stop.get()) {
                try {
                    router.resolve(DM);
                } catch (Throwable t) {
                    errors.add(t);
                }
            }
        });
        channel.start();
        try {
            for (int i = 0; i < 200; i++) {
                String agent = "agent" + i;
                config.set(config(agent, List.of(), "main"));
                assertEquals(agent, router.resolve(DM).agentId(), "change " + i);
            }
        } finally {
            stop.set(true);
            channel.join(10_000);
        }
        assertTrue(errors.isEmpty(), errors.toString());
    }
}
