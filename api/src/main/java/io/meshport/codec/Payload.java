package io.meshport.codec;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.IntConsumer;

/**
 * The bytes a codec decodes: the content of the request's {@code body} when it is a CBOR byte string,
 * else the encoded bytes of the {@code body} item exactly as they stand in the frame
 * ({@link #isByteString()} tells which).
 *
 * <p>A payload is a window on the host's frame buffer, valid only during the decode call: a codec
 * reads it, never changes it, and copies what it keeps ({@link #copy()}).
 *
 * <p>A codec registered with {@link PayloadCodec#PROGRESSIVE} may be handed a large payload while its
 * bytes are still arriving ({@link #isArriving()}), so that decoding overlaps the transfer; such a
 * codec calls {@link #awaitArrived(int)} before it reads bytes it has not awaited yet. Every other
 * codec only ever sees payloads whose bytes have all arrived.
 */
public final class Payload {
    private final byte[] array;
    private final int offset;
    private final int length;
    private final boolean byteString;
    private final IntConsumer arrival; // null: every byte is there

    /**
     * @param array the buffer
     * @param offset where the payload starts in it
     * @param length its length
     * @param byteString true when the body was a CBOR byte string and these are its content bytes
     */
    public Payload(byte[] array, int offset, int length, boolean byteString) {
        this(array, offset, length, byteString, null);
    }

    /**
     * A payload whose bytes may still be arriving (made by hosts, for codecs registered with
     * {@link PayloadCodec#PROGRESSIVE}).
     *
     * @param array the buffer, being filled from its start
     * @param offset where the payload starts in it
     * @param length its length
     * @param byteString true when the body was a CBOR byte string and these are its content bytes
     * @param arrival {@code accept(index)} returns once every byte of {@code array} before {@code index}
     *        has arrived, or throws {@link io.meshport.protocol.MeshportException} when they never
     *        will (the connection closed); null when they all have
     * @since 1.1
     */
    public Payload(byte[] array, int offset, int length, boolean byteString, IntConsumer arrival) {
        Objects.checkFromIndexSize(offset, length, array.length);
        this.array = array;
        this.offset = offset;
        this.length = length;
        this.byteString = byteString;
        this.arrival = arrival;
    }

    /**
     * @return true when bytes of this payload may still be arriving: read a byte only after
     *         {@link #awaitArrived(int)} covered it
     * @since 1.1
     */
    public boolean isArriving() {
        return arrival != null;
    }

    /**
     * Waits until every byte of {@link #array()} before {@code index} has arrived; returns at once for a
     * payload that is not {@linkplain #isArriving() arriving}. Cheap when they have.
     *
     * @param index a position in {@link #array()}, at most {@code offset() + length()}
     * @throws io.meshport.protocol.MeshportException when they never will (the client went away); let it
     *         propagate
     * @since 1.1
     */
    public void awaitArrived(int index) {
        if (arrival != null) {
            arrival.accept(Math.min(index, offset + length));
        }
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
        awaitArrived(offset + index + 1);
        return array[offset + index];
    }

    /** @return a copy of the payload's bytes */
    public byte[] copy() {
        awaitArrived(offset + length);
        return Arrays.copyOfRange(array, offset, offset + length);
    }

    /** @return a stream over the payload */
    public InputStream stream() {
        awaitArrived(offset + length);
        return new ByteArrayInputStream(array, offset, length);
    }
}
