package io.gatehouse.skills.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.gatehouse.api.skills.SkillsSnapshot.Command;
import io.gatehouse.api.skills.SkillsSnapshot.Invocation;

class SkillCommandsTest {

    static ParsedSkill skill(String name) {
        return new ParsedSkill(name, "does " + name, null, true, false, null, null, SkillMeta.NONE, "");
    }

    @Test
    void namesAreSanitisedCutAndMadeUnique() {
        assertEquals("my_skill", SkillCommands.sanitize("My Skill!"));
        assertEquals("skill", SkillCommands.sanitize("---"));
        assertEquals(32, SkillCommands.sanitize("x".repeat(50)).length());
        List<Command> cmds = SkillCommands.build(List.of(skill("git-hub"), skill("git hub"), skill("help"), skill("Status")));
        assertEquals(List.of("git_hub", "git_hub_2", "help_2", "status_2"), cmds.stream().map(Command::name).toList());
        assertEquals("git hub", cmds.get(1).skillName());
        Command longOne = SkillCommands.build(List.of(new ParsedSkill("a", "d".repeat(150), null, true, false, null, null,
                SkillMeta.NONE, ""))).get(0);
        assertEquals(100, longOne.description().length());
    }

    @Test
    void slashCommandsInvokeWithTheReferencesRewrite() {
        List<Command> cmds = SkillCommands.build(List.of(skill("weather"), skill("git-hub")));
        Invocation i = SkillCommands.resolve(cmds, "  /weather  London tomorrow ").orElseThrow();
        assertEquals("weather", i.command().skillName());
        assertEquals("London tomorrow", i.args());
        assertEquals("Use the \"weather\" skill for this request.\n\nUser input:\nLondon tomorrow", i.prompt());
        Invocation bare = SkillCommands.resolve(cmds, "/WEATHER").orElseThrow();
        assertNull(bare.args());
        assertEquals("Use the \"weather\" skill for this request.", bare.prompt());
        assertEquals("git-hub", SkillCommands.resolve(cmds, "/skill git-hub list issues").orElseThrow().command().skillName());
        assertEquals("git-hub", SkillCommands.resolve(cmds, "/skill git_hub").orElseThrow().command().skillName());
        assertEquals("weather", SkillCommands.resolve(cmds, "/weather@gatehouse_bot x").orElseThrow().command().skillName());
        assertTrue(SkillCommands.resolve(cmds, "/unknown x").isEmpty());
        assertTrue(SkillCommands.resolve(cmds, "weather x").isEmpty());
        assertTrue(SkillCommands.resolve(cmds, "/skill").isEmpty());
        assertTrue(SkillCommands.resolve(cmds, "/").isEmpty());
    }
}
