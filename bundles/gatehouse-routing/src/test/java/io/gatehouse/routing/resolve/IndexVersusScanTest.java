package io.gatehouse.routing.resolve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.gatehouse.api.routing.ResolvedRoute;
import io.gatehouse.api.routing.RouteExplanation;
import io.gatehouse.api.routing.RouteRequest;

/** The index answers exactly as the plain scan of every binding, and is not a scan. */
class IndexVersusScanTest {

    @Test
    void indexAgreesWithTheScanOnRandomConfigs() {
        RandomConfigs gen = new RandomConfigs(20261121L);
        Map<String, Integer> matchedBy = new HashMap<>();
        int requests = 0;
        for (int c = 0; c < 300; c++) {
            Map<String, Object> config = gen.config(1 + c % 40);
            RouteTable indexed = RouteTable.build("h" + c, config, 0);
            RouteTable cached = RouteTable.build("h" + c, config, 64);
            for (int r = 0; r < 40; r++) {
                RouteRequest request = gen.request();
                ResolvedRoute expected = indexed.resolveByScan(request);
                String what = "config " + config + "\nrequest " + request;
                assertEquals(expected, indexed.resolve(request), what);
                assertEquals(expected, cached.resolve(request), what);
                RouteExplanation e = indexed.explain(request);
                assertEquals(expected, e.route(), what);
                assertExplanationNamesTheWinner(e, what);
                matchedBy.merge(expected.matchedBy(), 1, Integer::sum);
                requests++;
            }
        }
        assertEquals(12_000, requests);
        // every outcome came up, so the comparison covered every tier
        for (String tier : List.of("binding.peer", "binding.peer.parent", "binding.peer.wildcard", "binding.guild+roles",
                "binding.guild", "binding.team", "binding.account", "binding.channel", "default")) {
            assertTrue(matchedBy.getOrDefault(tier, 0) > 20, tier + " came up too rarely: " + matchedBy);
        }
    }

    private static void assertExplanationNamesTheWinner(RouteExplanation e, String what) {
        List<RouteExplanation.Tier> matched = e.tiers().stream()
                .filter(t -> t.status() == RouteExplanation.TierStatus.MATCHED).toList();
        if ("default".equals(e.route().matchedBy())) {
            assertTrue(matched.isEmpty(), what);
            return;
        }
        assertEquals(1, matched.size(), what);
        assertEquals(e.route().matchedBy(), matched.get(0).matchedBy(), what);
        assertEquals(1, matched.get(0).bindings().stream().filter(RouteExplanation.Binding::matched).count(), what);
    }

    @Test
    void aHundredThousandBindingsResolveWithoutAScan() {
        Map<String, Object> config = bigConfig(100_000);
        RouteTable table = RouteTable.build("big", config, 0);
        List<RouteRequest> requests = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            // half hit a peer binding, half fall through every tier to the default agent
            String peer = i % 2 == 0 ? "user" + (i * 7 % 100_000) : "nobody" + i;
            requests.add(new RouteRequest("telegram", "acct" + (i % 10), new RouteRequest.Peer("direct", peer), null,
                    "guild" + (i % 50), List.of("role" + (i % 5)), "team" + (i % 20)));
        }
        for (RouteRequest r : requests.subList(0, 100)) {
            assertEquals(table.resolveByScan(r), table.resolve(r));
        }
        int most = 0;
        for (RouteRequest r : requests) {
            most = Math.max(most, table.bindingsExamined(r));
        }
        // a scan looks at every binding of the channel and account (about 25,000 here); the index at a handful.
        // What each costs in time is measured in bench/ (bench/routing-jmh.sh), not asserted here.
        assertTrue(most >= 1 && most <= 16, "the index looked at " + most + " bindings for one request");
    }

    /** Bindings of every tier spread over one channel's ten accounts, plus other channels. */
    static Map<String, Object> bigConfig(int n) {
        List<Object> bindings = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Map<String, Object> match = new LinkedHashMap<>();
            match.put("channel", i % 4 == 3 ? "discord" : "telegram");
            match.put("accountId", i % 11 == 0 ? "*" : "acct" + (i % 10));
            switch (i % 5) {
                case 0, 1 -> match.put("peer", Map.of("kind", "direct", "id", "user" + i));
                case 2 -> {
                    match.put("guildId", "guild-" + i);
                    match.put("roles", List.of("role-" + i));
                }
                case 3 -> match.put("guildId", "guild-" + i);
                default -> match.put("teamId", "team-" + i);
            }
            Map<String, Object> b = new LinkedHashMap<>();
            b.put("agentId", "agent" + (i % 100));
            b.put("match", match);
            bindings.add(b);
        }
        List<Object> agents = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            agents.add(Map.of("id", "agent" + i));
        }
        return Map.of("bindings", bindings, "agents", Map.of("list", agents));
    }
}
