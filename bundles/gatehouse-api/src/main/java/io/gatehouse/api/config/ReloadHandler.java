package io.gatehouse.api.config;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard: runs hot-reload actions. Registered with the service property {@link #ACTIONS}
 * naming the actions it handles ({@code reload-routing}; {@code restart-channel:*} matches every
 * {@code restart-channel:<id>}). Called after the new config is in force.
 */
@ConsumerType
public interface ReloadHandler {

    /** Service property (String or String[]): the actions this handler runs. */
    String ACTIONS = "gatehouse.reload.actions";

    void apply(String action, ReloadPlan plan, ConfigSnapshot config) throws Exception;
}
