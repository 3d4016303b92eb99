package io.gatehouse.config.edit;

import io.gatehouse.support.json5.Json5Exception;

/**
 * The text is not JSON5 as the gateway reads it ({@link Json5Exception}, with the offset the editor
 * needs). The message is {@code line:column: reason}, so a caller prefixes the file name to get a
 * compiler-style message.
 */
public final class Json5SyntaxException extends Json5Exception {
    private static final long serialVersionUID = 1L;
    private final int offset;

    Json5SyntaxException(Position at, String reason) {
        super(at.line(), at.column(), reason, null);
        this.offset = at.offset();
    }

    /** 0-based character offset of the error. */
    public int offset() {
        return offset;
    }
}
