package io.gatehouse.config.plan;

import static io.gatehouse.api.config.ReloadRule.hot;
import static io.gatehouse.api.config.ReloadRule.none;
import static io.gatehouse.api.config.ReloadRule.restart;

import java.util.List;


import io.gatehouse.api.config.ReloadRule;

/**
 * The reference gateway's reload rule table (its {@code config-reload} rules, with action names aligned
 * to Gatehouse's), used to check that the planner produces the reference's plans. In the running
 * gateway the rules come from the section owners ({@code ConfigSection}); this table is test data.
 */
final class ReferenceReloadRules {

    static final String RELOAD_ROUTING = "reload-routing";
    static final String RESTART_HEARTBEAT = "restart-heartbeat";

    private static final List<ReloadRule> RULES = List.of(
            // routing owns agents, bindings, session; heartbeats follow agent and model changes
            hot("agents", RELOAD_ROUTING),
            hot("agents.list", RELOAD_ROUTING, RESTART_HEARTBEAT),
            hot("agents.defaults.heartbeat", RELOAD_ROUTING, RESTART_HEARTBEAT),
            hot("agents.defaults.model", RELOAD_ROUTING, RESTART_HEARTBEAT),
            hot("agents.defaults.models", RELOAD_ROUTING, RESTART_HEARTBEAT),
            hot("agent", RELOAD_ROUTING),
            hot("agent.heartbeat", RELOAD_ROUTING, RESTART_HEARTBEAT),
            hot("routing", RELOAD_ROUTING),
            hot("bindings", RELOAD_ROUTING),
            hot("session", RELOAD_ROUTING),
            hot("models", "reload-models", RESTART_HEARTBEAT),
            // a channel bundle owns channels.<id>; until one does, restart that channel by the id in the path
            hot("channels", ReloadPlanner.RESTART_CHANNEL + ReloadPlanner.ID),
            hot("web", ReloadPlanner.RESTART_CHANNEL + "whatsapp"),
            hot("hooks", "reload-hooks"),
            hot("hooks.gmail", "reload-hooks", "restart-gmail-watcher"),
            hot("cron", "restart-cron"),
            hot("browser", "restart-browser-control"),
            hot("tools", "reload-tools"),
            hot("skills", "reload-skills"),
            hot("audio", "reload-audio"),
            hot("talk", "reload-talk"),
            hot("messages", "reload-messages"),
            hot("ui", "reload-ui"),
            hot("logging", "reload-logging"),
            hot("memorySearch", "reload-memory"),
            hot("canvasHost", "reload-canvas"),
            // plugin enable/disable applies in place; what is installed and loaded from where needs a restart
            hot("plugins.entries", "reload-plugins"),
            // the allow list decides which installed plugins may start: applied by starting/stopping bundles
            hot("plugins.allow", "reload-plugins"),
            // where plugins:install looks up maven coordinates; read on each install, nothing to reload
            hot("plugins.maven"),
            restart("plugins.installs"),
            restart("plugins.load"),
            // port, bind, TLS, HTTP: everything under gateway not covered by a more specific rule
            restart("gateway"),
            hot("gateway.auth", "reload-auth"),
            none("gateway.reload"),
            none("gateway.remote"),
            restart("discovery"),
            // bookkeeping (meta.lastTouchedAt churn) never restarts anything
            none("meta"));

    List<ReloadRule> reloadRules() {
        return RULES;
    }
}
