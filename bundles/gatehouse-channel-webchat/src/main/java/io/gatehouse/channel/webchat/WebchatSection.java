package io.gatehouse.channel.webchat;

import java.util.List;

import org.osgi.service.component.annotations.Component;

import io.gatehouse.api.config.ConfigSection;
import io.gatehouse.api.config.ReloadRule;
import io.gatehouse.api.config.schema.Shape;

/** {@code channels.webchat}: restarting the channel in place applies a change. */
@Component(service = ConfigSection.class, property = ConfigSection.PREFIX + "=channels.webchat")
public final class WebchatSection implements ConfigSection {
    private static final Shape SCHEMA = Shape.object()
            .field("enabled", Shape.bool())
            .field("accountId", Shape.string());

    @Override
    public String prefix() {
        return "channels.webchat";
    }

    @Override
    public Shape schema() {
        return SCHEMA;
    }

    @Override
    public List<ReloadRule> reloadRules() {
        return List.of(ReloadRule.hot("channels.webchat", "restart-channel:webchat"));
    }
}
