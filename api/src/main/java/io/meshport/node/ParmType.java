package io.meshport.node;

/**
 * The type of a node parameter, and the Java type its values have wherever the API hands them out.
 */
public enum ParmType implements io.meshport.protocol.WireValue {
    /** A whole number, held as {@link Long}; may have a range. */
    INT("int"),
    /** A number, held as {@link Double}; may have a range. */
    FLOAT("float"),
    /** Text, held as {@link String}. */
    TEXT("text"),
    /** On or off, held as {@link Boolean}. */
    TOGGLE("toggle"),
    /** One of a fixed list of items, held as the item's {@link String}. */
    MENU("menu"),
    /** 2 to 4 numbers, held as an unmodifiable {@code List<Double>}; the range applies to each. */
    VECTOR("vector");

    private final String wireName;

    ParmType(String wireName) {
        this.wireName = wireName;
    }

    /** @return the name used in listings and on the wire, e.g. {@code "float"} */
    public String wireName() {
        return wireName;
    }

    /** @return {@link #wireName()} */
    @Override
    public Object toWire() {
        return wireName;
    }
}
