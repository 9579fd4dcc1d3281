package io.meshport.listener.impl;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.meshport.codec.PayloadCodec;
import io.meshport.codec.StreamingDecode;
import io.meshport.protocol.ErrorCode;
import io.meshport.protocol.MeshportException;
import io.meshport.session.MemoryAccount;
import io.meshport.wire.Quoted;
import io.meshport.support.Log;

/**
 * The uploads open in the host, by id. They belong to no connection: any connection may continue one,
 * and a listener hands them to the listener of its next revision. An upload untouched for the idle
 * time is dropped with its memory. Thread safe.
 */
final class Uploads {
    /** The {@code HandOver} name under which a stopping listener leaves its open uploads. */
    static final String HAND_OVER = "io.meshport.listener.uploads";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Map<String, Upload> open = new ConcurrentHashMap<>();
    /** Commits whose payload was fed to its codec's {@link StreamingDecode} as it arrived. */
    final java.util.concurrent.atomic.AtomicLong streamed = new java.util.concurrent.atomic.AtomicLong();
    private final Log log;

    Uploads(Log log) {
        this.log = log;
    }

    /**
     * Opens an upload, its memory reserved.
     *
     * @throws MeshportException {@code OVERLOADED} when too many are open or the memory is not there
     */
    Upload begin(String key, String codec, PayloadCodec decoder, long size, long ifVersion, ListenerSettings limits, MemoryAccount account) {
        if (size > limits.maxUploadBytes) {
            throw new MeshportException(ErrorCode.OVERLOADED, "an upload of " + size + " bytes is larger than this host takes ("
                    + limits.maxUploadBytes + " bytes, maxUploadBytes)", Map.of("maxUploadBytes", limits.maxUploadBytes));
        }
        if (open.size() >= limits.maxOpenUploads) {
            throw new MeshportException(ErrorCode.OVERLOADED, open.size() + " uploads are open, as many as this host takes at once"
                    + " (maxOpenUploads); commit or abort one first, or wait", Map.of("maxOpenUploads", limits.maxOpenUploads));
        }
        MemoryAccount.Reservation room = account.tryReserve(size);
        if (room == null) {
            throw new MeshportException(ErrorCode.OVERLOADED, "the host has no room for an upload of " + mib(size) + " now: its"
                    + " memory account holds " + mib(account.usedBytes()) + " of " + mib(account.limitBytes()),
                    Map.of("usedBytes", account.usedBytes(), "budgetBytes", account.limitBytes()));
        }
        Object held;
        try {
            StreamingDecode stream = streaming(decoder, codec, size);
            held = stream != null ? stream : new byte[(int) size];
        } catch (OutOfMemoryError e) {
            room.release();
            throw new MeshportException(ErrorCode.OVERLOADED, "the host has not the " + mib(size) + " of heap for this upload now");
        }
        Upload u = new Upload(newId(), key, codec, ifVersion, size, held, room, System.currentTimeMillis());
        open.put(u.id, u);
        return u;
    }

    /** @return the codec's decode of the payload as it arrives, or null when the upload is to hold its bytes */
    private StreamingDecode streaming(PayloadCodec decoder, String codec, long size) {
        try {
            return decoder.streaming(size);
        } catch (RuntimeException e) {
            log.warn("codec '" + codec + "' failed to start a streamed decode; the upload holds its bytes instead", e);
            return null;
        }
    }

    private static String newId() {
        byte[] b = new byte[16]; // 128 random bits
        RANDOM.nextBytes(b);
        StringBuilder s = new StringBuilder(32);
        for (byte x : b) {
            s.append(Character.forDigit((x >> 4) & 15, 16)).append(Character.forDigit(x & 15, 16));
        }
        return s.toString();
    }

    /** @throws MeshportException {@code NOT_FOUND} when no such upload is open */
    Upload get(String id) {
        Upload u = open.get(id);
        if (u == null) {
            throw new MeshportException(ErrorCode.NOT_FOUND, "no upload " + Quoted.quote(id) + " is open (it was committed, aborted, "
                    + "dropped after being idle, or never begun)");
        }
        return u;
    }

    /** Ends an upload: removed, its memory given back. */
    void end(Upload u) {
        open.remove(u.id, u);
        u.end();
    }

    /** Ends an upload when it is open (a commit answered from its request token). */
    void endIfOpen(String id) {
        Upload u = id == null ? null : open.get(id);
        if (u != null) {
            end(u);
        }
    }

    /** Drops the uploads untouched for the idle time. */
    void expire(long now, long idleMs) {
        for (Iterator<Upload> i = open.values().iterator(); i.hasNext();) {
            Upload u = i.next();
            if (now - u.touched() > idleMs) {
                i.remove();
                u.end();
                log.info("dropped upload " + u.id + " for '" + u.key + "' (" + u.received() + " of " + u.size() + " bytes): untouched for "
                        + idleMs / 1000 + " s");
            }
        }
    }

    int size() {
        return open.size();
    }

    /** Drops every upload (the host stops). */
    void clear() {
        for (Upload u : new ArrayList<>(open.values())) {
            end(u);
        }
    }

    /** @return the open uploads in platform and API types, for the next listener; this instance holds none afterwards */
    Map<String, Object> handOver() {
        Map<String, Object> m = new HashMap<>();
        for (Upload u : open.values()) {
            m.put(u.id, u.handOver());
        }
        open.clear();
        return m;
    }

    /** Takes the uploads a listener handed over; those it cannot read are dropped and said. */
    void adopt(Object handed) {
        if (!(handed instanceof Map<?, ?> m)) {
            return;
        }
        List<String> unreadable = new ArrayList<>();
        m.forEach((id, o) -> {
            Upload u = Upload.adopt(o);
            if (u != null) {
                open.put(u.id, u);
            } else {
                unreadable.add(String.valueOf(id));
                if (o instanceof Object[] a && a.length > 5 && a[5] instanceof MemoryAccount.Reservation room) {
                    room.release();
                }
            }
        });
        if (!unreadable.isEmpty()) {
            log.warn("uploads handed over that this listener cannot read were dropped: " + unreadable, null);
        }
    }

    private static String mib(long bytes) {
        return String.format("%.1f MiB", bytes / 1048576.0);
    }
}
