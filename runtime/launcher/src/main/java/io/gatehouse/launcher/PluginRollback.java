package io.gatehouse.launcher;

import java.io.IOException;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.gatehouse.launcher.api.StoredPlugin;
import io.gatehouse.launcher.FrameworkGeneration.Started;

/**
 * Starts a framework generation with the staged plugin set. If that set differs from the last good one
 * and a plugin does not resolve or start, or the gateway does not get ready, the set is rolled back to
 * the last good one (recorded as plugin failures) and a generation is started with that instead;
 * clients never reach the failed one, since the gateway socket opens only afterwards.
 */
final class PluginRollback {
    private static final Logger LOG = LoggerFactory.getLogger(PluginRollback.class);

    /** Starts one generation with the given plugins. */
    @FunctionalInterface
    interface Starter {
        Started start(List<StoredPlugin> plugins) throws LaunchException;
    }

    private final PluginStoreFiles store;

    PluginRollback(PluginStoreFiles store) {
        this.store = store;
    }

    /**
     * @param starter      starts a generation
     * @param beforeRetry  runs before a failed generation is stopped for the retry (the admin socket pauses)
     */
    Started start(Starter starter, Runnable beforeRetry) throws LaunchException {
        List<StoredPlugin> tried = store.staged();
        Started started = startWith(starter, tried);
        if (started.pluginProblems() == null && started.ready()) {
            markGood(tried);
            return started;
        }
        String problem = started.pluginProblems() != null ? started.pluginProblems()
                : "the gateway did not get ready within " + FrameworkGeneration.READY_TIMEOUT_MS + " ms";
        List<StoredPlugin> good = store.lastGood();
        if (PluginStoreFiles.sameSet(tried, good)) {
            LOG.error("plugin problem (the plugin set is the last good one, so there is nothing to roll back to): {}", problem);
            return started;
        }
        LOG.error("the new plugin set failed, rolling back to the last good set ({} plugin(s)): {}", good.size(), problem);
        beforeRetry.run();
        FrameworkGeneration.stopQuietly(started.framework());
        try {
            store.rollBack(tried, problem);
        } catch (IOException e) {
            throw new LaunchException("cannot roll back the plugin index in " + store.dir() + ": " + e.getMessage(), e);
        }
        Started again = startWith(starter, store.staged());
        if (again.pluginProblems() != null) {
            LOG.error("the last good plugin set has problems too: {}", again.pluginProblems());
        } else {
            LOG.info("rolled back to the last good plugin set");
        }
        return again;
    }

    private Started startWith(Starter starter, List<StoredPlugin> plugins) throws LaunchException {
        store.startingWith(plugins);
        store.collectGarbage();
        return starter.start(plugins);
    }

    private void markGood(List<StoredPlugin> plugins) {
        try {
            store.markGood(plugins);
        } catch (IOException e) {
            LOG.warn("cannot record the last good plugin set in {}: {}", store.dir(), e.getMessage());
        }
    }
}
