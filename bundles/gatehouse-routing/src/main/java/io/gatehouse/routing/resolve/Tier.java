package io.gatehouse.routing.resolve;

/** The precedence tiers of route resolution, highest first; within a tier the first binding in config order wins. */
public enum Tier {
    PEER("binding.peer"),
    PARENT_PEER("binding.peer.parent"),
    PEER_WILDCARD("binding.peer.wildcard"),
    GUILD_ROLES("binding.guild+roles"),
    GUILD("binding.guild"),
    TEAM("binding.team"),
    ACCOUNT("binding.account"),
    CHANNEL("binding.channel");

    /** {@code matchedBy} of a route decided by this tier. */
    public final String matchedBy;

    Tier(String matchedBy) {
        this.matchedBy = matchedBy;
    }

    /** {@code matchedBy} of a route no binding decided. */
    public static final String DEFAULT = "default";
}
