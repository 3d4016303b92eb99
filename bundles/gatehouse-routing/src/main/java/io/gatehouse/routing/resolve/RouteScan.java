package io.gatehouse.routing.resolve;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import io.gatehouse.api.routing.RouteExplanation;
import io.gatehouse.api.routing.RouteExplanation.TierStatus;

/**
 * Route resolution by looking at every binding, tier by tier, recording why each matched or not. It
 * is the plain reading of the reference algorithm: {@code route:explain} uses it, and the tests hold
 * {@link RouteIndex} to the same answers.
 */
final class RouteScan {
    private final RoutingConfig config;
    private final Message m;
    /** Whether to record the reports (the explanation) or only find the winner. */
    private final boolean report;
    final List<RouteExplanation.Tier> tiers = new ArrayList<>();
    final List<RouteExplanation.Binding> notEvaluated = new ArrayList<>();
    RouteIndex.Decision decision;

    private RouteScan(RoutingConfig config, Message m, boolean report) {
        this.config = config;
        this.m = m;
        this.report = report;
    }

    /** The winner and the explanation of every binding's part. */
    static RouteScan explain(RoutingConfig config, Message m) {
        RouteScan s = new RouteScan(config, m, true);
        s.scan();
        return s;
    }

    /** The winner only: the same scan without the reports. */
    static RouteIndex.Decision decide(RoutingConfig config, Message m) {
        RouteScan s = new RouteScan(config, m, false);
        s.scan();
        return s.decision;
    }

    private void scan() {
        Map<Tier, List<Binding>> byTier = new EnumMap<>(Tier.class);
        for (Tier t : Tier.values()) {
            byTier.put(t, new ArrayList<>());
        }
        for (Binding b : config.bindings) {
            String why = excluded(b);
            if (why != null) {
                if (report) {
                    notEvaluated.add(new RouteExplanation.Binding(b.index, b.agentId, b.describe(), false, why));
                }
                continue;
            }
            Tier t = b.tier();
            byTier.get(t).add(b);
            if (t == Tier.PEER) {
                byTier.get(Tier.PARENT_PEER).add(b);
            }
        }
        Scope scope = m.scope();
        for (Tier tier : Tier.values()) {
            List<Binding> candidates = byTier.get(tier);
            List<RouteExplanation.Binding> reports = new ArrayList<>();
            if (decision != null) {
                if (!report) {
                    break;
                }
                for (Binding b : candidates) {
                    reports.add(report(b, false, "not reached: bindings[" + decision.binding().index + "] matched in "
                            + decision.tier().matchedBy));
                }
                tiers.add(new RouteExplanation.Tier(tier.matchedBy, TierStatus.NOT_REACHED, "", reports));
                continue;
            }
            String skipped = skipped(tier);
            if (skipped != null) {
                if (!report) {
                    continue;
                }
                for (Binding b : candidates) {
                    reports.add(report(b, false, "tier skipped: " + skipped));
                }
                tiers.add(new RouteExplanation.Tier(tier.matchedBy, TierStatus.SKIPPED, skipped, reports));
                continue;
            }
            boolean parent = tier == Tier.PARENT_PEER;
            String kind = parent ? m.parentKind() : m.peerKind();
            String id = parent ? m.parentId() : m.peerId();
            String peerName = parent ? "parent peer" : "peer";
            Binding winner = null;
            for (Binding b : candidates) {
                if (winner != null) {
                    if (!report) {
                        break;
                    }
                    reports.add(report(b, false, "not reached: bindings[" + winner.index + "] matched first"));
                    continue;
                }
                String mismatch = mismatch(tier, b, scope, kind, id, peerName);
                if (mismatch == null) {
                    winner = b;
                    if (report) {
                        reports.add(report(b, true, matchReason(tier, b)));
                    }
                } else if (report) {
                    reports.add(report(b, false, mismatch));
                }
            }
            if (winner != null) {
                decision = new RouteIndex.Decision(winner, tier);
            }
            if (report) {
                tiers.add(new RouteExplanation.Tier(tier.matchedBy, winner != null ? TierStatus.MATCHED : TierStatus.NO_MATCH,
                        "", reports));
            }
        }
    }

    private RouteExplanation.Binding report(Binding b, boolean matched, String reason) {
        return new RouteExplanation.Binding(b.index, b.agentId, b.describe(), matched, reason);
    }

    /** Why a binding cannot apply to this message at all, or null. */
    private String excluded(Binding b) {
        if (b.unusable != null) {
            return "ignored: " + b.unusable;
        }
        if (b.channel.isEmpty()) {
            return "ignored: no match.channel";
        }
        if (!b.channel.equals(m.channel())) {
            return "channel " + b.channel + ", not " + m.channel();
        }
        if (!b.coversAccount(m.accountId())) {
            if (b.accountPattern.isEmpty()) {
                return "no accountId: matches the default account only, message is on account " + m.accountId()
                        + " (use accountId \"*\" for any account)";
            }
            return "accountId " + b.accountPattern + " is account " + b.accountKey + ", message is on account " + m.accountId();
        }
        return null;
    }

    private String skipped(Tier tier) {
        return switch (tier) {
            case PEER, PEER_WILDCARD -> m.hasPeer() ? null : "the message has no peer";
            case PARENT_PEER -> m.parentUsable() ? null : "the message has no parent peer";
            case GUILD_ROLES -> m.guildId().isEmpty() ? "the message has no guild"
                    : m.roleCount() == 0 ? "the message has no member roles" : null;
            case GUILD -> m.guildId().isEmpty() ? "the message has no guild" : null;
            case TEAM -> m.teamId().isEmpty() ? "the message has no team" : null;
            default -> null;
        };
    }

    /** Why a binding of this tier does not match, or null when it matches (the reference's {@code matchesBindingScope}). */
    private static String mismatch(Tier tier, Binding b, Scope scope, String kind, String id, String peerName) {
        switch (b.peerState) {
            case INVALID:
                return "invalid peer (kind must be direct, dm, group or channel, and id non-empty): never matches";
            case VALID:
                if (!Binding.peerKindMatches(b.peerKind, kind)) {
                    return peerName + " kind " + kind + " does not match " + b.peerKind;
                }
                if (!id.equals(b.peerId)) {
                    return peerName + " id " + quote(id) + " is not " + quote(b.peerId)
                            + (id.equalsIgnoreCase(b.peerId) ? " (peer ids are case-sensitive)" : "");
                }
                break;
            case WILDCARD:
                if (!Binding.peerKindMatches(b.peerKind, kind)) {
                    return "peer kind " + kind + " does not match " + b.peerKind + ":*";
                }
                break;
            default:
                break;
        }
        if (b.guildId != null && !b.guildId.equals(scope.guildId())) {
            return scope.guildId().isEmpty() ? "needs guild " + b.guildId + ", the message has none"
                    : "guild " + scope.guildId() + " is not " + b.guildId;
        }
        if (b.teamId != null && !b.teamId.equals(scope.teamId())) {
            return scope.teamId().isEmpty() ? "needs team " + b.teamId + ", the message has none"
                    : "team " + scope.teamId() + " is not " + b.teamId;
        }
        if (b.roles != null) {
            for (Object role : b.roles) {
                if (scope.memberRoleIds().contains(role)) {
                    return null;
                }
            }
            return "no member role among " + b.roles;
        }
        return null;
    }

    private String matchReason(Tier tier, Binding b) {
        String why = switch (tier) {
            case PEER -> "matched: peer " + b.peerKind + ":" + b.peerId;
            case PARENT_PEER -> "matched: parent peer " + b.peerKind + ":" + b.peerId;
            case PEER_WILDCARD -> "matched: any " + b.peerKind + " peer";
            case GUILD_ROLES -> "matched: guild " + b.guildId + " and a member role among " + b.roles;
            case GUILD -> "matched: guild " + b.guildId;
            case TEAM -> "matched: team " + b.teamId;
            case ACCOUNT -> "matched: account " + b.accountKey;
            case CHANNEL -> "matched: any account of channel " + b.channel;
        };
        if (!config.isListed(b.agentId)) {
            why += "; agent " + quote(b.agentId) + " is not in agents.list, so the default agent "
                    + config.defaultAgentId + " answers";
        }
        return why;
    }

    private static String quote(String s) {
        return "\"" + s + "\"";
    }
}
