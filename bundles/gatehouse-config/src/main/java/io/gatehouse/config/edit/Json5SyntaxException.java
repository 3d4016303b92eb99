package io.gatehouse.config.edit;

/**
 * The text is not JSON5 as the gateway reads it. The message is {@code line:column: reason}, so a
 * caller prefixes the file name to get a compiler-style message.
 */
public final class Json5SyntaxException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int offset;
    private final int line;
    private final int column;
    private final String reason;

    Json5SyntaxException(Position at, String reason) {
        super(at.line() + ":" + at.column() + ": " + reason);
        this.offset = at.offset();
        this.line = at.line();
        this.column = at.column();
        this.reason = reason;
    }

    /** 0-based character offset of the error. */
    public int offset() {
        return offset;
    }

    /** 1-based line of the error. */
    public int line() {
        return line;
    }

    /** 1-based column (in UTF-16 characters, as Jackson counts) of the error. */
    public int column() {
        return column;
    }

    /** What is wrong, without the position. */
    public String reason() {
        return reason;
    }
}
