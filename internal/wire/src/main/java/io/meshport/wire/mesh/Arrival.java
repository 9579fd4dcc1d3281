package io.meshport.wire.mesh;

import java.util.function.IntConsumer;

/** What has arrived of a payload still arriving: waits for its bytes up to an index. */
final class Arrival {
    private final IntConsumer arrived;
    private final int end;
    private boolean all;

    /**
     * @param arrived returns once the bytes before the index it is given have arrived
     * @param end the payload's end
     */
    Arrival(IntConsumer arrived, int end) {
        this.arrived = arrived;
        this.end = end;
    }

    /** What waiting threw (the bytes will never arrive), carried out of the reader as it was. */
    static final class Failed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Failed(RuntimeException cause) {
            super(cause);
        }

        @Override
        public synchronized RuntimeException getCause() {
            return (RuntimeException) super.getCause();
        }
    }

    /** Waits for the bytes before {@code index} (capped at the payload's end). */
    void upTo(int index) {
        if (!all) {
            await(Math.min(index, end));
        }
    }

    /** Waits for the whole payload. */
    void all() {
        if (!all) {
            await(end);
            all = true;
        }
    }

    private void await(int index) {
        try {
            arrived.accept(index);
        } catch (RuntimeException e) {
            throw new Failed(e);
        }
    }

    /** @return a {@code ready} for the builder's copies of the 4-byte elements starting at {@code from}; null once all has arrived */
    IntConsumer elementsFrom(int from) {
        return all ? null : k -> await(Math.min(from + 4 * k, end));
    }

    /** Waits for the whole payload, when there is an arrival to wait for. */
    static void all(Arrival arrival) {
        if (arrival != null) {
            arrival.all();
        }
    }
}
