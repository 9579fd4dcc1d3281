package io.meshport.codec;

import io.meshport.session.SessionValue;

/**
 * A decode fed a payload's bytes in order as they arrive (an upload's pieces, docs/protocol.md section
 * 10), which keeps what it makes of them instead of the bytes: the host then holds the decoded value as
 * it grows, not the payload and the value together. Made by {@link PayloadCodec#streaming(long)}; used
 * by one thread at a time.
 *
 * @since 1.2
 */
@org.osgi.annotation.versioning.ConsumerType
public interface StreamingDecode {
    /**
     * Takes the next bytes of the payload, in order; never keeps {@code b}. Errors in the bytes are said
     * by {@link #finish}, not here.
     *
     * @param b holds the bytes
     * @param off where they start
     * @param len how many
     */
    void accept(byte[] b, int off, int len);

    /**
     * Decodes the value once every byte of the payload was accepted, as {@link PayloadCodec#decode}
     * would decode the same bytes put whole (the same value, or the same error).
     *
     * @param context the key being put and its current entry
     * @return the value to store
     * @throws io.meshport.protocol.MeshportException when the payload cannot be decoded
     */
    SessionValue finish(DecodeContext context);
}
