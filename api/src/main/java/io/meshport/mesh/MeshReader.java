package io.meshport.mesh;

import io.meshport.protocol.MeshportException;

/**
 * Turns the payload of the {@code mesh} codec (a CBOR map, docs/protocol.md section 6) into a {@link Mesh}.
 * Registered as a service by the mesh reader bundle (io.meshport.mesh-reader); thread safe.
 */
@org.osgi.annotation.versioning.ProviderType
public interface MeshReader {

    /** Supplies the mesh a {@code base} update applies to. */
    @FunctionalInterface
    @org.osgi.annotation.versioning.ConsumerType
    interface BaseResolver {
        /**
         * @param baseVersion the {@code base} field of the payload
         * @return the mesh stored under the key at exactly that version
         * @throws MeshportException {@code CONFLICT} (detail {@code current}) when the key is at another
         *         version or absent, {@code INVALID_MESH} when the entry is not a mesh
         */
        Mesh resolve(long baseVersion);
    }

    /** A resolver for payloads that must not carry {@code base}: it refuses every base. */
    BaseResolver NO_BASE = v -> {
        throw new InvalidMeshException("base: a base update needs an existing entry to update");
    };

    /**
     * A mesh payload read from its pieces as they arrive (an upload), so that its large arrays are
     * converted as they come and its bytes are never held whole. Used by one thread at a time.
     *
     * @since 1.3
     */
    @org.osgi.annotation.versioning.ProviderType
    interface Incoming {
        /**
         * @param b holds the payload's next bytes, in order; not kept
         * @param off where they start
         * @param len how many
         */
        void accept(byte[] b, int off, int len);

        /**
         * Reads the mesh once every byte was accepted: the same mesh, or the same error, as
         * {@link MeshReader#read(byte[], int, int, BaseResolver)} on the whole payload.
         *
         * @param base resolves {@code base}
         * @return the mesh
         */
        Mesh finish(BaseResolver base);
    }

    /**
     * @param size the payload's size in bytes
     * @return a reader of a payload arriving in pieces, or null when this reader reads payloads whole only
     * @since 1.3
     */
    default Incoming incoming(long size) {
        return null;
    }

    /**
     * Reads one mesh payload.
     *
     * @param data the buffer holding the payload; it is not modified, and not retained
     * @param offset where the payload starts
     * @param length the payload's length in bytes
     * @param base supplies the mesh a payload with {@code base} updates
     * @return the mesh, validated
     * @throws InvalidMeshException when the payload breaks a rule of section 6
     * @throws MeshportException {@code DECODE_FAILED} when the bytes are not well-formed CBOR, or what
     *         {@code base} throws
     */
    Mesh read(byte[] data, int offset, int length, BaseResolver base);

    /**
     * Reads a mesh payload whose bytes may still be arriving, copying its arrays as they come.
     *
     * @param data the buffer, being filled from its start
     * @param offset where the payload starts
     * @param length its length
     * @param base resolves {@code base}
     * @param arrived {@code accept(index)} returns once every byte of {@code data} before {@code index}
     *        has arrived (see {@link io.meshport.codec.Payload#awaitArrived(int)})
     * @return the mesh
     * @throws MeshportException as {@link #read(byte[], int, int, BaseResolver)}, or what
     *         {@code arrived} throws
     * @since 1.2
     */
    default Mesh read(byte[] data, int offset, int length, BaseResolver base, java.util.function.IntConsumer arrived) {
        arrived.accept(offset + length);
        return read(data, offset, length, base);
    }
}
