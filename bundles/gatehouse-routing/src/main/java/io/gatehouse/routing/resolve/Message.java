package io.gatehouse.routing.resolve;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.gatehouse.api.routing.RouteRequest;
import io.gatehouse.routing.keys.AccountIds;
import io.gatehouse.routing.keys.Js;
import io.gatehouse.routing.keys.SessionKeys;

/**
 * A {@link RouteRequest} normalised as the reference resolver does: channel lower-cased, account id
 * normalised ({@code default} when absent), peer kinds normalised ({@code dm} is {@code direct}; an
 * unknown kind is kept as given and matches nothing), ids trimmed but case-sensitive.
 */
record Message(String channel, String accountId, boolean hasPeer, String peerKind, String peerId, boolean hasParent,
        String parentKind, String parentId, String guildId, String teamId, int roleCount, Set<String> roles) {

    static Message of(RouteRequest r) {
        RouteRequest.Peer peer = r.peer();
        RouteRequest.Peer parent = r.parentPeer();
        List<String> roleList = r.memberRoleIds() == null ? List.of() : r.memberRoleIds();
        Set<String> roles = roleList.isEmpty() ? Collections.emptySet() : new HashSet<>(roleList);
        return new Message(Js.token(r.channel()), AccountIds.normalize(r.accountId()),
                peer != null, peer == null ? null : kind(peer.kind()), peer == null ? null : Js.id(peer.id()),
                parent != null, parent == null ? null : kind(parent.kind()), parent == null ? null : Js.id(parent.id()),
                Js.id(r.guildId()), Js.id(r.teamId()), roleList.size(), roles);
    }

    private static String kind(String raw) {
        String k = SessionKeys.normalizeChatType(raw);
        return k != null ? k : raw;
    }

    Scope scope() {
        return new Scope(guildId, teamId, roles);
    }

    /** Whether the parent-peer tier applies: a parent peer with an id. */
    boolean parentUsable() {
        return hasParent && !parentId.isEmpty();
    }

    /** The cache key: everything the route depends on besides the config. */
    Key key() {
        List<String> sorted;
        if (roles.isEmpty()) {
            sorted = List.of();
        } else {
            sorted = new ArrayList<>(roles);
            sorted.sort(Comparator.nullsFirst(Comparator.naturalOrder()));
        }
        return new Key(channel, accountId, hasPeer, peerKind, peerId, hasParent, parentKind, parentId, guildId, teamId,
                roleCount > 0, sorted);
    }

    record Key(String channel, String accountId, boolean hasPeer, String peerKind, String peerId, boolean hasParent,
            String parentKind, String parentId, String guildId, String teamId, boolean hasRoles, List<String> roles) {
    }

    String peerText() {
        return hasPeer && peerKind != null && !peerId.isEmpty() ? peerKind + ":" + peerId : "none";
    }

    String parentText() {
        return hasParent && parentKind != null && !parentId.isEmpty() ? parentKind + ":" + parentId : "none";
    }
}
