package io.gatehouse.api.config;

import java.util.List;
import java.util.Set;

import org.osgi.annotation.versioning.ConsumerType;

import io.gatehouse.api.config.schema.Issue;
import io.gatehouse.api.config.schema.Shape;

/**
 * Whiteboard: a bundle that reads a config section registers one of these to own it. The config bundle
 * knows only the pipeline; what a section may contain, how a change of it takes effect and which ids
 * under it are known come from its owner, and arrive and leave with the owner's bundle.
 *
 * <p>Register with the service property {@link #PREFIX} equal to {@link #prefix()}, and declare the
 * prefix in the bundle's manifest header {@link #MANIFEST_HEADER} too, so that while the bundle is
 * installed but not active the pipeline can say who owns the section ("inert: owner ... not active")
 * instead of calling it unknown.
 *
 * <p>Prefixes nest: {@code gateway} (owned by the gateway bundle), {@code gateway.auth} (channels) and
 * {@code gateway.reload} (config). A section's {@link #schema()} is checked against its value with the
 * keys owned by more specific sections removed; each owner checks its own part.
 *
 * <p>Every action named by {@link #reloadRules()} must be taken by a registered {@link ReloadHandler};
 * a plan never names an action nothing handles (such a path is reported as inert in the plan).
 */
@ConsumerType
public interface ConfigSection {

    /** Service property (String): the dotted prefix this section owns, as {@link #prefix()}. */
    String PREFIX = "gatehouse.config.section";

    /** Manifest header: comma-separated prefixes the bundle owns when it is active. */
    String MANIFEST_HEADER = "Gatehouse-Config-Sections";

    /** The dotted path this section owns: {@code skills}, {@code channels.telegram}, {@code gateway.auth}. */
    String prefix();

    /** The shape of the value at {@link #prefix()}; an object should be strict (the default of {@link Shape#object()}). */
    Shape schema();

    /**
     * How changes under the prefix take effect. Prefixes must be the section's own prefix or below it;
     * rules for other prefixes are ignored with a warning.
     */
    List<ReloadRule> reloadRules();

    /**
     * Where the section keeps ids as keys ({@code channels} for channel ids, {@code plugins.entries} for
     * plugin ids), or null when it has none. Keys there that are not in {@link #knownIds()} are kept but
     * warned about.
     */
    default String idsPath() {
        return null;
    }

    /** The ids the owner knows at {@link #idsPath()} right now (installed adapters, installed plugins). */
    default Set<String> knownIds() {
        return Set.of();
    }

    /**
     * Checks beyond the shape that need the whole config (an id that must exist in another section).
     * Paths in the findings are full dotted paths.
     *
     * @param config the whole candidate config (plain Java values, before {@code ${ENV}} substitution)
     */
    default List<Issue> crossCheck(java.util.Map<String, Object> config) {
        return List.of();
    }
}
