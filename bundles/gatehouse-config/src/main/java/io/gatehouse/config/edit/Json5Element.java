package io.gatehouse.config.edit;

/**
 * A value in an array.
 *
 * @param value the value
 * @param comma offset of the following comma, or -1
 */
public record Json5Element(Json5Value value, int comma) implements Json5Item {

    @Override
    public int start() {
        return value.start();
    }

    @Override
    public int end() {
        return value.end();
    }
}
