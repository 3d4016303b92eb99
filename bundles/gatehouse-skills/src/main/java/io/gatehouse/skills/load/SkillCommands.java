package io.gatehouse.skills.load;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.gatehouse.api.skills.SkillsSnapshot.Command;
import io.gatehouse.api.skills.SkillsSnapshot.Invocation;

/**
 * Skill chat commands as the reference builds and matches them: the name is the skill name in lower
 * case with runs of other characters than {@code a-z 0-9 _} made one {@code _}, trimmed of {@code _},
 * cut to 32 characters ({@code skill} when nothing is left), made unique with {@code _2}, {@code _3}...;
 * {@code /<command> args} or {@code /skill <name> args} invokes it, and the turn gets
 * {@code Use the "<skill>" skill for this request.} plus {@code User input:} and the args.
 */
public final class SkillCommands {
    static final int MAX_LENGTH = 32;
    static final int DESCRIPTION_MAX = 100;
    /** Names chat commands of the gateway itself use (or channels commonly reserve). */
    public static final Set<String> RESERVED = Set.of("skill", "help", "commands", "status", "new", "reset", "stop",
            "start", "whoami");
    private static final Pattern INVOCATION = Pattern.compile("^/([^\\s]+)(?:\\s+([\\s\\S]+))?$");

    private SkillCommands() {
    }

    public static String sanitize(String raw) {
        String n = raw.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]+", "_").replaceAll("_+", "_")
                .replaceAll("^_+|_+$", "");
        if (n.length() > MAX_LENGTH) {
            n = n.substring(0, MAX_LENGTH);
        }
        return n.isEmpty() ? "skill" : n;
    }

    static String unique(String base, Set<String> used) {
        if (!used.contains(base.toLowerCase(Locale.ROOT))) {
            return base;
        }
        for (int i = 2; i < 1000; i++) {
            String suffix = "_" + i;
            String candidate = base.substring(0, Math.min(base.length(), Math.max(1, MAX_LENGTH - suffix.length()))) + suffix;
            if (!used.contains(candidate.toLowerCase(Locale.ROOT))) {
                return candidate;
            }
        }
        return base.substring(0, Math.min(base.length(), MAX_LENGTH - 2)) + "_x";
    }

    /** Commands for user-invocable skills (name, description), in the given order. */
    public static List<Command> build(List<ParsedSkill> skills) {
        Set<String> used = new HashSet<>(RESERVED);
        List<Command> out = new ArrayList<>();
        for (ParsedSkill s : skills) {
            String name = unique(sanitize(s.name()), used);
            used.add(name.toLowerCase(Locale.ROOT));
            String d = s.description().isBlank() ? s.name() : s.description().trim();
            if (d.length() > DESCRIPTION_MAX) {
                d = d.substring(0, DESCRIPTION_MAX - 1) + "\u2026";
            }
            out.add(new Command(name, s.name(), d));
        }
        return out;
    }

    /** The invocation a message is, or empty. A {@code @bot} suffix of the command word is ignored. */
    public static Optional<Invocation> resolve(List<Command> commands, String text) {
        if (text == null) {
            return Optional.empty();
        }
        String trimmed = text.trim();
        if (!trimmed.startsWith("/")) {
            return Optional.empty();
        }
        Matcher m = INVOCATION.matcher(trimmed);
        if (!m.matches()) {
            return Optional.empty();
        }
        String word = m.group(1).trim().toLowerCase(Locale.ROOT);
        int at = word.indexOf('@');
        if (at > 0) {
            word = word.substring(0, at);
        }
        String rest = m.group(2);
        Command hit = null;
        String args;
        if (word.equals("skill")) {
            if (rest == null || rest.isBlank()) {
                return Optional.empty();
            }
            Matcher sm = Pattern.compile("^([^\\s]+)(?:\\s+([\\s\\S]+))?$").matcher(rest.trim());
            if (!sm.matches()) {
                return Optional.empty();
            }
            hit = find(commands, sm.group(1));
            args = sm.group(2);
        } else {
            for (Command c : commands) {
                if (c.name().toLowerCase(Locale.ROOT).equals(word)) {
                    hit = c;
                    break;
                }
            }
            args = rest;
        }
        if (hit == null) {
            return Optional.empty();
        }
        String a = args == null || args.isBlank() ? null : args.trim();
        return Optional.of(new Invocation(hit, a, prompt(hit.skillName(), a)));
    }

    /** The reference's rewrite of an invoked skill command. */
    public static String prompt(String skillName, String args) {
        return "Use the \"" + skillName + "\" skill for this request." + (args == null ? "" : "\n\nUser input:\n" + args);
    }

    private static Command find(List<Command> commands, String raw) {
        String lowered = raw.trim().toLowerCase(Locale.ROOT);
        String normalized = lookup(raw);
        for (Command c : commands) {
            if (c.name().toLowerCase(Locale.ROOT).equals(lowered) || c.skillName().toLowerCase(Locale.ROOT).equals(lowered)
                    || lookup(c.name()).equals(normalized) || lookup(c.skillName()).equals(normalized)) {
                return c;
            }
        }
        return null;
    }

    private static String lookup(String s) {
        return s.trim().toLowerCase(Locale.ROOT).replaceAll("[\\s_]+", "-");
    }
}
