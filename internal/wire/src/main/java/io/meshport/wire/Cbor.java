package io.meshport.wire;

import java.nio.charset.StandardCharsets;

/**
 * Structural reading of CBOR (RFC 8949) over a byte array: where an item ends, what its header says,
 * and the few scalar decodings the protocol envelope needs. Nothing here allocates per item except
 * text decoding. Every method checks bounds and nesting, so hostile input gives a
 * {@link CborFormatException}, never an index error or a stack overflow.
 */
public final class Cbor {
    /** Deepest nesting of arrays, maps and tags accepted. */
    public static final int MAX_DEPTH = 256;

    public static final int MAJOR_UINT = 0;
    public static final int MAJOR_NEGINT = 1;
    public static final int MAJOR_BYTES = 2;
    public static final int MAJOR_TEXT = 3;
    public static final int MAJOR_ARRAY = 4;
    public static final int MAJOR_MAP = 5;
    public static final int MAJOR_TAG = 6;
    public static final int MAJOR_SIMPLE = 7;

    /** The argument value that marks an indefinite length. */
    public static final long INDEFINITE = -1;

    /**
     * By initial byte: the whole length of an integer, float or simple value that needs no further
     * check (1, 2, 3, 5 or 9), else 0. Arrays of numbers are skipped through this table instead of one
     * recursive call per element; 0xf8 (a simple value in two bytes, which has a rule) goes the long way.
     */
    private static final byte[] SCALAR_LENGTH = new byte[256];

    static {
        for (int ib = 0; ib < 256; ib++) {
            int major = ib >>> 5;
            int ai = ib & 0x1f;
            if ((major == MAJOR_UINT || major == MAJOR_NEGINT || major == MAJOR_SIMPLE) && ib != 0xf8) {
                SCALAR_LENGTH[ib] = (byte) (ai < 24 ? 1 : ai <= 27 ? 1 + (1 << (ai - 24)) : 0);
            }
        }
    }

    private Cbor() {
    }

    /**
     * @param b the buffer
     * @param pos the offset of an item's initial byte
     * @return the item's major type
     */
    public static int major(byte[] b, int pos) {
        return (b[pos] & 0xff) >>> 5;
    }

    /**
     * Reads the argument of the header at {@code pos}: the value, the length or count, or the tag number.
     *
     * @param b the buffer
     * @param pos the offset of the initial byte
     * @param end the end of the readable range
     * @return the argument (as unsigned 64 bits), or {@link #INDEFINITE} for an indefinite length
     * @throws CborFormatException when the header is truncated or reserved
     */
    public static long argument(byte[] b, int pos, int end) throws CborFormatException {
        int ai = b[pos] & 0x1f;
        if (ai < 24) {
            return ai;
        }
        int n = headerLength(b, pos, end) - 1;
        if (n == 0) {
            return INDEFINITE;
        }
        long v = 0;
        for (int i = 1; i <= n; i++) {
            v = (v << 8) | (b[pos + i] & 0xff);
        }
        return v;
    }

    /**
     * @param b the buffer
     * @param pos the offset of the initial byte
     * @param end the end of the readable range
     * @return the length of the header (initial byte plus argument bytes)
     * @throws CborFormatException when the header is truncated or uses a reserved value
     */
    public static int headerLength(byte[] b, int pos, int end) throws CborFormatException {
        if (pos >= end) {
            throw new CborFormatException(pos, "expected a CBOR item, found the end of the data");
        }
        int ai = b[pos] & 0x1f;
        int n;
        if (ai < 24) {
            n = 1;
        } else if (ai <= 27) {
            n = 1 + (1 << (ai - 24));
        } else if (ai == 31) {
            int major = major(b, pos);
            if (major == MAJOR_UINT || major == MAJOR_NEGINT || major == MAJOR_TAG) {
                throw new CborFormatException(pos, "indefinite length is not allowed for major type " + major);
            }
            n = 1;
        } else {
            throw new CborFormatException(pos, "reserved additional information " + ai);
        }
        if (end - pos < n) {
            throw new CborFormatException(pos, "truncated CBOR header");
        }
        return n;
    }

    /** @return true when the byte at pos opens an indefinite-length item */
    public static boolean isIndefinite(byte[] b, int pos) {
        return (b[pos] & 0x1f) == 31;
    }

    /**
     * Finds where the item starting at {@code pos} ends, checking that it is well-formed.
     *
     * @param b the buffer
     * @param pos the offset of the item's initial byte
     * @param end the end of the readable range
     * @return the offset just after the item
     * @throws CborFormatException when the item is not well-formed or does not fit before {@code end}
     */
    public static int skip(byte[] b, int pos, int end) throws CborFormatException {
        return skip(b, pos, end, 0);
    }

    /**
     * {@link #skip(byte[], int, int)} for an item nested {@code depth} levels deep.
     */
    static int skip(byte[] b, int pos, int end, int depth) throws CborFormatException {
        if (depth > MAX_DEPTH) {
            throw new CborFormatException(pos, "CBOR nesting deeper than " + MAX_DEPTH);
        }
        int h = headerLength(b, pos, end);
        int major = major(b, pos);
        long arg = argument(b, pos, end);
        int p = pos + h;
        switch (major) {
            case MAJOR_UINT:
            case MAJOR_NEGINT:
                return p;
            case MAJOR_BYTES:
            case MAJOR_TEXT:
                if (arg == INDEFINITE) {
                    while (true) {
                        if (p >= end) {
                            throw new CborFormatException(p, "unterminated indefinite-length string");
                        }
                        if ((b[p] & 0xff) == 0xff) {
                            return p + 1;
                        }
                        if (major(b, p) != major || isIndefinite(b, p)) {
                            throw new CborFormatException(p, "a chunk of an indefinite-length string must be a definite string of the same type");
                        }
                        p = skip(b, p, end, depth + 1);
                    }
                }
                return fit(p, arg, end);
            case MAJOR_ARRAY:
            case MAJOR_MAP: {
                int per = major == MAJOR_MAP ? 2 : 1;
                if (arg == INDEFINITE) {
                    long items = 0;
                    while (true) {
                        if (p >= end) {
                            throw new CborFormatException(p, "unterminated indefinite-length " + (per == 2 ? "map" : "array"));
                        }
                        if ((b[p] & 0xff) == 0xff) {
                            if (items % per != 0) {
                                throw new CborFormatException(p, "map ends after a key, without its value");
                            }
                            return p + 1;
                        }
                        int n = SCALAR_LENGTH[b[p] & 0xff];
                        p = n != 0 && n <= end - p && depth < MAX_DEPTH ? p + n : skip(b, p, end, depth + 1);
                        items++;
                    }
                }
                // Every item takes at least one byte: refuse absurd counts before looping.
                if (Long.compareUnsigned(arg, (end - p) / per) > 0) {
                    throw new CborFormatException(pos, "count " + Long.toUnsignedString(arg) + " does not fit in the remaining " + (end - p) + " bytes");
                }
                long items = arg * per;
                if (depth >= MAX_DEPTH) {
                    for (long i = 0; i < items; i++) {
                        p = skip(b, p, end, depth + 1); // throws: too deep
                    }
                    return p;
                }
                for (long i = 0; i < items; i++) {
                    // Numbers and simple values (most of a plain numeric array) by table, the rest by
                    // recursion. The branches on the length are deliberate: p + n with n loaded from
                    // the table would make every step wait for the previous load, whereas a predicted
                    // branch lets the next steps start at once (a float32 array is 5 bytes every time).
                    int n = p < end ? SCALAR_LENGTH[b[p] & 0xff] : 0;
                    if (n > end - p) {
                        n = 0;
                    }
                    if (n == 5) {
                        p += 5;
                    } else if (n == 1) {
                        p += 1;
                    } else if (n == 3) {
                        p += 3;
                    } else if (n == 9) {
                        p += 9;
                    } else if (n == 2) {
                        p += 2;
                    } else {
                        p = skip(b, p, end, depth + 1);
                    }
                }
                return p;
            }
            case MAJOR_TAG:
                return skip(b, p, end, depth + 1);
            default: // simple values and floats
                int ai = b[pos] & 0x1f;
                if (ai == 31) {
                    throw new CborFormatException(pos, "unexpected break");
                }
                if (ai == 24 && (b[pos + 1] & 0xff) < 32) {
                    throw new CborFormatException(pos, "simple value " + (b[pos + 1] & 0xff) + " in two-byte form");
                }
                return p;
        }
    }

    private static int fit(int p, long length, int end) throws CborFormatException {
        if (Long.compareUnsigned(length, end - p) > 0) {
            throw new CborFormatException(p, "string of " + Long.toUnsignedString(length) + " bytes does not fit in the remaining " + (end - p));
        }
        return p + (int) length;
    }

    /**
     * Decodes a text or byte string item (definite or chunked) as UTF-8 text; call only on a
     * well-formed item.
     *
     * @param b the buffer
     * @param pos the offset of the item
     * @param end the end of the readable range
     * @return the text
     * @throws CborFormatException when the item is malformed
     */
    public static String text(byte[] b, int pos, int end) throws CborFormatException {
        int h = headerLength(b, pos, end);
        long arg = argument(b, pos, end);
        if (arg != INDEFINITE) {
            int start = pos + h;
            return new String(b, start, fit(start, arg, end) - start, StandardCharsets.UTF_8);
        }
        return new String(stringBytes(b, pos, end), StandardCharsets.UTF_8);
    }

    /**
     * The content of a byte or text string item, chunks joined; call only on a well-formed item.
     *
     * @param b the buffer
     * @param pos the offset of the item
     * @param end the end of the readable range
     * @return the content bytes (a new array)
     * @throws CborFormatException when the item is malformed
     */
    public static byte[] stringBytes(byte[] b, int pos, int end) throws CborFormatException {
        int h = headerLength(b, pos, end);
        long arg = argument(b, pos, end);
        if (arg != INDEFINITE) {
            int start = pos + h;
            int stop = fit(start, arg, end);
            return java.util.Arrays.copyOfRange(b, start, stop);
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int p = pos + 1;
        while ((b[p] & 0xff) != 0xff) {
            int ch = headerLength(b, p, end);
            int start = p + ch;
            int stop = fit(start, argument(b, p, end), end);
            out.write(b, start, stop - start);
            p = stop;
        }
        return out.toByteArray();
    }

    /**
     * Reads a float item (half, single or double precision) as a double.
     *
     * @param b the buffer
     * @param pos the offset of an item with major type 7 and additional information 25, 26 or 27
     * @return the value
     */
    public static double floatValue(byte[] b, int pos) {
        int ai = b[pos] & 0x1f;
        switch (ai) {
            case 25: return halfToFloat((short) (((b[pos + 1] & 0xff) << 8) | (b[pos + 2] & 0xff)));
            case 26: return Float.intBitsToFloat((int) readBigEndian(b, pos + 1, 4));
            case 27: return Double.longBitsToDouble(readBigEndian(b, pos + 1, 8));
            default: throw new IllegalArgumentException("not a float item");
        }
    }

    /** @return true when the item at pos is a float (half, single or double) */
    public static boolean isFloat(byte[] b, int pos) {
        int ib = b[pos] & 0xff;
        return ib == 0xf9 || ib == 0xfa || ib == 0xfb;
    }

    static long readBigEndian(byte[] b, int pos, int n) {
        long v = 0;
        for (int i = 0; i < n; i++) {
            v = (v << 8) | (b[pos + i] & 0xff);
        }
        return v;
    }

    /**
     * Converts an IEEE 754 half-precision value to float, subnormals, infinities and NaN included.
     *
     * @param h the 16 bits
     * @return the value
     */
    public static float halfToFloat(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1f;
        int mant = bits & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            float v = mant * 0x1p-24f; // subnormal (or zero)
            return sign == 0 ? v : -v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }
}
