package io.meshport.client;

import java.nio.ByteBuffer;
import java.util.List;

import io.meshport.wire.WireArray;

/** A payload made of parts (buffers, and typed arrays converted as they are read), read at any offset: an upload's pieces. */
final class PayloadParts {
    private final List<?> parts;
    private final long[] starts;
    private final long length;

    /** @param parts {@link ByteBuffer}s and {@link WireArray}s, in order */
    PayloadParts(List<?> parts) {
        this.parts = parts;
        this.starts = new long[parts.size()];
        long at = 0;
        for (int i = 0; i < parts.size(); i++) {
            starts[i] = at;
            at += size(parts.get(i));
        }
        this.length = at;
    }

    private static long size(Object part) {
        if (part instanceof ByteBuffer b) {
            return b.remaining();
        }
        if (part instanceof WireArray a) {
            return a.byteLength();
        }
        throw new IllegalArgumentException("a payload part is a ByteBuffer or a WireArray, not " + part.getClass().getName());
    }

    long length() {
        return length;
    }

    /** Copies {@code len} bytes from {@code offset} into {@code dst}. */
    void read(long offset, byte[] dst, int len) {
        if (offset < 0 || len < 0 || offset + len > length) {
            throw new IndexOutOfBoundsException("bytes " + offset + "+" + len + " of " + length);
        }
        int done = 0;
        int i = part(offset);
        while (done < len) {
            Object p = parts.get(i);
            long inPart = offset + done - starts[i];
            int n = (int) Math.min(len - done, size(p) - inPart);
            if (p instanceof ByteBuffer b) {
                b.duplicate().position(b.position() + (int) inPart).get(dst, done, n);
            } else {
                ((WireArray) p).read(inPart, dst, done, n);
            }
            done += n;
            i++;
        }
    }

    private int part(long offset) {
        int i = 0;
        while (i + 1 < starts.length && starts[i + 1] <= offset) {
            i++;
        }
        return i;
    }
}
