package io.gatehouse.config.schema;

import static io.gatehouse.api.config.schema.Shape.any;
import static io.gatehouse.api.config.schema.Shape.arrayOf;
import static io.gatehouse.api.config.schema.Shape.bool;
import static io.gatehouse.api.config.schema.Shape.integer;
import static io.gatehouse.api.config.schema.Shape.mapOf;
import static io.gatehouse.api.config.schema.Shape.oneOf;
import static io.gatehouse.api.config.schema.Shape.string;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.gatehouse.api.config.schema.Issue;
import io.gatehouse.api.config.schema.Shape;

/**
 * The schema of {@code gatehouse.json}, in the reference gateway's shape so its users recognise it.
 * Top-level keys are checked strictly (a typo gets a did-you-mean); sections owned by plugins
 * ({@code channels.<id>}, {@code plugins.entries.<id>}) are checked by the plugin, and only warned
 * about when no such plugin is installed.
 */
public final class GatehouseSchema {
    public static final List<String> RELOAD_MODES = List.of("hybrid", "hot", "restart", "off");
    public static final List<String> DM_SCOPES = List.of("main", "per-peer", "per-channel-peer", "per-account-channel-peer");
    static final String[] LEVELS = {"trace", "debug", "info", "warn", "warning", "error", "off"};

    private final Shape.Obj root;

    public GatehouseSchema() {
        Shape peer = open().required("kind", oneOf("direct", "dm", "group", "channel")).required("id", string());
        Shape binding = open().required("agentId", string())
                .required("match", open().required("channel", string()).field("accountId", string())
                        .field("peer", peer).field("guildId", string()).field("teamId", string())
                        .field("roles", arrayOf(string())))
                .field("session", any());
        Shape agent = open().required("id", string()).field("name", string()).field("default", bool())
                .field("workspace", string()).field("model", any()).field("skills", any());
        root = Shape.object()
                .field("gateway", open()
                        .field("port", integer(0, 65535))
                        .field("bind", string())
                        .field("auth", open().field("token", string()).field("mode", string()))
                        .field("reload", Shape.object()
                                .field("mode", oneOf(RELOAD_MODES.toArray(String[]::new)))
                                .field("debounceMs", integer(0, 60_000))
                                .field("deferralTimeoutMs", integer(0, Long.MAX_VALUE)))
                        .field("remote", any()))
                .field("agents", open().field("defaults", open()).field("list", arrayOf(agent)))
                .field("agent", open())
                .field("bindings", arrayOf(binding))
                .field("session", open().field("dmScope", oneOf(DM_SCOPES.toArray(String[]::new)))
                        .field("identityLinks", mapOf(arrayOf(string()))).field("mainKey", string()))
                .field("channels", mapOf(open()))
                .field("skills", open().field("load", open().field("watch", bool())
                        .field("watchDebounceMs", integer(0, 60_000)).field("extraDirs", arrayOf(string()))))
                .field("memorySearch", open().field("sync", open()).field("extraPaths", arrayOf(string())))
                .field("canvasHost", open().field("root", string()).field("liveReload", bool())
                        .field("enabled", bool()))
                .field("plugins", open().field("allow", arrayOf(string()))
                        .field("entries", mapOf(open().field("enabled", bool()).field("config", open())))
                        .field("maven", open().field("localRepository", string()))
                        .field("installs", open()).field("load", open()))
                .field("hooks", open())
                .field("cron", any())
                .field("logging", open().field("level", oneOf(LEVELS)).field("levels", mapOf(oneOf(LEVELS))))
                .field("messages", open())
                .field("tools", open())
                .field("models", open())
                .field("meta", open())
                .field("web", open())
                .field("browser", open())
                .field("audio", open())
                .field("talk", open())
                .field("ui", open())
                .field("routing", open())
                .field("discovery", open());
    }

    private static Shape.Obj open() {
        return Shape.object().open();
    }

    /** Top-level section names. */
    public Set<String> sections() {
        return root.known();
    }

    /**
     * Validates a parsed config.
     *
     * @param installedChannels channel ids with an installed adapter
     * @param installedPlugins  plugin ids that are installed
     */
    public List<Issue> validate(Map<String, Object> config, Set<String> installedChannels, Set<String> installedPlugins) {
        List<Issue> out = new ArrayList<>();
        root.check("", config, out);
        crossChecks(config, installedChannels, installedPlugins, out);
        return out;
    }

    @SuppressWarnings("unchecked")
    private static void crossChecks(Map<String, Object> config, Set<String> channels, Set<String> plugins, List<Issue> out) {
        Set<String> agentIds = new HashSet<>();
        if (config.get("agents") instanceof Map<?, ?> agents && agents.get("list") instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                if (list.get(i) instanceof Map<?, ?> a && a.get("id") instanceof String id) {
                    if (!agentIds.add(id.trim())) {
                        out.add(Issue.error("agents.list." + i + ".id", "duplicate agent id \"" + id + "\""));
                    }
                }
            }
        }
        // With no agents.list every agent id is accepted as written (as the reference does); ids
        // compare normalised (trimmed, lower case), as routing compares them.
        Set<String> normalised = new HashSet<>();
        agentIds.forEach(id -> normalised.add(id.toLowerCase(java.util.Locale.ROOT)));
        if (!agentIds.isEmpty() && config.get("bindings") instanceof List<?> bindings) {
            for (int i = 0; i < bindings.size(); i++) {
                if (bindings.get(i) instanceof Map<?, ?> b && b.get("agentId") instanceof String id
                        && !normalised.contains(id.trim().toLowerCase(java.util.Locale.ROOT))) {
                    out.add(Issue.warn("bindings." + i + ".agentId", "agent \"" + id
                            + "\" is not in agents.list; messages it matches go to the default agent"));
                }
            }
        }
        if (config.get("channels") instanceof Map<?, ?> cs) {
            for (Object id : cs.keySet()) {
                if (!channels.contains(String.valueOf(id))) {
                    out.add(Issue.warn("channels." + id, "no channel adapter \"" + id
                            + "\" is installed; its settings are kept and apply once it is"));
                }
            }
        }
        if (config.get("plugins") instanceof Map<?, ?> p && p.get("entries") instanceof Map<?, ?> entries) {
            for (Object id : ((Map<Object, Object>) entries).keySet()) {
                if (!plugins.contains(String.valueOf(id))) {
                    out.add(Issue.warn("plugins.entries." + id, "plugin \"" + id + "\" is not installed"));
                }
            }
        }
    }
}
