package io.meshport.mesh;

/** What an attribute's tuples belong to, and so how many tuples it has. */
public enum AttributeOwner {
    /** One tuple per point. */
    POINT("point"),
    /** One tuple per vertex (entry of the vertex list), as UVs on seams need. */
    VERTEX("vertex"),
    /** One tuple per face. */
    FACE("face"),
    /** One tuple for the whole mesh. */
    DETAIL("detail");

    private final String wireName;

    AttributeOwner(String wireName) {
        this.wireName = wireName;
    }

    /** @return the name used on the wire, e.g. {@code "point"} */
    public String wireName() {
        return wireName;
    }

    /**
     * @param name a wire name
     * @return the owner with that wire name, or null if there is none
     */
    public static AttributeOwner fromWire(String name) {
        for (AttributeOwner o : values()) {
            if (o.wireName.equals(name)) {
                return o;
            }
        }
        return null;
    }
}
