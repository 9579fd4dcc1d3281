package io.meshport.session.backend;

import java.util.Objects;

/** One change of a shared session: a put (with its record) or a delete. Immutable. */
public final class StoredChange {
    private final String key;
    private final long version;
    private final StoredRecord record;

    /**
     * @param key the key
     * @param version the version of the change
     * @param record the record a put wrote, null for a delete
     */
    public StoredChange(String key, long version, StoredRecord record) {
        this.key = Objects.requireNonNull(key, "key");
        this.version = version;
        this.record = record;
    }

    /** @return the key */
    public String key() {
        return key;
    }

    /** @return the version of the change */
    public long version() {
        return version;
    }

    /** @return true for a delete */
    public boolean isDelete() {
        return record == null;
    }

    /** @return the record a put wrote, null for a delete */
    public StoredRecord record() {
        return record;
    }
}
