package io.gatehouse.skills.load;

/**
 * A SKILL.md as read: its front matter and where its body starts.
 *
 * @param name                   front matter {@code name}
 * @param description            front matter {@code description}
 * @param homepage               front matter {@code homepage} (else {@code metadata.openclaw.homepage}), or null
 * @param userInvocable          {@code user-invocable} (default true): a chat command {@code /name}
 * @param disableModelInvocation {@code disable-model-invocation} (default false): kept out of the prompt
 * @param commandDispatch        {@code command-dispatch} ({@code tool}), or null
 * @param commandTool            {@code command-tool}, or null
 * @param meta                   {@code metadata.openclaw}
 * @param body                   the Markdown after the front matter
 */
public record ParsedSkill(String name, String description, String homepage, boolean userInvocable,
        boolean disableModelInvocation, String commandDispatch, String commandTool, SkillMeta meta, String body) {

    /** The key of the skill's {@code skills.entries} entry. */
    public String key() {
        return meta.skillKey() != null ? meta.skillKey() : name;
    }
}
