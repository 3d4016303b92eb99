package io.gatehouse.api.routing;

import org.osgi.annotation.versioning.ProviderType;

/** Resolves messages to agents with the bindings in force at the time of the call. */
@ProviderType
public interface Router {
    ResolvedRoute resolve(RouteRequest request);
}
