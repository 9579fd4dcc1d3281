package io.meshport.session.redis.impl;

import java.nio.charset.StandardCharsets;

/**
 * The names of a session's Redis keys. All start with {@code meshport:{NAME}:} (the braces keep them in
 * one hash slot): {@code id} (the session's id), {@code version} (the counter), {@code keys} (a sorted
 * set of the session's keys), {@code k:KEY} (a hash: version, head, blob, pieces), {@code b:BLOB:I} (the
 * pieces of a value), {@code changes} (a stream, one entry per write, its id the version) and
 * {@code t:TOKEN} (what the write with that request token did, with a time to live).
 */
final class RedisKeys {
    final String prefix;
    final byte[] id;
    final byte[] version;
    final byte[] keys;
    final byte[] changes;
    final byte[] blobPrefix;
    final byte[] replaced;

    RedisKeys(String name) {
        prefix = "meshport:{" + name + "}:";
        id = bytes("id");
        version = bytes("version");
        keys = bytes("keys");
        changes = bytes("changes");
        blobPrefix = bytes("b:");
        replaced = bytes("replaced");
    }

    byte[] entry(String key) {
        return bytes("k:" + key);
    }

    byte[] token(String token) {
        return bytes("t:" + token);
    }

    byte[] piece(String blob, int index) {
        return bytes("b:" + blob + ":" + index);
    }

    private byte[] bytes(String suffix) {
        return (prefix + suffix).getBytes(StandardCharsets.UTF_8);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
