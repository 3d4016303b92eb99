package io.gatehouse.api.plugins;

import java.util.List;

/**
 * A plugin as operators see it.
 *
 * @param id          plugin id ({@code Gatehouse-Plugin-Id}, else the Bundle-SymbolicName; a feature's id)
 * @param version     plugin version
 * @param state       {@code enabled}, {@code disabled}, {@code failed}, {@code pending-restart} or {@code rejected}
 * @param source      where it came from: {@code built-in}, {@code deploy:<file name>}, {@code file:<path>},
 *                    {@code mvn:g/a/v}
 * @param reason      why it is disabled, failed, pending or rejected, or null
 * @param name        the Bundle-Name (or the feature's description), or null
 * @param description the Bundle-Description, or null
 * @param bundles     ids of the bundles in the running framework that make up the plugin (empty when none)
 */
public record PluginInfo(String id, String version, String state, String source, String reason, String name,
        String description, List<Long> bundles) {

    public static final String ENABLED = "enabled";
    public static final String DISABLED = "disabled";
    public static final String FAILED = "failed";
    public static final String PENDING_RESTART = "pending-restart";
    public static final String REJECTED = "rejected";

    public PluginInfo {
        bundles = bundles == null ? List.of() : List.copyOf(bundles);
    }
}
