package io.meshport.wire.mesh;

import io.meshport.wire.Cbor;

import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.util.Arrays;

import io.meshport.mesh.InvalidMeshException;

/**
 * Converts the content of a typed array, as it streams out of the CBOR parser, straight into a
 * {@code float[]} or {@code int[]}: whole runs of elements are bulk-converted with buffer views or
 * VarHandles, never parsed number by number. Chunks may split an element; the split bytes are carried
 * over to the next chunk. When the parser reads from a byte array, the whole content arrives in one
 * chunk taken from the frame buffer itself, so no intermediate copy is made.
 */
final class NumericSink extends OutputStream {
    private static final VarHandle SHORT_LE = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle SHORT_BE = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT_BE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG_BE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    /** Elements converted and checked at a time (16 KiB of ints). */
    private static final int BLOCK = 4096;

    private final String field;
    private final TypedArray type;
    private final boolean toFloat;
    private final boolean finiteOnly;
    private final int size;
    private float[] floats;
    private int[] ints;
    private int count;
    private final byte[] carry = new byte[8];
    private int carryLength;

    /**
     * @param field the field name, for messages
     * @param type the element type of the typed array
     * @param toFloat true to produce floats, false to produce ints
     * @param finiteOnly true when a finite double overflowing float32 is an error (positions)
     */
    NumericSink(String field, TypedArray type, boolean toFloat, boolean finiteOnly) {
        this.field = field;
        this.type = type;
        this.toFloat = toFloat;
        this.finiteOnly = finiteOnly;
        this.size = type.elementSize();
    }

    @Override
    public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
        if (carryLength > 0) {
            int take = Math.min(size - carryLength, len);
            System.arraycopy(b, off, carry, carryLength, take);
            carryLength += take;
            off += take;
            len -= take;
            if (carryLength < size) {
                return;
            }
            ensure(1);
            convert(carry, 0, 1);
            carryLength = 0;
        }
        int n = len / size;
        if (n > 0) {
            ensure(n);
            convert(b, off, n);
        }
        int rest = len - n * size;
        if (rest > 0) {
            System.arraycopy(b, off + n * size, carry, 0, rest);
            carryLength = rest;
        }
    }

    private void ensure(int more) {
        int need = count + more;
        if (toFloat) {
            if (floats == null) {
                floats = new float[need];
            } else if (need > floats.length) {
                floats = Arrays.copyOf(floats, Math.max(need, floats.length + (floats.length >> 1)));
            }
        } else {
            if (ints == null) {
                ints = new int[need];
            } else if (need > ints.length) {
                ints = Arrays.copyOf(ints, Math.max(need, ints.length + (ints.length >> 1)));
            }
        }
    }

    private void convert(byte[] b, int off, int n) {
        ByteBuffer bb = ByteBuffer.wrap(b, off, n * size).order(type.order());
        if (toFloat) {
            switch (type) {
                case FLOAT32_LE:
                case FLOAT32_BE:
                    bb.asFloatBuffer().get(floats, count, n);
                    count += n;
                    return;
                default:
                    for (int i = 0; i < n; i++) {
                        floats[count + i] = asFloat(b, off + i * size, count + i);
                    }
                    count += n;
                    return;
            }
        }
        switch (type) {
            case SINT32_LE:
            case SINT32_BE:
                bb.asIntBuffer().get(ints, count, n);
                count += n;
                return;
            case UINT32_LE:
            case UINT32_BE: {
                // In blocks that stay in the cache: the check reads what the copy just wrote, rather
                // than reading millions of indices back from memory afterwards.
                IntBuffer src = bb.asIntBuffer();
                for (int from = count; from < count + n; from += BLOCK) {
                    int to = Math.min(from + BLOCK, count + n);
                    src.get(ints, from, to - from);
                    int sign = 0;
                    for (int i = from; i < to; i++) {
                        sign |= ints[i];
                    }
                    if (sign < 0) {
                        for (int i = from; i < to; i++) {
                            if (ints[i] < 0) {
                                throw new InvalidMeshException(field + "[" + i + "] = " + Integer.toUnsignedString(ints[i])
                                        + " does not fit in int32");
                            }
                        }
                    }
                }
                count += n;
                return;
            }
            default:
                for (int i = 0; i < n; i++) {
                    ints[count + i] = asInt(b, off + i * size, count + i);
                }
                count += n;
        }
    }

    private float asFloat(byte[] b, int p, int index) {
        if (type.floating()) {
            double d = floating(b, p);
            float f = (float) d;
            if (finiteOnly && Float.isInfinite(f) && Double.isFinite(d)) {
                throw new InvalidMeshException(field + "[" + index + "] = " + d + " does not fit in float32");
            }
            return f;
        }
        long v = integer(b, p);
        if (v < 0 && size == 8 && !type.signed()) {
            return (float) (v >>> 1) * 2f; // a uint64 above 2^63
        }
        return v;
    }

    private int asInt(byte[] b, int p, int index) {
        if (type.floating()) {
            return integral(floating(b, p), index);
        }
        long v = integer(b, p);
        if (v != (int) v || (v < 0 && size == 8 && !type.signed())) {
            throw new InvalidMeshException(field + "[" + index + "] = "
                    + (type.signed() ? Long.toString(v) : Long.toUnsignedString(v)) + " does not fit in int32");
        }
        return (int) v;
    }

    /** An integer element, sign- or zero-extended (a uint64 keeps its 64 bits). */
    private long integer(byte[] b, int p) {
        boolean le = type.order() == ByteOrder.LITTLE_ENDIAN;
        boolean signed = type.signed();
        switch (size) {
            case 1: return signed ? b[p] : b[p] & 0xff;
            case 2: {
                short v = (short) (le ? SHORT_LE : SHORT_BE).get(b, p);
                return signed ? v : v & 0xffff;
            }
            case 4: {
                int v = (int) (le ? INT_LE : INT_BE).get(b, p);
                return signed ? v : v & 0xffffffffL;
            }
            default: return (long) (le ? LONG_LE : LONG_BE).get(b, p);
        }
    }

    /** A float element (half, single or double precision). */
    private double floating(byte[] b, int p) {
        boolean le = type.order() == ByteOrder.LITTLE_ENDIAN;
        switch (size) {
            case 2: return Cbor.halfToFloat((short) (le ? SHORT_LE : SHORT_BE).get(b, p));
            case 4: return Float.intBitsToFloat((int) (le ? INT_LE : INT_BE).get(b, p));
            default: return Double.longBitsToDouble((long) (le ? LONG_LE : LONG_BE).get(b, p));
        }
    }

    private int integral(double d, int index) {
        if (d != Math.rint(d) || d < Integer.MIN_VALUE || d > Integer.MAX_VALUE) {
            throw new InvalidMeshException(field + "[" + index + "] = " + d + " is not an int32");
        }
        return (int) d;
    }

    /**
     * @return the floats read, trimmed to the count
     * @throws InvalidMeshException when the byte length was not a multiple of the element size
     */
    float[] floats() {
        checkComplete();
        if (floats == null) {
            return new float[0];
        }
        return floats.length == count ? floats : Arrays.copyOf(floats, count);
    }

    /**
     * @return the ints read, trimmed to the count
     * @throws InvalidMeshException when the byte length was not a multiple of the element size
     */
    int[] ints() {
        checkComplete();
        if (ints == null) {
            return new int[0];
        }
        return ints.length == count ? ints : Arrays.copyOf(ints, count);
    }

    private void checkComplete() {
        if (carryLength != 0) {
            long bytes = (long) count * size + carryLength;
            throw new InvalidMeshException(field + " is a " + type.describe() + " typed array of " + bytes
                    + " bytes, not a multiple of its element size " + size);
        }
    }
}
