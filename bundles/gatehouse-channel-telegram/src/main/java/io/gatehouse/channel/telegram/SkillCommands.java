package io.gatehouse.channel.telegram;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import io.gatehouse.api.skills.SkillsSnapshot;

/** Skills as Telegram commands: names Telegram accepts, and only the skills users may invoke. */
final class SkillCommands {
    private SkillCommands() {
    }

    /** A command name Telegram accepts: 1-32 of a-z, 0-9 and _; empty when nothing is left. */
    static String commandName(String skill) {
        String n = skill.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]+", "_").replaceAll("_+", "_").replaceAll("^_|_$", "");
        return n.length() > 32 ? n.substring(0, 32) : n;
    }

    /** A description Telegram accepts (1-256 characters). */
    static String description(String d) {
        String s = d == null || d.isBlank() ? "Run this skill" : d.strip().replaceAll("\\s+", " ");
        return s.length() > 256 ? s.substring(0, 255) + "…" : s;
    }

    /**
     * Whether users may invoke the skill: its SKILL.md front matter does not say {@code user-invocable: false}
     * (the default is true, as in the reference). A skill whose file cannot be read counts as invocable.
     */
    static boolean userInvocable(SkillsSnapshot.Skill s) {
        if (s.location() == null) {
            return true;
        }
        Path p = Path.of(s.location());
        if (Files.isDirectory(p)) {
            p = p.resolve("SKILL.md");
        }
        try {
            if (!Files.isRegularFile(p) || Files.size(p) > 256 * 1024) {
                return true;
            }
            String[] lines = Files.readString(p, StandardCharsets.UTF_8).split("\\R");
            if (lines.length == 0 || !lines[0].strip().equals("---")) {
                return true;
            }
            for (int i = 1; i < lines.length && !lines[i].strip().equals("---"); i++) {
                String l = lines[i].strip();
                if (l.startsWith("user-invocable:")) {
                    String v = l.substring("user-invocable:".length()).strip().replaceAll("^[\"']|[\"']$", "");
                    return !v.equalsIgnoreCase("false");
                }
            }
            return true;
        } catch (IOException | RuntimeException e) {
            return true;
        }
    }
}
