package io.gatehouse.api.skills;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard: register as a service to hear of every skills change. Called on the provider's event
 * thread, one event at a time, in order; a listener that throws is logged and the others still hear.
 */
@ConsumerType
public interface SkillsListener {

    void skillsChanged(SkillsChangeEvent event);
}
