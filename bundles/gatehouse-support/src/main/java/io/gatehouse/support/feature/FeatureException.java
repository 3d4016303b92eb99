package io.gatehouse.support.feature;

/** A feature file that cannot be used; the message names the file and the line and column or the field. */
public final class FeatureException extends Exception {
    private static final long serialVersionUID = 1L;
    private final boolean syntax;

    public FeatureException(String message, boolean syntax, Throwable cause) {
        super(message, cause);
        this.syntax = syntax;
    }

    /** True when the text is not JSON5 at all (or could not be read): a file still being copied looks like that. */
    public boolean syntax() {
        return syntax;
    }
}
