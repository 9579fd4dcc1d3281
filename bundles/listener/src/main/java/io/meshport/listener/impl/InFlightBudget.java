package io.meshport.listener.impl;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Bounds the bytes of frame bodies held at once by all connections, so that many clients sending
 * large frames together slow down instead of exhausting the heap. A connection that cannot get room
 * for its next frame stops reading (its client is held back by TCP) until room is released.
 */
final class InFlightBudget {
    private final long limit;
    private final AtomicLong used = new AtomicLong();

    /** @param limit the most bytes held at once; at least the largest frame */
    InFlightBudget(long limit) {
        this.limit = limit;
    }

    /**
     * @param bytes room needed
     * @return true when it was taken
     */
    boolean tryAcquire(long bytes) {
        while (true) {
            long u = used.get();
            // A frame larger than what is free still goes through when nothing else is held.
            if (u + bytes > limit && u > 0) {
                return false;
            }
            if (used.compareAndSet(u, u + bytes)) {
                return true;
            }
        }
    }

    /** @param bytes room given back */
    void release(long bytes) {
        used.addAndGet(-bytes);
    }

    /** @return bytes held now */
    long used() {
        return used.get();
    }
}
