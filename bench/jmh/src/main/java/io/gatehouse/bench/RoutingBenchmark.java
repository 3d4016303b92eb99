package io.gatehouse.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import io.gatehouse.api.routing.ResolvedRoute;
import io.gatehouse.api.routing.RouteRequest;
import io.gatehouse.routing.resolve.RouteTable;

/**
 * Route resolution with 10, 1,000 and 100,000 bindings, with and without the route cache.
 *
 * <p>The bindings mix every tier over 4 channels and 20 accounts: exact peers (half of them), any-peer
 * wildcards, guild+roles, guilds, teams, account-wide and channel-wide ({@code accountId: "*"}). The
 * messages, 4,096 of them taken in turn, hit a peer binding, a guild, a team, an account binding or
 * nothing (the default agent), so every tier is exercised; uncached, each call runs the whole
 * resolution. Cached, repeats are served from the per-config cache (large enough for all messages).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RoutingBenchmark {
    static final String[] CHANNELS = {"telegram", "discord", "slack", "whatsapp"};
    static final int ACCOUNTS = 20;
    static final int MESSAGES = 4096;

    @Param({"10", "1000", "100000"})
    public int bindings;

    @Param({"false", "true"})
    public boolean cached;

    RouteTable table;
    RouteRequest[] messages;
    int next;

    @Setup(Level.Trial)
    public void setUp() {
        table = RouteTable.build("bench", config(bindings), cached ? 10_000 : 0);
        messages = messages(bindings, new Random(42));
        for (RouteRequest m : messages) {
            table.resolve(m); // fills the cache in the cached variant
        }
    }

    @Benchmark
    public ResolvedRoute resolve() {
        RouteRequest m = messages[next];
        next = (next + 1) & (MESSAGES - 1);
        return table.resolve(m);
    }

    /** The config: {@code n} bindings of every shape, and 100 agents. */
    public static Map<String, Object> config(int n) {
        List<Object> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Map<String, Object> match = new LinkedHashMap<>();
            match.put("channel", CHANNELS[i % CHANNELS.length]);
            if (i % 13 == 0) {
                match.put("accountId", "*");
            } else if (i % 7 != 0) {
                match.put("accountId", "acct" + (i % ACCOUNTS));
            }
            switch (i % 10) {
                case 0, 1, 2, 3, 4 -> match.put("peer", Map.of("kind", i % 3 == 0 ? "group" : "direct", "id", "peer" + i));
                case 5 -> {
                    match.put("guildId", "guild" + i);
                    match.put("roles", List.of("role" + (i % 5)));
                }
                case 6 -> match.put("guildId", "guild" + i);
                case 7 -> match.put("teamId", "team" + i);
                case 8 -> {
                    if (i % 1000 == 8) {
                        match.put("peer", Map.of("kind", "direct", "id", "*"));
                    }
                }
                default -> {
                    // account-wide (or channel-wide with "*")
                }
            }
            Map<String, Object> b = new LinkedHashMap<>();
            b.put("agentId", "agent" + (i % 100));
            b.put("match", match);
            list.add(b);
        }
        List<Object> agents = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            agents.add(Map.of("id", "agent" + i));
        }
        return Map.of("bindings", list, "agents", Map.of("list", agents), "session", Map.of("dmScope", "per-channel-peer"));
    }

    /** Messages that hit bindings of each tier, and some that match none. */
    public static RouteRequest[] messages(int n, Random rnd) {
        RouteRequest[] out = new RouteRequest[MESSAGES];
        for (int k = 0; k < MESSAGES; k++) {
            int i = rnd.nextInt(n);
            String channel = CHANNELS[i % CHANNELS.length];
            String account = i % 7 == 0 ? null : "acct" + (i % ACCOUNTS);
            RouteRequest.Peer peer = new RouteRequest.Peer(i % 3 == 0 ? "group" : "direct", "peer" + i);
            out[k] = switch (k % 5) {
                case 0, 1 -> new RouteRequest(channel, account, peer, null, null, List.of(), null);
                case 2 -> new RouteRequest(channel, account, new RouteRequest.Peer("channel", "thread" + k),
                        new RouteRequest.Peer("channel", "peer" + i), "guild" + i, List.of("role" + (i % 5)), null);
                case 3 -> new RouteRequest(channel, account, new RouteRequest.Peer("direct", "someone" + k), null, null,
                        List.of(), "team" + i);
                default -> new RouteRequest(channel, "acct" + rnd.nextInt(ACCOUNTS * 2),
                        new RouteRequest.Peer("direct", "stranger" + k), null, "guild-x", List.of("role-x"), "team-x");
            };
        }
        return out;
    }
}
