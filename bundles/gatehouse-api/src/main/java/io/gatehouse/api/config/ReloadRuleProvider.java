package io.gatehouse.api.config;

import java.util.List;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard: each subsystem registers the config prefixes it owns, their kind and its actions
 * (routing owns {@code bindings}, {@code agents}, {@code session}; a channel bundle owns
 * {@code channels.<id>} as hot with {@code restart-channel:<id>}). The planner consults every
 * registered provider on every plan, so a rule arrives and leaves with its bundle.
 */
@ConsumerType
public interface ReloadRuleProvider {
    List<ReloadRule> reloadRules();
}
