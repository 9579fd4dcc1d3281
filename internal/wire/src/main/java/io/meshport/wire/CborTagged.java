package io.meshport.wire;

import java.util.Objects;

/** A tagged CBOR item decoded by {@link CborValues} when the tag has no more specific mapping. */
public final class CborTagged {
    private final long tag;
    private final Object value;

    /**
     * @param tag the tag number
     * @param value the decoded tagged item
     */
    public CborTagged(long tag, Object value) {
        this.tag = tag;
        this.value = value;
    }

    /** @return the tag number */
    public long tag() {
        return tag;
    }

    /** @return the decoded tagged item */
    public Object value() {
        return value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CborTagged && ((CborTagged) o).tag == tag && Objects.deepEquals(((CborTagged) o).value, value);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(tag) * 31 + Objects.hashCode(value);
    }

    @Override
    public String toString() {
        return tag + "(" + value + ")";
    }
}
