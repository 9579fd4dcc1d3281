package io.meshport.wire.mesh;

import io.meshport.wire.CborWriter;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/** Builds mesh payloads for tests, with CborWriter, in every array form. */
final class MeshPayloads {
    private MeshPayloads() {
    }

    /** Encodes values as a typed array of the given type (tag + byte string). */
    static void typed(CborWriter w, TypedArray t, double... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * t.elementSize()).order(t.order());
        for (double v : values) {
            switch (t.elementSize()) {
                case 1: b.put((byte) (long) v); break;
                case 2:
                    if (t.floating()) {
                        b.putShort(floatToHalf((float) v));
                    } else {
                        b.putShort((short) (long) v);
                    }
                    break;
                case 4:
                    if (t.floating()) {
                        b.putFloat((float) v);
                    } else {
                        b.putInt((int) (long) v);
                    }
                    break;
                default:
                    if (t.floating()) {
                        b.putDouble(v);
                    } else {
                        b.putLong((long) v);
                    }
            }
        }
        w.tag(t.tag()).bytes(b.array());
    }

    static short floatToHalf(float f) {
        // Exact for the small integers and halves the tests use.
        int bits = Float.floatToIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int exp = ((bits >>> 23) & 0xff) - 127 + 15;
        int mant = (bits >>> 13) & 0x3ff;
        if (f == 0) {
            return (short) sign;
        }
        return (short) (sign | (exp << 10) | mant);
    }

    /** The header of a half-precision float item, then its bits. */
    static void half(CborWriter w, float f) {
        short h = floatToHalf(f);
        w.raw(new byte[] {(byte) 0xf9, (byte) (h >>> 8), (byte) h}, 0, 3);
    }

    static byte[] le(float... f) {
        ByteBuffer b = ByteBuffer.allocate(4 * f.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : f) {
            b.putFloat(x);
        }
        return b.array();
    }

    /** Places bytes at a non-zero offset in a larger array, as a payload sits inside a frame. */
    static byte[] padded(byte[] payload, int before, int after) {
        byte[] out = new byte[before + payload.length + after];
        Arrays.fill(out, (byte) 0xee);
        System.arraycopy(payload, 0, out, before, payload.length);
        return out;
    }
}
