package io.meshport.session;

import java.util.Map;

/**
 * What a write did, as remembered under the request token it came with, so that the same write sent
 * again (a client resending after a reconnect) is answered with the first result instead of applying
 * twice. Immutable.
 *
 * @param key the key written
 * @param version the session version of the write
 * @param type put or delete
 * @param kind the kind of the value put, null for a delete
 * @param summary the summary of the value put, empty for a delete
 */
public record SessionWrite(String key, long version, SessionChange.Type type, String kind, Map<String, Object> summary) {
}
