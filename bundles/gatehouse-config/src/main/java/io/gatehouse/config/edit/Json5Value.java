package io.gatehouse.config.edit;

/** A value in the syntax tree; its text is {@code [start, end)} of the document. */
public sealed interface Json5Value permits Json5Container, Json5Scalar {

    /** Offset of the first character of the value. */
    int start();

    /** Offset just after the last character of the value. */
    int end();

    /** The value as Jackson reads it: LinkedHashMap, ArrayList, String, Integer/Long/BigInteger, Double, Boolean or null. */
    Object toJava();

    /** "object", "array", "string", "number", "boolean" or "null", for messages. */
    String kind();
}
