package io.meshport.wire.mesh;

import io.meshport.wire.Cbor;
import io.meshport.wire.CborFormatException;

/**
 * The arrays a {@link MeshPayloadStream} converted as they arrived, as the reader meets them in the
 * skeleton ({@code tag(STREAMED_TAG) uint(k)} where the typed array stood). Only where the reader
 * would have read the bytes into an array of the same element type: anywhere else, or for an array
 * taken twice, the reader gives up ({@link NotHere}) and the payload is read whole instead, so that
 * the answer is the same as for the payload's own bytes.
 */
final class StreamedArrays {
    /** A streamed array where the reader cannot take it as it is. */
    static final class NotHere extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotHere(String why) {
            super(why, null, false, false);
        }
    }

    private final MeshPayloadStream stream;
    private final boolean[] taken;
    private int takenCount;

    StreamedArrays(MeshPayloadStream stream) {
        this.stream = stream;
        this.taken = new boolean[stream.streamedCount()];
    }

    /** @return whether the item at {@code vs} stands for a streamed array */
    static boolean isStreamed(StreamedArrays s, byte[] b, int vs, int end) throws CborFormatException {
        return s != null && vs < end && Cbor.major(b, vs) == Cbor.MAJOR_TAG
                && Cbor.argument(b, vs, end) == MeshPayloadStream.STREAMED_TAG;
    }

    /** @return the float32 array at {@code vs}; {@code ve} receives where its item ends */
    float[] floats(byte[] b, int vs, int end, int[] ve) throws CborFormatException {
        Object a = take(b, vs, end, ve, TypedArray.TAG_FLOAT32_LE, TypedArray.TAG_FLOAT32_LE);
        return (float[]) a;
    }

    /** @return the uint32 or sint32 array at {@code vs}, as its bits; {@code ve} receives where its item ends */
    int[] ints(byte[] b, int vs, int end, int[] ve, boolean unsignedToo) throws CborFormatException {
        return (int[]) take(b, vs, end, ve, TypedArray.TAG_SINT32_LE, unsignedToo ? TypedArray.TAG_UINT32_LE : TypedArray.TAG_SINT32_LE);
    }

    /** @return the float32 or sint32 array at {@code vs} (an attribute without a storage type, which its tag gives) */
    Object floatsOrInts(byte[] b, int vs, int end, int[] ve) throws CborFormatException {
        return take(b, vs, end, ve, TypedArray.TAG_FLOAT32_LE, TypedArray.TAG_SINT32_LE);
    }

    /** @return whether the read took every streamed array once */
    boolean allTaken() {
        return takenCount == taken.length;
    }

    private Object take(byte[] b, int vs, int end, int[] ve, int tag, int otherTag) throws CborFormatException {
        int p = vs + Cbor.headerLength(b, vs, end);
        if (p >= end || Cbor.major(b, p) != Cbor.MAJOR_UINT) {
            throw new NotHere("a streamed array's tag without its index");
        }
        long k = Cbor.argument(b, p, end);
        if (k < 0 || k >= taken.length || taken[(int) k]) {
            throw new NotHere("streamed array " + k + " is not one to take");
        }
        int t = stream.streamedTag((int) k);
        if (t != tag && t != otherTag) {
            throw new NotHere("streamed array " + k + " has tag " + t + " where " + tag + " is read as it is");
        }
        taken[(int) k] = true;
        takenCount++;
        ve[0] = p + Cbor.headerLength(b, p, end);
        return stream.streamedArray((int) k);
    }
}
