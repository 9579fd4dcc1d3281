package io.meshport.codec;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * An encoded value for a {@code get} reply: buffers that, concatenated, hold exactly one CBOR data item,
 * which becomes the reply's {@code body}. The buffers are sent from their position to their limit;
 * they are not consumed (the host sends duplicates), so a codec may hand out views of stored arrays.
 */
public final class Encoded {
    private final ByteBuffer[] parts;
    private final long length;

    private Encoded(ByteBuffer[] parts) {
        long n = 0;
        for (ByteBuffer b : parts) {
            n += Objects.requireNonNull(b, "part").remaining();
        }
        this.parts = parts;
        this.length = n;
    }

    /**
     * @param parts buffers that together hold one CBOR item
     * @return the encoded value
     */
    public static Encoded ofItem(ByteBuffer... parts) {
        return new Encoded(parts.clone());
    }

    /**
     * @param item one encoded CBOR item
     * @return the encoded value
     */
    public static Encoded ofItem(byte[] item) {
        return new Encoded(new ByteBuffer[] {ByteBuffer.wrap(item).asReadOnlyBuffer()});
    }

    /**
     * Wraps bytes as a CBOR byte string item (a header, then the bytes, which are not copied).
     *
     * @param content the content of the byte string
     * @return the encoded value
     */
    public static Encoded ofByteString(byte[] content) {
        long n = content.length;
        ByteBuffer header;
        if (n < 24) {
            header = ByteBuffer.wrap(new byte[] {(byte) (0x40 | n)});
        } else if (n < 0x100) {
            header = ByteBuffer.wrap(new byte[] {0x58, (byte) n});
        } else if (n < 0x10000) {
            header = ByteBuffer.allocate(3).put((byte) 0x59).putShort((short) n).flip();
        } else {
            header = ByteBuffer.allocate(5).put((byte) 0x5a).putInt((int) n).flip();
        }
        return new Encoded(new ByteBuffer[] {header, ByteBuffer.wrap(content).asReadOnlyBuffer()});
    }

    /** @return read-only duplicates of the parts, ready to send */
    public ByteBuffer[] parts() {
        ByteBuffer[] out = new ByteBuffer[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = parts[i].asReadOnlyBuffer();
        }
        return out;
    }

    /** @return the total length in bytes */
    public long length() {
        return length;
    }
}
