package io.gatehouse.config.edit;

/** A member of an object or an element of an array, with the comma that follows it, if any. */
public sealed interface Json5Item permits Json5Member, Json5Element {

    /** Offset of the key, or of the value for an element. */
    int start();

    /** Offset just after the value (not the comma). */
    int end();

    Json5Value value();

    /** Offset of the comma after the value, or -1 (last item without a trailing comma). */
    int comma();
}
