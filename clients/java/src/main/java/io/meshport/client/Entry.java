package io.meshport.client;

/**
 * A value read with {@code get}, decoded as plain Java values: maps, lists, strings, numbers,
 * booleans, null, {@code byte[]} for byte strings.
 *
 * @param key the key
 * @param version the version of the entry
 * @param codec the codec that encoded the body
 * @param body the decoded body
 */
public record Entry(String key, long version, String codec, Object body) {
}
