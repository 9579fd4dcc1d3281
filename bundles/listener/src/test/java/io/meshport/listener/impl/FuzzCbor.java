package io.meshport.listener.impl;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The fuzz test's own CBOR (RFC 8949): an encoder that can write every form (non-minimal heads,
 * indefinite lengths, chunked strings, any simple value) and a decoder that is the test's oracle of
 * what a frame is. It shares no code with the host's {@code io.meshport.wire}, so that the host is
 * judged against the documents rather than against itself.
 *
 * <p>The decoder applies RFC 8949's well-formedness rules and the host's one documented addition:
 * nesting deeper than 256 is refused (docs/protocol.md section 2.2). The top-level
 * item is at depth 0 and each array, map or tag adds one to the depth of what it holds; an item
 * deeper than 256 is refused. (The chunks of an indefinite-length string count as one level below
 * the string, which only matters at the very limit.)
 */
final class FuzzCbor {
    static final int MAX_DEPTH = 256;

    private FuzzCbor() {
    }

    // ------------------------------------------------------------------------------------ values

    /** A tag and its item. */
    record Tagged(long tag, Object value) {
        @Override
        public String toString() {
            return Long.toUnsignedString(tag) + "(" + describe(value, 200) + ")";
        }
    }

    /** A simple value other than false, true, null and undefined. */
    record Simple(int value) {
    }

    /** CBOR undefined. */
    static final Object UNDEFINED = new Object() {
        @Override
        public String toString() {
            return "undefined";
        }
    };

    /** A map as it came: keys and values in order, duplicates and non-text keys kept. */
    static final class CMap {
        final List<Object> keys = new ArrayList<>();
        final List<Object> values = new ArrayList<>();

        boolean has(String key) {
            return keys.indexOf(key) >= 0;
        }

        /** @return the value of the first entry with this key, or null */
        Object get(String key) {
            int i = keys.indexOf(key);
            return i < 0 ? null : values.get(i);
        }

        int size() {
            return keys.size();
        }

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder("{");
            for (int i = 0; i < keys.size(); i++) {
                b.append(i == 0 ? "" : ", ").append(describe(keys.get(i), 80)).append(": ").append(describe(values.get(i), 400));
            }
            return b.append('}').toString();
        }
    }

    /** What the decoder refuses. */
    static final class Malformed extends Exception {
        private static final long serialVersionUID = 1L;
        final int offset;

        Malformed(int offset, String message) {
            super(message + " at offset " + offset);
            this.offset = offset;
        }
    }

    // ------------------------------------------------------------------------------------ decoding

    /**
     * Decodes exactly one item filling {@code b[off, end)}.
     *
     * @param limitDepth whether items deeper than {@link #MAX_DEPTH} are refused
     * @throws Malformed when the bytes are not one well-formed item (or are too deep)
     */
    static Object decodeWhole(byte[] b, int off, int end, boolean limitDepth) throws Malformed {
        Reader r = new Reader(b, off, end, limitDepth);
        Object v = r.item(0);
        if (r.pos != end) {
            throw new Malformed(r.pos, (end - r.pos) + " bytes after the item");
        }
        return v;
    }

    private static final class Reader {
        final byte[] b;
        final int end;
        final boolean limitDepth;
        int pos;

        Reader(byte[] b, int pos, int end, boolean limitDepth) {
            this.b = b;
            this.pos = pos;
            this.end = end;
            this.limitDepth = limitDepth;
        }

        private int u8() throws Malformed {
            if (pos >= end) {
                throw new Malformed(pos, "end of data");
            }
            return b[pos++] & 0xff;
        }

        /** @return the argument, or -1 (as a marker, with indefinite[0] set) for an indefinite length */
        private long argument(int ai, boolean[] indefinite) throws Malformed {
            if (ai < 24) {
                return ai;
            }
            int n;
            switch (ai) {
                case 24: n = 1; break;
                case 25: n = 2; break;
                case 26: n = 4; break;
                case 27: n = 8; break;
                case 31:
                    indefinite[0] = true;
                    return -1;
                default:
                    throw new Malformed(pos - 1, "reserved additional information " + ai);
            }
            long v = 0;
            for (int i = 0; i < n; i++) {
                v = (v << 8) | u8();
            }
            return v;
        }

        Object item(int depth) throws Malformed {
            if (limitDepth && depth > MAX_DEPTH) {
                throw new Malformed(pos, "nesting deeper than " + MAX_DEPTH);
            }
            int start = pos;
            int ib = u8();
            int major = ib >>> 5;
            int ai = ib & 0x1f;
            boolean[] indef = new boolean[1];
            if (major == 7) {
                return simple(start, ai);
            }
            long arg = argument(ai, indef);
            switch (major) {
                case 0:
                    if (indef[0]) {
                        throw new Malformed(start, "indefinite length for an integer");
                    }
                    return arg >= 0 ? (Object) arg : new BigInteger(Long.toUnsignedString(arg));
                case 1:
                    if (indef[0]) {
                        throw new Malformed(start, "indefinite length for an integer");
                    }
                    return arg >= 0 ? (Object) (-1 - arg) : BigInteger.ONE.negate().subtract(new BigInteger(Long.toUnsignedString(arg)));
                case 2:
                case 3: {
                    byte[] content;
                    if (indef[0]) {
                        ByteArrayOutputStream o = new ByteArrayOutputStream();
                        while (true) {
                            if (pos >= end) {
                                throw new Malformed(pos, "unterminated indefinite-length string");
                            }
                            if ((b[pos] & 0xff) == 0xff) {
                                pos++;
                                break;
                            }
                            if (limitDepth && depth + 1 > MAX_DEPTH) {
                                throw new Malformed(pos, "nesting deeper than " + MAX_DEPTH);
                            }
                            int cs = pos;
                            int cib = u8();
                            if (cib >>> 5 != major || (cib & 0x1f) == 31) {
                                throw new Malformed(cs, "a chunk must be a definite string of the same type");
                            }
                            boolean[] ci = new boolean[1];
                            long n = argument(cib & 0x1f, ci);
                            o.write(b, pos, fit(n));
                            pos += (int) n;
                        }
                        content = o.toByteArray();
                    } else {
                        int n = fit(arg);
                        content = java.util.Arrays.copyOfRange(b, pos, pos + n);
                        pos += n;
                    }
                    return major == 2 ? content : new String(content, StandardCharsets.UTF_8);
                }
                case 4: {
                    List<Object> list = new ArrayList<>();
                    if (indef[0]) {
                        while (true) {
                            if (pos >= end) {
                                throw new Malformed(pos, "unterminated indefinite-length array");
                            }
                            if ((b[pos] & 0xff) == 0xff) {
                                pos++;
                                return list;
                            }
                            list.add(item(depth + 1));
                        }
                    }
                    if (Long.compareUnsigned(arg, end - pos) > 0) {
                        throw new Malformed(start, "array of " + Long.toUnsignedString(arg) + " items in " + (end - pos) + " bytes");
                    }
                    for (long i = 0; i < arg; i++) {
                        list.add(item(depth + 1));
                    }
                    return list;
                }
                case 5: {
                    CMap m = new CMap();
                    if (indef[0]) {
                        while (true) {
                            if (pos >= end) {
                                throw new Malformed(pos, "unterminated indefinite-length map");
                            }
                            if ((b[pos] & 0xff) == 0xff) {
                                pos++;
                                return m;
                            }
                            m.keys.add(item(depth + 1));
                            if (pos < end && (b[pos] & 0xff) == 0xff) {
                                throw new Malformed(pos, "map ends after a key");
                            }
                            m.values.add(item(depth + 1));
                        }
                    }
                    if (Long.compareUnsigned(arg, (end - pos) / 2) > 0) {
                        throw new Malformed(start, "map of " + Long.toUnsignedString(arg) + " pairs in " + (end - pos) + " bytes");
                    }
                    for (long i = 0; i < arg; i++) {
                        m.keys.add(item(depth + 1));
                        m.values.add(item(depth + 1));
                    }
                    return m;
                }
                default: // 6
                    if (indef[0]) {
                        throw new Malformed(start, "indefinite length for a tag");
                    }
                    return new Tagged(arg, item(depth + 1));
            }
        }

        private int fit(long n) throws Malformed {
            if (Long.compareUnsigned(n, end - pos) > 0) {
                throw new Malformed(pos, "string of " + Long.toUnsignedString(n) + " bytes in " + (end - pos));
            }
            return (int) n;
        }

        private Object simple(int start, int ai) throws Malformed {
            if (ai < 20) {
                return new Simple(ai);
            }
            switch (ai) {
                case 20: return Boolean.FALSE;
                case 21: return Boolean.TRUE;
                case 22: return null;
                case 23: return UNDEFINED;
                case 24: {
                    int v = u8();
                    if (v < 32) {
                        throw new Malformed(start, "simple value " + v + " in two bytes");
                    }
                    return new Simple(v);
                }
                case 25: {
                    int h = (u8() << 8) | u8();
                    return (double) half(h);
                }
                case 26: {
                    int v = (u8() << 24) | (u8() << 16) | (u8() << 8) | u8();
                    return (double) Float.intBitsToFloat(v);
                }
                case 27: {
                    long v = 0;
                    for (int i = 0; i < 8; i++) {
                        v = (v << 8) | u8();
                    }
                    return Double.longBitsToDouble(v);
                }
                case 31:
                    throw new Malformed(start, "a break outside an indefinite-length item");
                default:
                    throw new Malformed(start, "reserved additional information " + ai);
            }
        }
    }

    static float half(int h) {
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1f;
        int mant = h & 0x3ff;
        if (exp == 0) {
            float f = mant * 0x1p-24f;
            return sign != 0 ? -f : f;
        }
        if (exp == 31) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    /**
     * @return the 64 bits of an unsigned integer value as decoded here (a Long of at least 0, or a
     *         BigInteger below 2^64), or null when the value is not an unsigned integer
     */
    static Long uintBits(Object v) {
        if (v instanceof Long && (Long) v >= 0) {
            return (Long) v;
        }
        if (v instanceof BigInteger && ((BigInteger) v).signum() >= 0 && ((BigInteger) v).bitLength() <= 64) {
            return ((BigInteger) v).longValue();
        }
        return null;
    }

    /** @return a short description of a decoded value, for reports */
    static String describe(Object v, int max) {
        String s;
        if (v instanceof byte[]) {
            byte[] a = (byte[]) v;
            s = "h'" + hex(a, 0, Math.min(a.length, 32)) + (a.length > 32 ? "...' (" + a.length + " bytes)" : "'");
        } else if (v instanceof String) {
            String t = (String) v;
            s = "\"" + (t.length() > 120 ? t.substring(0, 120) + "...\" (" + t.length() + " chars)" : t + "\"");
        } else {
            s = String.valueOf(v);
        }
        return s.length() > max ? s.substring(0, max) + "..." : s;
    }

    static String hex(byte[] b, int off, int len) {
        StringBuilder s = new StringBuilder(len * 2);
        for (int i = off; i < off + len; i++) {
            s.append(Character.forDigit((b[i] >> 4) & 0xf, 16)).append(Character.forDigit(b[i] & 0xf, 16));
        }
        return s.toString();
    }

    static byte[] text(String s) {
        return new CborOut().text(s).bytes();
    }

    static byte[] uint(long v) {
        return new CborOut().uint(v).bytes();
    }
}
