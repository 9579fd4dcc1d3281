package io.meshport.client;

/**
 * One row of {@code list}.
 *
 * @param key the key
 * @param version the version of its last write
 * @param kind what its value is
 * @param codec the codec it was put with
 * @param bytes the payload size it was put with
 * @param updated when it was written, epoch milliseconds
 */
public record EntryInfo(String key, long version, String kind, String codec, long bytes, long updated) {
}
