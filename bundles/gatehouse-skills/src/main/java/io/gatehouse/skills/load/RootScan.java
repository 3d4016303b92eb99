package io.gatehouse.skills.load;

import java.nio.file.Path;
import java.util.List;

/**
 * What one root held at its last scan.
 *
 * @param root      the root
 * @param exists    whether the folder exists (always true for a plugin)
 * @param skills    loaded skills, one per name, in path order
 * @param problems  files that could not be loaded
 * @param unsettled SKILL.md files that failed to load while still being written (modified moments
 *                  ago): neither loaded nor reported yet, looked at again once they settle
 */
public record RootScan(Root root, boolean exists, List<SkillEntry> skills, List<Problem> problems, List<Path> unsettled) {
    public RootScan {
        skills = List.copyOf(skills);
        problems = List.copyOf(problems);
        unsettled = List.copyOf(unsettled);
    }
}
