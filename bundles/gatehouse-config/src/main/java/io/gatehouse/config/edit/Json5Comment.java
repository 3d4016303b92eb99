package io.gatehouse.config.edit;

/**
 * A comment; {@code [start, end)} covers its markers but not the line break ending a line comment.
 *
 * @param start offset of {@code //}, {@code #} or {@code /*}
 * @param end   offset just after the comment
 * @param style how it is written
 */
public record Json5Comment(int start, int end, Style style) {

    public enum Style {
        /** {@code // ...} */
        LINE,
        /** {@code # ...} */
        HASH,
        /** {@code /* ... *\/}, may span lines */
        BLOCK
    }
}
