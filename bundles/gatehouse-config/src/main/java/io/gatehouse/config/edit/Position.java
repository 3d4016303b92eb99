package io.gatehouse.config.edit;

/**
 * A place in the text.
 *
 * @param offset 0-based character offset
 * @param line   1-based line; CR, LF and CRLF each end a line
 * @param column 1-based column in UTF-16 characters (a tab counts one), as Jackson reports them
 */
public record Position(int offset, int line, int column) {

    /** {@code line:column}, ready to follow a file name. */
    @Override
    public String toString() {
        return line + ":" + column;
    }
}
