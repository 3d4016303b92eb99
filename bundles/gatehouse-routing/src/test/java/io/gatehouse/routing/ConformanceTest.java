package io.gatehouse.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import io.gatehouse.api.routing.ResolvedRoute;
import io.gatehouse.api.routing.RouteRequest;
import io.gatehouse.routing.keys.AccountIds;
import io.gatehouse.routing.keys.SessionKeys;
import io.gatehouse.routing.resolve.RouteTable;

/**
 * Every {@code routing} and {@code sessionKey} case of the reference conformance data, one dynamic test
 * per case, named by the case. Routes must match every expected field; each is checked through the
 * index (uncached and cached, twice) and through the full scan.
 */
class ConformanceTest {

    @TestFactory
    Stream<DynamicTest> routing() throws Exception {
        List<Conformance.Case> cases = Conformance.section("routing");
        assertFalse(cases.isEmpty());
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> routingCase(c.data())));
    }

    @SuppressWarnings("unchecked")
    private static void routingCase(Map<String, Object> data) {
        Map<String, Object> config = (Map<String, Object>) data.get("config");
        RouteRequest request = Conformance.request((Map<String, Object>) data.get("input"));
        Map<String, Object> expect = (Map<String, Object>) data.get("expect");
        assertEquals(List.of("agentId", "channel", "accountId", "sessionKey", "mainSessionKey", "lastRoutePolicy", "matchedBy"),
                List.copyOf(expect.keySet()), "the case names every route field");
        RouteTable uncached = RouteTable.build("conformance", config, 0);
        RouteTable cached = RouteTable.build("conformance", config, 100);
        assertRoute(expect, uncached.resolve(request), "indexed");
        assertRoute(expect, cached.resolve(request), "cached (miss)");
        assertRoute(expect, cached.resolve(request), "cached (hit)");
        assertRoute(expect, uncached.resolveByScan(request), "scan");
        assertRoute(expect, uncached.explain(request).route(), "explain");
    }

    private static void assertRoute(Map<String, Object> expect, ResolvedRoute route, String how) {
        Map<String, Object> actual = RouteCommands.routeMap(route);
        for (Map.Entry<String, Object> e : expect.entrySet()) {
            assertEquals(e.getValue(), actual.get(e.getKey()), how + ": " + e.getKey() + " of " + actual);
        }
    }

    @TestFactory
    Stream<DynamicTest> sessionKey() throws Exception {
        List<Conformance.Case> cases = Conformance.section("sessionKey");
        assertFalse(cases.isEmpty());
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            Object actual = call((String) c.data().get("fn"), (List<Object>) c.data().get("args"));
            Object expected = c.data().get("expect");
            if (expected instanceof Number n) {
                assertEquals(n.longValue(), ((Number) actual).longValue());
            } else {
                assertEquals(expected, actual);
            }
        }));
    }

    @SuppressWarnings("unchecked")
    private static Object call(String fn, List<Object> args) {
        Object a0 = args.isEmpty() ? null : args.get(0);
        Map<String, Object> p = a0 instanceof Map<?, ?> ? (Map<String, Object>) a0 : Map.of();
        return switch (fn) {
            case "normalizeAccountId" -> AccountIds.normalize((String) a0);
            case "normalizeOptionalAccountId" -> AccountIds.normalizeOptional((String) a0);
            case "classifySessionKeyShape" -> SessionKeys.classifySessionKeyShape((String) a0);
            case "getSubagentDepth" -> SessionKeys.getSubagentDepth((String) a0);
            case "isCronSessionKey" -> SessionKeys.isCronSessionKey((String) a0);
            case "isSubagentSessionKey" -> SessionKeys.isSubagentSessionKey((String) a0);
            case "isValidAgentId" -> SessionKeys.isValidAgentId((String) a0);
            case "normalizeAgentId" -> SessionKeys.normalizeAgentId((String) a0);
            case "toAgentRequestSessionKey" -> SessionKeys.toAgentRequestSessionKey((String) a0);
            case "resolveAgentIdFromSessionKey" -> SessionKeys.resolveAgentIdFromSessionKey((String) a0);
            case "parseAgentSessionKey" -> {
                SessionKeys.ParsedSessionKey k = SessionKeys.parseAgentSessionKey((String) a0);
                yield k == null ? null : map("agentId", k.agentId(), "rest", k.rest());
            }
            case "toAgentStoreSessionKey" -> SessionKeys.toAgentStoreSessionKey((String) p.get("agentId"),
                    (String) p.get("requestKey"), (String) p.get("mainKey"));
            case "deriveLastRoutePolicy" -> SessionKeys.deriveLastRoutePolicy((String) p.get("sessionKey"),
                    (String) p.get("mainSessionKey"));
            case "resolveInboundLastRouteSessionKey" -> {
                Map<String, Object> route = (Map<String, Object>) p.get("route");
                yield SessionKeys.resolveInboundLastRouteSessionKey((String) route.get("lastRoutePolicy"),
                        (String) route.get("mainSessionKey"), (String) p.get("sessionKey"));
            }
            case "buildAgentSessionKey" -> {
                Map<String, Object> peer = (Map<String, Object>) p.get("peer");
                yield SessionKeys.buildAgentSessionKey((String) p.get("agentId"), (String) p.get("channel"),
                        (String) p.get("accountId"), peer != null, peer == null ? null : (String) peer.get("kind"),
                        peer == null ? null : String.valueOf(peer.get("id")), (String) p.get("dmScope"),
                        (Map<String, ?>) p.get("identityLinks"), (String) p.get("mainKey"));
            }
            case "buildAgentPeerSessionKey" -> SessionKeys.buildAgentPeerSessionKey(new SessionKeys.PeerKey(
                    (String) p.get("agentId"), (String) p.get("mainKey"), (String) p.get("channel"),
                    (String) p.get("accountId"), (String) p.get("peerKind"), (String) p.get("peerId"),
                    (Map<String, ?>) p.get("identityLinks"), (String) p.get("dmScope")));
            case "resolveThreadSessionKeys" -> {
                SessionKeys.ThreadSessionKeys k = SessionKeys.resolveThreadSessionKeys((String) p.get("baseSessionKey"),
                        (String) p.get("threadId"), (String) p.get("parentSessionKey"), (Boolean) p.get("useSuffix"), null);
                yield map("sessionKey", k.sessionKey(), "parentSessionKey", k.parentSessionKey());
            }
            default -> fail("session key function " + fn + " is not implemented");
        };
    }

    /** A JSON-like object; null values are left out, as JSON.stringify leaves out undefined. */
    private static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            if (kv[i + 1] != null) {
                m.put((String) kv[i], kv[i + 1]);
            }
        }
        return m;
    }
}
