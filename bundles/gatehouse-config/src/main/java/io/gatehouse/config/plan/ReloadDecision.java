package io.gatehouse.config.plan;

import java.util.List;
import java.util.Objects;

import io.gatehouse.api.config.ReloadPlan;

/**
 * What to do with a {@link ReloadPlan} under a {@link ReloadMode}.
 *
 * @param mode                  the mode decided under
 * @param outcome               {@link Outcome#NOTHING}, {@link Outcome#HOT} (run {@code plan.actions()} in place)
 *                              or {@link Outcome#RESTART} (restart the framework; no hot actions run)
 * @param plan                  the plan decided on
 * @param ignoredRestartReasons paths that require a restart which the mode does not carry out (hot mode)
 * @param warn                  the description should be logged as a warning rather than info
 * @param description           one log line saying what is done and why
 */
public record ReloadDecision(ReloadMode mode, Outcome outcome, ReloadPlan plan, List<String> ignoredRestartReasons,
        boolean warn, String description) {

    /** What the reloader does. */
    public enum Outcome {
        NOTHING, HOT, RESTART
    }

    public ReloadDecision {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(plan, "plan");
        ignoredRestartReasons = ignoredRestartReasons == null ? List.of() : List.copyOf(ignoredRestartReasons);
    }

    /**
     * Decides, in this order:
     * <ol>
     * <li>a no-op plan: nothing, in every mode;</li>
     * <li>{@code off}: nothing;</li>
     * <li>{@code restart}: restart, even when every change could be applied in place;</li>
     * <li>{@code hybrid}: restart when the plan requires it, otherwise apply in place;</li>
     * <li>{@code hot}: apply the hot paths in place; paths that require a restart are reported (warning)
     *     and not carried out; nothing at all when no path is hot.</li>
     * </ol>
     */
    public static ReloadDecision decide(ReloadMode mode, ReloadPlan plan) {
        ReloadMode m = mode == null ? ReloadMode.HYBRID : mode;
        if (plan.noop()) {
            String what = plan.changedPaths().isEmpty() ? "nothing changed"
                    : "no-op (" + String.join(", ", plan.noopPaths()) + ")";
            return new ReloadDecision(m, Outcome.NOTHING, plan, List.of(), false, "config reload: " + what);
        }
        return switch (m) {
            case OFF -> new ReloadDecision(m, Outcome.NOTHING, plan, List.of(), false,
                    "config reload disabled (gateway.reload.mode=off); not applied: " + join(changes(plan)));
            case RESTART -> new ReloadDecision(m, Outcome.RESTART, plan, List.of(), false,
                    "config reload: restarting gateway (gateway.reload.mode=restart) for " + join(changes(plan)));
            case HYBRID -> plan.restartGateway()
                    ? new ReloadDecision(m, Outcome.RESTART, plan, List.of(), false,
                            "config reload: restarting gateway for " + join(plan.restartReasons()))
                    : hot(m, plan, List.of(), false, "");
            case HOT -> {
                if (!plan.restartGateway()) {
                    yield hot(m, plan, List.of(), false, "");
                }
                String warning = "config reload requires gateway restart; hot mode ignoring ("
                        + join(plan.restartReasons()) + ")";
                yield plan.hotReasons().isEmpty()
                        ? new ReloadDecision(m, Outcome.NOTHING, plan, plan.restartReasons(), true, warning)
                        : hot(m, plan, plan.restartReasons(), true, warning + "; ");
            }
        };
    }

    private static ReloadDecision hot(ReloadMode m, ReloadPlan plan, List<String> ignored, boolean warn,
            String lead) {
        String actions = plan.actions().isEmpty() ? "" : " (actions: " + join(plan.actions()) + ")";
        return new ReloadDecision(m, Outcome.HOT, plan, ignored, warn,
                (lead.isEmpty() ? "config reload: " : lead) + "applying in place " + join(plan.hotReasons())
                        + actions);
    }

    /** The paths that are not no-ops, in plan order. */
    private static List<String> changes(ReloadPlan plan) {
        return plan.changedPaths().stream().filter(p -> !plan.noopPaths().contains(p)).toList();
    }

    private static String join(List<String> items) {
        return String.join(", ", items);
    }
}
