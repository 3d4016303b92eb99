package io.gatehouse.support.config;

/**
 * A dotted path that cannot be split ({@code plugins.entries."io.x.enabled}: the quote is not closed).
 * The message names the path and the 1-based column in it.
 */
public class DottedPathException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final String path;
    private final int column;
    private final String reason;

    public DottedPathException(String path, int column, String reason) {
        super("malformed path " + path + ": " + reason + " at column " + column);
        this.path = path;
        this.column = column;
        this.reason = reason;
    }

    /** The path as given. */
    public String path() {
        return path;
    }

    /** 1-based column in {@link #path()} where the problem is. */
    public int column() {
        return column;
    }

    /** What is wrong, without the path and column. */
    public String reason() {
        return reason;
    }
}
