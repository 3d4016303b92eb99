package io.gatehouse.skills;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import io.gatehouse.api.agent.AgentTool;
import io.gatehouse.api.skills.SkillsSnapshot;

/**
 * The {@code skills.read} agent tool: loads the instructions of one of the calling agent's skills when
 * the model asks for it (the prompt lists only name, description and location), or a file of the
 * skill's folder ({@code file}, relative to it). Reads happen on the caller's thread and are short
 * (local files, at most 4 x {@code skills.limits.maxSkillFileBytes}).
 */
@Component(property = AgentTool.NAME + "=" + SkillsReadTool.NAME)
public final class SkillsReadTool implements AgentTool {
    static final String NAME = "skills.read";

    private final SkillsSnapshot skills;

    @Activate
    public SkillsReadTool(@Reference SkillsSnapshot skills) {
        this.skills = skills;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Load the instructions of one of your skills (listed in <available_skills>) before using it: returns the"
                + " skill's SKILL.md instructions. With `file`, returns that file of the skill's folder instead"
                + " (a path relative to the folder, as the instructions reference it).";
    }

    @Override
    public Map<String, Object> parameters() {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("name", Map.of("type", "string", "description", "the skill's <name>"));
        props.put("file", Map.of("type", "string", "description", "optional: a file of the skill's folder, e.g. references/api.md"));
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", "object");
        schema.put("properties", props);
        schema.put("required", List.of("name"));
        schema.put("additionalProperties", false);
        return schema;
    }

    @Override
    public CompletionStage<String> call(Map<String, Object> arguments, Context context) {
        CompletableFuture<String> out = new CompletableFuture<>();
        try {
            Object n = arguments == null ? null : arguments.get("name");
            if (!(n instanceof String name) || name.isBlank()) {
                throw new IllegalArgumentException("skills.read needs the argument \"name\": the skill's <name>");
            }
            Object f = arguments.get("file");
            String agent = context == null ? null : context.agentId();
            Optional<String> text = f instanceof String file && !file.isBlank()
                    ? skills.resource(agent, name.trim(), file)
                    : skills.body(agent, name.trim());
            if (text.isEmpty()) {
                List<String> known = skills.forAgent(agent).skills().stream().map(SkillsSnapshot.Skill::name).toList();
                throw new IllegalArgumentException(f instanceof String file && !file.isBlank()
                        ? "skill \"" + name + "\" has no file \"" + file + "\""
                        : "no skill \"" + name + "\" for this agent (skills: " + String.join(", ", known) + ")");
            }
            out.complete(text.get());
        } catch (Exception e) {
            out.completeExceptionally(e);
        }
        return out;
    }
}
