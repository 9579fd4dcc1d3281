package io.meshport.session;

import java.util.Objects;

/** A change of one key, as delivered to a {@link SessionListener}. Immutable. */
public final class SessionChange {
    /** What happened to the key. */
    public enum Type {
        /** The key was written. */
        PUT("put"),
        /** The key was deleted. */
        DELETE("delete");

        private final String wireName;

        Type(String wireName) {
            this.wireName = wireName;
        }

        /** @return {@code "put"} or {@code "delete"}, as events on the wire say */
        public String wireName() {
            return wireName;
        }
    }

    private final String key;
    private final long version;
    private final Type type;
    private final SessionEntry entry;

    /**
     * @param key the key that changed
     * @param version the session version of the change
     * @param type what happened
     * @param entry the new entry for a put, null for a delete
     */
    public SessionChange(String key, long version, Type type, SessionEntry entry) {
        this.key = Objects.requireNonNull(key, "key");
        this.version = version;
        this.type = Objects.requireNonNull(type, "type");
        this.entry = entry;
    }

    /** @return the key that changed */
    public String key() {
        return key;
    }

    /** @return the session version of the change */
    public long version() {
        return version;
    }

    /** @return what happened */
    public Type type() {
        return type;
    }

    /** @return the new entry for a put, null for a delete */
    public SessionEntry entry() {
        return entry;
    }

    @Override
    public String toString() {
        return "SessionChange[" + type.wireName() + " " + key + " v" + version + "]";
    }
}
