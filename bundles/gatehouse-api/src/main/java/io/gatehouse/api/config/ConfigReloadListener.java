package io.gatehouse.api.config;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard: register as a service to hear about every reload attempt, including rejected ones
 * (a channel may tell its users that the operator's last edit was not applied).
 */
@ConsumerType
public interface ConfigReloadListener {
    void reloaded(ConfigReloadEvent event);
}
