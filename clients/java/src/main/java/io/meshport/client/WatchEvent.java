package io.meshport.client;

/**
 * A change under a watched prefix.
 *
 * @param watch the watch id
 * @param key the key that changed
 * @param version the session version of the change; 0 for a delete a watch found while catching up after a
 *        reconnect (the key is gone, the version of its delete is not known)
 * @param change {@code "put"} or {@code "delete"}
 */
public record WatchEvent(long watch, String key, long version, String change) {
    /** @return true for a delete */
    public boolean isDelete() {
        return "delete".equals(change);
    }
}
