package io.gatehouse.config.plan;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import io.gatehouse.api.config.ReloadPlan;
import io.gatehouse.api.config.ReloadRule;

/**
 * Classifies changed config paths by a rule table and aggregates them into a {@link ReloadPlan}.
 *
 * <p>Each path takes the rule with the longest matching prefix over all rules ({@link ReloadRule#matches}:
 * {@code a.b} covers {@code a.b} and {@code a.b.c}, never {@code a.bc}). Between rules with the same
 * prefix the one listed first wins, so callers list the rules of bundle-contributed providers before
 * the built-in defaults ({@link DefaultReloadRules} registers with the lowest service ranking). A path
 * no rule covers requires a restart: the safe default.
 *
 * <p>A hot action may contain {@link #ID}, replaced by the path segment right below the rule's prefix:
 * the default {@code channels} rule is {@code restart-channel:{id}}, so {@code channels.telegram.botToken}
 * yields {@code restart-channel:telegram}. A path with no segment below the prefix ({@code channels}
 * itself, i.e. the whole section added, removed or replaced) cannot name what to restart in place and
 * requires a restart.
 */
public final class ReloadPlanner {

    /** Placeholder in a hot action for the path segment right below the rule's prefix. */
    public static final String ID = "{id}";

    /** Prefix of the actions that restart one channel in process; the rest of the action is its id. */
    public static final String RESTART_CHANNEL = "restart-channel:";

    private ReloadPlanner() {
    }

    /**
     * The plan for {@code changedPaths} under {@code rules}.
     *
     * <ul>
     * <li>{@code restartReasons}, {@code hotReasons} and {@code noopPaths}: the paths of each kind, in
     * input order (duplicates kept, as the diff reports them);</li>
     * <li>{@code actions}: the hot actions of the hot paths, without duplicates, in first-seen order;</li>
     * <li>{@code restartChannels}: the ids of the {@code restart-channel:<id>} actions, in the same order;</li>
     * <li>{@code restartGateway}: some path requires a restart;</li>
     * <li>{@code noop}: no path requires a restart and none is hot.</li>
     * </ul>
     */
    public static ReloadPlan plan(List<String> changedPaths, List<ReloadRule> rules) {
        return plan(changedPaths, rules, Map.of(), action -> true);
    }

    /**
     * As {@link #plan(List, List)}, naming only actions that {@code handled} accepts. A path whose rule
     * is in {@code inert} (a section whose owner is not active, an ignored reference section) needs
     * nothing now and is reported in {@link ReloadPlan#inert()} with that reason; so is a hot path whose
     * actions no handler takes (then it needs nothing either: the new config is in force for readers).
     */
    public static ReloadPlan plan(List<String> changedPaths, List<ReloadRule> rules, Map<ReloadRule, String> inert,
            Predicate<String> handled) {
        List<String> inertPaths = new ArrayList<>();
        List<String> restartReasons = new ArrayList<>();
        List<String> hotReasons = new ArrayList<>();
        List<String> noopPaths = new ArrayList<>();
        Set<String> actions = new LinkedHashSet<>();
        Set<String> channels = new LinkedHashSet<>();
        for (String path : changedPaths) {
            ReloadRule rule = match(path, rules);
            if (rule == null) {
                restartReasons.add(path);
                continue;
            }
            String inertWhy = inert.get(rule);
            if (inertWhy != null) {
                noopPaths.add(path);
                inertPaths.add(path + ": " + inertWhy);
                continue;
            }
            switch (rule.kind()) {
                case NONE -> noopPaths.add(path);
                case RESTART -> restartReasons.add(path);
                case HOT -> {
                    List<String> resolved = resolve(rule, path);
                    if (resolved == null) {
                        restartReasons.add(path);
                        break;
                    }
                    List<String> unhandled = resolved.stream().filter(handled.negate()).toList();
                    if (!unhandled.isEmpty()) {
                        inertPaths.add(path + ": inert: no handler takes " + String.join(", ", unhandled));
                        resolved = resolved.stream().filter(handled).toList();
                        if (resolved.isEmpty()) {
                            noopPaths.add(path);
                            break;
                        }
                    }
                    hotReasons.add(path);
                    for (String action : resolved) {
                        if (actions.add(action) && action.startsWith(RESTART_CHANNEL)
                                && action.length() > RESTART_CHANNEL.length()) {
                            channels.add(action.substring(RESTART_CHANNEL.length()));
                        }
                    }
                }
            }
        }
        boolean restart = !restartReasons.isEmpty();
        return new ReloadPlan(List.copyOf(changedPaths), restart, List.copyOf(restartReasons),
                List.copyOf(hotReasons), List.copyOf(noopPaths), List.copyOf(actions), List.copyOf(channels),
                !restart && hotReasons.isEmpty(), List.copyOf(inertPaths));
    }

    /**
     * The diff reports an added or removed object by its own path ({@code plugins} when the first
     * {@code plugins.entries...} is written into a config without that section). When no rule covers
     * such a path but rules exist below it, plan it by its members instead, so adding
     * {@code plugins: {entries: ...}} is as hot as changing {@code plugins.entries} (and adding
     * {@code plugins: {installs: ...}} still restarts). Paths are dotted as the diff reports them.
     *
     * @param before the config before (plain Java values), {@code after} the one after
     */
    public static List<String> refine(List<String> changedPaths, Map<String, Object> before, Map<String, Object> after,
            List<ReloadRule> rules) {
        List<String> out = new ArrayList<>();
        for (String path : changedPaths) {
            expand(path, valueAt(before, path), valueAt(after, path), rules, out);
        }
        return out;
    }

    private static void expand(String path, Object before, Object after, List<ReloadRule> rules, List<String> out) {
        boolean rulesBelow = rules.stream().anyMatch(r -> r != null && r.prefix() != null && r.prefix().startsWith(path + "."));
        Map<?, ?> members = after instanceof Map<?, ?> a && !(before instanceof Map<?, ?>) ? a
                : before instanceof Map<?, ?> b && !(after instanceof Map<?, ?>) ? b : null;
        if (match(path, rules) != null || !rulesBelow || members == null || members.isEmpty()) {
            out.add(path);
            return;
        }
        for (Map.Entry<?, ?> e : members.entrySet()) {
            String child = path + "." + e.getKey();
            expand(child, before instanceof Map<?, ?> b ? b.get(e.getKey()) : null,
                    after instanceof Map<?, ?> a ? a.get(e.getKey()) : null, rules, out);
        }
    }

    private static Object valueAt(Map<String, Object> root, String dotted) {
        Object at = root;
        for (String segment : dotted.split("\\.", -1)) {
            if (!(at instanceof Map<?, ?> m)) {
                return null;
            }
            at = m.get(segment);
        }
        return at;
    }

    /** The rule with the longest prefix covering {@code path}; the first listed among equals; or null. */
    public static ReloadRule match(String path, List<ReloadRule> rules) {
        ReloadRule best = null;
        for (ReloadRule rule : rules) {
            if (rule == null || rule.prefix() == null || rule.prefix().isEmpty() || !rule.matches(path)) {
                continue;
            }
            if (best == null || rule.prefix().length() > best.prefix().length()) {
                best = rule;
            }
        }
        return best;
    }

    /** The rule's actions with {@link #ID} replaced, or null when the path has no segment to replace it with. */
    private static List<String> resolve(ReloadRule rule, String path) {
        if (rule.actions().stream().noneMatch(a -> a.contains(ID))) {
            return rule.actions();
        }
        if (path.length() <= rule.prefix().length() + 1) {
            return null;
        }
        String rest = path.substring(rule.prefix().length() + 1);
        int dot = rest.indexOf('.');
        String id = dot < 0 ? rest : rest.substring(0, dot);
        if (id.isEmpty()) {
            return null;
        }
        return rule.actions().stream().map(a -> a.replace(ID, id)).toList();
    }
}
