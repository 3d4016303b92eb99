package io.gatehouse.api.routing;

import java.util.List;

/**
 * What routing knows about an inbound message.
 *
 * @param channel       channel id ({@code webchat}, {@code telegram}, ...)
 * @param accountId     channel account, or null for the default account
 * @param peer          the conversation partner, or null
 * @param parentPeer    the parent conversation (thread parent), or null
 * @param guildId       guild/server id, or null
 * @param memberRoleIds role ids of the sender in the guild
 * @param teamId        team/workspace id, or null
 */
public record RouteRequest(String channel, String accountId, Peer peer, Peer parentPeer, String guildId,
        List<String> memberRoleIds, String teamId) {

    /**
     * A peer of a conversation.
     *
     * @param kind {@code direct}, {@code group} or {@code channel}
     * @param id   the peer id
     */
    public record Peer(String kind, String id) {
    }
}
