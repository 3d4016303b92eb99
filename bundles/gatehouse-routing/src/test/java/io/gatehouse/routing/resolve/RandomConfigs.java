package io.gatehouse.routing.resolve;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import io.gatehouse.api.routing.RouteRequest;

/**
 * Random configs and messages over small value sets, so that bindings and messages collide often:
 * every tier, wildcard and default-account rule, case variants, invalid peers, ignored bindings,
 * unknown agents and per-binding session scopes all come up.
 */
final class RandomConfigs {
    static final String[] CHANNELS = {"telegram", "discord", "Slack", " whatsapp ", ""};
    static final String[] ACCOUNTS = {null, "", "default", "biz", "*", "Biz Acct", " * ", "__proto__"};
    static final String[] KINDS = {"direct", "dm", "group", "channel", "thread", "DM", null};
    static final String[] IDS = {"u1", "U1", "c1", "C1", "*", "", " c1 ", "g-42"};
    static final String[] GUILDS = {"g1", "g2"};
    static final String[] TEAMS = {"t1", "t2"};
    static final String[] ROLES = {"r1", "r2", "r3"};
    static final String[] AGENTS = {"main", "support", "Support", "Work Bot", "ghost", "", "ops"};
    static final String[] SCOPES = {"main", "per-peer", "per-channel-peer", "per-account-channel-peer"};

    private final Random rnd;

    RandomConfigs(long seed) {
        this.rnd = new Random(seed);
    }

    private <T> T pick(T[] values) {
        return values[rnd.nextInt(values.length)];
    }

    private boolean chance(int percent) {
        return rnd.nextInt(100) < percent;
    }

    Map<String, Object> config(int bindings) {
        Map<String, Object> root = new LinkedHashMap<>();
        List<Object> list = new ArrayList<>();
        for (int i = 0; i < bindings; i++) {
            list.add(binding());
        }
        root.put("bindings", list);
        if (chance(70)) {
            List<Object> agents = new ArrayList<>();
            int n = rnd.nextInt(4);
            for (int i = 0; i < n; i++) {
                Map<String, Object> a = new LinkedHashMap<>();
                if (chance(95)) {
                    a.put("id", pick(new String[] {"main", "support", "ops", "Work Bot", "beta"}));
                }
                if (chance(30)) {
                    a.put("default", chance(80));
                }
                agents.add(a);
            }
            root.put("agents", Map.of("list", agents));
        }
        if (chance(60)) {
            Map<String, Object> session = new LinkedHashMap<>();
            session.put("dmScope", pick(SCOPES));
            if (chance(40)) {
                session.put("identityLinks", Map.of("alice", List.of("telegram:u1", "c1"), "Bob", List.of("U1")));
            }
            root.put("session", session);
        }
        return root;
    }

    private Map<String, Object> binding() {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("agentId", pick(AGENTS));
        Map<String, Object> match = new LinkedHashMap<>();
        match.put("channel", pick(CHANNELS));
        String account = pick(ACCOUNTS);
        if (account != null) {
            match.put("accountId", account);
        }
        if (chance(45)) {
            Map<String, Object> peer = new LinkedHashMap<>();
            String kind = pick(KINDS);
            if (kind != null) {
                peer.put("kind", kind);
            }
            peer.put("id", chance(10) ? (Object) 42 : pick(IDS));
            match.put("peer", peer);
        }
        if (chance(30)) {
            match.put("guildId", pick(GUILDS));
        }
        if (chance(20)) {
            match.put("roles", chance(20) ? List.of() : List.of(pick(ROLES)));
        }
        if (chance(20)) {
            match.put("teamId", pick(TEAMS));
        }
        b.put("match", match);
        if (chance(10)) {
            b.put("session", Map.of("dmScope", pick(SCOPES)));
        }
        if (chance(3)) {
            b.put("type", "acp");
        }
        return b;
    }

    RouteRequest request() {
        String channel = pick(new String[] {"telegram", "discord", "slack", "whatsapp", "TELEGRAM", "matrix"});
        String account = pick(new String[] {null, "default", "biz", "Biz Acct", "other", "biz-acct"});
        return new RouteRequest(channel, account, chance(80) ? peer() : null, chance(25) ? peer() : null,
                chance(50) ? pick(GUILDS) : null, roles(), chance(40) ? pick(TEAMS) : null);
    }

    private RouteRequest.Peer peer() {
        String id = pick(new String[] {"u1", "U1", "c1", "C1", "", "g-42", "42", "x"});
        return new RouteRequest.Peer(pick(KINDS), id);
    }

    private List<String> roles() {
        List<String> r = new ArrayList<>();
        int n = rnd.nextInt(3);
        for (int i = 0; i < n; i++) {
            r.add(pick(ROLES));
        }
        return r;
    }
}
