package io.gatehouse.config;

import java.util.function.Function;

/**
 * Bounds on a config file, so that no file (huge, endlessly nested, a device) can exhaust memory or
 * the stack of the pipeline: the file is refused with an error naming the limit, and the last good
 * config stays in force. Set by framework or system properties ({@code -D...} in {@code JAVA_OPTS}),
 * which the launcher reads too.
 *
 * @param maxBytes largest file read, in bytes ({@value #MAX_BYTES_PROPERTY}, default 1 MiB)
 * @param maxDepth deepest nesting of objects and arrays ({@value #MAX_DEPTH_PROPERTY}, default 64)
 */
public record ConfigLimits(long maxBytes, int maxDepth) {
    public static final String MAX_BYTES_PROPERTY = "gatehouse.config.maxBytes";
    public static final String MAX_DEPTH_PROPERTY = "gatehouse.config.maxDepth";
    public static final long DEFAULT_MAX_BYTES = 1L << 20;
    public static final int DEFAULT_MAX_DEPTH = 64;

    /** The largest depth allowed at all: deeper structures would endanger the stack of every reader. */
    public static final int CEILING_DEPTH = 256;

    public static final ConfigLimits DEFAULTS = new ConfigLimits(DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH);

    public ConfigLimits {
        if (maxBytes < 2) {
            maxBytes = DEFAULT_MAX_BYTES;
        }
        maxBytes = Math.min(maxBytes, Integer.MAX_VALUE - 16);
        if (maxDepth < 2) {
            maxDepth = DEFAULT_MAX_DEPTH;
        }
        maxDepth = Math.min(maxDepth, CEILING_DEPTH);
    }

    /** From properties ({@code BundleContext::getProperty} falls back to system properties); bad values mean defaults. */
    public static ConfigLimits from(Function<String, String> properties) {
        return new ConfigLimits(number(properties.apply(MAX_BYTES_PROPERTY), DEFAULT_MAX_BYTES),
                (int) number(properties.apply(MAX_DEPTH_PROPERTY), DEFAULT_MAX_DEPTH));
    }

    private static long number(String v, long dflt) {
        if (v == null || v.isBlank()) {
            return dflt;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return dflt;
        }
    }
}
