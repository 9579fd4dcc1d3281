package io.meshport.codec;

import java.util.Optional;

import io.meshport.session.SessionEntry;

/** What the host tells a codec about the put it is decoding for. */
@org.osgi.annotation.versioning.ProviderType
public interface DecodeContext {
    /** @return the key being put */
    String key();

    /**
     * @return the key's entry as it was when decoding began, for codecs that update a value in place
     *         (the {@code mesh} codec's {@code base})
     */
    Optional<SessionEntry> current();

    /**
     * @return how many bytes of decoded value the session can still take; a codec may refuse early
     *         with {@code OVERLOADED} when it knows it will need more
     */
    long availableBytes();

    /**
     * Makes the put conditional: it is applied only if the key is still at {@code version} when the
     * value is written (0: still absent), checked atomically with the write, else {@code CONFLICT}.
     * A codec that derived its value from {@link #current()} calls this so that no write in between
     * is lost.
     *
     * @param version the version the key must still be at
     */
    void requireVersion(long version);
}
