package io.gatehouse.config.plan;

import java.util.List;
import java.util.Locale;

import io.gatehouse.api.config.ConfigSnapshot;

/** {@code gateway.reload.mode}: how a reload plan is carried out. */
public enum ReloadMode {
    /** Apply hot changes in place; restart when a change requires it. The default. */
    HYBRID,
    /** Apply hot changes in place only; a change that requires a restart is logged and not applied. */
    HOT,
    /** Restart for every change that is not a no-op. */
    RESTART,
    /** Do nothing on config changes. */
    OFF;

    /** The config key. */
    public static final String PATH = "gateway.reload.mode";

    /** The names a config may use, in declaration order. */
    public static final List<String> NAMES = List.of("hybrid", "hot", "restart", "off");

    /** The mode a config value names; {@link #HYBRID} when absent or not one of hybrid, hot, restart, off. */
    public static ReloadMode of(Object value) {
        if (value instanceof String s) {
            for (ReloadMode m : values()) {
                if (m.configName().equals(s.trim().toLowerCase(Locale.ROOT))) {
                    return m;
                }
            }
        }
        return HYBRID;
    }

    /** The mode {@code config} sets (read from the new config when deciding on a reload). */
    public static ReloadMode of(ConfigSnapshot config) {
        return of(config.get(PATH).orElse(null));
    }

    /** The name used in the config: {@code hybrid}, {@code hot}, {@code restart}, {@code off}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
