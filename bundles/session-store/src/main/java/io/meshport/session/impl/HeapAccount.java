package io.meshport.session.impl;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import io.meshport.session.MemoryAccount;

/**
 * The host's memory account: the bytes the store's values hold (kept by the store) plus the open
 * reservations of data in flight (frames being received, uploads), under one limit.
 */
final class HeapAccount implements MemoryAccount {
    /** The share of the maximum heap the account allows when no budget is configured. */
    static final double DEFAULT_SHARE = 0.6;

    private final long limit;
    private final LongSupplier stored;
    private final AtomicLong reserved = new AtomicLong();

    /**
     * @param limit the most bytes held at once; 0 or less for {@value #DEFAULT_SHARE} of the maximum heap
     * @param stored the bytes the store's values hold now
     */
    HeapAccount(long limit, LongSupplier stored) {
        this.limit = limit > 0 ? limit : (long) (Runtime.getRuntime().maxMemory() * DEFAULT_SHARE);
        this.stored = stored;
    }

    @Override
    public long limitBytes() {
        return limit;
    }

    @Override
    public long usedBytes() {
        return stored.getAsLong() + reserved.get();
    }

    /** @return the bytes reserved by data in flight */
    long reservedBytes() {
        return reserved.get();
    }

    /**
     * @param more bytes a value about to be stored adds
     * @return true when the account has room for them besides what is held
     */
    boolean fits(long more) {
        return usedBytes() + more <= limit;
    }

    @Override
    public Reservation tryReserve(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("a reservation of " + bytes + " bytes");
        }
        while (true) {
            long r = reserved.get();
            if (stored.getAsLong() + r + bytes > limit) {
                return null;
            }
            if (reserved.compareAndSet(r, r + bytes)) {
                return new Held(bytes);
            }
        }
    }

    /** One reservation, released once. */
    private final class Held implements Reservation {
        private final long bytes;
        private final AtomicLong open;

        Held(long bytes) {
            this.bytes = bytes;
            this.open = new AtomicLong(bytes);
        }

        @Override
        public long bytes() {
            return bytes;
        }

        @Override
        public void release() {
            long b = open.getAndSet(0);
            if (b > 0) {
                reserved.addAndGet(-b);
            }
        }
    }
}
