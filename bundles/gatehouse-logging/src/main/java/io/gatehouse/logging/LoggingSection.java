package io.gatehouse.logging;

import java.util.List;

import org.osgi.service.component.annotations.Component;

import io.gatehouse.api.config.ConfigSection;
import io.gatehouse.api.config.ReloadRule;
import io.gatehouse.api.config.schema.Shape;

/** {@code logging}: logback levels, applied in place by {@link LoggingConfigurator} on every config change. */
@Component(service = ConfigSection.class, property = ConfigSection.PREFIX + "=logging")
public final class LoggingSection implements ConfigSection {
    static final String[] LEVELS = {"trace", "debug", "info", "warn", "warning", "error", "off"};
    private static final Shape SCHEMA = Shape.object()
            .field("level", Shape.oneOf(LEVELS))
            .field("levels", Shape.mapOf(Shape.oneOf(LEVELS)))
            // the reference's file and console settings: logback.xml owns those here
            .field("file", Shape.any()).field("consoleLevel", Shape.any()).field("consoleStyle", Shape.any())
            .field("redactSensitive", Shape.any());

    @Override
    public String prefix() {
        return "logging";
    }

    @Override
    public Shape schema() {
        return SCHEMA;
    }

    @Override
    public List<ReloadRule> reloadRules() {
        return List.of(ReloadRule.hot("logging"));
    }
}
