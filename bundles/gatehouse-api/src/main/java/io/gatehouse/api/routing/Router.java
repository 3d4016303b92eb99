package io.gatehouse.api.routing;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Resolves messages to agents with the bindings in force at the time of the call: every call reads
 * the config in force, so a binding change applies to the very next message.
 */
@ProviderType
public interface Router {

    /** Where this message goes. */
    ResolvedRoute resolve(RouteRequest request);

    /**
     * Where this message goes and why: every binding evaluated, tier by tier, with the reason it
     * matched or not. The route is the one {@link #resolve} gives for the same config.
     *
     * @since 0.2
     */
    RouteExplanation explain(RouteRequest request);
}
