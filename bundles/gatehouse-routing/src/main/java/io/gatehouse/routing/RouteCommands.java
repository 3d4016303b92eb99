package io.gatehouse.routing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.gatehouse.api.routing.ResolvedRoute;
import io.gatehouse.api.routing.RouteExplanation;
import io.gatehouse.api.routing.RouteRequest;
import io.gatehouse.api.routing.Router;

/** {@code route:explain}: where a message would go with the config in force, and why. */
@Component(service = RouteCommands.class, property = {
        "osgi.command.scope=route",
        "osgi.command.function=explain"})
public final class RouteCommands {
    /** Bindings of other channels listed at most in the text form (their count is always given). */
    static final int OTHER_CHANNELS_SHOWN = 20;

    private final Router router;
    private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Activate
    public RouteCommands(@Reference Router router) {
        this.router = router;
    }

    @Descriptor("Resolve a message with the bindings in force and show every binding evaluated, tier by tier, and why it matched or not")
    public String explain(
            @Descriptor("channel id, e.g. telegram (required; any id, with or without an adapter)")
            @Parameter(names = "--channel", absentValue = "") String channel,
            @Descriptor("channel account id (default: the default account)")
            @Parameter(names = "--account", absentValue = "") String account,
            @Descriptor("the conversation peer as kind:id, kind one of direct (dm), group, channel")
            @Parameter(names = "--peer", absentValue = "") String peer,
            @Descriptor("the thread's parent conversation as kind:id")
            @Parameter(names = "--parent-peer", absentValue = "") String parentPeer,
            @Descriptor("guild (server) id")
            @Parameter(names = "--guild", absentValue = "") String guild,
            @Descriptor("the sender's member role ids, comma-separated")
            @Parameter(names = "--roles", absentValue = "") String roles,
            @Descriptor("team (workspace) id")
            @Parameter(names = "--team", absentValue = "") String team,
            @Descriptor("print only the route as JSON: agentId, channel, accountId, sessionKey, mainSessionKey, lastRoutePolicy, matchedBy")
            @Parameter(names = "--json", absentValue = "false", presentValue = "true") boolean asJson)
            throws JsonProcessingException {
        RouteRequest request = request(channel, account, peer, parentPeer, guild, roles, team);
        RouteExplanation e = router.explain(request);
        return asJson ? json.writeValueAsString(routeMap(e.route())) : text(request, e);
    }

    static RouteRequest request(String channel, String account, String peer, String parentPeer, String guild,
            String roles, String team) {
        if (channel == null || channel.isBlank()) {
            throw new IllegalArgumentException("route:explain needs --channel <id>, e.g. route:explain --channel telegram"
                    + " --peer direct:12345 (options: --account A --peer kind:id --parent-peer kind:id --guild G"
                    + " --roles r1,r2 --team T --json)");
        }
        List<String> roleIds = new ArrayList<>();
        for (String r : blankToNull(roles) == null ? new String[0] : roles.split(",")) {
            if (!r.isBlank()) {
                roleIds.add(r.trim());
            }
        }
        return new RouteRequest(channel, blankToNull(account), peer("--peer", peer), peer("--parent-peer", parentPeer),
                blankToNull(guild), List.copyOf(roleIds), blankToNull(team));
    }

    private static RouteRequest.Peer peer(String option, String value) {
        if (blankToNull(value) == null) {
            return null;
        }
        int colon = value.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException(option + " expects kind:id (kind direct, dm, group or channel), got \"" + value + "\"");
        }
        return new RouteRequest.Peer(value.substring(0, colon), value.substring(colon + 1));
    }

    private static String blankToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    static Map<String, Object> routeMap(ResolvedRoute r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("agentId", r.agentId());
        m.put("channel", r.channel());
        m.put("accountId", r.accountId());
        m.put("sessionKey", r.sessionKey());
        m.put("mainSessionKey", r.mainSessionKey());
        m.put("lastRoutePolicy", r.lastRoutePolicy());
        m.put("matchedBy", r.matchedBy());
        return m;
    }

    static String text(RouteRequest request, RouteExplanation e) {
        ResolvedRoute r = e.route();
        StringBuilder b = new StringBuilder();
        b.append("message   channel=").append(r.channel()).append(" accountId=").append(r.accountId())
                .append(" peer=").append(peerText(request.peer())).append(" parentPeer=").append(peerText(request.parentPeer()))
                .append(" guildId=").append(orNone(request.guildId())).append(" roles=")
                .append(request.memberRoleIds().isEmpty() ? "none" : String.join(",", request.memberRoleIds()))
                .append(" teamId=").append(orNone(request.teamId())).append('\n');
        int evaluated = (int) e.tiers().stream().flatMap(t -> t.bindings().stream()).mapToInt(RouteExplanation.Binding::index)
                .distinct().count();
        b.append("config    ").append(e.configHash(), 0, Math.min(12, e.configHash().length())).append(": ")
                .append(evaluated + e.notEvaluated().size()).append(" bindings, ").append(evaluated)
                .append(" for this channel and account\n\n");
        for (RouteExplanation.Tier t : e.tiers()) {
            b.append(t.matchedBy()).append(": ").append(status(t)).append('\n');
            if (t.bindings().isEmpty()) {
                b.append("  (no bindings)\n");
            }
            for (RouteExplanation.Binding x : t.bindings()) {
                b.append(x.matched() ? "  MATCH " : "  -     ").append(line(x)).append('\n');
            }
        }
        if (!e.notEvaluated().isEmpty()) {
            b.append("\nnot evaluated (cannot apply to this message)\n");
            int otherChannels = 0;
            for (RouteExplanation.Binding x : e.notEvaluated()) {
                if (x.reason().startsWith("channel ") && ++otherChannels > OTHER_CHANNELS_SHOWN) {
                    continue;
                }
                b.append("  -     ").append(line(x)).append('\n');
            }
            if (otherChannels > OTHER_CHANNELS_SHOWN) {
                b.append("  ... and ").append(otherChannels - OTHER_CHANNELS_SHOWN).append(" more bindings of other channels\n");
            }
        }
        b.append("\nresult\n");
        routeMap(r).forEach((k, v) -> b.append(String.format("  %-16s %s%n", k, v)));
        return b.toString();
    }

    private static String status(RouteExplanation.Tier t) {
        return switch (t.status()) {
            case MATCHED -> "matched";
            case NO_MATCH -> "no match";
            case SKIPPED -> "skipped (" + t.reason() + ")";
            case NOT_REACHED -> "not reached";
        };
    }

    private static String line(RouteExplanation.Binding x) {
        return "bindings[" + x.index() + "] agentId=" + x.agentId() + " " + x.match() + " -> " + x.reason();
    }

    private static String peerText(RouteRequest.Peer p) {
        return p == null ? "none" : p.kind() + ":" + p.id();
    }

    private static String orNone(String s) {
        return s == null || s.isEmpty() ? "none" : s;
    }
}
