package io.gatehouse.config.plan;

import static io.gatehouse.api.config.ReloadRule.hot;
import static io.gatehouse.api.config.ReloadRule.none;
import static io.gatehouse.api.config.ReloadRule.restart;

import java.util.List;

import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Component;

import io.gatehouse.api.config.ReloadRule;
import io.gatehouse.api.config.ReloadRuleProvider;

/**
 * The built-in reload rule table: how a change under each config section takes effect when no bundle
 * claims a more specific prefix. Registered with the lowest service ranking so that a bundle's rule for
 * the same prefix comes first and wins (see {@link ReloadPlanner}). A path no rule covers restarts.
 *
 * <table>
 * <caption>Defaults</caption>
 * <tr><th>prefix</th><th>kind</th><th>actions</th></tr>
 * <tr><td>agents, agent, routing, bindings, session</td><td>hot</td><td>reload-routing</td></tr>
 * <tr><td>agents.list, agents.defaults.heartbeat, agents.defaults.model, agents.defaults.models,
 *     agent.heartbeat</td><td>hot</td><td>reload-routing, restart-heartbeat</td></tr>
 * <tr><td>models</td><td>hot</td><td>reload-models, restart-heartbeat</td></tr>
 * <tr><td>channels</td><td>hot</td><td>restart-channel:&lt;id&gt; (from the path; {@code channels} alone restarts)</td></tr>
 * <tr><td>web</td><td>hot</td><td>restart-channel:whatsapp</td></tr>
 * <tr><td>hooks</td><td>hot</td><td>reload-hooks</td></tr>
 * <tr><td>hooks.gmail</td><td>hot</td><td>reload-hooks, restart-gmail-watcher</td></tr>
 * <tr><td>cron</td><td>hot</td><td>restart-cron</td></tr>
 * <tr><td>browser</td><td>hot</td><td>restart-browser-control</td></tr>
 * <tr><td>tools, skills, audio, talk, messages, ui, logging, memorySearch, canvasHost</td><td>hot</td>
 *     <td>reload-tools, reload-skills, reload-audio, reload-talk, reload-messages, reload-ui, reload-logging,
 *     reload-memory, reload-canvas</td></tr>
 * <tr><td>plugins.entries, plugins.allow</td><td>hot</td><td>reload-plugins</td></tr>
 * <tr><td>plugins.maven</td><td>hot</td><td>(none: read on each install)</td></tr>
 * <tr><td>gateway.auth</td><td>hot</td><td>reload-auth (new tokens apply to the next request)</td></tr>
 * <tr><td>gateway, discovery, plugins.installs, plugins.load</td><td>restart</td><td></td></tr>
 * <tr><td>gateway.reload, gateway.remote, meta</td><td>none</td><td></td></tr>
 * </table>
 */
@Component(service = ReloadRuleProvider.class, property = Constants.SERVICE_RANKING + ":Integer=" + Integer.MIN_VALUE)
public final class DefaultReloadRules implements ReloadRuleProvider {

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

    @Override
    public List<ReloadRule> reloadRules() {
        return RULES;
    }
}
