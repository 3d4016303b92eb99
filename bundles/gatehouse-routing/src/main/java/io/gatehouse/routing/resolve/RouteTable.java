package io.gatehouse.routing.resolve;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.gatehouse.api.routing.ResolvedRoute;
import io.gatehouse.api.routing.RouteExplanation;
import io.gatehouse.api.routing.RouteRequest;

/**
 * Routing for one config, identified by its hash: the parsed bindings, agents and session settings,
 * the binding index, and an optional route cache. A new config hash means a new table, so the cache
 * can never outlive the bindings, agents or session settings it was filled from.
 *
 * <p>With debug logging on for {@code io.gatehouse.routing}, every resolution logs the reference
 * gateway's lines ({@code [routing] resolveAgentRoute: ...}, one {@code [routing] binding: ...} per
 * binding evaluated, {@code [routing] match: ...}) and bypasses the cache.
 */
public final class RouteTable {
    static final Logger LOG = LoggerFactory.getLogger(RouteTable.class);

    private final String hash;
    private final RoutingConfig config;
    private final RouteIndex index;
    private final int cacheMax;
    private final ConcurrentHashMap<Message.Key, ResolvedRoute> cache;

    private RouteTable(String hash, RoutingConfig config, RouteIndex index, int cacheMax) {
        this.hash = hash;
        this.config = config;
        this.index = index;
        this.cacheMax = cacheMax;
        this.cache = cacheMax > 0 ? new ConcurrentHashMap<>() : null;
    }

    /**
     * @param hash     the config's hash
     * @param root     the whole config as plain Java values
     * @param cacheMax how many routes to cache (the cache is cleared when it would hold more); 0 for none
     */
    public static RouteTable build(String hash, Map<String, ?> root, int cacheMax) {
        return build(hash, root, cacheMax, null);
    }

    /**
     * As {@link #build(String, Map, int)}, reusing the parsed bindings and the index of {@code previous}
     * when {@code root} has exactly the same {@code bindings}, {@code agents} and {@code session} (a
     * change elsewhere in the config does not re-index a large binding list). The route cache is
     * always new: it belongs to one config hash.
     */
    public static RouteTable build(String hash, Map<String, ?> root, int cacheMax, RouteTable previous) {
        if (previous != null && previous.config.sameAs(root == null ? Map.of() : root)) {
            return new RouteTable(hash, previous.config, previous.index, cacheMax);
        }
        RoutingConfig config = RoutingConfig.from(root);
        return new RouteTable(hash, config, RouteIndex.build(config.bindings), cacheMax);
    }

    /** Whether this table shares its index with {@code other} (same routing sections). */
    public boolean sharesIndexWith(RouteTable other) {
        return other != null && other.index == index;
    }

    public String hash() {
        return hash;
    }

    public RoutingConfig config() {
        return config;
    }

    /** The route of a message: the indexed resolution, served from the cache when it holds it. */
    public ResolvedRoute resolve(RouteRequest request) {
        Message m = Message.of(request);
        if (LOG.isDebugEnabled()) {
            return resolveLogged(m);
        }
        if (cache == null) {
            return resolve(m);
        }
        Message.Key key = m.key();
        ResolvedRoute cached = cache.get(key);
        if (cached != null) {
            return cached;
        }
        ResolvedRoute route = resolve(m);
        if (cache.size() >= cacheMax) {
            cache.clear();
        }
        cache.put(key, route);
        return route;
    }

    private ResolvedRoute resolve(Message m) {
        RouteIndex.Decision d = index.decide(m);
        return d == null ? config.route(config.defaultAgentId, Tier.DEFAULT, null, m)
                : config.route(d.binding().agentId, d.tier().matchedBy, d.binding().dmScope, m);
    }

    private ResolvedRoute resolveLogged(Message m) {
        List<Binding> evaluated = index.evaluated(m.channel(), m.accountId());
        LOG.debug("[routing] resolveAgentRoute: channel={} accountId={} peer={} guildId={} teamId={} bindings={}",
                m.channel(), m.accountId(), m.peerText(), m.guildId().isEmpty() ? "none" : m.guildId(),
                m.teamId().isEmpty() ? "none" : m.teamId(), evaluated.size());
        for (Binding b : evaluated) {
            LOG.debug("[routing] binding: agentId={} accountPattern={} peer={} guildId={} teamId={} roles={}", b.agentId,
                    b.accountPattern.isEmpty() ? "default" : b.accountPattern, b.peerText(),
                    b.guildId == null ? "none" : b.guildId, b.teamId == null ? "none" : b.teamId,
                    b.roles == null ? 0 : b.roles.size());
        }
        RouteIndex.Decision d = index.decide(m);
        if (d != null) {
            LOG.debug("[routing] match: matchedBy={} agentId={}", d.tier().matchedBy, d.binding().agentId);
        }
        return d == null ? config.route(config.defaultAgentId, Tier.DEFAULT, null, m)
                : config.route(d.binding().agentId, d.tier().matchedBy, d.binding().dmScope, m);
    }

    /** How many bindings the index looks at at most to route this request (its candidates), for tests. */
    int bindingsExamined(RouteRequest request) {
        int[] examined = {0};
        index.decide(Message.of(request), examined);
        return examined[0];
    }

    /** The route by a scan of every binding (no index, no cache): the reference reading of the algorithm. */
    public ResolvedRoute resolveByScan(RouteRequest request) {
        Message m = Message.of(request);
        RouteIndex.Decision d = RouteScan.decide(config, m);
        return d == null ? config.route(config.defaultAgentId, Tier.DEFAULT, null, m)
                : config.route(d.binding().agentId, d.tier().matchedBy, d.binding().dmScope, m);
    }

    /** The route and how every binding took part in it. The route is {@link #resolve}'s. */
    public RouteExplanation explain(RouteRequest request) {
        Message m = Message.of(request);
        RouteScan scan = RouteScan.explain(config, m);
        return new RouteExplanation(resolve(m), hash, scan.tiers, scan.notEvaluated);
    }

    /** Routes currently cached (for tests and status). */
    public int cachedRoutes() {
        return cache == null ? 0 : cache.size();
    }
}
