package io.gatehouse.routing.resolve;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.gatehouse.routing.keys.SessionKeys;

/**
 * The bindings of one config, indexed so that resolving a message looks at the few bindings that can
 * match it rather than scanning them all: by channel, then by account (bindings for one account, and
 * bindings for any account {@code *}), then per tier by peer id, guild id or team id.
 *
 * <p>Within a tier the first matching binding in config order wins. The account-specific and
 * any-account lists are each in config order, so the winner is whichever of their first matches
 * comes first in the config.
 */
final class RouteIndex {
    private static final Binding[] NONE = new Binding[0];

    private final Map<String, ChannelBindings> channels;

    private RouteIndex(Map<String, ChannelBindings> channels) {
        this.channels = channels;
    }

    static RouteIndex build(List<Binding> bindings) {
        Map<String, Builder.Channel> byChannel = new HashMap<>();
        for (Binding b : bindings) {
            if (!b.routable()) {
                continue;
            }
            Builder.Channel c = byChannel.computeIfAbsent(b.channel, k -> new Builder.Channel());
            Builder.Lists lists = "*".equals(b.accountKey) ? c.any : c.byAccount.computeIfAbsent(b.accountKey, k -> new Builder.Lists());
            lists.add(b);
        }
        Map<String, ChannelBindings> out = new HashMap<>(byChannel.size() * 2);
        byChannel.forEach((channel, c) -> {
            Map<String, TierLists> accounts = new HashMap<>(c.byAccount.size() * 2);
            c.byAccount.forEach((account, l) -> accounts.put(account, l.build()));
            out.put(channel, new ChannelBindings(accounts, c.any.build()));
        });
        return new RouteIndex(out);
    }

    /** The winning binding and its tier, or null when no binding matches (the default agent). */
    Decision decide(Message m) {
        return decide(m, null);
    }

    /**
     * {@link #decide(Message)}, adding to {@code examined[0]} the number of bindings it looked at (the
     * candidates of each tier it reached), for the test that shows the index is not a scan.
     */
    Decision decide(Message m, int[] examined) {
        ChannelBindings c = channels.get(m.channel());
        if (c == null) {
            return null;
        }
        TierLists account = c.byAccount.get(m.accountId());
        TierLists any = c.any;
        Scope scope = m.scope();
        for (Tier tier : Tier.values()) {
            String kind;
            String id;
            switch (tier) {
                case PEER, PEER_WILDCARD -> {
                    if (!m.hasPeer()) {
                        continue;
                    }
                    kind = m.peerKind();
                    id = m.peerId();
                }
                case PARENT_PEER -> {
                    if (!m.parentUsable()) {
                        continue;
                    }
                    kind = m.parentKind();
                    id = m.parentId();
                }
                case GUILD_ROLES -> {
                    if (m.guildId().isEmpty() || m.roleCount() == 0) {
                        continue;
                    }
                    kind = m.peerKind();
                    id = m.peerId();
                }
                case GUILD -> {
                    if (m.guildId().isEmpty()) {
                        continue;
                    }
                    kind = m.peerKind();
                    id = m.peerId();
                }
                case TEAM -> {
                    if (m.teamId().isEmpty()) {
                        continue;
                    }
                    kind = m.peerKind();
                    id = m.peerId();
                }
                default -> {
                    kind = m.peerKind();
                    id = m.peerId();
                }
            }
            Binding[] fromAccount = account == null ? NONE : account.candidates(tier, m, kind, id);
            Binding[] fromAny = any == null ? NONE : any.candidates(tier, m, kind, id);
            if (examined != null) {
                examined[0] += fromAccount.length + fromAny.length;
            }
            Binding a = first(fromAccount, scope, kind, id);
            Binding b = first(fromAny, scope, kind, id);
            Binding winner = a == null ? b : b == null || a.index < b.index ? a : b;
            if (winner != null) {
                return new Decision(winner, tier);
            }
        }
        return null;
    }

    /** The bindings evaluated for a channel and account (for the debug log), in config order. */
    List<Binding> evaluated(String channel, String accountId) {
        ChannelBindings c = channels.get(channel);
        if (c == null) {
            return List.of();
        }
        TierLists a = c.byAccount.get(accountId);
        Binding[] x = a == null ? NONE : a.all;
        Binding[] y = c.any.all;
        List<Binding> merged = new ArrayList<>(x.length + y.length);
        int i = 0;
        int j = 0;
        while (i < x.length || j < y.length) {
            if (j >= y.length || (i < x.length && x[i].index <= y[j].index)) {
                merged.add(x[i++]);
            } else {
                merged.add(y[j++]);
            }
        }
        return merged;
    }

    private static Binding first(Binding[] candidates, Scope scope, String kind, String id) {
        for (Binding b : candidates) {
            if (b.matches(scope, kind, id)) {
                return b;
            }
        }
        return null;
    }

    record Decision(Binding binding, Tier tier) {
    }

    private record ChannelBindings(Map<String, TierLists> byAccount, TierLists any) {
    }

    /** One account's (or any account's) bindings of a channel, per tier, each list in config order. */
    private static final class TierLists {
        final Binding[] all;
        final Map<String, Binding[]> directPeers;
        /** {@code group} and {@code channel} peers match each other, so they share one map. */
        final Map<String, Binding[]> groupPeers;
        final Binding[] directWildcards;
        final Binding[] groupWildcards;
        final Map<String, Binding[]> guildRoles;
        final Map<String, Binding[]> guilds;
        final Map<String, Binding[]> teams;
        final Binding[] accounts;
        final Binding[] channels;

        TierLists(Builder.Lists l) {
            all = l.all.toArray(NONE);
            directPeers = freeze(l.directPeers);
            groupPeers = freeze(l.groupPeers);
            directWildcards = l.directWildcards.toArray(NONE);
            groupWildcards = l.groupWildcards.toArray(NONE);
            guildRoles = freeze(l.guildRoles);
            guilds = freeze(l.guilds);
            teams = freeze(l.teams);
            accounts = l.accounts.toArray(NONE);
            channels = l.channels.toArray(NONE);
        }

        private static Map<String, Binding[]> freeze(Map<String, List<Binding>> m) {
            if (m.isEmpty()) {
                return Map.of();
            }
            Map<String, Binding[]> out = new HashMap<>(m.size() * 2);
            m.forEach((k, v) -> out.put(k, v.toArray(NONE)));
            return out;
        }

        Binding[] candidates(Tier tier, Message m, String kind, String id) {
            return switch (tier) {
                case PEER, PARENT_PEER -> peers(kind, id);
                case PEER_WILDCARD -> SessionKeys.DIRECT.equals(kind) ? directWildcards : isGroupish(kind) ? groupWildcards : NONE;
                case GUILD_ROLES -> guildRoles.getOrDefault(m.guildId(), NONE);
                case GUILD -> guilds.getOrDefault(m.guildId(), NONE);
                case TEAM -> teams.getOrDefault(m.teamId(), NONE);
                case ACCOUNT -> accounts;
                case CHANNEL -> channels;
            };
        }

        private Binding[] peers(String kind, String id) {
            if (SessionKeys.DIRECT.equals(kind)) {
                return directPeers.getOrDefault(id, NONE);
            }
            return isGroupish(kind) ? groupPeers.getOrDefault(id, NONE) : NONE;
        }
    }

    static boolean isGroupish(String kind) {
        return SessionKeys.GROUP.equals(kind) || SessionKeys.CHANNEL.equals(kind);
    }

    private static final class Builder {
        static final class Channel {
            final Map<String, Lists> byAccount = new HashMap<>();
            final Lists any = new Lists();
        }

        static final class Lists {
            final List<Binding> all = new ArrayList<>();
            final Map<String, List<Binding>> directPeers = new HashMap<>();
            final Map<String, List<Binding>> groupPeers = new HashMap<>();
            final List<Binding> directWildcards = new ArrayList<>();
            final List<Binding> groupWildcards = new ArrayList<>();
            final Map<String, List<Binding>> guildRoles = new HashMap<>();
            final Map<String, List<Binding>> guilds = new HashMap<>();
            final Map<String, List<Binding>> teams = new HashMap<>();
            final List<Binding> accounts = new ArrayList<>();
            final List<Binding> channels = new ArrayList<>();

            void add(Binding b) {
                all.add(b);
                switch (b.tier()) {
                    case PEER -> (SessionKeys.DIRECT.equals(b.peerKind) ? directPeers : groupPeers)
                            .computeIfAbsent(b.peerId, k -> new ArrayList<>(1)).add(b);
                    case PEER_WILDCARD -> (SessionKeys.DIRECT.equals(b.peerKind) ? directWildcards : groupWildcards).add(b);
                    case GUILD_ROLES -> guildRoles.computeIfAbsent(b.guildId, k -> new ArrayList<>(1)).add(b);
                    case GUILD -> guilds.computeIfAbsent(b.guildId, k -> new ArrayList<>(1)).add(b);
                    case TEAM -> teams.computeIfAbsent(b.teamId, k -> new ArrayList<>(1)).add(b);
                    case ACCOUNT -> accounts.add(b);
                    default -> channels.add(b);
                }
            }

            TierLists build() {
                return new TierLists(this);
            }
        }
    }
}
