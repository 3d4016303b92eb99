package io.gatehouse.channel.telegram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.gatehouse.api.skills.SkillsSnapshot;

class SkillCommandsTest {
    @TempDir
    Path dir;

    @Test
    void namesTelegramAccepts() {
        assertEquals("weather_report", SkillCommands.commandName("Weather Report!"));
        assertEquals("a".repeat(32), SkillCommands.commandName("a".repeat(40)));
        assertEquals("", SkillCommands.commandName("🎉"));
        assertEquals("Run this skill", SkillCommands.description(" "));
        assertEquals(256, SkillCommands.description("x".repeat(300)).length());
    }

    @Test
    void userInvocableUnlessTheFrontMatterSaysNo() throws Exception {
        Path yes = Files.createDirectories(dir.resolve("yes"));
        Files.writeString(yes.resolve("SKILL.md"), "---\nname: yes\ndescription: d\n---\nbody user-invocable: false\n");
        Path no = Files.createDirectories(dir.resolve("no"));
        Files.writeString(no.resolve("SKILL.md"), "---\nname: no\ndescription: d\nuser-invocable: \"false\"\n---\n");
        assertTrue(SkillCommands.userInvocable(new SkillsSnapshot.Skill("yes", "d", yes.toString())));
        assertFalse(SkillCommands.userInvocable(new SkillsSnapshot.Skill("no", "d", no.resolve("SKILL.md").toString())));
        assertTrue(SkillCommands.userInvocable(new SkillsSnapshot.Skill("gone", "d", dir.resolve("missing").toString())));
    }
}
