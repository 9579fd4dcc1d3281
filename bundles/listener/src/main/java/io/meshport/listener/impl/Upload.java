package io.meshport.listener.impl;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32C;

import io.meshport.codec.StreamingDecode;

import io.meshport.protocol.ErrorCode;
import io.meshport.protocol.MeshportException;
import io.meshport.session.MemoryAccount;

/**
 * One upload (docs/protocol.md section 10): a payload arriving in pieces, either fed to its codec's
 * {@link StreamingDecode} as they come (the host then holds what the codec makes of them, not the
 * bytes) or kept in one array of its announced size; its size is reserved in the host's memory account
 * until the upload ends. Thread safe: the connections that append to it, commit or abort it may be
 * several, one after another.
 */
final class Upload {
    /** How many of the last pieces a streamed upload can recognise when they are sent again (by their CRC). */
    private static final int RECENT = 4;

    final String id;
    final String key;
    final String codec;
    final long ifVersion;
    private final long size;
    private final byte[] bytes; // null when streamed
    private final StreamingDecode stream; // null when held in bytes
    /** The last pieces of a streamed upload: offset, then length << 32 | CRC-32C, each; oldest overwritten. */
    private final long[] recent;
    private int recentNext;
    private final MemoryAccount.Reservation room;
    private long received;
    private long touched;
    private boolean ended;
    /**
     * @param held the payload's array, or the codec's {@link StreamingDecode} to feed
     */
    Upload(String id, String key, String codec, long ifVersion, long size, Object held, MemoryAccount.Reservation room, long now) {
        this.id = id;
        this.key = key;
        this.codec = codec;
        this.ifVersion = ifVersion;
        this.size = size;
        this.bytes = held instanceof byte[] b ? b : null;
        this.stream = held instanceof StreamingDecode d ? d : null;
        this.recent = stream != null ? new long[2 * RECENT] : null;
        if (recent != null) {
            Arrays.fill(recent, -1);
        }
        this.room = room;
        this.touched = now;
    }

    long size() {
        return size;
    }

    /** @return the codec's decode fed as the bytes arrive, or null when the upload holds its bytes */
    StreamingDecode stream() {
        return stream;
    }

    synchronized long received() {
        return received;
    }

    synchronized long touched() {
        return touched;
    }

    /**
     * Takes the next bytes, or acknowledges a resend of bytes already received.
     *
     * @return the bytes held now
     * @throws MeshportException {@code CONFLICT} (detail {@code received}) when the piece does not start
     *         where the payload ends, or goes past its size, or differs from what was received there
     */
    synchronized long append(long offset, byte[] src, int off, int len, long now) {
        live();
        touched = now;
        if (offset == received && len <= size - received) {
            if (stream != null) {
                remember(offset, len, crc(src, off, len));
                stream.accept(src, off, len);
            } else {
                System.arraycopy(src, off, bytes, (int) received, len);
            }
            received += len;
            return received;
        }
        if (offset >= 0 && offset + len <= received && holds(offset, src, off, len)) {
            return received; // sent again after a reconnect: the same bytes, acknowledged as they were
        }
        String why = offset + len > size && offset == received
                ? "this piece of " + len + " bytes at " + offset + " goes past the upload's size, " + size
                : "this piece starts at " + offset + ", the upload holds " + received + " bytes"
                        + (offset < received ? " (and what it holds there is not these bytes)" : "");
        throw new MeshportException(ErrorCode.CONFLICT, why + "; send from offset " + received, Map.of("received", received));
    }

    /** @return whether these bytes are what the upload received at {@code offset} (a streamed upload knows its last pieces only) */
    private boolean holds(long offset, byte[] src, int off, int len) {
        if (bytes != null) {
            return Arrays.equals(bytes, (int) offset, (int) offset + len, src, off, off + len);
        }
        for (int i = 0; i < recent.length; i += 2) {
            if (recent[i] == offset && recent[i + 1] == ((long) len << 32 | (crc(src, off, len) & 0xffffffffL))) {
                return true;
            }
        }
        return false;
    }

    private void remember(long offset, int len, int crc) {
        recent[recentNext] = offset;
        recent[recentNext + 1] = (long) len << 32 | (crc & 0xffffffffL);
        recentNext = (recentNext + 2) % recent.length;
    }

    private static int crc(byte[] b, int off, int len) {
        CRC32C c = new CRC32C();
        c.update(b, off, len);
        return (int) c.getValue();
    }

    /**
     * Gives the payload for a commit; the upload stays open until {@link #end()} (a commit the session
     * refuses, for a version or for room, leaves it to be committed again).
     *
     * @return the payload, whole; null when it was streamed (see {@link #stream()})
     * @throws MeshportException {@code CONFLICT} (detail {@code received, size}) when bytes are missing
     */
    synchronized byte[] complete() {
        live();
        if (received < size) {
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("received", received);
            detail.put("size", size);
            throw new MeshportException(ErrorCode.CONFLICT, "upload " + id + " holds " + received + " of its " + size
                    + " bytes; append the rest before commit", detail);
        }
        touched = System.currentTimeMillis();
        return bytes;
    }

    /** Ends the upload and gives its memory back; harmless twice. */
    synchronized void end() {
        ended = true;
        room.release();
    }

    private void live() {
        if (ended) {
            throw new MeshportException(ErrorCode.NOT_FOUND, "upload " + id + " has ended");
        }
    }

    /** @return what the {@code upload} op answers */
    synchronized Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("upload", id);
        m.put("key", key);
        m.put("codec", codec);
        m.put("size", size);
        m.put("received", received);
        return m;
    }

    /** @return the upload in platform types and API types only, for the listener of the next revision */
    synchronized Object[] handOver() {
        return new Object[] {id, key, codec, ifVersion, bytes != null ? bytes : stream, room, received, touched, size,
            recent == null ? null : recent.clone()};
    }

    /**
     * @return the upload a listener of an earlier revision handed over (this one's, or one of before
     *         streamed uploads: 8 fields, an array), or null when it is not one
     */
    static Upload adopt(Object o) {
        if (o instanceof Object[] a && (a.length == 8 || a.length == 10) && a[0] instanceof String id && a[1] instanceof String key
                && a[2] instanceof String codec && a[3] instanceof Long ifVersion && (a[4] instanceof byte[] || a[4] instanceof StreamingDecode)
                && a[5] instanceof MemoryAccount.Reservation room && a[6] instanceof Long received && a[7] instanceof Long touched) {
            long size = a.length == 10 && a[8] instanceof Long s ? s : a[4] instanceof byte[] b ? b.length : -1;
            if (size < 0) {
                return null;
            }
            Upload u = new Upload(id, key, codec, ifVersion, size, a[4], room, touched);
            u.received = received;
            if (u.recent != null && a[9] instanceof long[] r && r.length == u.recent.length) {
                System.arraycopy(r, 0, u.recent, 0, r.length);
            }
            return u;
        }
        return null;
    }
}
