package io.meshport.session.backend;

import java.util.Objects;

/**
 * A key's record as a backend keeps it, without its body: the version of its write, the head the store
 * gave it, and where its body is ({@code blob}, the backend's own reference, passed back to
 * {@link SharedSession#body}). Immutable; the head array is not copied and must not be changed.
 */
public final class StoredRecord {
    private final String key;
    private final long version;
    private final byte[] head;
    private final String blob;

    /**
     * @param key the key
     * @param version the version of the write that made it
     * @param head what the store wrote as its head
     * @param blob the backend's reference to its body
     */
    public StoredRecord(String key, long version, byte[] head, String blob) {
        this.key = Objects.requireNonNull(key, "key");
        this.version = version;
        this.head = Objects.requireNonNull(head, "head");
        this.blob = Objects.requireNonNull(blob, "blob");
    }

    /** @return the key */
    public String key() {
        return key;
    }

    /** @return the version of the write that made this record */
    public long version() {
        return version;
    }

    /** @return the head, as the store wrote it */
    public byte[] head() {
        return head;
    }

    /** @return the backend's reference to the body */
    public String blob() {
        return blob;
    }

    @Override
    public String toString() {
        return "StoredRecord[" + key + " v" + version + "]";
    }
}
