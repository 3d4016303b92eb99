package io.gatehouse.api.config;

/**
 * One config section as the pipeline sees it now, for {@code config:sections} and {@code gateway:status}.
 *
 * @param prefix  dotted prefix ({@code skills}, {@code gateway.auth})
 * @param owner   symbolic name of the owning bundle; empty for a section nobody implements
 * @param state   {@link #ACTIVE}, {@link #INERT}, {@link #IGNORED} or {@link #CONFIG}
 * @param present whether the config in force has a value there
 * @param detail  why, for an operator
 */
public record SectionState(String prefix, String owner, String state, boolean present, String detail) {
    /** Served by its owner now. */
    public static final String ACTIVE = "active";
    /** Declared by an installed bundle that does not serve it now: settings kept, nothing applies them. */
    public static final String INERT = "inert";
    /** A section of the reference's schema that Gatehouse does not implement. */
    public static final String IGNORED = "ignored";
    /** The config pipeline's own ({@code gateway.reload}, {@code meta}). */
    public static final String CONFIG = "config";
}
