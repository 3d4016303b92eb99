package io.gatehouse.routing.resolve;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.gatehouse.api.routing.ResolvedRoute;
import io.gatehouse.routing.keys.Js;
import io.gatehouse.routing.keys.SessionKeys;

/**
 * What routing reads from one config: {@code bindings}, {@code agents.list} and {@code session}
 * ({@code dmScope}, {@code identityLinks}). Immutable; built per config hash.
 */
public final class RoutingConfig {
    final List<Binding> bindings;
    /** {@code agents.list} entries that are objects, in config order. */
    final List<Map<?, ?>> agents;
    /** Normalised agent id to the id routes use, for every listed agent with an id. */
    final Map<String, String> agentIds;
    /** The default agent: the first with {@code default: true}, else the first listed, else {@code main}. */
    final String defaultAgentId;
    final String dmScope;
    final Map<String, ?> identityLinks;
    /** The sections this was read from, to tell whether another config routes the same. */
    private final Object bindingsSection;
    private final Object agentsSection;
    private final Object sessionSection;

    private RoutingConfig(Map<String, ?> root) {
        this.bindingsSection = root.get("bindings");
        this.agentsSection = root.get("agents");
        this.sessionSection = root.get("session");
        List<Binding> bs = new ArrayList<>();
        if (root.get("bindings") instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                bs.add(Binding.of(i, list.get(i)));
            }
        }
        this.bindings = Collections.unmodifiableList(bs);
        List<Map<?, ?>> entries = new ArrayList<>();
        Map<String, String> ids = new HashMap<>();
        if (root.get("agents") instanceof Map<?, ?> a && a.get("list") instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof Map<?, ?> agent) {
                    entries.add(agent);
                    String id = agent.get("id") instanceof String s ? Js.trim(s) : "";
                    if (!id.isEmpty()) {
                        ids.put(SessionKeys.normalizeAgentId(id), SessionKeys.sanitizeAgentId(id));
                    }
                }
            }
        }
        this.agents = Collections.unmodifiableList(entries);
        this.agentIds = Collections.unmodifiableMap(ids);
        Map<?, ?> chosen = null;
        for (Map<?, ?> agent : entries) {
            if (Js.truthy(agent.get("default"))) {
                chosen = agent;
                break;
            }
        }
        if (chosen == null && !entries.isEmpty()) {
            chosen = entries.get(0);
        }
        String chosenId = chosen != null && chosen.get("id") instanceof String s ? Js.trim(s) : "";
        this.defaultAgentId = SessionKeys.normalizeAgentId(chosenId.isEmpty() ? SessionKeys.DEFAULT_AGENT_ID : chosenId);
        Map<?, ?> session = root.get("session") instanceof Map<?, ?> s ? s : Map.of();
        String scope = Js.text(session.get("dmScope"));
        this.dmScope = scope == null ? "main" : scope;
        @SuppressWarnings("unchecked")
        Map<String, ?> links = session.get("identityLinks") instanceof Map<?, ?> l ? (Map<String, ?>) l : null;
        this.identityLinks = links;
    }

    public static RoutingConfig from(Map<String, ?> root) {
        return new RoutingConfig(root == null ? Map.of() : root);
    }

    /** Whether {@code root} has the same {@code bindings}, {@code agents} and {@code session} as this was read from. */
    boolean sameAs(Map<String, ?> root) {
        return Objects.equals(bindingsSection, root.get("bindings")) && Objects.equals(agentsSection, root.get("agents"))
                && Objects.equals(sessionSection, root.get("session"));
    }

    /**
     * The agent a binding's {@code agentId} routes to: the listed agent it names (matched
     * case-insensitively); the default agent when it names none that is listed; the id itself
     * (sanitised) when {@code agents.list} is empty.
     */
    public String agentFor(String agentId) {
        String trimmed = Js.trim(agentId == null ? "" : agentId);
        if (trimmed.isEmpty()) {
            return defaultAgentId;
        }
        if (agentIds.isEmpty()) {
            return SessionKeys.sanitizeAgentId(trimmed);
        }
        String listed = agentIds.get(SessionKeys.normalizeAgentId(trimmed));
        return listed != null ? listed : defaultAgentId;
    }

    /** Whether a binding's agent id names an agent of {@code agents.list} (always true when the list is empty). */
    public boolean isListed(String agentId) {
        String trimmed = Js.trim(agentId == null ? "" : agentId);
        return agentIds.isEmpty() || (!trimmed.isEmpty() && agentIds.containsKey(SessionKeys.normalizeAgentId(trimmed)));
    }

    /** The route to {@code agentId} (a binding's, or the default agent), with session keys built for the message. */
    ResolvedRoute route(String agentId, String matchedBy, String bindingDmScope, Message m) {
        String agent = agentFor(agentId);
        String scope = bindingDmScope != null ? bindingDmScope : dmScope;
        String sessionKey = Js.lower(SessionKeys.buildAgentSessionKey(agent, m.channel(), m.accountId(), m.hasPeer(),
                m.peerKind(), m.peerId(), scope, identityLinks, null));
        String mainSessionKey = Js.lower(SessionKeys.buildAgentMainSessionKey(agent, null));
        return new ResolvedRoute(agent, m.channel(), m.accountId(), sessionKey, mainSessionKey,
                SessionKeys.deriveLastRoutePolicy(sessionKey, mainSessionKey), matchedBy);
    }

    public List<Binding> bindings() {
        return bindings;
    }

    public List<Map<?, ?>> agents() {
        return agents;
    }

    public String defaultAgentId() {
        return defaultAgentId;
    }
}
