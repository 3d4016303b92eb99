package io.gatehouse.routing.resolve;

import java.util.List;
import java.util.Map;

import io.gatehouse.routing.keys.AccountIds;
import io.gatehouse.routing.keys.Js;
import io.gatehouse.routing.keys.SessionKeys;

/**
 * One entry of {@code bindings}, normalised the way the reference resolver reads it: channel
 * lower-cased; account pattern trimmed ({@code *} any account, empty the default account); peer
 * kind normalised ({@code dm} is {@code direct}) and ids trimmed but case-sensitive; an empty
 * {@code roles} array is no restriction.
 */
public final class Binding {
    /** State of a binding's peer constraint. */
    public enum PeerState {
        NONE, INVALID, VALID, WILDCARD
    }

    final int index;
    /** The agent id as written. */
    final String agentId;
    /** Lower-cased channel; empty when the binding has none (such a binding is ignored). */
    final String channel;
    /** The trimmed {@code accountId} as written. */
    final String accountPattern;
    /** {@code *}, or the normalised account id the binding is for ({@code default} when it names none). */
    final String accountKey;
    final PeerState peerState;
    final String peerKind;
    final String peerId;
    final String guildId;
    final String teamId;
    final List<?> roles;
    /** {@code session.dmScope} of the binding, overriding the config's for routes it decides; or null. */
    final String dmScope;
    /** Why the binding can never route anything ({@code type: "acp"}, not an object), or null. */
    final String unusable;
    /** The binding as written. */
    final Object raw;

    private Binding(int index, Object raw) {
        this.index = index;
        this.raw = raw;
        Map<?, ?> b = raw instanceof Map<?, ?> m ? m : null;
        Map<?, ?> match = b != null && b.get("match") instanceof Map<?, ?> m ? m : Map.of();
        this.unusable = b == null ? "not an object" : "acp".equals(b.get("type")) ? "type \"acp\" (not a route binding)" : null;
        String written = b == null ? null : Js.text(b.get("agentId"));
        this.agentId = written == null ? "" : written;
        this.channel = Js.token(match.get("channel"));
        String pattern = Js.text(match.get("accountId"));
        this.accountPattern = pattern == null ? "" : Js.trim(pattern);
        this.accountKey = "*".equals(accountPattern) ? "*" : AccountIds.normalize(accountPattern);
        Object peer = match.get("peer");
        if (!Js.truthy(peer)) {
            peerState = PeerState.NONE;
            peerKind = null;
            peerId = null;
        } else {
            Map<?, ?> p = peer instanceof Map<?, ?> m ? m : Map.of();
            String kind = p.get("kind") instanceof String s ? SessionKeys.normalizeChatType(s) : null;
            String id = Js.id(p.get("id"));
            if (kind == null || id.isEmpty()) {
                peerState = PeerState.INVALID;
                peerKind = kind;
                peerId = id;
            } else {
                peerState = "*".equals(id) ? PeerState.WILDCARD : PeerState.VALID;
                peerKind = kind;
                peerId = id;
            }
        }
        String guild = Js.id(match.get("guildId"));
        this.guildId = guild.isEmpty() ? null : guild;
        String team = Js.id(match.get("teamId"));
        this.teamId = team.isEmpty() ? null : team;
        this.roles = match.get("roles") instanceof List<?> r && !r.isEmpty() ? List.copyOf(r) : null;
        Object session = b == null ? null : b.get("session");
        this.dmScope = session instanceof Map<?, ?> s ? Js.text(s.get("dmScope")) : null;
    }

    static Binding of(int index, Object raw) {
        return new Binding(index, raw);
    }

    /** Whether the binding takes part in routing at all. */
    public boolean routable() {
        return unusable == null && !channel.isEmpty();
    }

    /** Whether the binding applies to messages on this (normalised) account. */
    boolean coversAccount(String accountId) {
        return "*".equals(accountKey) || accountKey.equals(accountId);
    }

    /** The tier the binding's shape puts it in (peer bindings also take part in the parent-peer tier). */
    Tier tier() {
        if (peerState == PeerState.VALID) {
            return Tier.PEER;
        }
        if (peerState == PeerState.WILDCARD) {
            return Tier.PEER_WILDCARD;
        }
        if (guildId != null) {
            return roles != null ? Tier.GUILD_ROLES : Tier.GUILD;
        }
        if (teamId != null) {
            return Tier.TEAM;
        }
        return "*".equals(accountKey) ? Tier.CHANNEL : Tier.ACCOUNT;
    }

    /** The reference's {@code matchesBindingScope}: the binding's peer, guild, team and role constraints all hold. */
    boolean matches(Scope scope, String scopePeerKind, String scopePeerId) {
        switch (peerState) {
            case INVALID:
                return false;
            case VALID:
                if (scopePeerId == null || !peerKindMatches(peerKind, scopePeerKind) || !scopePeerId.equals(peerId)) {
                    return false;
                }
                break;
            case WILDCARD:
                if (scopePeerId == null || !peerKindMatches(peerKind, scopePeerKind)) {
                    return false;
                }
                break;
            default:
                break;
        }
        if (guildId != null && !guildId.equals(scope.guildId())) {
            return false;
        }
        if (teamId != null && !teamId.equals(scope.teamId())) {
            return false;
        }
        if (roles != null) {
            for (Object role : roles) {
                if (scope.memberRoleIds().contains(role)) {
                    return true;
                }
            }
            return false;
        }
        return true;
    }

    /** {@code group} and {@code channel} peers match each other. */
    static boolean peerKindMatches(String bindingKind, String scopeKind) {
        if (bindingKind.equals(scopeKind)) {
            return true;
        }
        return (SessionKeys.GROUP.equals(bindingKind) && SessionKeys.CHANNEL.equals(scopeKind))
                || (SessionKeys.CHANNEL.equals(bindingKind) && SessionKeys.GROUP.equals(scopeKind));
    }

    /** {@code none}, {@code invalid}, {@code kind:*} or {@code kind:id}, as the reference's debug line prints it. */
    String peerText() {
        return switch (peerState) {
            case NONE -> "none";
            case INVALID -> "invalid";
            case WILDCARD -> peerKind + ":*";
            case VALID -> peerKind + ":" + peerId;
        };
    }

    /** The normalised match, for explanations and listings. */
    public String describe() {
        StringBuilder b = new StringBuilder();
        b.append("channel=").append(channel.isEmpty() ? "(none)" : channel);
        b.append(" accountId=").append(accountPattern.isEmpty() ? "(default)" : accountPattern);
        if (peerState != PeerState.NONE) {
            b.append(" peer=").append(peerState == PeerState.INVALID ? "invalid" : peerText());
        }
        if (guildId != null) {
            b.append(" guildId=").append(guildId);
        }
        if (roles != null) {
            b.append(" roles=").append(roles);
        }
        if (teamId != null) {
            b.append(" teamId=").append(teamId);
        }
        if (dmScope != null) {
            b.append(" session.dmScope=").append(dmScope);
        }
        return b.toString();
    }

    public int index() {
        return index;
    }

    public String agentId() {
        return agentId;
    }

    public Object raw() {
        return raw;
    }
}
