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

import io.gatehouse.api.routing.Router;
import io.gatehouse.routing.keys.Js;
import io.gatehouse.routing.keys.SessionKeys;
import io.gatehouse.routing.resolve.Binding;
import io.gatehouse.routing.resolve.RouteTable;
import io.gatehouse.routing.resolve.RoutingConfig;

/** {@code agents:list}: the agents of the config in force and, on request, the bindings that route to each. */
@Component(service = AgentCommands.class, property = {
        "osgi.command.scope=agents",
        "osgi.command.function=list"})
public final class AgentCommands {
    private static final ObjectMapper COMPACT = new ObjectMapper();
    private final RouterComponent router;
    private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Activate
    public AgentCommands(@Reference Router router) {
        // The Router is this bundle's RouterComponent: its table is the config in force.
        this.router = (RouterComponent) router;
    }

    @Descriptor("List the agents of the config in force (id, name, default, workspace, model)")
    public String list(
            @Descriptor("also show the bindings that route to each agent")
            @Parameter(names = "--bindings", absentValue = "false", presentValue = "true") boolean withBindings,
            @Descriptor("print JSON for scripts")
            @Parameter(names = "--json", absentValue = "false", presentValue = "true") boolean asJson)
            throws JsonProcessingException {
        RouteTable table = router.table();
        List<Map<String, Object>> rows = rows(table.config(), withBindings);
        return asJson ? json.writeValueAsString(rows) : text(rows, withBindings);
    }

    /** One row per agent: the listed agents in order (or the implicit {@code main}), then agents only bindings name. */
    static List<Map<String, Object>> rows(RoutingConfig config, boolean withBindings) {
        Map<String, Map<String, Object>> byId = new LinkedHashMap<>();
        for (Map<?, ?> agent : config.agents()) {
            String raw = agent.get("id") instanceof String s ? Js.trim(s) : "";
            if (raw.isEmpty()) {
                continue;
            }
            String id = SessionKeys.sanitizeAgentId(raw);
            if (byId.containsKey(id)) {
                continue; // same agent for routing; the config validator reports duplicates
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", id);
            row.put("name", agent.get("name"));
            row.put("default", id.equals(config.defaultAgentId()));
            row.put("workspace", agent.get("workspace"));
            row.put("model", agent.get("model"));
            byId.put(id, row);
        }
        if (byId.isEmpty() || !byId.containsKey(config.defaultAgentId())) {
            byId.put(config.defaultAgentId(), implicit(config.defaultAgentId(), true));
        }
        if (withBindings) {
            byId.values().forEach(r -> r.put("bindings", new ArrayList<Map<String, Object>>()));
            for (Binding b : config.bindings()) {
                if (!b.routable()) {
                    continue;
                }
                String target = config.agentFor(b.agentId());
                Map<String, Object> row = byId.computeIfAbsent(target, id -> {
                    Map<String, Object> r = implicit(id, false);
                    r.put("bindings", new ArrayList<Map<String, Object>>());
                    return r;
                });
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("index", b.index());
                entry.put("agentId", b.agentId());
                entry.put("match", b.raw() instanceof Map<?, ?> m ? m.get("match") : null);
                entry.put("description", b.describe());
                if (!config.isListed(b.agentId())) {
                    entry.put("routesToDefault", true);
                }
                @SuppressWarnings("unchecked")
                List<Map<String, Object>> list = (List<Map<String, Object>>) row.get("bindings");
                list.add(entry);
            }
        }
        return new ArrayList<>(byId.values());
    }

    private static Map<String, Object> implicit(String id, boolean isDefault) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", id);
        row.put("name", null);
        row.put("default", isDefault);
        row.put("workspace", null);
        row.put("model", null);
        return row;
    }

    @SuppressWarnings("unchecked")
    private static String text(List<Map<String, Object>> rows, boolean withBindings) {
        StringBuilder b = new StringBuilder();
        b.append(String.format("%-20s %-20s %-8s %-28s %s%n", "id", "name", "default", "workspace", "model"));
        for (Map<String, Object> r : rows) {
            b.append(String.format("%-20s %-20s %-8s %-28s %s%n", r.get("id"), orDash(r.get("name")),
                    Boolean.TRUE.equals(r.get("default")) ? "yes" : "no", orDash(r.get("workspace")), orDash(r.get("model"))));
            if (withBindings) {
                List<Map<String, Object>> bs = (List<Map<String, Object>>) r.get("bindings");
                if (bs.isEmpty()) {
                    b.append("    (no bindings)\n");
                }
                for (Map<String, Object> x : bs) {
                    b.append("    bindings[").append(x.get("index")).append("] ").append(x.get("description"));
                    if (Boolean.TRUE.equals(x.get("routesToDefault"))) {
                        b.append("  (agentId \"").append(x.get("agentId")).append("\" is not in agents.list: default agent)");
                    }
                    b.append('\n');
                }
            }
        }
        return b.toString();
    }

    private static String orDash(Object o) {
        if (o == null) {
            return "-";
        }
        if (o instanceof Map<?, ?> || o instanceof List<?>) {
            try {
                return COMPACT.writeValueAsString(o);
            } catch (JsonProcessingException e) {
                return String.valueOf(o);
            }
        }
        return String.valueOf(o);
    }
}
