package io.gatehouse.config.edit;

import java.util.Optional;

/**
 * Where a value is written.
 *
 * @param value where the value's text starts
 * @param key   where its key starts; empty for array elements and the root
 */
public record Location(Position value, Optional<Position> key) {

    /** 1-based line of the value. */
    public int line() {
        return value.line();
    }

    /** 1-based column of the value. */
    public int column() {
        return value.column();
    }

    /** {@code line:column} of the value. */
    @Override
    public String toString() {
        return value.toString();
    }
}
