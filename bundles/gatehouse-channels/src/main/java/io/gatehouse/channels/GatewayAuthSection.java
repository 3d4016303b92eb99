package io.gatehouse.channels;

import java.util.List;

import org.osgi.service.component.annotations.Component;

import io.gatehouse.api.config.ConfigSection;
import io.gatehouse.api.config.ReloadRule;
import io.gatehouse.api.config.schema.Shape;

/**
 * {@code gateway.auth}: the gateway token rule of the HTTP channels. The rule reads the live config on
 * every request, so a change applies to the next request with no action.
 */
@Component(service = ConfigSection.class, property = ConfigSection.PREFIX + "=gateway.auth")
public final class GatewayAuthSection implements ConfigSection {
    private static final Shape SCHEMA = Shape.object()
            .secret("token", Shape.string())
            .field("mode", Shape.oneOf("token", "none"));

    @Override
    public String prefix() {
        return "gateway.auth";
    }

    @Override
    public Shape schema() {
        return SCHEMA;
    }

    @Override
    public List<ReloadRule> reloadRules() {
        return List.of(ReloadRule.hot("gateway.auth"));
    }
}
