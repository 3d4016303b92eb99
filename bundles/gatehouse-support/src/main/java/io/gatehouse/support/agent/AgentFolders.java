package io.gatehouse.support.agent;

import java.util.Locale;

/**
 * The folder name of an agent id, the one rule the sessions ({@code data/agents/<id>/}), the skills and
 * the memory index ({@code data/memory/<id>/}) share, so that an agent's files are found by each of them:
 * lower case, {@code a-z 0-9 _ -}, other runs collapsed to one {@code -}, no {@code -} at either end, 64
 * characters at most, {@code main} when nothing is left.
 */
public final class AgentFolders {
    private AgentFolders() {
    }

    public static String name(String agentId) {
        if (agentId != null && isPlain(agentId)) {
            return agentId; // what routing gives: nothing to change, nothing to allocate
        }
        String lowered = agentId == null ? "" : agentId.trim().toLowerCase(Locale.ROOT);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < lowered.length(); i++) {
            char c = lowered.charAt(i);
            if (allowed(c)) {
                b.append(c);
            } else if (b.length() > 0 && b.charAt(b.length() - 1) != '-') {
                b.append('-');
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
        return out.isEmpty() ? "main" : out;
    }

    /** Already a folder name: 1-64 of {@code a-z 0-9 _ -}, not starting or ending with {@code -}. */
    private static boolean isPlain(String id) {
        int n = id.length();
        if (n == 0 || n > 64 || id.charAt(0) == '-' || id.charAt(n - 1) == '-') {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (!allowed(id.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean allowed(char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    }
}
