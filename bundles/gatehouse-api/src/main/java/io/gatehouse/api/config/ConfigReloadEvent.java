package io.gatehouse.api.config;

import java.util.List;

/**
 * The outcome of one reload attempt, delivered to every {@link ConfigReloadListener}.
 *
 * @param observedAt epoch ms at which the change was observed
 * @param appliedAt  epoch ms at which the result was in force (or rejected)
 * @param hash       hash of the config in force after the attempt
 * @param paths      changed paths (dotted; arrays report their own path, never an index)
 * @param outcome    {@code hot}, {@code restart}, {@code noop} or {@code rejected}
 * @param error      why the new config was rejected; for an applied one ({@code hot}), which of its
 *                   actions failed; null when everything it asked for happened
 * @param plan       the reload plan, or null when there was nothing to plan
 * @param source     what caused the attempt: {@code file}, {@code shell}, {@code config-admin}, ...
 * @param detail     one line for operators (e.g. what the reload mode decided)
 */
public record ConfigReloadEvent(long observedAt, long appliedAt, String hash, List<String> paths, String outcome,
        ConfigError error, ReloadPlan plan, String source, String detail) {

    public static final String HOT = "hot";
    public static final String RESTART = "restart";
    public static final String NOOP = "noop";
    public static final String REJECTED = "rejected";
}
