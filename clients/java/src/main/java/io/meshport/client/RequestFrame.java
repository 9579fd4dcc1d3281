package io.meshport.client;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.List;

import io.meshport.wire.CborWriter;
import io.meshport.wire.Frames;
import io.meshport.wire.WireArray;

/**
 * One request's frame as it goes on the wire: the length header, the envelope, then the body's parts.
 *
 * <p>Parts are {@link ByteBuffer}s and {@link WireArray}s (arrays converted while they are written).
 * Writing a frame never moves a buffer's position and a WireArray never changes, so the same frame is
 * written again unchanged after a reconnect. Immutable once made; any thread may write it, on the
 * stream of the link whose write lock it holds.
 */
final class RequestFrame {
    private final Object[] parts;
    private final long length;

    private RequestFrame(Object[] parts, long length) {
        this.parts = parts;
        this.length = length;
    }

    /**
     * @param envelope the request map up to its body (or the whole map)
     * @param tail the body's parts that follow the envelope, may be empty
     * @return the frame
     * @throws IllegalArgumentException when it is too large for the 32-bit length header
     */
    static RequestFrame of(CborWriter envelope, List<?> tail) {
        long body = envelope.size();
        for (Object part : tail) {
            body += bytes(part);
        }
        Object[] parts = new Object[2 + tail.size()];
        parts[0] = Frames.header(body);
        parts[1] = envelope.toByteBuffer();
        for (int i = 0; i < tail.size(); i++) {
            Object part = tail.get(i);
            parts[2 + i] = part instanceof ByteBuffer ? ((ByteBuffer) part).duplicate() : part;
        }
        return new RequestFrame(parts, Frames.HEADER_BYTES + body);
    }

    /** @return the frame's length in bytes, its 4-byte header included */
    long length() {
        return length;
    }

    /**
     * Writes the frame, without flushing.
     *
     * @param out the link's stream
     * @param scratch where WireArrays convert their values on the way
     */
    void writeTo(OutputStream out, byte[] scratch) throws IOException {
        for (Object part : parts) {
            if (part instanceof WireArray) {
                ((WireArray) part).writeTo(out, scratch);
                continue;
            }
            ByteBuffer b = (ByteBuffer) part;
            if (b.hasArray()) {
                out.write(b.array(), b.arrayOffset() + b.position(), b.remaining());
            } else {
                byte[] copy = new byte[b.remaining()];
                b.duplicate().get(copy);
                out.write(copy);
            }
        }
    }

    private static long bytes(Object part) {
        return part instanceof WireArray ? ((WireArray) part).byteLength() : ((ByteBuffer) part).remaining();
    }
}
