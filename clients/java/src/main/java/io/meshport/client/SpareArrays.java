package io.meshport.client;

import java.util.ArrayDeque;

/**
 * Arrays of answered positions updates, kept for the next update of the same size. A client
 * streaming a 100,000-point mesh at hundreds of updates per second would otherwise allocate a new
 * megabyte-sized array for each, and the collections that follow show up in its latencies. Bounded:
 * a few arrays, none larger than {@link #MAX_BYTES}. Thread safe.
 */
final class SpareArrays {
    static final int MAX_ARRAYS = 4;
    static final int MIN_BYTES = 64 * 1024;
    static final int MAX_BYTES = 16 * 1024 * 1024;

    private final ArrayDeque<byte[]> spare = new ArrayDeque<>();

    /** @return a spare array of exactly {@code length} bytes (old contents in it), or null */
    synchronized byte[] take(int length) {
        for (java.util.Iterator<byte[]> it = spare.iterator(); it.hasNext();) {
            byte[] a = it.next();
            if (a.length == length) {
                it.remove();
                return a;
            }
        }
        return null;
    }

    /** Keeps an array nobody uses any more, dropping the oldest kept when full. */
    synchronized void give(byte[] array) {
        if (array.length < MIN_BYTES || array.length > MAX_BYTES) {
            return;
        }
        if (spare.size() >= MAX_ARRAYS) {
            spare.pollLast();
        }
        spare.addFirst(array);
    }

    /** @return how many arrays are kept */
    synchronized int size() {
        return spare.size();
    }
}
