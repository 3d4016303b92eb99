package io.gatehouse.logging;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.LoggerContext;
import io.gatehouse.api.config.ConfigService;
import io.gatehouse.api.config.ConfigSnapshot;

/**
 * Keeps logback's levels equal to the {@code logging} section of the config in force: reacts to
 * applied reload (the {@link ConfigService#HASH} service property changes) without a restart.
 */
@Component(immediate = true)
public final class LoggingConfigurator {
    private static final Logger LOG = LoggerFactory.getLogger(LoggingConfigurator.class);

    private final LogLevels levels;
    private volatile String appliedHash;

    @Activate
    public LoggingConfigurator() {
        this.levels = new LogLevels((LoggerContext) LoggerFactory.getILoggerFactory());
    }

    @Reference(policy = ReferencePolicy.DYNAMIC, updated = "updatedConfig", unbind = "unbindConfig")
    void bindConfig(ConfigService config) {
        apply(config.current());
    }

    void updatedConfig(ConfigService config) {
        apply(config.current());
    }

    void unbindConfig(ConfigService config) {
        // keep the levels in force until the next config arrives
    }

    private void apply(ConfigSnapshot config) {
        if (config.hash().equals(appliedHash)) {
            return;
        }
        try {
            String inForce = levels.apply(config.section("logging"));
            appliedHash = config.hash();
            LOG.info("log levels: {}", inForce);
        } catch (IllegalArgumentException e) {
            LOG.warn("log levels unchanged: {}: {}", config.source(), e.getMessage());
        }
    }
}
