package io.meshport.session;

import java.util.List;
import java.util.Optional;

import io.meshport.protocol.MeshportException;

/**
 * The session: the in-memory store of entries that every connection of a host shares. Thread safe.
 *
 * <p>One version counter serves the whole session: it starts at 1, and every successful put or delete
 * takes the next number. A failed write changes nothing and uses up no number. Writes may be made
 * conditional on a key's current version ({@code ifVersion}; 0 means the key must not exist).
 *
 * <p>The store keeps the heap its values hold under a memory budget, shared with the data in flight
 * ({@link #memory()}); a put past it is refused with {@code OVERLOADED}.
 */
@org.osgi.annotation.versioning.ProviderType
public interface SessionStore {
    /** {@code ifVersion} value meaning "whatever the current version is". */
    long ANY_VERSION = -1;

    /** @return the session's name; it changes only when the host starts with an empty store */
    String sessionId();

    /** @return the version of the latest write, 0 when nothing was ever written */
    long currentVersion();

    /**
     * Stores a value under a key.
     *
     * @param key the key
     * @param codec the id of the codec the value came through
     * @param payloadBytes the payload's size in bytes
     * @param value the decoded value
     * @param ifVersion the version the key must be at ({@code 0}: absent), or {@link #ANY_VERSION}
     * @return the new entry
     * @throws MeshportException {@code BAD_KEY}, {@code CONFLICT} (detail {@code current}) or
     *         {@code OVERLOADED}
     */
    default SessionEntry put(String key, String codec, long payloadBytes, SessionValue value, long ifVersion) {
        return put(key, codec, payloadBytes, value, ifVersion, null);
    }

    /**
     * Stores a value under a key, once per request token: a write whose token the session has seen
     * applied is not applied again (see {@link #recall(String)}).
     *
     * @param key the key
     * @param codec the id of the codec the value came through
     * @param payloadBytes the payload's size in bytes
     * @param value the decoded value
     * @param ifVersion the version the key must be at ({@code 0}: absent), or {@link #ANY_VERSION}
     * @param requestToken a token the client chose for this request (at most {@value #MAX_TOKEN_LENGTH}
     *        characters), or null
     * @return the new entry
     * @throws AlreadyAppliedException when a write with this token was applied already
     * @throws MeshportException {@code BAD_KEY}, {@code CONFLICT} (detail {@code current}) or
     *         {@code OVERLOADED}
     */
    SessionEntry put(String key, String codec, long payloadBytes, SessionValue value, long ifVersion, String requestToken);

    /**
     * Deletes a key, once per request token.
     *
     * @param key the key
     * @param ifVersion the version it must be at, or {@link #ANY_VERSION}
     * @param requestToken a token the client chose for this request, or null
     * @return the version of the delete
     * @throws AlreadyAppliedException when a write with this token was applied already
     * @throws MeshportException {@code BAD_KEY}, {@code NOT_FOUND} or {@code CONFLICT}
     */
    long delete(String key, long ifVersion, String requestToken);

    /**
     * @param requestToken a request token
     * @return what the write with this token did, when the session remembers it (the most recent
     *         writes with tokens are remembered, at least the last 100,000)
     */
    Optional<SessionWrite> recall(String requestToken);

    /** The longest request token. */
    int MAX_TOKEN_LENGTH = 128;

    /**
     * @param key the key
     * @return its entry, or empty when it does not exist
     * @throws MeshportException {@code BAD_KEY}
     */
    Optional<SessionEntry> get(String key);

    /**
     * Deletes a key.
     *
     * @param key the key
     * @param ifVersion the version the key must be at, or {@link #ANY_VERSION}
     * @return the version of the delete
     * @throws MeshportException {@code BAD_KEY}, {@code NOT_FOUND} or {@code CONFLICT}
     */
    default long delete(String key, long ifVersion) {
        return delete(key, ifVersion, null);
    }

    /**
     * @param prefix a plain string prefix of keys; empty for all
     * @return the entries whose key starts with it, sorted by key (UTF-8 byte order)
     */
    List<SessionEntry> list(String prefix);

    /**
     * Registers a listener for the changes of keys that start with {@code prefix}.
     *
     * @param prefix a plain string prefix; empty for every key
     * @param listener receives the changes, in version order
     * @return closing it ends the subscription
     */
    Subscription subscribe(String prefix, SessionListener listener);

    /** A registration of a {@link SessionListener}; closing it twice is harmless. */
    @org.osgi.annotation.versioning.ProviderType
    interface Subscription extends AutoCloseable {
        /** Ends the subscription: no change is delivered once this returns. */
        @Override
        void close();
    }

    /** @return the heap held by stored values, in bytes (estimated) */
    long usedBytes();

    /** @return the memory budget in bytes */
    long budgetBytes();

    /**
     * @return the host's memory account, which this store's values are held in: the listener reserves
     *         the frames it receives there too, so that stored values and data in flight add up
     * @since 1.2
     */
    MemoryAccount memory();
}
