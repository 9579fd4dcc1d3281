package io.meshport.samples.ply;

import io.meshport.samples.text.AsciiNumbers;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import io.meshport.protocol.MeshportException;
import io.meshport.samples.ply.PlyHeader.Element;
import io.meshport.samples.ply.PlyHeader.Property;

/**
 * Reads the values of a PLY body one at a time, in the order the header declares them, checking each
 * read against the end of the payload. The element instance being read is named in every error.
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
                return new Ascii(b, off, len, h.dataStart, h.lines + 1);
            case BINARY_BIG_ENDIAN:
                return new Binary(b, off, len, h.dataStart, ByteOrder.BIG_ENDIAN);
            default:
                return new Binary(b, off, len, h.dataStart, ByteOrder.LITTLE_ENDIAN);
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

    /** @return the next value, a list item of {@code p}, which has an integer type */
    abstract long integerItem(Property p, int item);

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

    /** Checks that nothing but what the format allows follows the last element. */
    abstract void finish();

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

    /** @return a location for an error at the read position */
    abstract MeshportException error(String what);

    /** @return a location for an error at byte {@code at} of the array (in the current line, for ASCII) */
    abstract MeshportException errorAt(int at, String what);

    /** The binary formats: fixed-size values in little- or big-endian order. */
    static final class Binary extends PlyBody {
        private final ByteBuffer buf;

        Binary(byte[] b, int off, int len, int start, ByteOrder order) {
            super(b, off, len, start);
            this.buf = ByteBuffer.wrap(b).order(order);
        }

        @Override
        void begin(Element e, int i) {
            element = e;
            instance = i;
        }

        private void need(int size, Property p, int kind) {
            if (end - pos < size) {
                throw error(where() + " ends the file early: expected " + size + (size == 1 ? " byte of " : " bytes of ")
                        + describe(p, kind, 0) + ", " + (end - pos) + " remain");
            }
        }

        private double read(PlyType t) {
            int p = pos;
            valueStart = p;
            pos += t.size;
            switch (t) {
                case INT8: return b[p];
                case UINT8: return b[p] & 0xff;
                case INT16: return buf.getShort(p);
                case UINT16: return buf.getShort(p) & 0xffff;
                case INT32: return buf.getInt(p);
                case UINT32: return buf.getInt(p) & 0xFFFF_FFFFL;
                case FLOAT32: return buf.getFloat(p);
                default: return buf.getDouble(p);
            }
        }

        private long readIntegral(PlyType t) {
            int p = pos;
            valueStart = p;
            pos += t.size;
            switch (t) {
                case INT8: return b[p];
                case UINT8: return b[p] & 0xff;
                case INT16: return buf.getShort(p);
                case UINT16: return buf.getShort(p) & 0xffff;
                case INT32: return buf.getInt(p);
                default: return buf.getInt(p) & 0xFFFF_FFFFL;
            }
        }

        @Override
        double scalar(Property p) {
            need(p.type.size, p, SCALAR);
            return read(p.type);
        }

        @Override
        int count(Property p) {
            need(p.countType.size, p, COUNT);
            int at = pos;
            long n = readIntegral(p.countType);
            if (n < 0) {
                throw PlyErrors.at(at - off, where() + ": list '" + p.name + "' has count " + n + ": expected 0 or more");
            }
            long bytes = n * p.type.size;
            if (bytes > end - pos) {
                throw error(where() + " ends the file early: its list '" + p.name + "' has " + n + " items of " + p.type
                        + " (" + bytes + " bytes), " + (end - pos) + " bytes remain");
            }
            return (int) n;
        }

        @Override
        long integerItem(Property p, int item) {
            return readIntegral(p.type); // count() checked that every item is there
        }

        @Override
        void skipScalar(Property p) {
            need(p.type.size, p, SCALAR);
            pos += p.type.size;
        }

        @Override
        void skipItems(Property p, int count) {
            pos += count * p.type.size; // count() checked that they are there
        }

        @Override
        void finishInstance() {
        }

        @Override
        void skipElement(Element e) {
            for (Property p : e.properties) {
                if (p.isList()) {
                    super.skipElement(e);
                    return;
                }
            }
            // Fixed size: no need to visit each instance, unless one is cut off.
            long size = e.minBinaryBytes();
            long bytes = size * e.count;
            if (bytes <= end - pos) {
                pos += (int) bytes;
                return;
            }
            int whole = (int) ((end - pos) / size);
            pos += (int) (whole * size);
            begin(e, whole);
            for (Property p : e.properties) {
                skipScalar(p); // one of these throws
            }
            throw new IllegalStateException("unreachable");
        }

        @Override
        void finish() {
            if (pos != end) {
                throw error((end - pos) + " bytes follow the last element"
                        + (element == null ? "" : " (" + element.name + ")")
                        + ": the header declares less data than the file holds");
            }
        }

        @Override
        MeshportException error(String what) {
            return PlyErrors.at(pos - off, what);
        }

        @Override
        MeshportException errorAt(int at, String what) {
            return PlyErrors.at(at - off, what);
        }
    }

    /**
     * The ASCII format: one instance per line, values separated by spaces or tabs. Blank lines between
     * instances are tolerated; the last instance must end with a line end (else the file was cut).
     */
    static final class Ascii extends PlyBody {
        private int line;
        private int lineStart;
        private int tokenStart;
        private int tokenEnd;

        Ascii(byte[] b, int off, int len, int start, int firstLine) {
            super(b, off, len, start);
            this.line = firstLine;
            this.lineStart = pos;
        }

        @Override
        void begin(Element e, int i) {
            element = e;
            instance = i;
            if (e.properties.isEmpty()) {
                return;
            }
            // skip blank lines
            while (true) {
                int p = pos;
                while (p < end && (b[p] == ' ' || b[p] == '\t' || b[p] == '\r')) {
                    p++;
                }
                if (p < end && b[p] == '\n') {
                    pos = p + 1;
                    line++;
                    lineStart = pos;
                    continue;
                }
                if (p >= end) {
                    pos = p;
                    Property first = e.properties.get(0);
                    throw error("the file ends before " + where() + " of " + e.count + ": expected "
                            + describe(first, first.isList() ? COUNT : SCALAR, 0));
                }
                pos = p;
                return;
            }
        }

        /** Finds the next token on this line, or explains what is missing. */
        private void token(Property prop, int kind, int item) {
            int p = pos;
            while (p < end && (b[p] == ' ' || b[p] == '\t' || b[p] == '\r')) {
                p++;
            }
            pos = p;
            if (p >= end) {
                throw error("the file ends inside " + where() + ": expected " + describe(prop, kind, item));
            }
            if (b[p] == '\n') {
                throw error(where() + " ends early: expected " + describe(prop, kind, item) + " before the end of the line");
            }
            tokenStart = p;
            valueStart = p;
            while (p < end && b[p] > ' ') {
                p++;
            }
            tokenEnd = p;
            pos = p;
        }

        private long integer(Property p, int kind, int item) {
            PlyType t = kind == COUNT ? p.countType : p.type;
            try {
                long v = AsciiNumbers.parseLong(b, tokenStart, tokenEnd);
                if (v >= t.min && v <= t.max) {
                    return v;
                }
            } catch (NumberFormatException e) {
                // below
            }
            String what = kind == SCALAR ? "property '" + p.name + "'" : kind == COUNT ? "the count of list '" + p.name + "'"
                    : "item " + item + " of list '" + p.name + "'";
            throw tokenError("expected " + what + ", a " + t + " (a whole number from " + t.min + " to " + t.max + ")");
        }

        private MeshportException tokenError(String what) {
            return PlyErrors.line(line, tokenStart - off, where() + ": " + what + ", found "
                    + AsciiNumbers.quote(b, tokenStart, tokenEnd));
        }

        private double value(Property p, int kind, int item) {
            PlyType t = p.type;
            if (t.integral) {
                return integer(p, kind, item);
            }
            try {
                return t == PlyType.FLOAT32 ? AsciiNumbers.parseFloat(b, tokenStart, tokenEnd)
                        : AsciiNumbers.parseDouble(b, tokenStart, tokenEnd);
            } catch (NumberFormatException e) {
                throw tokenError("expected " + (kind == SCALAR ? "property '" + p.name + "'"
                        : "item " + item + " of list '" + p.name + "'") + ", a " + t);
            }
        }

        @Override
        double scalar(Property p) {
            token(p, SCALAR, 0);
            return value(p, SCALAR, 0);
        }

        @Override
        int count(Property p) {
            token(p, COUNT, 0);
            long n = integer(p, COUNT, 0);
            if (n < 0) {
                throw tokenError("expected the count of list '" + p.name + "', 0 or more");
            }
            // each item takes a byte and a separator at least
            if (n > (end - pos) / 2) {
                throw tokenError("list '" + p.name + "' has " + n + " items, more than the " + (end - pos)
                        + " bytes left can hold");
            }
            return (int) n;
        }

        @Override
        long integerItem(Property p, int item) {
            token(p, ITEM, item);
            return integer(p, ITEM, item);
        }

        @Override
        void skipScalar(Property p) {
            scalar(p);
        }

        @Override
        void skipItems(Property p, int count) {
            for (int i = 0; i < count; i++) {
                token(p, ITEM, i);
                value(p, ITEM, i);
            }
        }

        @Override
        void finishInstance() {
            if (element.properties.isEmpty()) {
                return;
            }
            int p = pos;
            while (p < end && (b[p] == ' ' || b[p] == '\t' || b[p] == '\r')) {
                p++;
            }
            pos = p;
            if (p >= end) {
                throw error(where() + " has no line end after it: the file looks cut off");
            }
            if (b[p] != '\n') {
                int s = p;
                while (p < end && b[p] > ' ') {
                    p++;
                }
                throw PlyErrors.line(line, s - off, where() + " has more values than its " + element.properties.size()
                        + " properties: expected the end of the line, found " + AsciiNumbers.quote(b, s, p));
            }
            pos = p + 1;
            line++;
            lineStart = pos;
        }

        @Override
        void finish() {
            int p = pos;
            while (p < end && (b[p] == ' ' || b[p] == '\t' || b[p] == '\r' || b[p] == '\n')) {
                if (b[p] == '\n') {
                    line++;
                }
                p++;
            }
            if (p < end) {
                pos = p;
                int s = p;
                while (p < end && b[p] > ' ') {
                    p++;
                }
                throw error("data after the last element: " + AsciiNumbers.quote(b, s, p)
                        + ": the header declares less data than the file holds");
            }
        }

        @Override
        MeshportException error(String what) {
            return PlyErrors.line(line, pos - off, what);
        }

        @Override
        MeshportException errorAt(int at, String what) {
            return PlyErrors.line(line, at - off, what);
        }
    }
}
