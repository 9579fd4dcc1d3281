package io.meshport.wire;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;

/**
 * Writes CBOR into a growable byte array: the envelopes of replies, events and requests, and plain
 * values. Large payloads are not copied through it; they travel as separate buffers after the
 * envelope (see {@link Frames}).
 */
public final class CborWriter {
    private byte[] buf;
    private int len;

    /** A writer with a small initial buffer. */
    public CborWriter() {
        this(128);
    }

    /** @param capacity the initial buffer size */
    public CborWriter(int capacity) {
        buf = new byte[Math.max(16, capacity)];
    }

    private void ensure(int more) {
        if (len + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
        }
    }

    private void put(int b) {
        ensure(1);
        buf[len++] = (byte) b;
    }

    /**
     * Writes a header with the shortest argument encoding.
     *
     * @param major the major type
     * @param arg the argument, unsigned
     * @return this
     */
    public CborWriter header(int major, long arg) {
        int mt = major << 5;
        ensure(9);
        if (arg >= 0 && arg < 24) {
            buf[len++] = (byte) (mt | arg);
        } else if (arg >= 0 && arg < 0x100) {
            buf[len++] = (byte) (mt | 24);
            buf[len++] = (byte) arg;
        } else if (arg >= 0 && arg < 0x10000) {
            buf[len++] = (byte) (mt | 25);
            buf[len++] = (byte) (arg >>> 8);
            buf[len++] = (byte) arg;
        } else if (arg >= 0 && arg < 0x100000000L) {
            buf[len++] = (byte) (mt | 26);
            for (int s = 24; s >= 0; s -= 8) {
                buf[len++] = (byte) (arg >>> s);
            }
        } else {
            buf[len++] = (byte) (mt | 27);
            for (int s = 56; s >= 0; s -= 8) {
                buf[len++] = (byte) (arg >>> s);
            }
        }
        return this;
    }

    /** @param n the number of pairs that follow @return this */
    public CborWriter mapHeader(int n) {
        return header(Cbor.MAJOR_MAP, n);
    }

    /** @param n the number of items that follow @return this */
    public CborWriter arrayHeader(int n) {
        return header(Cbor.MAJOR_ARRAY, n);
    }

    /** @param tag a tag number @return this */
    public CborWriter tag(long tag) {
        return header(Cbor.MAJOR_TAG, tag);
    }

    /** @param s the text @return this */
    public CborWriter text(String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        header(Cbor.MAJOR_TEXT, utf8.length);
        return raw(utf8, 0, utf8.length);
    }

    /** @param v an unsigned value (all 64 bits) @return this */
    public CborWriter uint(long v) {
        return header(Cbor.MAJOR_UINT, v);
    }

    /** @param v a signed value @return this */
    public CborWriter integer(long v) {
        return v >= 0 ? header(Cbor.MAJOR_UINT, v) : header(Cbor.MAJOR_NEGINT, -1 - v);
    }

    /** @param v a float, written in single precision @return this */
    public CborWriter float32(float v) {
        ensure(5);
        buf[len++] = (byte) 0xfa;
        int bits = Float.floatToRawIntBits(v);
        for (int s = 24; s >= 0; s -= 8) {
            buf[len++] = (byte) (bits >>> s);
        }
        return this;
    }

    /** @param v a double, written in double precision @return this */
    public CborWriter float64(double v) {
        ensure(9);
        buf[len++] = (byte) 0xfb;
        long bits = Double.doubleToRawLongBits(v);
        for (int s = 56; s >= 0; s -= 8) {
            buf[len++] = (byte) (bits >>> s);
        }
        return this;
    }

    /** @param v the value @return this */
    public CborWriter bool(boolean v) {
        put(v ? 0xf5 : 0xf4);
        return this;
    }

    /** @return this, after writing null */
    public CborWriter nil() {
        put(0xf6);
        return this;
    }

    /** @param b byte string content @return this */
    public CborWriter bytes(byte[] b) {
        header(Cbor.MAJOR_BYTES, b.length);
        return raw(b, 0, b.length);
    }

    /**
     * Copies already encoded CBOR (or content bytes after a header) as they are.
     *
     * @param b the bytes
     * @param off where they start
     * @param n how many
     * @return this
     */
    public CborWriter raw(byte[] b, int off, int n) {
        ensure(n);
        System.arraycopy(b, off, buf, len, n);
        len += n;
        return this;
    }

    /**
     * Writes a plain Java value: null, Boolean, Integer/Long/Short/Byte/BigInteger, Float (single
     * precision), Double, String, byte[], float[] and int[] (as arrays), Collection, Map (keys written
     * as values), {@link CborTagged}, and enums (by name).
     *
     * @param v the value
     * @return this
     * @throws IllegalArgumentException for any other type
     */
    public CborWriter value(Object v) {
        if (v == null) {
            return nil();
        }
        if (v instanceof String) {
            return text((String) v);
        }
        if (v instanceof Boolean) {
            return bool((Boolean) v);
        }
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            return integer(((Number) v).longValue());
        }
        if (v instanceof Float) {
            return float32((Float) v);
        }
        if (v instanceof Double) {
            return float64((Double) v);
        }
        if (v instanceof BigInteger) {
            BigInteger bi = (BigInteger) v;
            if (bi.signum() >= 0 && bi.bitLength() <= 64) {
                return uint(bi.longValue());
            }
            if (bi.signum() < 0 && bi.negate().subtract(BigInteger.ONE).bitLength() <= 64) {
                return header(Cbor.MAJOR_NEGINT, bi.negate().subtract(BigInteger.ONE).longValue());
            }
            tag(bi.signum() >= 0 ? 2 : 3);
            byte[] mag = (bi.signum() >= 0 ? bi : bi.negate().subtract(BigInteger.ONE)).toByteArray();
            return bytes(mag[0] == 0 ? Arrays.copyOfRange(mag, 1, mag.length) : mag);
        }
        if (v instanceof byte[]) {
            return bytes((byte[]) v);
        }
        if (v instanceof float[]) {
            float[] f = (float[]) v;
            arrayHeader(f.length);
            for (float x : f) {
                float32(x);
            }
            return this;
        }
        if (v instanceof int[]) {
            int[] a = (int[]) v;
            arrayHeader(a.length);
            for (int x : a) {
                integer(x);
            }
            return this;
        }
        if (v instanceof Collection) {
            Collection<?> c = (Collection<?>) v;
            arrayHeader(c.size());
            for (Object o : c) {
                value(o);
            }
            return this;
        }
        if (v instanceof Map) {
            Map<?, ?> m = (Map<?, ?>) v;
            mapHeader(m.size());
            for (Map.Entry<?, ?> e : m.entrySet()) {
                value(e.getKey());
                value(e.getValue());
            }
            return this;
        }
        if (v instanceof CborTagged) {
            CborTagged t = (CborTagged) v;
            tag(t.tag());
            return value(t.value());
        }
        if (v instanceof Enum) {
            return text(((Enum<?>) v).name());
        }
        throw new IllegalArgumentException("cannot write a " + v.getClass().getName() + " as CBOR");
    }

    /** @return the number of bytes written */
    public int size() {
        return len;
    }

    /** @return a copy of the bytes written */
    public byte[] toByteArray() {
        return Arrays.copyOf(buf, len);
    }

    /** @return a buffer over the bytes written (not copied; do not write more afterwards) */
    public ByteBuffer toByteBuffer() {
        return ByteBuffer.wrap(buf, 0, len);
    }

    /** Forgets what was written, keeping the buffer. @return this */
    public CborWriter reset() {
        len = 0;
        return this;
    }
}
