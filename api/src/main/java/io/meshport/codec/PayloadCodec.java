package io.meshport.codec;

import io.meshport.protocol.MeshportException;
import io.meshport.session.SessionValue;

/**
 * A codec: turns payload bytes into a {@link SessionValue}, and optionally a stored value back into
 * bytes for {@code get}. Codecs are whiteboard services: register an implementation with the service
 * property {@value #ID} naming its codec id (see {@link CodecId}), and the host offers it to clients.
 * When two services claim one id, the one with the higher service ranking serves it.
 *
 * <p>Implementations are called from many threads at once and must be thread safe; they must not keep
 * the {@link Payload}'s buffer, and report bad input by throwing {@link MeshportException} with
 * {@code DECODE_FAILED} (or {@code INVALID_MESH}, {@code BAD_REQUEST}) and a message that names where
 * and what was wrong. Any other exception is reported to the client as {@code DECODE_FAILED} with the
 * exception's message, and logged.
 */
@org.osgi.annotation.versioning.ConsumerType
public interface PayloadCodec {
    /** The service property holding the codec id, a short name such as {@code "ply"}. */
    String ID = "meshport.codec.id";

    /**
     * A service property: {@code true} (a Boolean or the text {@code "true"}) says this codec may be
     * handed large payloads while they arrive ({@link Payload#isArriving()}) and calls
     * {@link Payload#awaitArrived(int)} before reading any byte it has not awaited, so that its decoding
     * overlaps the transfer. The host may still hand it whole payloads, and for a request whose decode
     * it cannot use (a resent put, a conflict found first) it may decode once more or not at all.
     *
     * @since 1.1
     */
    String PROGRESSIVE = "meshport.codec.progressive";

    /**
     * Decodes a payload.
     *
     * @param payload the bytes to decode
     * @param context the key being put and its current entry
     * @return the value to store
     * @throws MeshportException when the payload cannot be decoded
     */
    SessionValue decode(Payload payload, DecodeContext context);

    /**
     * Offers to decode a large payload from its pieces as they arrive, without the host holding its
     * bytes whole (an upload). The host may still hand the same payload whole to
     * {@link #decode(Payload, DecodeContext)} instead.
     *
     * @param size the payload's size in bytes
     * @return a decode to feed the payload's bytes, or null when this codec reads payloads whole (the default)
     * @since 1.2
     */
    default StreamingDecode streaming(long size) {
        return null;
    }

    /**
     * @param value a stored value, possibly put through another codec
     * @return true when {@link #encode(SessionValue)} can encode it
     */
    default boolean canEncode(SessionValue value) {
        return false;
    }

    /**
     * Encodes a stored value as one CBOR item, the body of a {@code get} reply.
     *
     * @param value a value for which {@link #canEncode(SessionValue)} returned true
     * @return the encoded item
     * @throws MeshportException when it cannot be encoded
     */
    default Encoded encode(SessionValue value) {
        throw new MeshportException(io.meshport.protocol.ErrorCode.NO_CODEC, "this codec does not encode");
    }
}
