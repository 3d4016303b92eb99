package io.gatehouse.api.plugins;

/**
 * A plugin as operators see it.
 *
 * @param id      plugin id (defaults to the Bundle-SymbolicName)
 * @param version bundle version
 * @param state   {@code enabled}, {@code disabled}, {@code failed}, {@code pending-restart} or {@code rejected}
 * @param source  where it came from (deploy folder file, Maven coordinates, built in)
 * @param reason  why it failed or was rejected, or null
 */
public record PluginInfo(String id, String version, String state, String source, String reason) {
}
