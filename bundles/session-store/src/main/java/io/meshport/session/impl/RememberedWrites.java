package io.meshport.session.impl;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

import io.meshport.session.SessionChange;
import io.meshport.session.SessionWrite;

/**
 * The request tokens of the most recent writes and what each write did, so that a write sent again
 * is answered without being applied twice. Not thread safe: the store's write lock guards it.
 *
 * <p>Kept compact, because it outlives the values: a remembered put would otherwise keep its value's
 * summary map alive (with boxed bounds, some 450 bytes) long after the value was replaced. Here the
 * summary is held as the bytes of {@link SummaryBytes#encode} and decoded again only when a write is
 * replayed, which is rare: with its token and the map's entry, a remembered write takes some 350 bytes
 * where it took some 600.
 *
 * <p>Each write is an {@code Object[]} of platform types ({@code key, Long version, Boolean put, kind,
 * byte[] summary}), so that the whole map can be handed as it is to the store of the next revision of
 * this bundle, whose classes are not these: copying and converting 100,000 writes would hold the
 * store's write lock for a few hundred milliseconds.
 */
final class RememberedWrites {
    private static final byte[] EMPTY = SummaryBytes.encode(Map.of());
    private static final int KEY = 0;
    private static final int VERSION = 1;
    private static final int PUT = 2;
    private static final int KIND = 3;
    private static final int SUMMARY = 4;

    private final int capacity;
    private LinkedHashMap<String, Object[]> writes = new LinkedHashMap<>(1024);

    /** @param capacity how many to remember; the oldest are forgotten first */
    RememberedWrites(int capacity) {
        this.capacity = capacity;
    }

    void remember(String token, SessionWrite w) {
        byte[] summary = w.summary() == null || w.summary().isEmpty() ? EMPTY : SummaryBytes.encode(w.summary());
        writes.put(token, new Object[] {w.key(), w.version(), w.type() == SessionChange.Type.PUT, w.kind(), summary});
        forgetBeyondCapacity();
    }

    private void forgetBeyondCapacity() {
        Iterator<String> oldest = writes.keySet().iterator();
        for (int over = writes.size() - capacity; over > 0 && oldest.hasNext(); over--) {
            oldest.next();
            oldest.remove();
        }
    }

    /** @return the write made with this token, or null when none is remembered */
    SessionWrite recall(String token) {
        Object[] w = writes.get(token);
        return w == null ? null : write(w);
    }

    private static SessionWrite write(Object[] w) {
        byte[] summary = (byte[]) w[SUMMARY];
        return new SessionWrite((String) w[KEY], (Long) w[VERSION], (Boolean) w[PUT] ? SessionChange.Type.PUT : SessionChange.Type.DELETE,
                (String) w[KIND], summary == EMPTY ? Map.of() : SummaryBytes.decode(summary));
    }

    int size() {
        return writes.size();
    }

    /** @return every remembered write, oldest first, as API values (for a snapshot) */
    Map<String, SessionWrite> toMap() {
        Map<String, SessionWrite> m = new LinkedHashMap<>(writes.size() * 4 / 3 + 1);
        writes.forEach((token, w) -> m.put(token, write(w)));
        return m;
    }

    /** Remembers these writes too, after those remembered already. */
    void rememberAll(Map<String, SessionWrite> more) {
        more.forEach(this::remember);
    }

    /**
     * @return the writes in their compact form, for the store of the next revision to {@link #adopt}
     *         (this instance must not be used afterwards)
     */
    Map<String, Object[]> handOver() {
        return writes;
    }

    /**
     * Takes the writes a store handed over: the compact form of {@link #handOver} as it is, or
     * {@link SessionWrite}s (as a store of an earlier revision hands them).
     *
     * @return false when the map holds neither, and nothing was taken
     */
    @SuppressWarnings("unchecked")
    boolean adopt(Map<?, ?> handed) {
        boolean allCompact = true;
        for (Map.Entry<?, ?> e : handed.entrySet()) {
            if (!(e.getKey() instanceof String)) {
                return false;
            } else if (e.getValue() instanceof SessionWrite) {
                allCompact = false;
            } else if (!compact(e.getValue())) {
                return false;
            }
        }
        if (allCompact && writes.isEmpty() && handed instanceof LinkedHashMap) {
            writes = (LinkedHashMap<String, Object[]>) handed; // oldest first, as it was
        } else {
            handed.forEach((token, w) -> {
                if (w instanceof SessionWrite sw) {
                    remember((String) token, sw);
                } else {
                    writes.put((String) token, (Object[]) w);
                }
            });
        }
        forgetBeyondCapacity();
        return true;
    }

    private static boolean compact(Object v) {
        return v instanceof Object[] w && w.length == 5 && w[KEY] instanceof String && w[VERSION] instanceof Long && w[PUT] instanceof Boolean
                && (w[KIND] == null || w[KIND] instanceof String) && w[SUMMARY] instanceof byte[];
    }
}
