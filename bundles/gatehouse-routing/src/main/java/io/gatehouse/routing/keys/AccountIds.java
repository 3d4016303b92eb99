package io.gatehouse.routing.keys;

import java.util.Set;

/**
 * Channel account ids as the reference gateway normalises them: short lower-case keys; characters
 * outside {@code [a-z0-9_-]} collapse to {@code -}; prototype-like keys ({@code __proto__}) are refused.
 */
public final class AccountIds {
    public static final String DEFAULT_ACCOUNT_ID = "default";
    private static final Set<String> BLOCKED = Set.of("__proto__", "prototype", "constructor");

    private AccountIds() {
    }

    /** The account id, or {@code default} when it is blank or unusable. */
    public static String normalize(String value) {
        String trimmed = Js.trim(value == null ? "" : value);
        if (trimmed.isEmpty()) {
            return DEFAULT_ACCOUNT_ID;
        }
        String canonical = canonical(trimmed);
        return canonical == null ? DEFAULT_ACCOUNT_ID : canonical;
    }

    /** The account id, or null when it is blank or unusable (absence is meaningful). */
    public static String normalizeOptional(String value) {
        String trimmed = Js.trim(value == null ? "" : value);
        return trimmed.isEmpty() ? null : canonical(trimmed);
    }

    private static String canonical(String value) {
        String lowered = Js.lower(Js.trim(value));
        String canonical = Ids.isValid(value) ? lowered : Ids.collapse(lowered);
        if (canonical.isEmpty() || BLOCKED.contains(lowered) || BLOCKED.contains(canonical)) {
            return null;
        }
        return canonical;
    }
}
