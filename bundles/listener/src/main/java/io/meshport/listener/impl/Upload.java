package io.meshport.listener.impl;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import io.meshport.protocol.ErrorCode;
import io.meshport.protocol.MeshportException;
import io.meshport.session.MemoryAccount;

/**
 * One upload (docs/protocol.md section 10): a payload arriving in pieces into one array of its
 * announced size, reserved in the host's memory account until the upload ends. Thread safe: the
 * connections that append to it, commit or abort it may be several, one after another.
 */
final class Upload {
    final String id;
    final String key;
    final String codec;
    final long ifVersion;
    private final byte[] bytes;
    private final MemoryAccount.Reservation room;
    private long received;
    private long touched;
    private boolean ended;
    /** The value decoded while the bytes arrived (a progressive codec), or null when the commit decodes. */
    private java.util.concurrent.CompletableFuture<EarlyValue> early;

    /** What a decode while the bytes arrived gave: the value, and the version its base was read at (or ANY_VERSION). */
    record EarlyValue(io.meshport.session.SessionValue value, long requiredVersion) {
    }

    Upload(String id, String key, String codec, long ifVersion, byte[] bytes, MemoryAccount.Reservation room, long now) {
        this.id = id;
        this.key = key;
        this.codec = codec;
        this.ifVersion = ifVersion;
        this.bytes = bytes;
        this.room = room;
        this.touched = now;
    }

    long size() {
        return bytes.length;
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
        if (offset == received && len <= bytes.length - received) {
            System.arraycopy(src, off, bytes, (int) received, len);
            received += len;
            notifyAll(); // a decode waiting for these bytes goes on
            return received;
        }
        if (offset >= 0 && offset + len <= received
                && Arrays.equals(bytes, (int) offset, (int) offset + len, src, off, off + len)) {
            return received; // sent again after a reconnect: the same bytes, acknowledged as they were
        }
        String why = offset + len > bytes.length && offset == received
                ? "this piece of " + len + " bytes at " + offset + " goes past the upload's size, " + bytes.length
                : "this piece starts at " + offset + ", the upload holds " + received + " bytes"
                        + (offset < received ? " (and what it holds there is not these bytes)" : "");
        throw new MeshportException(ErrorCode.CONFLICT, why + "; send from offset " + received, Map.of("received", received));
    }

    /**
     * Gives the payload for a commit; the upload stays open until {@link #end()} (a commit the session
     * refuses, for a version or for room, leaves it to be committed again).
     *
     * @return the payload, whole
     * @throws MeshportException {@code CONFLICT} (detail {@code received, size}) when bytes are missing
     */
    synchronized byte[] complete() {
        live();
        if (received < bytes.length) {
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("received", received);
            detail.put("size", (long) bytes.length);
            throw new MeshportException(ErrorCode.CONFLICT, "upload " + id + " holds " + received + " of its " + bytes.length
                    + " bytes; append the rest before commit", detail);
        }
        touched = System.currentTimeMillis();
        return bytes;
    }

    /** Ends the upload and gives its memory back; harmless twice. */
    synchronized void end() {
        ended = true;
        notifyAll();
        room.release();
    }

    /** Stops this instance's decode without giving the memory back: the upload goes on in another listener's instance. */
    synchronized void retire() {
        ended = true;
        notifyAll();
    }

    /**
     * The arrival of a progressive decode: returns once every byte before {@code index} is here.
     *
     * @throws MeshportException {@code NOT_FOUND} when the upload ended before they came
     */
    synchronized void awaitReceived(int index) {
        while (received < index) {
            if (ended) {
                throw new MeshportException(ErrorCode.NOT_FOUND, "upload " + id + " ended before its bytes arrived");
            }
            try {
                wait(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new MeshportException(ErrorCode.SHUTTING_DOWN, "the decode of upload " + id + " was stopped");
            }
        }
    }

    /** @param decoding the value being decoded as the bytes arrive */
    synchronized void decodingEarly(java.util.concurrent.CompletableFuture<EarlyValue> decoding) {
        early = decoding;
    }

    /** @return the value being decoded as the bytes arrive, or null */
    synchronized java.util.concurrent.CompletableFuture<EarlyValue> early() {
        return early;
    }

    /** @return the payload's array (for a decode while it arrives: read only bytes {@link #awaitReceived} returned for) */
    byte[] array() {
        return bytes;
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
        m.put("size", (long) bytes.length);
        m.put("received", received);
        return m;
    }

    /** @return the upload in platform types and API types only, for the listener of the next revision */
    synchronized Object[] handOver() {
        return new Object[] {id, key, codec, ifVersion, bytes, room, received, touched};
    }

    /** @return the upload a listener of an earlier revision handed over, or null when it is not one */
    static Upload adopt(Object o) {
        if (o instanceof Object[] a && a.length == 8 && a[0] instanceof String id && a[1] instanceof String key
                && a[2] instanceof String codec && a[3] instanceof Long ifVersion && a[4] instanceof byte[] bytes
                && a[5] instanceof MemoryAccount.Reservation room && a[6] instanceof Long received && a[7] instanceof Long touched) {
            Upload u = new Upload(id, key, codec, ifVersion, bytes, room, touched);
            u.received = received;
            return u;
        }
        return null;
    }
}
