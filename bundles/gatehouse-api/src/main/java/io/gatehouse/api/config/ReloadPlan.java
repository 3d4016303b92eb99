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
 */
public record ReloadPlan(List<String> changedPaths, boolean restartGateway, List<String> restartReasons,
        List<String> hotReasons, List<String> noopPaths, List<String> actions, List<String> restartChannels,
        boolean noop) {
}
