package io.meshport.session.backend;

import java.util.List;

/**
 * One session kept outside the host, possibly shared by several hosts. Thread safe. Every operation
 * either completes or throws a {@link io.meshport.protocol.MeshportException}: {@code UNAVAILABLE} when the
 * place it is kept cannot be reached within a bounded time, never hanging.
 */
@org.osgi.annotation.versioning.ConsumerType
public interface SharedSession extends AutoCloseable {
    /** @return the session's id, the same for every host sharing it */
    String sessionId();

    /** @return the version of the latest write to the session, 0 when none */
    long currentVersion();

    /**
     * Writes or deletes a key atomically: checks the request token and the key's version, takes the
     * session's next version, stores the record and appends the change to the session's changes.
     *
     * @param write what to write
     * @return the outcome
     * @throws io.meshport.protocol.MeshportException {@code CONFLICT} (detail {@code current}) when the key
     *         is not at {@code ifVersion}, {@code NOT_FOUND} when a deleted key does not exist,
     *         {@code UNAVAILABLE}
     */
    WriteOutcome write(RecordWrite write);

    /**
     * @param key a key
     * @return its record without the body, or null when the key does not exist
     */
    StoredRecord head(String key);

    /**
     * @param record a record {@link #head} or {@link #list} returned, or a change's
     * @return the body of that version of the key, or null when it is no longer kept (the key was
     *         written again or deleted a while ago)
     */
    byte[] body(StoredRecord record);

    /**
     * @param prefix a plain string prefix of keys, empty for all
     * @return the records whose key starts with it, without bodies, sorted by key
     */
    List<StoredRecord> list(String prefix);

    /**
     * @param requestToken a token of an earlier write
     * @return what that write did, or null when the session does not remember it
     */
    WriteOutcome recall(String requestToken);

    /**
     * Reads the session's changes after a version, in version order, waiting up to {@code waitMillis}
     * for the first one.
     *
     * @param afterVersion the last version already seen
     * @param max at most this many changes
     * @param waitMillis how long to wait when there are none yet
     * @return the changes, possibly none; {@link ChangeBatch#missed()} says whether some after
     *         {@code afterVersion} are no longer kept
     */
    ChangeBatch changesAfter(long afterVersion, int max, long waitMillis);

    /** Releases the session's connections; operations afterwards throw. */
    @Override
    void close();
}
