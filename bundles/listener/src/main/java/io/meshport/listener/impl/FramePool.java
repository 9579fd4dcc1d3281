package io.meshport.listener.impl;

import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * Keeps the arrays of a few large handled frames for the next frames of exactly the same length.
 *
 * <p>A client streaming a mesh sends frame after frame of one length (only the request id and the
 * base version in them change, and their encodings change length rarely). Allocating a new array of
 * a megabyte or more for each of them made the host's young collections several times more frequent
 * than the stored geometry alone needs, and their pauses were the slow tail of streaming latencies.
 * An array comes back here only once its request is answered: codecs must not keep the payload's
 * buffer (the codec SPI says so), and nothing else in the listener holds a frame after it is handled.
 *
 * <p>Bounded in count and bytes, and an array not taken again within {@link #IDLE_NANOS} is dropped,
 * so an idle host holds nothing here for long. Thread safe: frames are given back by workers and
 * taken by the selector thread.
 */
final class FramePool {
    /** Frames below this are cheap to allocate and are not kept. */
    static final int MIN_BYTES = 256 * 1024;
    static final int MAX_ARRAYS = 8;
    static final long MAX_BYTES = 32L * 1024 * 1024;
    static final long IDLE_NANOS = 10_000_000_000L;

    private static final class Kept {
        final byte[] array;
        final long since;

        Kept(byte[] array, long since) {
            this.array = array;
            this.since = since;
        }
    }

    private final ArrayDeque<Kept> kept = new ArrayDeque<>(); // oldest first
    private long bytes;

    /**
     * @param length a frame's length
     * @return a kept array of exactly that length (its old contents still in it), or null
     */
    byte[] take(int length) {
        if (length < MIN_BYTES) {
            return null;
        }
        synchronized (kept) {
            Iterator<Kept> it = kept.descendingIterator(); // the newest first: the likeliest still cached
            while (it.hasNext()) {
                Kept k = it.next();
                if (k.array.length == length) {
                    it.remove();
                    bytes -= length;
                    return k.array;
                }
            }
            return null;
        }
    }

    /**
     * Gives back a handled frame's array.
     *
     * @param array the array, which nobody else uses any more
     */
    void give(byte[] array) {
        if (array.length < MIN_BYTES || array.length > MAX_BYTES) {
            return;
        }
        long now = System.nanoTime();
        synchronized (kept) {
            while (!kept.isEmpty() && (kept.size() >= MAX_ARRAYS || bytes + array.length > MAX_BYTES
                    || now - kept.peekFirst().since > IDLE_NANOS)) {
                bytes -= kept.pollFirst().array.length;
            }
            kept.addLast(new Kept(array, now));
            bytes += array.length;
        }
    }

    /** Drops arrays kept longer than {@link #IDLE_NANOS} without being taken. */
    void trim() {
        long now = System.nanoTime();
        synchronized (kept) {
            while (!kept.isEmpty() && now - kept.peekFirst().since > IDLE_NANOS) {
                bytes -= kept.pollFirst().array.length;
            }
        }
    }

    /** @return the bytes held now */
    long heldBytes() {
        synchronized (kept) {
            return bytes;
        }
    }
}
