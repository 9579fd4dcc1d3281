package io.meshport.session.backend;

import java.util.Objects;

/**
 * What a write did: its version, whether it was a delete, the head it wrote, and whether it had been
 * applied before under the same request token (then nothing was written now). Immutable.
 */
public final class WriteOutcome {
    private final String key;
    private final long version;
    private final boolean delete;
    private final byte[] head;
    private final boolean replayed;

    /**
     * @param key the key written
     * @param version the version the write took
     * @param delete whether it was a delete
     * @param head the head of a put, null for a delete
     * @param replayed true when the write was applied earlier with the same request token
     */
    public WriteOutcome(String key, long version, boolean delete, byte[] head, boolean replayed) {
        this.key = Objects.requireNonNull(key, "key");
        this.version = version;
        this.delete = delete;
        this.head = head;
        this.replayed = replayed;
    }

    /** @return the key written */
    public String key() {
        return key;
    }

    /** @return the version the write took */
    public long version() {
        return version;
    }

    /** @return whether it was a delete */
    public boolean isDelete() {
        return delete;
    }

    /** @return the head of a put, null for a delete */
    public byte[] head() {
        return head;
    }

    /** @return true when this write was applied earlier under the same request token */
    public boolean replayed() {
        return replayed;
    }
}
