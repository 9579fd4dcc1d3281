package io.meshport.client;

/** Told how far an upload got: after each piece the host acknowledged, and once at the end. */
@FunctionalInterface
public interface UploadProgress {
    /**
     * @param key the key being put
     * @param sent the payload bytes the host holds
     * @param total the payload's size
     */
    void progress(String key, long sent, long total);
}
