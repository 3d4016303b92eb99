package io.gatehouse.routing;

import java.util.List;

import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Component;

import io.gatehouse.api.config.ReloadRule;
import io.gatehouse.api.config.ReloadRuleProvider;

/**
 * Routing owns {@code bindings}, {@code agents} and {@code session}: a change to any of them is hot
 * and runs {@code reload-routing}. Ranked above the built-in defaults, so these rules win over theirs
 * for the same prefixes; more specific default rules ({@code agents.list}, which also restarts
 * heartbeats) still apply to their paths.
 */
@Component(service = ReloadRuleProvider.class, property = Constants.SERVICE_RANKING + ":Integer=" + RoutingReloadRules.RANKING)
public final class RoutingReloadRules implements ReloadRuleProvider {
    static final String RELOAD_ROUTING = "reload-routing";
    static final int RANKING = 100;

    private static final List<ReloadRule> RULES = List.of(
            ReloadRule.hot("bindings", RELOAD_ROUTING),
            ReloadRule.hot("agents", RELOAD_ROUTING),
            ReloadRule.hot("session", RELOAD_ROUTING));

    @Override
    public List<ReloadRule> reloadRules() {
        return RULES;
    }
}
