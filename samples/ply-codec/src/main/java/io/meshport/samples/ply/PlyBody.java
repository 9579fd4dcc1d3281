package io.meshport.samples.ply;

import java.nio.ByteOrder;

import io.meshport.protocol.ErrorCode;
import io.meshport.protocol.MeshportException;
import io.meshport.samples.ply.PlyHeader.Element;
import io.meshport.samples.ply.PlyHeader.Property;

/**
 * Reads the values of a PLY body one at a time, in the order the header declares them, checking each
 * read against the end of the payload; {@link AsciiBody} and {@link BinaryBody} are the two encodings.
 * The element instance being read is named in every error.
 */
abstract class PlyBody {
    final byte[] b;
    final int off;
    final int end;
    /** The next byte to read. */
    int pos;
    /** Where the last value read starts. */
    int valueStart;
    /** The element and instance being read, for messages. */
    Element element;
    int instance;

    PlyBody(byte[] b, int off, int len, int start) {
        this.b = b;
        this.off = off;
        this.end = off + len;
        this.pos = off + start;
    }

    /**
     * @param h the header
     * @param b the payload's array
     * @param off where the payload starts
     * @param len its length
     * @return a reader of its body
     */
    static PlyBody of(PlyHeader h, byte[] b, int off, int len) {
        switch (h.format) {
            case ASCII:
                return new AsciiBody(b, off, len, h.dataStart, h.lines + 1);
            case BINARY_BIG_ENDIAN:
                return new BinaryBody(b, off, len, h.dataStart, ByteOrder.BIG_ENDIAN);
            default:
                return new BinaryBody(b, off, len, h.dataStart, ByteOrder.LITTLE_ENDIAN);
        }
    }

    /** Starts instance {@code i} of {@code e}. */
    abstract void begin(Element e, int i);

    /** @return the next value, a scalar of property {@code p} */
    abstract double scalar(Property p);

    /**
     * @param p a list property
     * @return the next value, the list's count, checked to be at least 0 and small enough for the
     *         items to fit in what remains of the payload
     */
    abstract int count(Property p);

    /** @return the next value, item {@code item} of list {@code p}, which has an integer type */
    abstract long integerItem(Property p, int item);

    /** @return the next value, item {@code item} of list {@code p}, of any type */
    abstract double item(Property p, int item);

    /** Skips the next value, a scalar of {@code p} (it is still checked). */
    abstract void skipScalar(Property p);

    /** Skips a list's items. */
    abstract void skipItems(Property p, int count);

    /** Ends the current instance. */
    abstract void finishInstance();

    /** Skips every instance of an element the codec does not use. */
    void skipElement(Element e) {
        if (e.properties.isEmpty()) {
            return; // instances of nothing take no room
        }
        for (int i = 0; i < e.count; i++) {
            begin(e, i);
            for (Property p : e.properties) {
                if (p.isList()) {
                    skipItems(p, count(p));
                } else {
                    skipScalar(p);
                }
            }
            finishInstance();
        }
    }

    /**
     * Called after the last element: the bytes that follow it, if any, are not read (see docs/codec-sdk.md,
     * "Data after the declared elements").
     *
     * @return what follows the last element, for a warning, or null when nothing (but blanks, in ASCII) does
     */
    abstract String trailing();

    /** What a value is, for messages: a scalar, a list's count, a list's item. */
    static final int SCALAR = 0;
    static final int COUNT = 1;
    static final int ITEM = 2;

    /** @return what a value is, for messages, e.g. "property 'z' (float)" */
    static String describe(Property p, int kind, int item) {
        switch (kind) {
            case SCALAR:
                return "property '" + p.name + "' (" + p.type + ")";
            case COUNT:
                return "the count of list '" + p.name + "' (" + p.countType + ")";
            default:
                return "item " + item + " of list '" + p.name + "' (" + p.type + ")";
        }
    }

    /** @return where the current instance is, for messages: "vertex 17" */
    String where() {
        return element.name + " " + instance;
    }

    /** @return where byte {@code at} of the array is, for messages: "byte 1042" or "line 12 (byte 1042)" */
    abstract String location(int at);

    /** @return a {@code DECODE_FAILED} error at the read position */
    MeshportException error(String what) {
        return PlyErrors.of(ErrorCode.DECODE_FAILED, location(pos), what);
    }

    /** @return a {@code DECODE_FAILED} error at byte {@code at} of the array */
    MeshportException errorAt(int at, String what) {
        return PlyErrors.of(ErrorCode.DECODE_FAILED, location(at), what);
    }

    /** @return an {@code INVALID_MESH} error (a value the mesh model refuses) at the last value read */
    MeshportException invalidValue(String what) {
        return PlyErrors.of(ErrorCode.INVALID_MESH, location(valueStart), what);
    }
}
