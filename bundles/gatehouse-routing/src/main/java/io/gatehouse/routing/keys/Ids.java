package io.gatehouse.routing.keys;

/** The id grammar shared by agent and account ids: {@code ^[a-z0-9][a-z0-9_-]{0,63}$}, case-insensitive. */
final class Ids {
    private Ids() {
    }

    static boolean isValid(String s) {
        int n = s.length();
        if (n == 0 || n > 64 || !alnum(s.charAt(0))) {
            return false;
        }
        for (int i = 1; i < n; i++) {
            char c = s.charAt(i);
            if (!alnum(c) && c != '_' && c != '-') {
                return false;
            }
        }
        return true;
    }

    private static boolean alnum(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    /**
     * {@code s.replace(/[^a-z0-9_-]+/g, "-").replace(/^-+/, "").replace(/-+$/, "").slice(0, 64)} on an
     * already lower-cased string.
     */
    static String collapse(String lowered) {
        StringBuilder b = new StringBuilder(lowered.length());
        boolean inRun = false;
        for (int i = 0; i < lowered.length(); i++) {
            char c = lowered.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
            if (ok) {
                b.append(c);
                inRun = false;
            } else if (!inRun) {
                b.append('-');
                inRun = true;
            }
        }
        int start = 0;
        int end = b.length();
        while (start < end && b.charAt(start) == '-') {
            start++;
        }
        while (end > start && b.charAt(end - 1) == '-') {
            end--;
        }
        String out = b.substring(start, end);
        return out.length() > 64 ? out.substring(0, 64) : out;
    }
}
