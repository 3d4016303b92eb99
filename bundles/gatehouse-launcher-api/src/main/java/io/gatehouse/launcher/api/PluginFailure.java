package io.gatehouse.launcher.api;

/**
 * A plugin change the launcher rolled back because the new plugin set did not resolve, did not
 * start, or kept the gateway from getting ready.
 *
 * @param action  {@code install}, {@code update} or {@code uninstall}
 * @param id      plugin id
 * @param version the version that was tried (for an uninstall, the one that was removed)
 * @param sha256  checksum of the artifact that was tried
 * @param source  where the tried artifact came from
 * @param reason  why the set was rolled back, naming the bundle and the framework's error
 * @param at      epoch milliseconds of the rollback
 */
public record PluginFailure(String action, String id, String version, String sha256, String source, String reason, long at) {
}
