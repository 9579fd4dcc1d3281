package io.meshport.wire;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;

/**
 * The bytes of a typed array's content, little-endian, made while they are written: a part of a frame
 * that never exists as a whole in memory. A client sending a 1,000,000-point mesh converts it into the
 * socket in cache-sized pieces instead of first allocating and filling 36 MB, and sends the first bytes
 * at once. Immutable: it reads its source from the start each time it is written (a resend after a
 * reconnect writes it again), so the source must not change, as a built mesh's arrays do not.
 */
public final class WireArray {
    private final Buffer source; // FloatBuffer or IntBuffer, read-only, positioned at its start

    private WireArray(Buffer source) {
        this.source = source;
    }

    /** @param floats the values, from position to limit @return the part */
    public static WireArray of(FloatBuffer floats) {
        return new WireArray(floats.slice().asReadOnlyBuffer());
    }

    /** @param ints the values, from position to limit @return the part */
    public static WireArray of(IntBuffer ints) {
        return new WireArray(ints.slice().asReadOnlyBuffer());
    }

    /** @return how many bytes {@link #writeTo} writes */
    public long byteLength() {
        return 4L * source.remaining();
    }

    /**
     * Writes the values little-endian, converting them in pieces through {@code scratch}.
     *
     * @param out where to
     * @param scratch a buffer of the caller's (a multiple of 4 bytes, 4 at least); its content is overwritten
     */
    public void writeTo(OutputStream out, byte[] scratch) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(scratch).order(ByteOrder.LITTLE_ENDIAN);
        int step = scratch.length / 4;
        if (source instanceof FloatBuffer) {
            FloatBuffer src = ((FloatBuffer) source).duplicate();
            FloatBuffer dst = bytes.asFloatBuffer();
            while (src.hasRemaining()) {
                int n = Math.min(step, src.remaining());
                dst.clear();
                dst.put(src.slice(src.position(), n));
                src.position(src.position() + n);
                out.write(scratch, 0, 4 * n);
            }
        } else {
            IntBuffer src = ((IntBuffer) source).duplicate();
            IntBuffer dst = bytes.asIntBuffer();
            while (src.hasRemaining()) {
                int n = Math.min(step, src.remaining());
                dst.clear();
                dst.put(src.slice(src.position(), n));
                src.position(src.position() + n);
                out.write(scratch, 0, 4 * n);
            }
        }
    }

    /**
     * Copies a range of the little-endian bytes (a piece of an upload), converting only the values it covers.
     *
     * @param byteOffset where the range starts in {@link #byteLength()} bytes
     * @param dst where to
     * @param off where in {@code dst}
     * @param len how many bytes
     */
    public void read(long byteOffset, byte[] dst, int off, int len) {
        if (byteOffset < 0 || len < 0 || byteOffset + len > byteLength()) {
            throw new IndexOutOfBoundsException("bytes " + byteOffset + "+" + len + " of " + byteLength());
        }
        long end = byteOffset + len;
        int firstWhole = (int) ((byteOffset + 3) / 4); // the first value wholly inside the range
        int endWhole = (int) (end / 4);                 // after the last one
        if (firstWhole >= endWhole) {
            copyPart(byteOffset, dst, off, len); // a few bytes within one or two values
            return;
        }
        int head = (int) (4L * firstWhole - byteOffset);
        if (head > 0) {
            copyPart(byteOffset, dst, off, head);
        }
        // The values in between go straight into dst, converted by a little-endian view: no buffer between.
        ByteBuffer middle = ByteBuffer.wrap(dst, off + head, 4 * (endWhole - firstWhole)).order(ByteOrder.LITTLE_ENDIAN);
        if (source instanceof FloatBuffer) {
            middle.asFloatBuffer().put(((FloatBuffer) source).slice(firstWhole, endWhole - firstWhole));
        } else {
            middle.asIntBuffer().put(((IntBuffer) source).slice(firstWhole, endWhole - firstWhole));
        }
        int tail = (int) (end - 4L * endWhole);
        if (tail > 0) {
            copyPart(4L * endWhole, dst, off + len - tail, tail);
        }
    }

    /** Copies a few bytes of at most two values, through a small buffer. */
    private void copyPart(long byteOffset, byte[] dst, int off, int len) {
        int first = (int) (byteOffset / 4);
        int last = (int) ((byteOffset + len + 3) / 4);
        ByteBuffer bytes = ByteBuffer.allocate(4 * (last - first)).order(ByteOrder.LITTLE_ENDIAN);
        if (source instanceof FloatBuffer) {
            bytes.asFloatBuffer().put(((FloatBuffer) source).slice(first, last - first));
        } else {
            bytes.asIntBuffer().put(((IntBuffer) source).slice(first, last - first));
        }
        System.arraycopy(bytes.array(), (int) (byteOffset - 4L * first), dst, off, len);
    }

    /**
     * @param other another part
     * @return whether it writes exactly the bytes this one does: the same kind and count of values, bit
     *         for bit (the sign of a zero and a NaN's payload count, unlike {@code FloatBuffer.equals})
     */
    public boolean sameBytes(WireArray other) {
        if (other == this) {
            return true;
        }
        if (source.remaining() != other.source.remaining()) {
            return false;
        }
        if (source instanceof IntBuffer && other.source instanceof IntBuffer) {
            return ((IntBuffer) source).mismatch((IntBuffer) other.source) == -1;
        }
        if (source instanceof FloatBuffer && other.source instanceof FloatBuffer) {
            FloatBuffer a = (FloatBuffer) source;
            FloatBuffer b = (FloatBuffer) other.source;
            for (int i = 0, n = a.remaining(); i < n; i++) {
                if (Float.floatToRawIntBits(a.get(i)) != Float.floatToRawIntBits(b.get(i))) {
                    return false;
                }
            }
            return true;
        }
        return false;
    }

    /** @return the bytes as one little-endian buffer (for callers that need them all at once) */
    public ByteBuffer toByteBuffer() {
        return toByteBuffer(null);
    }

    /**
     * @param reuse an array to fill when it has exactly {@link #byteLength()} bytes, else null
     * @return the bytes as one little-endian buffer over {@code reuse}, or over a new array
     */
    public ByteBuffer toByteBuffer(byte[] reuse) {
        ByteBuffer data = (reuse != null && reuse.length == byteLength() ? ByteBuffer.wrap(reuse)
                : ByteBuffer.allocate((int) byteLength())).order(ByteOrder.LITTLE_ENDIAN);
        if (source instanceof FloatBuffer) {
            data.asFloatBuffer().put(((FloatBuffer) source).duplicate());
        } else {
            data.asIntBuffer().put(((IntBuffer) source).duplicate());
        }
        return data;
    }
}
