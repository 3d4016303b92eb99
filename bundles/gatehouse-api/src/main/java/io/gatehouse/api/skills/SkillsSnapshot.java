package io.gatehouse.api.skills;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/** The skills an agent may use, as of the last skills reload. */
@ProviderType
public interface SkillsSnapshot {

    /**
     * A skill.
     *
     * @param name        skill name
     * @param description one line for the prompt
     * @param location    where its SKILL.md lives
     */
    record Skill(String name, String description, String location) {
    }

    List<Skill> skillsFor(String agentId);
}
