package io.meshport.wire.mesh;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

import io.meshport.mesh.InvalidMeshException;
import io.meshport.wire.Cbor;
import io.meshport.wire.CborFormatException;

/**
 * Reads plain CBOR arrays (definite or indefinite) of numbers into flat arrays: integers of every
 * width, minimal or not, of both signs, and half, single and double floats, each read exactly. The
 * first element that is not what the array must hold is named in the error. One instance reads one
 * array.
 */
final class PlainArrays {
    private static final VarHandle SHORT_BE = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT_BE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG_BE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    /** What an untyped attribute array holds, and so how it is stored. */
    enum Kind { INTS, FLOATS, STRINGS }

    private final String field;
    private final byte[] b;
    private final int end;
    /** The next element's offset. */
    private int q;
    private final boolean indefinite;
    private final long declared;
    /** The value of the element the slow path just read. */
    private float slowFloat;
    private int slowInt;

    private PlainArrays(String field, byte[] b, int vs, int end) throws CborFormatException {
        this.field = field;
        this.b = b;
        this.end = end;
        long n = Cbor.argument(b, vs, end);
        this.indefinite = n == Cbor.INDEFINITE;
        this.q = vs + Cbor.headerLength(b, vs, end);
        // Every element takes at least one byte: refuse an absurd count before allocating for it.
        if (!indefinite && Long.compareUnsigned(n, end - q) > 0) {
            throw new CborFormatException(vs, "array count " + Long.toUnsignedString(n) + " does not fit in the remaining " + (end - q) + " bytes");
        }
        this.declared = n;
    }

    private int initialCapacity() {
        return indefinite ? 16 : (int) declared;
    }

    /** @return true after the last element (and its break, for an indefinite array) */
    private boolean atEnd(int n) throws CborFormatException {
        if (!indefinite) {
            return n == declared;
        }
        if (q >= end) {
            throw new CborFormatException(q, "unterminated indefinite-length array");
        }
        if ((b[q] & 0xff) == 0xff) {
            q++;
            return true;
        }
        return false;
    }

    private void need(int bytes) throws CborFormatException {
        if (end - q < bytes) {
            throw new CborFormatException(q, q >= end ? "expected an array element, found the end of the data" : "truncated number");
        }
    }

    /**
     * A plain array of numbers as floats, the way a float32 holds them.
     *
     * @param vs the array's offset
     * @param finiteOnly true when a finite double overflowing float32 is an error (positions)
     * @param ve receives where the array ends
     */
    static float[] floats(String field, byte[] b, int vs, int end, boolean finiteOnly, int[] ve) throws CborFormatException {
        PlainArrays a = new PlainArrays(field, b, vs, end);
        float[] out = a.readFloats(finiteOnly, new float[a.initialCapacity()], 0);
        ve[0] = a.q;
        return out;
    }

    /**
     * A plain array of integers (integral floats too) each in int32.
     *
     * @param vs the array's offset
     * @param ve receives where the array ends
     */
    static int[] ints(String field, byte[] b, int vs, int end, int[] ve) throws CborFormatException {
        PlainArrays a = new PlainArrays(field, b, vs, end);
        int[] out = a.readInts();
        ve[0] = a.q;
        return out;
    }

    /**
     * A plain array of text.
     *
     * @param vs the array's offset
     * @param ve receives where the array ends
     */
    static String[] strings(String field, byte[] b, int vs, int end, int[] ve) throws CborFormatException {
        PlainArrays a = new PlainArrays(field, b, vs, end);
        String[] out = new String[Math.min(a.initialCapacity(), 1 << 16)];
        int n = 0;
        while (!a.atEnd(n)) {
            a.need(1);
            if (Cbor.major(b, a.q) != Cbor.MAJOR_TEXT) {
                throw new InvalidMeshException(field + "[" + n + "] is " + MeshItems.describe(b, a.q, end) + ", expected text");
            }
            if (n == out.length) {
                out = Arrays.copyOf(out, grow(n));
            }
            out[n] = MeshItems.text(field + "[" + n + "]", b, a.q, end);
            a.q = Cbor.skip(b, a.q, end);
            n++;
        }
        ve[0] = a.q;
        return n == out.length ? out : Arrays.copyOf(out, n);
    }

    /**
     * What an attribute array without a {@code type} holds: text when its first element is text, floats
     * when any element is a float, else integers (docs/protocol.md section 6.3). Elements that are neither are
     * left for the reader of that kind to name.
     *
     * @param vs the array's offset
     */
    static Kind kind(byte[] b, int vs, int end) throws CborFormatException {
        PlainArrays a = new PlainArrays("", b, vs, end);
        for (int n = 0; !a.atEnd(n); n++) {
            a.need(1);
            int ib = b[a.q] & 0xff;
            if (n == 0 && ib >>> 5 == Cbor.MAJOR_TEXT) {
                return Kind.STRINGS;
            }
            if (ib == 0xf9 || ib == 0xfa || ib == 0xfb) {
                return Kind.FLOATS;
            }
            if (ib >>> 5 > Cbor.MAJOR_NEGINT || (ib & 0x1f) > 27) {
                break;
            }
            a.q += Cbor.headerLength(b, a.q, end);
        }
        return Kind.INTS;
    }

    private float[] readFloats(boolean finiteOnly, float[] out, int n) throws CborFormatException {
        byte[] b = this.b;
        int q = this.q;
        while (true) {
            this.q = q;
            if (atEnd(n)) {
                break;
            }
            if (q >= end) {
                need(1);
            }
            // The usual encodings first, inline: float32, small integers, float64.
            int ib = b[q] & 0xff;
            float v;
            if (ib == 0xfa) {
                if (end - q < 5) {
                    need(5);
                }
                v = Float.intBitsToFloat((int) INT_BE.get(b, q + 1));
                q += 5;
            } else if (ib < 0x18) {
                v = ib;
                q += 1;
            } else if (ib == 0xfb) {
                if (end - q < 9) {
                    need(9);
                }
                double d = Double.longBitsToDouble((long) LONG_BE.get(b, q + 1));
                v = (float) d;
                if (finiteOnly && Float.isInfinite(v) && Double.isFinite(d)) {
                    throw new InvalidMeshException(field + "[" + n + "] = " + d + " does not fit in float32");
                }
                q += 9;
            } else {
                q = slowFloat(ib, n);
                v = slowFloat;
            }
            if (n == out.length) {
                out = Arrays.copyOf(out, grow(n));
            }
            out[n++] = v;
        }
        return n == out.length ? out : Arrays.copyOf(out, n);
    }

    /** Reads any other number at {@link #q} into {@link #slowFloat}; @return the offset after it */
    private int slowFloat(int ib, int n) throws CborFormatException {
        int major = ib >>> 5;
        if (ib == 0xf9) {
            need(3);
            slowFloat = Cbor.halfToFloat((short) SHORT_BE.get(b, q + 1));
            return q + 3;
        }
        if (major > Cbor.MAJOR_NEGINT || (ib & 0x1f) > 27) {
            throw notA("a number", n);
        }
        int h = integerHeader(ib);
        long u = argument(ib);
        slowFloat = major == Cbor.MAJOR_UINT ? unsignedToFloat(u) : negativeToFloat(u);
        return q + h;
    }

    private int[] readInts() throws CborFormatException {
        byte[] b = this.b;
        int[] out = new int[initialCapacity()];
        int n = 0;
        int q = this.q;
        while (true) {
            this.q = q;
            if (atEnd(n)) {
                break;
            }
            if (q >= end) {
                need(1);
            }
            int ib = b[q] & 0xff;
            int v;
            if (ib < 0x18) {
                v = ib;
                q += 1;
            } else if (ib == 0x19 && end - q >= 3) {
                v = (short) SHORT_BE.get(b, q + 1) & 0xffff;
                q += 3;
            } else if (ib == 0x1a && end - q >= 5 && (int) INT_BE.get(b, q + 1) >= 0) {
                v = (int) INT_BE.get(b, q + 1);
                q += 5;
            } else {
                q = slowInt(ib, n);
                v = slowInt;
            }
            if (n == out.length) {
                out = Arrays.copyOf(out, grow(n));
            }
            out[n++] = v;
        }
        return n == out.length ? out : Arrays.copyOf(out, n);
    }

    /** Reads any other integer, or an integral float, at {@link #q} into {@link #slowInt}; @return the offset after it */
    private int slowInt(int ib, int n) throws CborFormatException {
        int major = ib >>> 5;
        if (ib == 0xf9 || ib == 0xfa || ib == 0xfb) {
            int len = ib == 0xf9 ? 3 : ib == 0xfa ? 5 : 9;
            need(len);
            double d = Cbor.floatValue(b, q);
            if (d != Math.rint(d) || d < Integer.MIN_VALUE || d > Integer.MAX_VALUE) {
                throw new InvalidMeshException(field + "[" + n + "] = " + d + " is not an int32");
            }
            slowInt = (int) d;
            return q + len;
        }
        if (major > Cbor.MAJOR_NEGINT || (ib & 0x1f) > 27) {
            throw notA("an integer", n);
        }
        int h = integerHeader(ib);
        long u = argument(ib);
        if (major == Cbor.MAJOR_UINT) {
            if (Long.compareUnsigned(u, Integer.MAX_VALUE) > 0) {
                throw new InvalidMeshException(field + "[" + n + "] = " + Long.toUnsignedString(u) + " does not fit in int32");
            }
            slowInt = (int) u;
        } else {
            if (Long.compareUnsigned(u, Integer.MAX_VALUE) > 0) { // below -2^31
                throw new InvalidMeshException(field + "[" + n + "] = " + MeshItems.negative(u) + " does not fit in int32");
            }
            slowInt = (int) (-1 - u);
        }
        return q + h;
    }

    /** @return the length of the integer header at {@link #q}, checked to fit */
    private int integerHeader(int ib) throws CborFormatException {
        int ai = ib & 0x1f;
        int h = ai < 24 ? 1 : 1 + (1 << (ai - 24));
        need(h);
        return h;
    }

    /** @return the argument of the integer header at {@link #q} (checked by {@link #integerHeader}), unsigned */
    private long argument(int ib) {
        switch (ib & 0x1f) {
            case 24: return b[q + 1] & 0xff;
            case 25: return (short) SHORT_BE.get(b, q + 1) & 0xffff;
            case 26: return (int) INT_BE.get(b, q + 1) & 0xffffffffL;
            case 27: return (long) LONG_BE.get(b, q + 1);
            default: return ib & 0x1f;
        }
    }

    /** @return the unsigned 64-bit {@code u}, rounded to the nearest float */
    static float unsignedToFloat(long u) {
        if (u >= 0) {
            return u;
        }
        // Halved with the lost bit kept as a sticky bit, so that the one rounding is still to nearest.
        return ((float) ((u >>> 1) | (u & 1))) * 2f;
    }

    /** @return {@code -1 - u} for the unsigned 64-bit {@code u}, rounded to the nearest float */
    static float negativeToFloat(long u) {
        if (u >= 0) {
            return -1 - u;
        }
        long magnitude = u + 1; // -1 - u = -(u + 1); u + 1 wraps to 0 for 2^64 - 1
        return magnitude == 0 ? -0x1p64f : -unsignedToFloat(magnitude);
    }

    private InvalidMeshException notA(String expected, int n) {
        return new InvalidMeshException(field + "[" + n + "] is " + MeshItems.describe(b, q, end) + ", expected " + expected);
    }

    static int grow(int n) {
        return Math.max(16, n + (n >> 1));
    }
}
