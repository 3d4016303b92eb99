package io.gatehouse.channel.telegram;

import java.util.List;

import org.osgi.service.component.annotations.Component;

import io.gatehouse.api.config.ConfigSection;
import io.gatehouse.api.config.ReloadRule;
import io.gatehouse.api.config.schema.Shape;

/**
 * Owns {@code channels.telegram}: its schema (strict; {@code botToken} and {@code webhookSecret} are
 * secret) and its reload rule: a change restarts the telegram channel in process after its in-flight
 * messages drain ({@code restart-channel:telegram}, run by the channel manager). No framework restart.
 */
@Component(service = ConfigSection.class, property = ConfigSection.PREFIX + "=" + TelegramSection.PREFIX)
public final class TelegramSection implements ConfigSection {
    static final String PREFIX = "channels.telegram";
    static final String RESTART = "restart-channel:" + TelegramChannel.ID;

    private final Shape schema = TelegramSettings.schema();

    @Override
    public String prefix() {
        return PREFIX;
    }

    @Override
    public Shape schema() {
        return schema;
    }

    @Override
    public List<ReloadRule> reloadRules() {
        return List.of(ReloadRule.hot(PREFIX, RESTART));
    }
}
