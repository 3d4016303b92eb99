package io.gatehouse.api.config;

import java.util.List;

/**
 * How changes under a config prefix take effect.
 *
 * @param prefix  dotted config path prefix ({@code bindings}, {@code channels.telegram}, {@code gateway.reload});
 *                matches the path itself and everything below it; the longest matching prefix wins
 * @param kind    {@link Kind#HOT} (apply in place with {@code actions}), {@link Kind#RESTART} (framework
 *                restart) or {@link Kind#NONE} (nothing to do)
 * @param actions for HOT: the actions to run, e.g. {@code reload-routing}, {@code restart-channel:telegram}
 *                {@code {id}} in an action stands for the path segment right below the prefix
 *                ({@code restart-channel:{id}} on {@code channels} restarts {@code telegram} for
 *                {@code channels.telegram.botToken}); a path with no segment there requires a restart
 */
public record ReloadRule(String prefix, Kind kind, List<String> actions) {

    public enum Kind {
        HOT, RESTART, NONE
    }

    public ReloadRule {
        actions = actions == null ? List.of() : List.copyOf(actions);
    }

    public static ReloadRule hot(String prefix, String... actions) {
        return new ReloadRule(prefix, Kind.HOT, List.of(actions));
    }

    public static ReloadRule restart(String prefix) {
        return new ReloadRule(prefix, Kind.RESTART, List.of());
    }

    public static ReloadRule none(String prefix) {
        return new ReloadRule(prefix, Kind.NONE, List.of());
    }

    /** Whether {@code path} is this prefix or below it ({@code a.b} matches {@code a.b} and {@code a.b.c}, not {@code a.bc}). */
    public boolean matches(String path) {
        return path.equals(prefix) || path.startsWith(prefix + ".");
    }
}
