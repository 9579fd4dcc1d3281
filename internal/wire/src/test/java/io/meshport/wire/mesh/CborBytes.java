package io.meshport.wire.mesh;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * CBOR written by hand for the tests' payloads: heads of a chosen width, numbers as half, single or
 * double floats, texts; and whether a typed array's element type holds given values exactly.
 */
final class CborBytes {
    private CborBytes() {
    }

    /** @return the binary16 bits that hold {@code v} exactly, or -1 when none do */
    static int halfBits(float v) {
        if (Float.isInfinite(v)) {
            return v > 0 ? 0x7c00 : 0xfc00;
        }
        int sign = v < 0 || (v == 0 && 1 / v < 0) ? 0x8000 : 0;
        double a = Math.abs((double) v);
        if (a == 0) {
            return sign;
        }
        int e = Math.getExponent(a);
        if (e < -24 || e > 15) {
            return -1;
        }
        if (e < -14) { // subnormal: a multiple of 2^-24
            double m = a * 0x1p24;
            return m == Math.rint(m) ? sign | (int) m : -1;
        }
        double m = (a / Math.scalb(1.0, e) - 1) * 1024;
        return m == Math.rint(m) ? sign | ((e + 15) << 10) | (int) m : -1;
    }

    static void float32(ByteArrayOutputStream o, float v) {
        int bits = Float.floatToRawIntBits(v);
        o.write(0xfa);
        for (int i = 3; i >= 0; i--) {
            o.write(bits >>> (8 * i));
        }
    }

    /**
     * An integer with a head of the given width: 0 the shortest, 1..4 heads of 1, 2, 4, 8 bytes (when
     * the value fits), so that non-minimal encodings occur.
     */
    static void integer(ByteArrayOutputStream o, long v, int width) {
        int major = v < 0 ? 1 : 0;
        long arg = v < 0 ? -1 - v : v;
        if (width == 0) {
            head(o, major, arg);
            return;
        }
        int bytes = 1 << (width - 1);
        if (bytes < 8 && arg >>> (8 * bytes) != 0) {
            head(o, major, arg);
            return;
        }
        o.write((major << 5) | (23 + width));
        for (int i = bytes - 1; i >= 0; i--) {
            o.write((int) (arg >>> (8 * i)));
        }
    }

    /** The shortest head of {@code major} with argument {@code arg}. */
    static void head(ByteArrayOutputStream o, int major, long arg) {
        if (arg < 24 && arg >= 0) {
            o.write((major << 5) | (int) arg);
        } else if (arg >= 0 && arg < 0x100) {
            o.write((major << 5) | 24);
            o.write((int) arg);
        } else if (arg >= 0 && arg < 0x10000) {
            o.write((major << 5) | 25);
            o.write((int) (arg >>> 8));
            o.write((int) arg);
        } else if (arg >= 0 && arg < 0x100000000L) {
            o.write((major << 5) | 26);
            for (int i = 3; i >= 0; i--) {
                o.write((int) (arg >>> (8 * i)));
            }
        } else {
            o.write((major << 5) | 27);
            for (int i = 7; i >= 0; i--) {
                o.write((int) (arg >>> (8 * i)));
            }
        }
    }

    static void text(ByteArrayOutputStream o, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        head(o, 3, b.length);
        o.write(b, 0, b.length);
    }

    static void write(ByteArrayOutputStream o, byte[] b) {
        o.write(b, 0, b.length);
    }

    static boolean holdsAll(TypedArray t, float[] values) {
        for (float v : values) {
            if (!holds(t, v)) {
                return false;
            }
        }
        return true;
    }

    static boolean holds(TypedArray t, float v) {
        if (t.floating()) {
            return t.elementSize() > 2 || Float.isNaN(v) || halfBits(v) >= 0;
        }
        if (Float.isNaN(v) || v != Math.rint(v) || (v == 0 && 1 / v < 0)) {
            return false;
        }
        double lo = t.signed() ? -Math.pow(2, 8 * t.elementSize() - 1) : 0;
        double hi = t.signed() ? Math.pow(2, 8 * t.elementSize() - 1) - 1 : Math.pow(2, 8 * t.elementSize()) - 1;
        return v >= lo && v <= hi;
    }

    static boolean holdsAllInts(TypedArray t, int[] values) {
        for (int v : values) {
            double lo = t.signed() ? -Math.pow(2, 8 * t.elementSize() - 1) : 0;
            double hi = t.signed() ? Math.pow(2, 8 * t.elementSize() - 1) - 1 : Math.pow(2, 8 * t.elementSize()) - 1;
            if (v < lo || v > hi) {
                return false;
            }
        }
        return true;
    }

    static void putInt(ByteBuffer b, TypedArray t, long v) {
        switch (t.elementSize()) {
            case 1: b.put((byte) v); break;
            case 2: b.putShort((short) v); break;
            case 4: b.putInt((int) v); break;
            default: b.putLong(v);
        }
    }
}
