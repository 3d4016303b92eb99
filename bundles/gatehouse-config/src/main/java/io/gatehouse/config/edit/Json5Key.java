package io.gatehouse.config.edit;

/**
 * A member's key.
 *
 * @param start offset of the key (of its opening quote when quoted)
 * @param end   offset just after the key
 * @param name  the decoded name
 * @param quote {@code '"'} or {@code '\''} when quoted, {@code 0} for an unquoted name
 */
public record Json5Key(int start, int end, String name, char quote) {

    public boolean quoted() {
        return quote != 0;
    }
}
