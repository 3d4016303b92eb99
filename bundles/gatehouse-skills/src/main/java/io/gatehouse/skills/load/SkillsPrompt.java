package io.gatehouse.skills.load;

import java.util.List;

import io.gatehouse.api.skills.SkillsSnapshot.Skill;

/**
 * The skills block of an agent's system prompt, in the reference's form: the "Skills (mandatory)"
 * instructions, then an {@code <available_skills>} list of name, description and location (XML-escaped).
 * The model loads a skill's instructions with the {@code skills.read} tool. At most {@code maxSkills}
 * skills and {@code maxChars} characters of list; what does not fit is counted in a last line.
 */
public final class SkillsPrompt {
    public static final String TOOL = "skills.read";

    private SkillsPrompt() {
    }

    public static String format(List<Skill> skills, int maxSkills, int maxChars) {
        if (skills.isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        b.append("## Skills (mandatory)\n");
        b.append("Before replying: scan <available_skills> <description> entries.\n");
        b.append("- If exactly one skill clearly applies: load its instructions with `").append(TOOL)
                .append("` (name: the skill's <name>), then follow them.\n");
        b.append("- If multiple could apply: choose the most specific one, then load and follow it.\n");
        b.append("- If none clearly apply: do not load any skill.\n");
        b.append("Constraints: never load more than one skill up front; only load after selecting.\n\n");
        b.append("The following skills provide specialized instructions for specific tasks.\n");
        b.append("Use the ").append(TOOL).append(" tool to load a skill's file when the task matches its description.\n");
        b.append("When a skill file references a relative path, load it with ").append(TOOL)
                .append(" and that path as `file` (relative to the skill's folder, the parent of <location>).\n\n");
        b.append("<available_skills>\n");
        int listed = 0;
        int chars = 0;
        for (Skill s : skills) {
            String entry = "  <skill>\n    <name>" + xml(s.name()) + "</name>\n    <description>" + xml(s.description())
                    + "</description>\n    <location>" + xml(s.location()) + "</location>\n  </skill>\n";
            if (listed >= maxSkills || chars + entry.length() > maxChars) {
                break;
            }
            b.append(entry);
            listed++;
            chars += entry.length();
        }
        b.append("</available_skills>");
        if (listed < skills.size()) {
            b.append("\n(").append(skills.size() - listed).append(" more skills not listed: skills.limits)");
        }
        return b.toString();
    }

    static String xml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&apos;");
    }
}
