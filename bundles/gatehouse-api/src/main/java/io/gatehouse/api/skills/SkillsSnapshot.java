package io.gatehouse.api.skills;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The skills an agent may use, always as of the skill folders, plugins and config in force: the
 * provider watches them and moves {@link #version(String)} on every change of any input (a SKILL.md,
 * a root, an eligibility input, an entry, an agent's filter), so a consumer that rebuilds what it
 * derived when the version moved never works from a stale list.
 */
@ProviderType
public interface SkillsSnapshot {

    /**
     * A skill as the model sees it.
     *
     * @param name        skill name (front matter {@code name})
     * @param description one line for the prompt (front matter {@code description})
     * @param location    where its SKILL.md lives (a file path, or {@code plugin:<bundle>!/<entry>} for a
     *                    skill shipped in a plugin jar)
     */
    record Skill(String name, String description, String location) {
    }

    /**
     * A user-invocable skill as a chat command: {@code /<name> args}.
     *
     * @param name        the command name without the slash (the skill name made command-safe:
     *                    lower case, {@code a-z 0-9 _}, at most 32 characters, unique per agent)
     * @param skillName   the skill it invokes
     * @param description its description, cut to 100 characters
     */
    record Command(String name, String skillName, String description) {
    }

    /**
     * A message that invokes a skill command.
     *
     * @param command the command
     * @param args    what followed the command name (trimmed), or null
     * @param prompt  the text the turn uses instead of the message, in the reference's form:
     *                {@code Use the "<skill>" skill for this request.} and, when there are args,
     *                {@code User input:} followed by them
     */
    record Invocation(Command command, String args, String prompt) {
    }

    /**
     * One agent's view, built once per version and filter and reused until either moves.
     *
     * @param agentId      the agent
     * @param workspaceDir its workspace folder, or null when it has none
     * @param version      {@link #version(String)} when the view was built
     * @param skills       eligible, allowed skills the model may invoke, by name
     * @param commands     chat commands of the eligible, allowed, user-invocable skills
     * @param prompt       the skills block for the system prompt, or {@code ""} when there is no skill
     */
    record AgentSkills(String agentId, String workspaceDir, long version, List<Skill> skills, List<Command> commands,
            String prompt) {
        public AgentSkills {
            skills = List.copyOf(skills);
            commands = List.copyOf(commands);
            prompt = prompt == null ? "" : prompt;
        }
    }

    /** The skills the agent's model sees (eligible, allowed for the agent, model-invocable), by name. */
    List<Skill> skillsFor(String agentId);

    /**
     * The version the agent sees now: the larger of the global version and its workspace's
     * (the reference's {@code getSkillsSnapshotVersion}); 0 until the first change after start.
     */
    long version(String agentId);

    /** The agent's view of the skills now: rebuilt only when {@link #version} moved or its filter changed. */
    AgentSkills forAgent(String agentId);

    /** The skills block of the agent's system prompt (the reference's form), or {@code ""}. */
    default String prompt(String agentId) {
        return forAgent(agentId).prompt();
    }

    /**
     * The skill command a message invokes ({@code /<command> args}, or {@code /skill <name> args}),
     * or empty when the text is not one of the agent's skill commands.
     */
    Optional<Invocation> invocation(String agentId, String text);

    /**
     * The instructions of one of the agent's eligible skills (the SKILL.md after its front matter),
     * read now; empty when the agent has no eligible skill of that name.
     */
    Optional<String> body(String agentId, String name) throws IOException;

    /**
     * A file of the skill's folder ({@code references/api.md}), read now; empty when the agent has no
     * eligible skill of that name or the folder has no such file.
     *
     * @throws IllegalArgumentException when the path leaves the skill's folder
     */
    Optional<String> resource(String agentId, String name, String relativePath) throws IOException;

    /**
     * The environment the skill's commands run with beyond the process's: {@code skills.entries.<key>.env}
     * and {@code apiKey} (as the skill's {@code primaryEnv}). Values are secrets: never log or show them.
     */
    Map<String, String> environment(String agentId, String name);
}
