package io.gatehouse.channel.openai;

import java.util.List;

import org.osgi.service.component.annotations.Component;

import io.gatehouse.api.config.ConfigSection;
import io.gatehouse.api.config.ReloadRule;
import io.gatehouse.api.config.schema.Shape;

/** {@code channels.openai}: restarting the channel in place applies a change. */
@Component(service = ConfigSection.class, property = ConfigSection.PREFIX + "=channels.openai")
public final class OpenAiSection implements ConfigSection {
    private static final Shape SCHEMA = Shape.object()
            .field("enabled", Shape.bool())
            .field("models", Shape.arrayOf(Shape.nonEmptyString()))
            .field("timeoutMs", Shape.integer(1, Long.MAX_VALUE))
            .field("keepAliveMs", Shape.integer(0, Long.MAX_VALUE));

    @Override
    public String prefix() {
        return "channels.openai";
    }

    @Override
    public Shape schema() {
        return SCHEMA;
    }

    @Override
    public List<ReloadRule> reloadRules() {
        return List.of(ReloadRule.hot("channels.openai", "restart-channel:openai"));
    }
}
