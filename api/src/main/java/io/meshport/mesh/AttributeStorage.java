package io.meshport.mesh;

/** How an attribute's elements are stored. */
public enum AttributeStorage {
    /** 32-bit floats. */
    FLOAT("float"),
    /** 32-bit signed integers. */
    INT("int"),
    /** Text. */
    STRING("string");

    private final String wireName;

    AttributeStorage(String wireName) {
        this.wireName = wireName;
    }

    /** @return the name used on the wire ({@code type} of an attribute) */
    public String wireName() {
        return wireName;
    }

    /**
     * @param name a wire name
     * @return the storage with that wire name, or null if there is none
     */
    public static AttributeStorage fromWire(String name) {
        for (AttributeStorage s : values()) {
            if (s.wireName.equals(name)) {
                return s;
            }
        }
        return null;
    }
}
