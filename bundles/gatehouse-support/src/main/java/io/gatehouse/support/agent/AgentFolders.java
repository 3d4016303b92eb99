package io.gatehouse.support.agent;

import java.util.Locale;

/**
 * The folder name of an agent id, the one rule the sessions ({@code data/agents/<id>/}), the skills and
 * the memory index ({@code data/memory/<id>/}) share, so that an agent's files are found by each of them.
 * It is routing's agent id normalisation (the reference's {@code normalizeAgentId}), so a routed id is its own
 * folder name and an id written in the config finds the same folder: trimmed; an id of the grammar
 * {@code [a-z0-9][a-z0-9_-]{0,63}} (any case) lower-cased; anything else lower-cased with each run of
 * characters outside {@code a-z 0-9 _ -} replaced by one {@code -}, no {@code -} at either end, 64 characters
 * at most; {@code main} when nothing is left. ({@code RoutingAgentFoldersTest} in the routing bundle holds
 * the two to the same answers.)
 */
public final class AgentFolders {
    private static final String MAIN = "main";

    private AgentFolders() {
    }

    public static String name(String agentId) {
        String trimmed = agentId == null ? "" : agentId.strip();
        if (trimmed.isEmpty()) {
            return MAIN;
        }
        if (isId(trimmed)) {
            return trimmed.toLowerCase(Locale.ROOT); // what routing gives is returned as it is, nothing allocated
        }
        String lowered = trimmed.toLowerCase(Locale.ROOT);
        StringBuilder b = new StringBuilder(lowered.length());
        boolean inRun = false;
        for (int i = 0; i < lowered.length(); i++) {
            char c = lowered.charAt(i);
            if (allowed(c)) {
                b.append(c);
                inRun = false;
            } else if (!inRun) {
                b.append('-');
                inRun = true;
            }
        }
        int from = 0;
        int to = b.length();
        while (from < to && b.charAt(from) == '-') {
            from++;
        }
        while (to > from && b.charAt(to - 1) == '-') {
            to--;
        }
        String out = b.substring(from, Math.min(to, from + 64));
        return out.isEmpty() ? MAIN : out;
    }

    /** The id grammar {@code [a-z0-9][a-z0-9_-]{0,63}}, ASCII letters of either case. */
    private static boolean isId(String id) {
        int n = id.length();
        if (n > 64) {
            return false;
        }
        char first = id.charAt(0);
        if (first == '_' || first == '-' || !allowed(first) && !(first >= 'A' && first <= 'Z')) {
            return false;
        }
        for (int i = 1; i < n; i++) {
            char c = id.charAt(i);
            if (!allowed(c) && !(c >= 'A' && c <= 'Z')) {
                return false;
            }
        }
        return true;
    }

    private static boolean allowed(char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    }
}
