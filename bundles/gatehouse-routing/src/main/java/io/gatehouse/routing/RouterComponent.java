package io.gatehouse.routing;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.gatehouse.api.config.ConfigService;
import io.gatehouse.api.config.ConfigSnapshot;
import io.gatehouse.api.config.ReloadHandler;
import io.gatehouse.api.config.ReloadPlan;
import io.gatehouse.api.routing.ResolvedRoute;
import io.gatehouse.api.routing.RouteExplanation;
import io.gatehouse.api.routing.RouteRequest;
import io.gatehouse.api.routing.Router;
import io.gatehouse.routing.resolve.RouteTable;

/**
 * The {@link Router} service. It keeps no config of its own: every call reads
 * {@link ConfigService#current()} and uses the route table of that config's hash, building it when
 * the hash changed. So the very next message after a reload routes by the new bindings, whoever
 * holds this service and for however long (the stale-snapshot bug of the reference's QQBot channel
 * cannot happen here).
 *
 * <p>The table is also rebuilt as soon as the config service's {@link ConfigService#HASH} property
 * changes (DS {@code updated} callback) and on the {@code reload-routing} hot action, so the first
 * message after a reload does not pay for indexing a large binding list. The component is immediate
 * so that the table of the config in force is ready before the first message.
 */
@Component(service = {Router.class, ReloadHandler.class}, immediate = true, configurationPid = RouterComponent.PID,
        property = ReloadHandler.ACTIONS + "=" + RoutingSections.RELOAD_ROUTING)
@Designate(ocd = RouterComponent.Config.class)
public final class RouterComponent implements Router, ReloadHandler {
    /** Not {@code gatehouse.routing}: that PID mirrors the config file's {@code routing} section. */
    static final String PID = "gatehouse.router";
    private static final Logger LOG = LoggerFactory.getLogger(RouterComponent.class);

    @ObjectClassDefinition(name = "Gatehouse router", description = "Route resolution of inbound messages to agents.")
    public @interface Config {
        @AttributeDefinition(description = "Cache resolved routes per config (a new config starts an empty cache).")
        boolean routeCache() default true;

        @AttributeDefinition(description = "Most routes cached; the cache is emptied when it is full.", min = "1")
        int routeCacheMaxEntries() default 10_000;
    }

    private volatile ConfigService config;
    private volatile int cacheMax;
    private volatile RouteTable table;
    /** A table set aside by a settings change, whose index the next table may reuse; guarded by this. */
    private RouteTable retired;

    @Activate
    @Modified
    void configure(Config c) {
        int max = c.routeCache() ? Math.max(1, c.routeCacheMaxEntries()) : 0;
        synchronized (this) {
            if (max != cacheMax) {
                cacheMax = max;
                // the next call takes a new table (same index, a cache of the new size)
                retired = table;
                table = null;
            }
        }
        if (config != null) {
            table(); // index the config in force now, not on the first message
        }
    }

    @Reference(updated = "configUpdated")
    void bindConfig(ConfigService c) {
        this.config = c;
    }

    /** The config service's hash property changed: a reload was applied. */
    void configUpdated(ConfigService c) {
        this.config = c;
        table();
    }

    @Override
    public ResolvedRoute resolve(RouteRequest request) {
        return table().resolve(request);
    }

    @Override
    public RouteExplanation explain(RouteRequest request) {
        return table().explain(request);
    }

    @Override
    public void apply(String action, ReloadPlan plan, ConfigSnapshot snapshot) {
        RouteTable t = table();
        LOG.info("routing reloaded: {} bindings, default agent {} (config {})", t.config().bindings().size(),
                t.config().defaultAgentId(), shortHash(t.hash()));
    }

    /** The route table of the config in force, built when the config's hash differs from the last one's. */
    public RouteTable table() {
        ConfigSnapshot current = config.current();
        RouteTable t = table;
        if (t != null && t.hash().equals(current.hash())) {
            return t;
        }
        synchronized (this) {
            current = config.current();
            t = table;
            if (t != null && t.hash().equals(current.hash())) {
                return t;
            }
            long started = System.nanoTime();
            RouteTable previous = table != null ? table : retired;
            t = RouteTable.build(current.hash(), current.asMap(), cacheMax, previous);
            table = t;
            retired = null;
            LOG.debug("route table for config {} {} in {} ms: {} bindings", shortHash(current.hash()),
                    t.sharesIndexWith(previous) ? "kept the index (bindings, agents, session unchanged)" : "built",
                    (System.nanoTime() - started) / 1_000_000, t.config().bindings().size());
            return t;
        }
    }

    private static String shortHash(String hash) {
        return hash.substring(0, Math.min(12, hash.length()));
    }
}
