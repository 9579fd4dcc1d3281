package io.meshport.session.impl;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

import io.meshport.session.SessionEntry;

/**
 * The decoded values of a shared session this host holds, one version per key, the least recently used
 * given up first when the memory account needs room. What it gives up is read again from the backend.
 */
final class DecodedCache {
    private final LinkedHashMap<String, SessionEntry> entries = new LinkedHashMap<>(64, 0.75f, true);
    private volatile long used;

    /** @return the heap held by the cached values, in bytes (estimated) */
    long usedBytes() {
        return used;
    }

    /** @return the cached entry of the key when it is of that version, else null */
    synchronized SessionEntry get(String key, long version) {
        SessionEntry e = entries.get(key);
        return e != null && e.version() == version ? e : null;
    }

    /** Keeps an entry unless a newer version of its key is kept already. */
    synchronized void put(SessionEntry e) {
        SessionEntry old = entries.get(e.key());
        if (old != null && old.version() > e.version()) {
            return;
        }
        entries.put(e.key(), e);
        used += e.value().retainedBytes() - (old == null ? 0 : old.value().retainedBytes());
    }

    /** @return the retained bytes of the key's cached value, 0 when none */
    synchronized long retainedOf(String key) {
        SessionEntry e = entries.get(key);
        return e == null ? 0 : e.value().retainedBytes();
    }

    /** Forgets a key's value when it is older than {@code version} (or every value of the key: {@code Long.MAX_VALUE}). */
    synchronized void forgetOlder(String key, long version) {
        SessionEntry old = entries.get(key);
        if (old != null && old.version() < version) {
            entries.remove(key);
            used -= old.value().retainedBytes();
        }
    }

    /**
     * Gives up least recently used values, never {@code keep}'s, until {@code room} says there is room.
     *
     * @return true when there is room
     */
    synchronized boolean makeRoom(String keep, java.util.function.BooleanSupplier room) {
        Iterator<Map.Entry<String, SessionEntry>> it = entries.entrySet().iterator();
        while (!room.getAsBoolean()) {
            if (!it.hasNext()) {
                return false;
            }
            Map.Entry<String, SessionEntry> e = it.next();
            if (!e.getKey().equals(keep)) {
                it.remove();
                used -= e.getValue().value().retainedBytes();
            }
        }
        return true;
    }

    synchronized void clear() {
        entries.clear();
        used = 0;
    }
}
