package io.meshport.wire;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * The frame format: a big-endian unsigned 32-bit length, then that many bytes holding one CBOR map.
 */
public final class Frames {
    /** Bytes of the length prefix. */
    public static final int HEADER_BYTES = 4;
    /** The largest length the prefix can express. */
    public static final long MAX_LENGTH = 0xffffffffL;

    private Frames() {
    }

    /**
     * @param length a frame body's length
     * @return the 4-byte header for it
     * @throws IllegalArgumentException when the length does not fit in 32 bits
     */
    public static ByteBuffer header(long length) {
        if (length < 0 || length > MAX_LENGTH) {
            throw new IllegalArgumentException("a frame of " + length + " bytes does not fit the 32-bit length prefix");
        }
        return ByteBuffer.allocate(HEADER_BYTES).putInt((int) length).flip();
    }

    /**
     * A whole frame: header, then the envelope, then the body parts.
     *
     * @param envelope the message's bytes up to the body (or the whole message)
     * @param body buffers that follow the envelope, may be empty
     * @return the buffers to write, in order
     */
    public static ByteBuffer[] frame(ByteBuffer envelope, List<ByteBuffer> body) {
        long n = envelope.remaining();
        for (ByteBuffer b : body) {
            n += b.remaining();
        }
        ByteBuffer[] out = new ByteBuffer[2 + body.size()];
        out[0] = header(n);
        out[1] = envelope;
        for (int i = 0; i < body.size(); i++) {
            out[2 + i] = body.get(i);
        }
        return out;
    }

    /**
     * @param message one encoded message
     * @return the buffers of a frame holding it
     */
    public static ByteBuffer[] frame(byte[] message) {
        return new ByteBuffer[] {header(message.length), ByteBuffer.wrap(message)};
    }
}
