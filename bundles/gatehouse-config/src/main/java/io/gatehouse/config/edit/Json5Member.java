package io.gatehouse.config.edit;

/**
 * {@code key: value} in an object.
 *
 * @param key   the key as written
 * @param colon offset of the colon
 * @param value the value
 * @param comma offset of the following comma, or -1
 */
public record Json5Member(Json5Key key, int colon, Json5Value value, int comma) implements Json5Item {

    @Override
    public int start() {
        return key.start();
    }

    @Override
    public int end() {
        return value.end();
    }
}
