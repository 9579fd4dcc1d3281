package io.meshport.client;

import java.util.Map;

/**
 * The result of a put.
 *
 * @param key the key
 * @param version the session version of the write
 * @param kind what the codec decoded, e.g. {@code "mesh"}
 * @param summary the codec's summary of the value
 */
public record PutResult(String key, long version, String kind, Map<String, Object> summary) {
}
