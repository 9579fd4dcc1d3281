package io.meshport.wire.mesh;

import io.meshport.wire.Cbor;
import io.meshport.wire.CborFormatException;

/** Walks the entries of a CBOR map (definite or indefinite), each key and value checked to be well-formed first. */
final class MapEntries {
    /** One entry: the offsets of its key and of its value. */
    @FunctionalInterface
    interface Entry {
        void accept(int key, int value) throws CborFormatException;
    }

    private final byte[] b;
    private final int start;
    private final int end;

    /** @param start the offset of a map item */
    MapEntries(byte[] b, int start, int end) {
        this.b = b;
        this.start = start;
        this.end = end;
    }

    /** @return where the map ends */
    int forEach(Entry entry) throws CborFormatException {
        long declared = Cbor.argument(b, start, end);
        boolean indefinite = declared == Cbor.INDEFINITE;
        int p = start + Cbor.headerLength(b, start, end);
        if (!indefinite && Long.compareUnsigned(declared, (end - p) / 2) > 0) {
            throw new CborFormatException(start, "map count " + Long.toUnsignedString(declared) + " does not fit in the remaining " + (end - p) + " bytes");
        }
        for (long i = 0; indefinite || i < declared; i++) {
            if (p >= end) {
                throw new CborFormatException(p, "unterminated indefinite-length map");
            }
            if (indefinite && (b[p] & 0xff) == 0xff) {
                return p + 1;
            }
            int value = Cbor.skip(b, p, end);
            if (value >= end) {
                throw new CborFormatException(value, "map ends after a key, without its value");
            }
            int next = Cbor.skip(b, value, end);
            entry.accept(p, value);
            p = next;
        }
        return p;
    }
}
