package io.gatehouse.api.routing;

import java.util.List;

/**
 * The answer of {@link Router#explain}: the route, and how the bindings of the config in force led
 * to it.
 *
 * @param route       the resolved route
 * @param configHash  hash of the config the route was resolved with
 * @param tiers       the precedence tiers in order ({@code binding.peer} ... {@code binding.channel}),
 *                    each with the bindings that belong to it for this channel and account
 * @param notEvaluated bindings that could not apply to this message at all (another channel, another
 *                    account, or no channel), each with the reason
 * @since 0.2
 */
public record RouteExplanation(ResolvedRoute route, String configHash, List<Tier> tiers, List<Binding> notEvaluated) {

    public RouteExplanation {
        tiers = List.copyOf(tiers);
        notEvaluated = List.copyOf(notEvaluated);
    }

    /** What happened in a tier. */
    public enum TierStatus {
        /** The tier's bindings were evaluated and none matched. */
        NO_MATCH,
        /** A binding of this tier matched: it decided the route. */
        MATCHED,
        /** The tier does not apply to this message (e.g. no peer, no guild). */
        SKIPPED,
        /** An earlier tier decided the route. */
        NOT_REACHED
    }

    /**
     * One precedence tier.
     *
     * @param matchedBy the tier's name, as it appears in {@link ResolvedRoute#matchedBy()}
     * @param status    what happened
     * @param reason    why the tier was skipped, or empty
     * @param bindings  the bindings of this tier for the message's channel and account, in config order
     */
    public record Tier(String matchedBy, TierStatus status, String reason, List<Binding> bindings) {
        public Tier {
            bindings = List.copyOf(bindings);
        }
    }

    /**
     * One binding and its verdict.
     *
     * @param index   position in the config's {@code bindings} array
     * @param agentId the agent id as written in the binding
     * @param match   the binding's match, normalised ({@code channel=telegram accountPattern=default peer=direct:42})
     * @param matched whether it matched this message
     * @param reason  why it matched or not
     */
    public record Binding(int index, String agentId, String match, boolean matched, String reason) {
    }
}
