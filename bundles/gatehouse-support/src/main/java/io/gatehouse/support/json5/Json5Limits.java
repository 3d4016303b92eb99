package io.gatehouse.support.json5;

import java.util.function.Function;

/**
 * Bounds on a config file, so that no file (huge, endlessly nested, a device) can exhaust the memory
 * or the stack of whoever reads it (the launcher at start, the config pipeline on every change): the
 * file is refused with an error naming the limit. Set by system properties ({@code -D...} in
 * {@code JAVA_OPTS}), which the launcher and the config bundle read alike.
 *
 * @param maxBytes largest file read, in bytes ({@value #MAX_BYTES_PROPERTY}, default 1 MiB)
 * @param maxDepth deepest nesting of objects and arrays ({@value #MAX_DEPTH_PROPERTY}, default 64)
 */
public record Json5Limits(long maxBytes, int maxDepth) {
    public static final String MAX_BYTES_PROPERTY = "gatehouse.config.maxBytes";
    public static final String MAX_DEPTH_PROPERTY = "gatehouse.config.maxDepth";
    public static final long DEFAULT_MAX_BYTES = 1L << 20;
    public static final int DEFAULT_MAX_DEPTH = 64;

    /** The largest depth allowed at all: deeper structures would endanger the stack of every reader. */
    public static final int CEILING_DEPTH = 256;

    public static final Json5Limits DEFAULTS = new Json5Limits(DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH);

    public Json5Limits {
        if (maxBytes < 2) {
            maxBytes = DEFAULT_MAX_BYTES;
        }
        maxBytes = Math.min(maxBytes, Integer.MAX_VALUE - 16);
        if (maxDepth < 2) {
            maxDepth = DEFAULT_MAX_DEPTH;
        }
        maxDepth = Math.min(maxDepth, CEILING_DEPTH);
    }

    /** From the system properties (the launcher's and every framework's). */
    public static Json5Limits fromSystem() {
        return from(System::getProperty);
    }

    /** From properties ({@code BundleContext::getProperty} falls back to system properties); bad values mean defaults. */
    public static Json5Limits from(Function<String, String> properties) {
        return new Json5Limits(number(properties.apply(MAX_BYTES_PROPERTY), DEFAULT_MAX_BYTES),
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
