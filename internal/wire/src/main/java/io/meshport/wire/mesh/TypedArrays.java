package io.meshport.wire.mesh;

import java.nio.ByteBuffer;

import io.meshport.mesh.InvalidMeshException;
import io.meshport.wire.Cbor;
import io.meshport.wire.CborFormatException;

/**
 * Reads RFC 8746 typed arrays (a tag over a byte string, definite or chunked) straight from the
 * payload bytes, converting whole runs of elements at a time ({@link NumericSink}).
 */
final class TypedArrays {
    private TypedArrays() {
    }

    /**
     * @param vs the offset of the tag
     * @param toFloat true for floats, false for ints
     * @param finiteOnly true when a finite double overflowing float32 is an error (positions)
     * @param ve receives where the value ends
     * @return the filled sink
     * @throws InvalidMeshException when the tag is not a typed array's, or is not over a byte string
     */
    static NumericSink read(String field, byte[] b, int vs, int end, boolean toFloat, boolean finiteOnly, int[] ve)
            throws CborFormatException {
        TypedArray ta = type(field, b, vs, end);
        int q = vs + Cbor.headerLength(b, vs, end);
        NumericSink sink = new NumericSink(field, ta, toFloat, finiteOnly);
        if (!Cbor.isIndefinite(b, q)) {
            int from = q + Cbor.headerLength(b, q, end);
            int to = contentEnd(b, q, from, end);
            sink.write(b, from, to - from);
            ve[0] = to;
            return sink;
        }
        int p = q + 1;
        while (true) { // chunks; an element may be split between two
            if (p >= end) {
                throw new CborFormatException(p, "unterminated indefinite-length byte string");
            }
            if ((b[p] & 0xff) == 0xff) {
                ve[0] = p + 1;
                return sink;
            }
            if (Cbor.major(b, p) != Cbor.MAJOR_BYTES || Cbor.isIndefinite(b, p)) {
                throw new CborFormatException(p, "a chunk of an indefinite-length byte string must be a definite byte string");
            }
            int from = p + Cbor.headerLength(b, p, end);
            int to = contentEnd(b, p, from, end);
            sink.write(b, from, to - from);
            p = to;
        }
    }

    /**
     * @param vs the offset of a tag item
     * @return its typed array, checked to be over a byte string
     * @throws InvalidMeshException when it is not a typed array's tag, or not over a byte string
     */
    static TypedArray type(String field, byte[] b, int vs, int end) throws CborFormatException {
        long tag = Cbor.argument(b, vs, end);
        TypedArray ta = TypedArray.ofTag(tag);
        if (ta == null) {
            throw new InvalidMeshException(field + " has tag " + Long.toUnsignedString(tag)
                    + ", which is not a supported typed array (RFC 8746 tags 64-86)");
        }
        int q = vs + Cbor.headerLength(b, vs, end);
        if (q >= end) {
            throw new CborFormatException(q, "a tag without its item");
        }
        if (Cbor.major(b, q) != Cbor.MAJOR_BYTES) {
            throw new InvalidMeshException(field + " has the typed-array tag " + tag + " over " + MeshItems.describe(b, q, end)
                    + "; a typed array is a tag over a byte string");
        }
        return ta;
    }

    /**
     * @param tags the typed-array tags wanted (4-byte elements)
     * @param ve receives where the value ends
     * @return true when the value at {@code vs} is one of those tags over a definite byte string of
     *         whole elements, that fits before {@code end}
     */
    static boolean isFourByte(byte[] b, int vs, int end, int[] ve, int... tags) throws CborFormatException {
        if (Cbor.major(b, vs) != Cbor.MAJOR_TAG) {
            return false;
        }
        long tag = Cbor.argument(b, vs, end);
        boolean known = false;
        for (int t : tags) {
            known |= tag == t;
        }
        if (!known) {
            return false;
        }
        int q = vs + Cbor.headerLength(b, vs, end);
        if (q >= end || Cbor.major(b, q) != Cbor.MAJOR_BYTES || Cbor.isIndefinite(b, q)) {
            return false;
        }
        long len = Cbor.argument(b, q, end);
        int from = q + Cbor.headerLength(b, q, end);
        if (Long.compareUnsigned(len, end - from) > 0 || len % 4 != 0) {
            return false;
        }
        ve[0] = from + (int) len;
        return true;
    }

    /** @return the content of the typed array at {@code vs} (checked by {@link #isFourByte}), in its byte order */
    static ByteBuffer view(byte[] b, int vs, int ve) throws CborFormatException {
        TypedArray ta = TypedArray.ofTag(Cbor.argument(b, vs, ve));
        int q = vs + Cbor.headerLength(b, vs, ve);
        int from = q + Cbor.headerLength(b, q, ve);
        return ByteBuffer.wrap(b, from, ve - from).slice().order(ta.order());
    }

    private static int contentEnd(byte[] b, int header, int from, int end) throws CborFormatException {
        long len = Cbor.argument(b, header, end);
        if (Long.compareUnsigned(len, end - from) > 0) {
            throw new CborFormatException(from, "byte string of " + Long.toUnsignedString(len) + " bytes does not fit in the remaining " + (end - from));
        }
        return from + (int) len;
    }
}
