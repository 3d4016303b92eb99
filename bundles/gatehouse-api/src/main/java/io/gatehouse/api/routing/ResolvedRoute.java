package io.gatehouse.api.routing;

/**
 * Where a message goes: field names follow the reference gateway's route object.
 */
public record ResolvedRoute(String agentId, String channel, String accountId, String sessionKey,
        String mainSessionKey, String lastRoutePolicy, String matchedBy) {
}
