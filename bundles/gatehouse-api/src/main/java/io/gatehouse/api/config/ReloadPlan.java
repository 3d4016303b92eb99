package io.gatehouse.api.config;

import java.util.List;

/**
 * What a set of changed paths requires. Field names follow the reference gateway's plan object.
 *
 * @param changedPaths    the paths the plan was made for
 * @param restartGateway  a framework restart is required
 * @param restartReasons  the paths that require it
 * @param hotReasons      paths applied in place
 * @param noopPaths       paths that need nothing
 * @param actions         hot actions to run, in order, without duplicates
 * @param restartChannels channel ids to restart in process
 * @param noop            nothing to do at all
 * @param inert           paths accepted and kept that nothing applies now, each as {@code path: why}
 *                        ({@code skills.load: inert: owner io.gatehouse.skills not active},
 *                        {@code cron: ignored: not implemented by Gatehouse})
 */
public record ReloadPlan(List<String> changedPaths, boolean restartGateway, List<String> restartReasons,
        List<String> hotReasons, List<String> noopPaths, List<String> actions, List<String> restartChannels,
        boolean noop, List<String> inert) {

    public ReloadPlan {
        inert = inert == null ? List.of() : List.copyOf(inert);
    }

    /** A plan with nothing inert (the shape of version 0.1). */
    public ReloadPlan(List<String> changedPaths, boolean restartGateway, List<String> restartReasons,
            List<String> hotReasons, List<String> noopPaths, List<String> actions, List<String> restartChannels,
            boolean noop) {
        this(changedPaths, restartGateway, restartReasons, hotReasons, noopPaths, actions, restartChannels, noop,
                List.of());
    }
}
