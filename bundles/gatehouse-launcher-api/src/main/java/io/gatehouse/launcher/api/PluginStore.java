package io.gatehouse.launcher.api;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The plugin store ({@code data/plugins/}) and its install index, owned by the launcher because
 * they outlive every framework: the launcher installs the indexed plugins at each framework start,
 * checks that they resolve and start, and rolls back to the last set that did when they do not.
 *
 * <p>Changes are staged: {@link #stage} and {@link #unstage} change the store and the index
 * atomically and take effect at the next framework restart, which the caller requests through
 * {@link LauncherControl#requestRestart}. Concurrent callers are serialised.
 */
@ProviderType
public interface PluginStore {

    /** The plugin set the next framework starts with (staged changes included), in install order. */
    List<StoredPlugin> staged();

    /** The plugin set the running framework was started with. */
    List<StoredPlugin> running();

    /** Plugin changes that were rolled back, oldest first (at most 50; kept across restarts). */
    List<PluginFailure> failures();

    /**
     * Copies the bundle jars into the store and records them as plugin {@code id}, replacing a plugin
     * with the same id. Clears earlier failures of that id. Does not restart anything.
     *
     * @param jars one jar for a bundle plugin; the bundles of a feature plugin in install order
     * @return the new index entry
     */
    StoredPlugin stage(String id, String version, String sha256, String source, List<Path> jars) throws IOException;

    /**
     * Removes plugin {@code id} from the staged set and clears its failures.
     *
     * @return the entry removed, if it was staged
     */
    Optional<StoredPlugin> unstage(String id) throws IOException;
}
