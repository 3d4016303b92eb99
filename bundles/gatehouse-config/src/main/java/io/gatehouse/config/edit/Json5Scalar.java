package io.gatehouse.config.edit;

/**
 * A string, number, boolean or null.
 *
 * @param start offset of the first character (the quote of a string)
 * @param end   offset just after the last character
 * @param value the value as Jackson reads it (null for {@code null})
 * @param quote the quote of a string, else {@code 0}
 */
public record Json5Scalar(int start, int end, Object value, char quote) implements Json5Value {

    @Override
    public Object toJava() {
        return value;
    }

    @Override
    public String kind() {
        if (value == null) {
            return "null";
        }
        if (value instanceof String) {
            return "string";
        }
        return value instanceof Boolean ? "boolean" : "number";
    }
}
