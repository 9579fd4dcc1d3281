package io.meshport.samples.ply;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import io.meshport.samples.ply.PlyHeader.Element;
import io.meshport.samples.ply.PlyHeader.Property;

/** Reads a binary PLY body: fixed-size values back to back, little- or big-endian. */
final class BinaryBody extends PlyBody {
    /** The payload's array, in the body's byte order. */
    final ByteBuffer buf;

    BinaryBody(byte[] b, int off, int len, int start, ByteOrder order) {
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
            throw errorAt(at, where() + ": list '" + p.name + "' has count " + n + ": expected 0 or more");
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
    double item(Property p, int item) {
        return read(p.type); // count() checked that every item is there
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
    String trailing() {
        if (pos == end) {
            return null;
        }
        return location(pos) + ": " + (end - pos) + (end - pos == 1 ? " byte follows" : " bytes follow")
                + " the elements the header declares; not read";
    }

    @Override
    String location(int at) {
        return "byte " + (at - off);
    }
}
