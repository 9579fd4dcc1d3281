package io.meshport.samples.ply;

/** The scalar types of PLY properties, under their classic names and the sized aliases. */
enum PlyType {
    INT8("char", "int8", 1, true, -128, 127),
    UINT8("uchar", "uint8", 1, true, 0, 255),
    INT16("short", "int16", 2, true, Short.MIN_VALUE, Short.MAX_VALUE),
    UINT16("ushort", "uint16", 2, true, 0, 65535),
    INT32("int", "int32", 4, true, Integer.MIN_VALUE, Integer.MAX_VALUE),
    UINT32("uint", "uint32", 4, true, 0, 0xFFFF_FFFFL),
    FLOAT32("float", "float32", 4, false, 0, 0),
    FLOAT64("double", "float64", 8, false, 0, 0);

    final String name;
    final String alias;
    final int size;
    final boolean integral;
    final long min;
    final long max;

    PlyType(String name, String alias, int size, boolean integral, long min, long max) {
        this.name = name;
        this.alias = alias;
        this.size = size;
        this.integral = integral;
        this.min = min;
        this.max = max;
    }

    /**
     * @param token a type name from the header
     * @return the type, or null if there is none of that name
     */
    static PlyType of(String token) {
        for (PlyType t : values()) {
            if (t.name.equals(token) || t.alias.equals(token)) {
                return t;
            }
        }
        return null;
    }

    /**
     * @return what a color component of this type is divided by to fall in 0..1: 255 for 8-bit
     *         integers, 65535 for 16-bit ones, 255 for 32-bit integers (which writers use for 0..255),
     *         1 for floats
     */
    double colorScale() {
        switch (this) {
            case INT16:
            case UINT16:
                return 65535;
            case FLOAT32:
            case FLOAT64:
                return 1;
            default:
                return 255;
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
