package io.gatehouse.support.json5;

/** A document that is not in the dialect, with the 1-based line and column of the first error (0 when unknown). */
public class Json5Exception extends Exception {
    private static final long serialVersionUID = 1L;
    private final int line;
    private final int column;
    private final String reason;

    public Json5Exception(int line, int column, String reason, Throwable cause) {
        super(line + ":" + column + ": " + reason, cause);
        this.line = line;
        this.column = column;
        this.reason = reason;
    }

    /** 1-based line of the error. */
    public int line() {
        return line;
    }

    /** 1-based column (in UTF-16 characters, as Jackson counts) of the error. */
    public int column() {
        return column;
    }

    /** The reason without the position. */
    public String reason() {
        return reason;
    }

    /** {@code file:line:col: reason} ({@code file: reason} when the position is unknown). */
    public String at(Object file) {
        return file + (line > 0 ? ":" + line + ":" + column : "") + ": " + reason;
    }
}
