package io.gatehouse.routing.keys;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Session keys as the reference gateway builds and parses them. A key is
 * {@code agent:<agentId>:<rest>}: {@code agent:main:main} for an agent's main session,
 * {@code agent:main:telegram:group:-100123} for a group, and for direct messages, by
 * {@code session.dmScope}: {@code main} (all DMs share the main session), {@code per-peer}
 * ({@code agent:main:direct:<peer>}), {@code per-channel-peer} ({@code agent:main:telegram:direct:<peer>}),
 * {@code per-account-channel-peer} ({@code agent:main:telegram:<account>:direct:<peer>}).
 * {@code session.identityLinks} map peer ids of several channels onto one canonical name.
 */
public final class SessionKeys {
    public static final String DEFAULT_AGENT_ID = "main";
    public static final String DEFAULT_MAIN_KEY = "main";
    public static final String DIRECT = "direct";
    public static final String GROUP = "group";
    public static final String CHANNEL = "channel";

    private SessionKeys() {
    }

    /** An agent id made path-safe: lower case, {@code [a-z0-9_-]}, at most 64 characters; {@code main} when nothing is left. */
    public static String normalizeAgentId(String value) {
        String trimmed = Js.trim(value == null ? "" : value);
        if (trimmed.isEmpty()) {
            return DEFAULT_AGENT_ID;
        }
        if (Ids.isValid(trimmed)) {
            return Js.lower(trimmed);
        }
        String collapsed = Ids.collapse(Js.lower(trimmed));
        return collapsed.isEmpty() ? DEFAULT_AGENT_ID : collapsed;
    }

    /** Same as {@link #normalizeAgentId}. */
    public static String sanitizeAgentId(String value) {
        return normalizeAgentId(value);
    }

    public static boolean isValidAgentId(String value) {
        String trimmed = Js.trim(value == null ? "" : value);
        return !trimmed.isEmpty() && Ids.isValid(trimmed);
    }

    public static String normalizeMainKey(String value) {
        String trimmed = Js.trim(value == null ? "" : value);
        return trimmed.isEmpty() ? DEFAULT_MAIN_KEY : Js.lower(trimmed);
    }

    /** {@code direct} ({@code dm} too), {@code group}, {@code channel}; null for anything else. */
    public static String normalizeChatType(String raw) {
        String v = raw == null ? "" : Js.lower(Js.trim(raw));
        return switch (v) {
            case "direct", "dm" -> DIRECT;
            case GROUP -> GROUP;
            case CHANNEL -> CHANNEL;
            default -> null;
        };
    }

    public static String buildAgentMainSessionKey(String agentId, String mainKey) {
        return "agent:" + normalizeAgentId(agentId) + ":" + normalizeMainKey(mainKey);
    }

    /**
     * The parameters of {@link #buildAgentPeerSessionKey}.
     *
     * @param identityLinks canonical name to the peer ids ({@code 111} or {@code telegram:111}) it stands for
     */
    public record PeerKey(String agentId, String mainKey, String channel, String accountId, String peerKind,
            String peerId, Map<String, ?> identityLinks, String dmScope) {
    }

    public static String buildAgentPeerSessionKey(PeerKey p) {
        String peerKind = p.peerKind() == null ? DIRECT : p.peerKind();
        if (DIRECT.equals(peerKind)) {
            String dmScope = p.dmScope() == null ? "main" : p.dmScope();
            String peerId = Js.trim(p.peerId() == null ? "" : p.peerId());
            if (!"main".equals(dmScope)) {
                String linked = resolveLinkedPeerId(p.identityLinks(), p.channel(), peerId);
                if (linked != null) {
                    peerId = linked;
                }
            }
            peerId = Js.lower(peerId);
            if ("per-account-channel-peer".equals(dmScope) && !peerId.isEmpty()) {
                return "agent:" + normalizeAgentId(p.agentId()) + ":" + channelOrUnknown(p.channel()) + ":"
                        + AccountIds.normalize(p.accountId()) + ":direct:" + peerId;
            }
            if ("per-channel-peer".equals(dmScope) && !peerId.isEmpty()) {
                return "agent:" + normalizeAgentId(p.agentId()) + ":" + channelOrUnknown(p.channel()) + ":direct:" + peerId;
            }
            if ("per-peer".equals(dmScope) && !peerId.isEmpty()) {
                return "agent:" + normalizeAgentId(p.agentId()) + ":direct:" + peerId;
            }
            return buildAgentMainSessionKey(p.agentId(), p.mainKey());
        }
        String trimmed = Js.trim(p.peerId() == null ? "" : p.peerId());
        String peerId = Js.lower(trimmed.isEmpty() ? "unknown" : trimmed);
        return "agent:" + normalizeAgentId(p.agentId()) + ":" + channelOrUnknown(p.channel()) + ":" + peerKind + ":" + peerId;
    }

    private static String channelOrUnknown(String channel) {
        String c = Js.lower(Js.trim(channel == null ? "" : channel));
        return c.isEmpty() ? "unknown" : c;
    }

    /**
     * {@code buildAgentSessionKey} of the reference: the key of a message on {@code channel} from
     * {@code peer} (null: a direct message with no peer).
     *
     * @param peerKind the peer's kind as routing normalised it, or null
     * @param peerId   the peer's id, or null when there is no peer
     */
    public static String buildAgentSessionKey(String agentId, String channel, String accountId, boolean hasPeer,
            String peerKind, String peerId, String dmScope, Map<String, ?> identityLinks, String mainKey) {
        String c = Js.token(channel);
        String id = hasPeer ? Js.trim(peerId == null ? "" : peerId) : null;
        return buildAgentPeerSessionKey(new PeerKey(agentId, mainKey == null ? DEFAULT_MAIN_KEY : mainKey,
                c.isEmpty() ? "unknown" : c, accountId, hasPeer && peerKind != null ? peerKind : DIRECT,
                hasPeer ? (id.isEmpty() ? "unknown" : id) : null, identityLinks, dmScope));
    }

    /** The canonical name a peer id is linked to by {@code session.identityLinks}, or null. */
    static String resolveLinkedPeerId(Map<String, ?> identityLinks, String channel, String peerId) {
        if (identityLinks == null) {
            return null;
        }
        String id = Js.trim(peerId);
        if (id.isEmpty()) {
            return null;
        }
        Set<String> candidates = new LinkedHashSet<>();
        candidates.add(Js.lower(id));
        String c = Js.token(channel);
        if (!c.isEmpty()) {
            candidates.add(Js.lower(Js.trim(c + ":" + id)));
        }
        for (String canonical : jsKeyOrder(identityLinks.keySet())) {
            String name = Js.trim(canonical);
            if (name.isEmpty() || !(identityLinks.get(canonical) instanceof List<?> ids)) {
                continue;
            }
            for (Object linked : ids) {
                String normalized = Js.token(linked);
                if (!normalized.isEmpty() && candidates.contains(normalized)) {
                    return name;
                }
            }
        }
        return null;
    }

    /** The order {@code Object.entries} visits keys in: array-index keys ascending, then the rest as inserted. */
    static List<String> jsKeyOrder(Set<String> keys) {
        List<String> indexes = new ArrayList<>();
        List<String> others = new ArrayList<>();
        for (String k : keys) {
            (isArrayIndex(k) ? indexes : others).add(k);
        }
        if (indexes.isEmpty()) {
            return others;
        }
        indexes.sort((a, b) -> Long.compare(Long.parseLong(a), Long.parseLong(b)));
        indexes.addAll(others);
        return indexes;
    }

    private static boolean isArrayIndex(String k) {
        if (k.isEmpty() || k.length() > 10 || (k.length() > 1 && k.charAt(0) == '0')) {
            return false;
        }
        for (int i = 0; i < k.length(); i++) {
            if (k.charAt(i) < '0' || k.charAt(i) > '9') {
                return false;
            }
        }
        return Long.parseLong(k) < 4294967295L;
    }

    /** {@code main} when the session key is the main session key, else {@code session}. */
    public static String deriveLastRoutePolicy(String sessionKey, String mainSessionKey) {
        return sessionKey != null && sessionKey.equals(mainSessionKey) ? "main" : "session";
    }

    /** The session that receives last-route updates for an inbound message. */
    public static String resolveInboundLastRouteSessionKey(String lastRoutePolicy, String mainSessionKey, String sessionKey) {
        return "main".equals(lastRoutePolicy) ? mainSessionKey : sessionKey;
    }

    /** An {@code agent:<id>:<rest>} key, lower-cased and split. */
    public record ParsedSessionKey(String agentId, String rest) {
    }

    /** Parses {@code agent:<id>:<rest>} case-insensitively; null when the key has another shape. */
    public static ParsedSessionKey parseAgentSessionKey(String sessionKey) {
        String raw = Js.lower(Js.trim(sessionKey == null ? "" : sessionKey));
        if (raw.isEmpty()) {
            return null;
        }
        List<String> parts = new ArrayList<>();
        for (String part : raw.split(":", -1)) {
            if (!part.isEmpty()) {
                parts.add(part);
            }
        }
        if (parts.size() < 3 || !"agent".equals(parts.get(0))) {
            return null;
        }
        String agentId = Js.trim(parts.get(1));
        String rest = String.join(":", parts.subList(2, parts.size()));
        if (agentId.isEmpty() || rest.isEmpty()) {
            return null;
        }
        return new ParsedSessionKey(agentId, rest);
    }

    /** {@code missing}, {@code agent}, {@code malformed_agent} or {@code legacy_or_alias}. */
    public static String classifySessionKeyShape(String sessionKey) {
        String raw = Js.trim(sessionKey == null ? "" : sessionKey);
        if (raw.isEmpty()) {
            return "missing";
        }
        if (parseAgentSessionKey(raw) != null) {
            return "agent";
        }
        return Js.lower(raw).startsWith("agent:") ? "malformed_agent" : "legacy_or_alias";
    }

    /** How many {@code :subagent:} levels the key has. */
    public static int getSubagentDepth(String sessionKey) {
        String raw = Js.lower(Js.trim(sessionKey == null ? "" : sessionKey));
        if (raw.isEmpty()) {
            return 0;
        }
        int depth = 0;
        int at = 0;
        while ((at = raw.indexOf(":subagent:", at)) >= 0) {
            depth++;
            at += ":subagent:".length();
        }
        return depth;
    }

    public static boolean isCronSessionKey(String sessionKey) {
        ParsedSessionKey parsed = parseAgentSessionKey(sessionKey);
        return parsed != null && parsed.rest().startsWith("cron:");
    }

    public static boolean isSubagentSessionKey(String sessionKey) {
        String raw = Js.trim(sessionKey == null ? "" : sessionKey);
        if (raw.isEmpty()) {
            return false;
        }
        if (Js.lower(raw).startsWith("subagent:")) {
            return true;
        }
        ParsedSessionKey parsed = parseAgentSessionKey(raw);
        return parsed != null && parsed.rest().startsWith("subagent:");
    }

    /** The request-side key of a stored key ({@code agent:ops:telegram:group:1} is {@code telegram:group:1}); null when blank. */
    public static String toAgentRequestSessionKey(String storeKey) {
        String raw = Js.trim(storeKey == null ? "" : storeKey);
        if (raw.isEmpty()) {
            return null;
        }
        ParsedSessionKey parsed = parseAgentSessionKey(raw);
        return parsed != null ? parsed.rest() : raw;
    }

    /** The stored key of a request-side key for an agent ({@code main} is the agent's main session). */
    public static String toAgentStoreSessionKey(String agentId, String requestKey, String mainKey) {
        String raw = Js.trim(requestKey == null ? "" : requestKey);
        if (raw.isEmpty() || Js.lower(raw).equals(DEFAULT_MAIN_KEY)) {
            return buildAgentMainSessionKey(agentId, mainKey);
        }
        ParsedSessionKey parsed = parseAgentSessionKey(raw);
        if (parsed != null) {
            return "agent:" + parsed.agentId() + ":" + parsed.rest();
        }
        String lowered = Js.lower(raw);
        if (lowered.startsWith("agent:")) {
            return lowered;
        }
        return "agent:" + normalizeAgentId(agentId) + ":" + lowered;
    }

    /** The agent a session key belongs to ({@code main} when the key names none). */
    public static String resolveAgentIdFromSessionKey(String sessionKey) {
        ParsedSessionKey parsed = parseAgentSessionKey(sessionKey);
        return normalizeAgentId(parsed != null ? parsed.agentId() : DEFAULT_AGENT_ID);
    }

    /** A thread's session key and its parent's. */
    public record ThreadSessionKeys(String sessionKey, String parentSessionKey) {
    }

    /**
     * The session key of a thread: {@code <base>:thread:<threadId>} (thread id lower-cased unless a
     * normaliser is given), or the base key when there is no thread id or {@code useSuffix} is false.
     */
    public static ThreadSessionKeys resolveThreadSessionKeys(String baseSessionKey, String threadId,
            String parentSessionKey, Boolean useSuffix, UnaryOperator<String> normalizeThreadId) {
        String id = Js.trim(threadId == null ? "" : threadId);
        if (id.isEmpty()) {
            return new ThreadSessionKeys(baseSessionKey, null);
        }
        String normalized = normalizeThreadId != null ? normalizeThreadId.apply(id) : Js.lower(id);
        boolean suffix = useSuffix == null || useSuffix;
        return new ThreadSessionKeys(suffix ? baseSessionKey + ":thread:" + normalized : baseSessionKey, parentSessionKey);
    }
}
