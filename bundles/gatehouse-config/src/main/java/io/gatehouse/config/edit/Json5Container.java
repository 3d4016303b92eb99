package io.gatehouse.config.edit;

import java.util.List;

/** An object or an array: brackets at {@code start} and {@code end - 1}, items in between. */
public sealed interface Json5Container extends Json5Value permits Json5Object, Json5Array {

    /** Members or elements, in text order. */
    List<? extends Json5Item> items();
}
