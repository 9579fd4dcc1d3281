package io.meshport.session;

import java.util.Objects;

/**
 * One entry of the session: a key, the version of its last write, the stored value and facts about
 * it. Immutable; a later write to the key makes a new entry.
 */
public final class SessionEntry {
    private final String key;
    private final long version;
    private final String codec;
    private final long payloadBytes;
    private final long updated;
    private final SessionValue value;

    /**
     * @param key the key
     * @param version the session version of the write that made this entry
     * @param codec the id of the codec the value was put with
     * @param payloadBytes the size of the payload that was put, in bytes
     * @param updated when it was written, epoch milliseconds
     * @param value the stored value
     */
    public SessionEntry(String key, long version, String codec, long payloadBytes, long updated, SessionValue value) {
        this.key = Objects.requireNonNull(key, "key");
        this.version = version;
        this.codec = Objects.requireNonNull(codec, "codec");
        this.payloadBytes = payloadBytes;
        this.updated = updated;
        this.value = Objects.requireNonNull(value, "value");
    }

    /** @return the key */
    public String key() {
        return key;
    }

    /** @return the version of the write that made this entry */
    public long version() {
        return version;
    }

    /** @return the kind of the value, e.g. {@code "mesh"} */
    public String kind() {
        return value.kind();
    }

    /** @return the id of the codec the value was put with */
    public String codec() {
        return codec;
    }

    /** @return the payload size in bytes, as put */
    public long payloadBytes() {
        return payloadBytes;
    }

    /** @return when it was written, epoch milliseconds */
    public long updated() {
        return updated;
    }

    /** @return the stored value */
    public SessionValue value() {
        return value;
    }

    @Override
    public String toString() {
        return "SessionEntry[" + key + " v" + version + ", " + kind() + " via " + codec + ", " + payloadBytes + " bytes]";
    }
}
