package io.meshport.codec;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Objects;

/**
 * The bytes a codec decodes: the content of the request's {@code body} when it is a CBOR byte string,
 * else the encoded bytes of the {@code body} item exactly as they stand in the frame
 * ({@link #isByteString()} tells which).
 *
 * <p>A payload is a window on the host's frame buffer, valid only during the decode call: a codec
 * reads it, never changes it, and copies what it keeps ({@link #copy()}).
 */
public final class Payload {
    private final byte[] array;
    private final int offset;
    private final int length;
    private final boolean byteString;

    /**
     * @param array the buffer
     * @param offset where the payload starts in it
     * @param length its length
     * @param byteString true when the body was a CBOR byte string and these are its content bytes
     */
    public Payload(byte[] array, int offset, int length, boolean byteString) {
        Objects.checkFromIndexSize(offset, length, array.length);
        this.array = array;
        this.offset = offset;
        this.length = length;
        this.byteString = byteString;
    }

    /**
     * @param bytes a whole array as the content of a byte-string body
     * @return the payload
     */
    public static Payload ofBytes(byte[] bytes) {
        return new Payload(bytes, 0, bytes.length, true);
    }

    /** @return the buffer holding the payload; read it, never write it */
    public byte[] array() {
        return array;
    }

    /** @return where the payload starts in {@link #array()} */
    public int offset() {
        return offset;
    }

    /** @return the payload's length in bytes */
    public int length() {
        return length;
    }

    /**
     * @return true when the body was a CBOR byte string (these are its content bytes); false when
     *         the body was another CBOR item (these are its encoded bytes)
     */
    public boolean isByteString() {
        return byteString;
    }

    /**
     * @param index a position in the payload
     * @return the byte there
     */
    public byte byteAt(int index) {
        Objects.checkIndex(index, length);
        return array[offset + index];
    }

    /** @return a copy of the payload's bytes */
    public byte[] copy() {
        return Arrays.copyOfRange(array, offset, offset + length);
    }

    /** @return a stream over the payload */
    public InputStream stream() {
        return new ByteArrayInputStream(array, offset, length);
    }
}
