package io.gatehouse.skills.load;

import java.nio.file.Path;

/**
 * A loaded skill.
 *
 * @param skill     what its SKILL.md says
 * @param root      where it was found
 * @param location  its SKILL.md: the file path, or {@code plugin:<bsn>!/<entry>}
 * @param file      the SKILL.md file, or null for a plugin skill
 * @param entryPath the SKILL.md entry in the plugin jar, or null for a file
 * @param hash      SHA-256 (hex, 32 characters) of the SKILL.md bytes
 */
public record SkillEntry(ParsedSkill skill, Root root, String location, Path file, String entryPath, String hash) {

    public String name() {
        return skill.name();
    }

    /** The skill's folder: its file's parent, or the entry's folder in the jar (ending without {@code /}). */
    public String folder() {
        if (file != null) {
            return file.getParent().toString();
        }
        int slash = entryPath.lastIndexOf('/');
        return slash < 0 ? "" : entryPath.substring(0, slash);
    }
}
