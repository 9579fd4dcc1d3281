package io.meshport.wire;

import java.util.Arrays;

import io.meshport.protocol.ErrorCode;
import io.meshport.protocol.MeshportException;

/**
 * One protocol message: the CBOR map of a frame, read structurally. Values are not decoded until
 * asked for; each is known by its byte range in the frame, so a body of hundreds of megabytes is
 * never copied to find the fields around it.
 *
 * <p>{@link #parse} checks the frame (one well-formed item, a map, nothing after it); the typed
 * getters check each field's type and throw {@code BAD_REQUEST} naming the field.
 */
public final class CborMessage {
    private final byte[] buf;
    private final int start;
    private final int end;
    private final String[] names;
    private final int[] valueStarts;
    private final int[] valueEnds;
    private final int count;
    private final String badKey; // description of the first non-text or duplicate key, or null

    private CborMessage(byte[] buf, int start, int end, String[] names, int[] valueStarts, int[] valueEnds,
            int count, String badKey) {
        this.buf = buf;
        this.start = start;
        this.end = end;
        this.names = names;
        this.valueStarts = valueStarts;
        this.valueEnds = valueEnds;
        this.count = count;
        this.badKey = badKey;
    }

    /**
     * Reads a frame's body as a message.
     *
     * @param buf the buffer
     * @param offset where the frame body starts
     * @param length the frame body's length
     * @return the message
     * @throws CborFormatException when the body is not exactly one well-formed CBOR map
     */
    public static CborMessage parse(byte[] buf, int offset, int length) throws CborFormatException {
        CborMessage m = length > 0 ? parseOnePass(buf, offset, offset + length) : null;
        return m != null ? m : parseChecked(buf, offset, length);
    }

    /**
     * The usual case in one walk over the frame: an untagged map whose keys and values are skipped
     * once each (the body of a put being most of the frame, walking it twice showed in profiles of
     * plain-array meshes). Anything irregular returns null, and {@link #parseChecked} then gives the
     * same result or error as always.
     */
    private static CborMessage parseOnePass(byte[] buf, int offset, int end) {
        if (Cbor.major(buf, offset) != Cbor.MAJOR_MAP) {
            return null;
        }
        try {
            long declared = Cbor.argument(buf, offset, end);
            int p = offset + Cbor.headerLength(buf, offset, end);
            boolean indefinite = declared == Cbor.INDEFINITE;
            if (!indefinite && Long.compareUnsigned(declared, (end - p) / 2) > 0) {
                return null;
            }
            int capacity = indefinite ? 8 : (int) Math.min(declared, 64);
            String[] names = new String[capacity];
            int[] starts = new int[capacity];
            int[] ends = new int[capacity];
            int n = 0;
            String badKey = null;
            long remaining = declared;
            while (indefinite ? p < end && (buf[p] & 0xff) != 0xff : remaining-- > 0) {
                int keyEnd = Cbor.skip(buf, p, end, 1);
                String name = null;
                if (Cbor.major(buf, p) == Cbor.MAJOR_TEXT) {
                    name = Cbor.text(buf, p, end);
                } else if (badKey == null) {
                    badKey = "the message has a " + typeName(buf, p) + " key; keys must be text";
                }
                if (keyEnd >= end) {
                    return null; // a key without its value
                }
                int valueEnd = Cbor.skip(buf, keyEnd, end, 1);
                if (name != null) {
                    if (indexOf(names, n, name) >= 0) {
                        if (badKey == null) {
                            badKey = "the message has the key " + Quoted.quote(name) + " twice";
                        }
                    } else {
                        if (n == names.length) {
                            names = Arrays.copyOf(names, n * 2);
                            starts = Arrays.copyOf(starts, n * 2);
                            ends = Arrays.copyOf(ends, n * 2);
                        }
                        names[n] = name;
                        starts[n] = keyEnd;
                        ends[n] = valueEnd;
                        n++;
                    }
                }
                p = valueEnd;
            }
            if (indefinite) {
                if (p >= end) {
                    return null; // unterminated
                }
                p++; // the break
            }
            return p == end ? new CborMessage(buf, offset, end, names, starts, ends, n, badKey) : null;
        } catch (CborFormatException | RuntimeException e) {
            return null;
        }
    }

    /** Checks the whole item first, then reads the map's fields: every error as documented. */
    static CborMessage parseChecked(byte[] buf, int offset, int length) throws CborFormatException {
        int end = offset + length;
        if (length == 0) {
            throw new CborFormatException(0, "empty frame");
        }
        int itemEnd;
        try {
            itemEnd = Cbor.skip(buf, offset, end);
        } catch (CborFormatException e) {
            throw new CborFormatException(e.offset() - offset, stripOffset(e.getMessage()));
        }
        if (itemEnd != end) {
            throw new CborFormatException(itemEnd - offset, (end - itemEnd) + " bytes left over after the message");
        }
        int pos = offset;
        while (Cbor.major(buf, pos) == Cbor.MAJOR_TAG) { // a tagged map is still a map
            pos += Cbor.headerLength(buf, pos, end);
        }
        if (Cbor.major(buf, pos) != Cbor.MAJOR_MAP) {
            throw new CborFormatException(pos - offset, "the message is a " + typeName(buf, pos) + ", not a map");
        }
        long declared = Cbor.argument(buf, pos, end);
        int p = pos + Cbor.headerLength(buf, pos, end);
        int capacity = declared == Cbor.INDEFINITE ? 8 : (int) Math.min(declared, 64);
        String[] names = new String[capacity];
        int[] starts = new int[capacity];
        int[] ends = new int[capacity];
        int n = 0;
        String badKey = null;
        long remaining = declared;
        while (declared == Cbor.INDEFINITE ? (buf[p] & 0xff) != 0xff : remaining-- > 0) {
            int keyEnd = Cbor.skip(buf, p, end);
            String name = null;
            if (Cbor.major(buf, p) == Cbor.MAJOR_TEXT) {
                name = Cbor.text(buf, p, end);
            } else if (badKey == null) {
                badKey = "the message has a " + typeName(buf, p) + " key; keys must be text";
            }
            int valueEnd = Cbor.skip(buf, keyEnd, end);
            if (name != null) {
                if (indexOf(names, n, name) >= 0) {
                    if (badKey == null) {
                        badKey = "the message has the key " + Quoted.quote(name) + " twice";
                    }
                } else {
                    if (n == names.length) {
                        names = Arrays.copyOf(names, n * 2);
                        starts = Arrays.copyOf(starts, n * 2);
                        ends = Arrays.copyOf(ends, n * 2);
                    }
                    names[n] = name;
                    starts[n] = keyEnd;
                    ends[n] = valueEnd;
                    n++;
                }
            }
            p = valueEnd;
        }
        return new CborMessage(buf, offset, end, names, starts, ends, n, badKey);
    }

    private static String stripOffset(String message) {
        int i = message.lastIndexOf(" at offset ");
        return i < 0 ? message : message.substring(0, i);
    }

    private static int indexOf(String[] names, int n, String name) {
        for (int i = 0; i < n; i++) {
            if (names[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * @param b the buffer
     * @param pos an item's offset
     * @return a short name of the item's type, for messages
     */
    public static String typeName(byte[] b, int pos) {
        switch (Cbor.major(b, pos)) {
            case Cbor.MAJOR_UINT: return "unsigned integer";
            case Cbor.MAJOR_NEGINT: return "negative integer";
            case Cbor.MAJOR_BYTES: return "byte string";
            case Cbor.MAJOR_TEXT: return "text string";
            case Cbor.MAJOR_ARRAY: return "array";
            case Cbor.MAJOR_MAP: return "map";
            case Cbor.MAJOR_TAG: return "tagged item";
            default:
                int ib = b[pos] & 0xff;
                if (ib == 0xf4 || ib == 0xf5) {
                    return "boolean";
                }
                if (ib == 0xf6) {
                    return "null";
                }
                if (ib == 0xf7) {
                    return "undefined";
                }
                return Cbor.isFloat(b, pos) ? "float" : "simple value";
        }
    }

    /** @return the frame buffer */
    public byte[] buffer() {
        return buf;
    }

    /** @return the offset of the message in {@link #buffer()} */
    public int offset() {
        return start;
    }

    /** @return the message's length in bytes */
    public int length() {
        return end - start;
    }

    /**
     * @return a description of the first non-text or repeated key, or null when every key is a
     *         distinct text string
     */
    public String keyProblem() {
        return badKey;
    }

    /**
     * @param name a field name
     * @return true when the message has that field
     */
    public boolean has(String name) {
        return indexOf(names, count, name) >= 0;
    }

    /**
     * @param name a field name
     * @return the offset of the field's value item, or -1 when absent
     */
    public int valueStart(String name) {
        int i = indexOf(names, count, name);
        return i < 0 ? -1 : valueStarts[i];
    }

    /**
     * @param name a field name
     * @return the offset just after the field's value item, or -1 when absent
     */
    public int valueEnd(String name) {
        int i = indexOf(names, count, name);
        return i < 0 ? -1 : valueEnds[i];
    }

    /**
     * @param name a field name
     * @return true when the field is present with the value null
     */
    public boolean isNull(String name) {
        int p = valueStart(name);
        return p >= 0 && (buf[p] & 0xff) == 0xf6;
    }

    /**
     * A text field. An optional field whose value is null counts as absent.
     *
     * @param name the field name
     * @param required whether a missing field is an error
     * @return the text, or null when absent and not required
     * @throws MeshportException {@code BAD_REQUEST} when missing (if required) or not text
     */
    public String text(String name, boolean required) {
        int p = valueStart(name);
        if (p < 0 || (!required && (buf[p] & 0xff) == 0xf6)) {
            if (required) {
                throw badRequest("'" + name + "' is missing");
            }
            return null;
        }
        if (Cbor.major(buf, p) != Cbor.MAJOR_TEXT) {
            throw badRequest("'" + name + "' must be text, got a " + typeName(buf, p));
        }
        try {
            return Cbor.text(buf, p, end);
        } catch (CborFormatException e) { // cannot happen after parse()
            throw badRequest("'" + name + "' is malformed");
        }
    }

    /**
     * An unsigned integer field; an integral float is accepted too (JavaScript encoders send large
     * integers as float64). Values are unsigned 64 bits: compare with {@link Long#compareUnsigned}.
     * An optional field whose value is null counts as absent.
     *
     * @param name the field name
     * @param required whether a missing field is an error
     * @param absent what to return when the field is absent and not required
     * @return the value
     * @throws MeshportException {@code BAD_REQUEST} when missing (if required), negative, fractional or
     *         not a number
     */
    public long uint(String name, boolean required, long absent) {
        int p = valueStart(name);
        if (p < 0 || (!required && (buf[p] & 0xff) == 0xf6)) {
            if (required) {
                throw badRequest("'" + name + "' is missing");
            }
            return absent;
        }
        int major = Cbor.major(buf, p);
        try {
            if (major == Cbor.MAJOR_UINT) {
                return Cbor.argument(buf, p, end);
            }
            if (major == Cbor.MAJOR_NEGINT) {
                throw badRequest("'" + name + "' must be an unsigned integer, got -1-" + Long.toUnsignedString(Cbor.argument(buf, p, end)));
            }
        } catch (CborFormatException e) {
            throw badRequest("'" + name + "' is malformed");
        }
        if (Cbor.isFloat(buf, p)) {
            double d = Cbor.floatValue(buf, p);
            if (d >= 0 && d < 0x1p64 && d == Math.rint(d)) {
                return d < 0x1p63 ? (long) d : (long) (d - 0x1p63) ^ Long.MIN_VALUE;
            }
            throw badRequest("'" + name + "' must be an unsigned integer, got " + d);
        }
        throw badRequest("'" + name + "' must be an unsigned integer, got a " + typeName(buf, p));
    }

    /**
     * A boolean field.
     *
     * @param name the field name
     * @param absent what to return when the field is absent
     * @return the value
     * @throws MeshportException {@code BAD_REQUEST} when not a boolean
     */
    public boolean bool(String name, boolean absent) {
        int p = valueStart(name);
        if (p < 0) {
            return absent;
        }
        int ib = buf[p] & 0xff;
        if (ib == 0xf4 || ib == 0xf5) {
            return ib == 0xf5;
        }
        throw badRequest("'" + name + "' must be a boolean, got a " + typeName(buf, p));
    }

    /**
     * @param name the field name
     * @return the decoded value of a field (see {@link CborValues}), or null when absent
     */
    public Object value(String name) {
        int p = valueStart(name);
        if (p < 0) {
            return null;
        }
        try {
            return CborValues.decode(buf, p, end);
        } catch (CborFormatException e) {
            throw badRequest("'" + name + "' is malformed");
        }
    }

    private static MeshportException badRequest(String message) {
        return new MeshportException(ErrorCode.BAD_REQUEST, message);
    }
}
