package io.meshport.session.redis.impl;

import java.util.NoSuchElementException;

import io.meshport.protocol.ErrorCode;
import io.meshport.protocol.MeshportException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/** What a failed Redis call means for the request that made it, as a protocol error naming the server. */
final class RedisFailures {
    private RedisFailures() {
    }

    static MeshportException of(RedisPlace place, RuntimeException e) {
        if (e instanceof MeshportException m) {
            return m;
        }
        String where = "Redis at " + place.host() + ":" + place.port();
        if (e instanceof JedisConnectionException || e instanceof NoSuchElementException
                || e.getCause() instanceof JedisConnectionException) {
            return new MeshportException(ErrorCode.UNAVAILABLE, where + " does not answer: " + reason(e), java.util.Map.of(), e);
        }
        if (e instanceof JedisDataException) {
            String m = String.valueOf(e.getMessage());
            if (m.startsWith("OOM")) {
                return new MeshportException(ErrorCode.OVERLOADED, where + " is full (maxmemory): " + m, java.util.Map.of(), e);
            }
            if (m.startsWith("READONLY") || m.startsWith("LOADING") || m.startsWith("MASTERDOWN") || m.startsWith("NOAUTH")
                    || m.startsWith("WRONGPASS") || m.startsWith("BUSY") || m.startsWith("MISCONF") || m.startsWith("NOPERM")) {
                return new MeshportException(ErrorCode.UNAVAILABLE, where + " refuses: " + m, java.util.Map.of(), e);
            }
            return new MeshportException(ErrorCode.INTERNAL, where + " answered an error: " + m, java.util.Map.of(), e);
        }
        if (e instanceof JedisException) {
            return new MeshportException(ErrorCode.UNAVAILABLE, where + " cannot be used: " + reason(e), java.util.Map.of(), e);
        }
        throw e;
    }

    private static String reason(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t && (t.getMessage() == null || t instanceof NoSuchElementException)) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : m;
    }
}
