package io.meshport.wire.mesh;


import java.nio.ByteOrder;

/**
 * The RFC 8746 typed-array tags the protocol accepts: element width, signedness, float or integer,
 * and byte order of each.
 */
public enum TypedArray {
    UINT8(64, 1, false, false, ByteOrder.BIG_ENDIAN),
    UINT16_BE(65, 2, false, false, ByteOrder.BIG_ENDIAN),
    UINT32_BE(66, 4, false, false, ByteOrder.BIG_ENDIAN),
    UINT64_BE(67, 8, false, false, ByteOrder.BIG_ENDIAN),
    UINT8_CLAMPED(68, 1, false, false, ByteOrder.BIG_ENDIAN),
    UINT16_LE(69, 2, false, false, ByteOrder.LITTLE_ENDIAN),
    UINT32_LE(70, 4, false, false, ByteOrder.LITTLE_ENDIAN),
    UINT64_LE(71, 8, false, false, ByteOrder.LITTLE_ENDIAN),
    SINT8(72, 1, true, false, ByteOrder.BIG_ENDIAN),
    SINT16_BE(73, 2, true, false, ByteOrder.BIG_ENDIAN),
    SINT32_BE(74, 4, true, false, ByteOrder.BIG_ENDIAN),
    SINT64_BE(75, 8, true, false, ByteOrder.BIG_ENDIAN),
    SINT16_LE(77, 2, true, false, ByteOrder.LITTLE_ENDIAN),
    SINT32_LE(78, 4, true, false, ByteOrder.LITTLE_ENDIAN),
    SINT64_LE(79, 8, true, false, ByteOrder.LITTLE_ENDIAN),
    FLOAT16_BE(80, 2, true, true, ByteOrder.BIG_ENDIAN),
    FLOAT32_BE(81, 4, true, true, ByteOrder.BIG_ENDIAN),
    FLOAT64_BE(82, 8, true, true, ByteOrder.BIG_ENDIAN),
    FLOAT16_LE(84, 2, true, true, ByteOrder.LITTLE_ENDIAN),
    FLOAT32_LE(85, 4, true, true, ByteOrder.LITTLE_ENDIAN),
    FLOAT64_LE(86, 8, true, true, ByteOrder.LITTLE_ENDIAN);

    /** Tag of little-endian float32 arrays, as {@code get} returns floats. */
    public static final int TAG_FLOAT32_LE = 85;
    /** Tag of little-endian uint32 arrays, as {@code get} returns indices and face counts. */
    public static final int TAG_UINT32_LE = 70;
    /** Tag of little-endian sint32 arrays, as {@code get} returns int attributes. */
    public static final int TAG_SINT32_LE = 78;

    private static final TypedArray[] BY_TAG = new TypedArray[88];

    static {
        for (TypedArray t : values()) {
            BY_TAG[t.tag] = t;
        }
    }

    private final int tag;
    private final int elementSize;
    private final boolean signed;
    private final boolean floating;
    private final ByteOrder order;

    TypedArray(int tag, int elementSize, boolean signed, boolean floating, ByteOrder order) {
        this.tag = tag;
        this.elementSize = elementSize;
        this.signed = signed;
        this.floating = floating;
        this.order = order;
    }

    /**
     * @param tag a CBOR tag number
     * @return the typed array of that tag, or null when the tag is not a supported typed array
     */
    public static TypedArray ofTag(long tag) {
        return tag >= 0 && tag < BY_TAG.length ? BY_TAG[(int) tag] : null;
    }

    /** @return the tag number */
    public int tag() {
        return tag;
    }

    /** @return bytes per element */
    public int elementSize() {
        return elementSize;
    }

    /** @return true for signed integers and floats */
    public boolean signed() {
        return signed;
    }

    /** @return true for float elements */
    public boolean floating() {
        return floating;
    }

    /** @return the byte order of the elements */
    public ByteOrder order() {
        return order;
    }

    /** @return a short description, e.g. {@code float32 LE} */
    public String describe() {
        String base = floating ? "float" : signed ? "sint" : "uint";
        return base + (elementSize * 8) + (elementSize == 1 ? "" : order == ByteOrder.LITTLE_ENDIAN ? " LE" : " BE");
    }
}
