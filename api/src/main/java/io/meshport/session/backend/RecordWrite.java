package io.meshport.session.backend;

import java.util.Objects;

/**
 * A write a store asks of a backend: a put (head and body) or a delete (neither). Immutable; the arrays
 * are not copied and must not be changed.
 */
public final class RecordWrite {
    private final String key;
    private final long ifVersion;
    private final String requestToken;
    private final byte[] head;
    private final byte[] body;

    private RecordWrite(String key, long ifVersion, String requestToken, byte[] head, byte[] body) {
        this.key = Objects.requireNonNull(key, "key");
        this.ifVersion = ifVersion;
        this.requestToken = requestToken;
        this.head = head;
        this.body = body;
    }

    /**
     * @param key the key
     * @param ifVersion the version the key must be at (0: absent), or -1 for any
     * @param requestToken the request's token, or null
     * @param head what describes the value
     * @param body the value's bytes
     * @return a put
     */
    public static RecordWrite put(String key, long ifVersion, String requestToken, byte[] head, byte[] body) {
        return new RecordWrite(key, ifVersion, requestToken, Objects.requireNonNull(head, "head"), Objects.requireNonNull(body, "body"));
    }

    /**
     * @param key the key
     * @param ifVersion the version the key must be at, or -1 for any
     * @param requestToken the request's token, or null
     * @return a delete
     */
    public static RecordWrite delete(String key, long ifVersion, String requestToken) {
        return new RecordWrite(key, ifVersion, requestToken, null, null);
    }

    /** @return the key */
    public String key() {
        return key;
    }

    /** @return the version the key must be at (0: absent), or -1 for any */
    public long ifVersion() {
        return ifVersion;
    }

    /** @return the request's token, or null */
    public String requestToken() {
        return requestToken;
    }

    /** @return true for a delete */
    public boolean isDelete() {
        return head == null;
    }

    /** @return the head of a put, null for a delete */
    public byte[] head() {
        return head;
    }

    /** @return the body of a put, null for a delete */
    public byte[] body() {
        return body;
    }
}
