package io.meshport.listener.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.meshport.session.MemoryAccount;

/** Which frames wait for room and which are refused. */
class FrameRoomTest {
    private static final long FRAME = 900_000;

    /** An account of a fixed size holding some stored bytes besides its reservations. */
    private static final class Account implements MemoryAccount {
        final long limit;
        final AtomicLong stored = new AtomicLong();
        final AtomicLong reserved = new AtomicLong();

        Account(long limit) {
            this.limit = limit;
        }

        @Override
        public long limitBytes() {
            return limit;
        }

        @Override
        public long usedBytes() {
            return stored.get() + reserved.get();
        }

        @Override
        public Reservation tryReserve(long bytes) {
            while (true) {
                long r = reserved.get();
                if (stored.get() + r + bytes > limit) {
                    return null;
                }
                if (reserved.compareAndSet(r, r + bytes)) {
                    return new Reservation() {
                        private boolean released;

                        @Override
                        public long bytes() {
                            return bytes;
                        }

                        @Override
                        public synchronized void release() {
                            if (!released) {
                                released = true;
                                reserved.addAndGet(-bytes);
                            }
                        }
                    };
                }
            }
        }
    }

    @Test
    void aFrameTheCapHoldsBackWaitsAndIsTakenOnceRoomIsGivenBack() {
        Account account = new Account(1L << 30);
        FrameRoom room = new FrameRoom(new InFlightBudget(1024 * 1024), () -> account);
        FrameRoom.Held first = room.tryTake(FRAME);
        assertNotNull(first);
        assertNull(first.refusal);
        long seen = room.releases();
        assertNull(room.tryTake(FRAME), "a frame beyond the cap waits, with the account nearly empty");
        room.give(first);
        assertTrue(room.releases() != seen, "giving room back is seen by a frame that waits");
        FrameRoom.Held second = room.tryTake(FRAME);
        assertNotNull(second);
        assertNull(second.refusal);
        assertEquals(FRAME, account.reserved.get());
    }

    @Test
    void aFrameTheAccountRefusesWithNothingInFlightIsRefusedAndHoldsNothing() {
        Account account = new Account(2 * FRAME);
        account.stored.set(FRAME + 1);
        FrameRoom room = new FrameRoom(new InFlightBudget(4 * FRAME), () -> account);
        FrameRoom.Held h = room.tryTake(FRAME);
        assertNotNull(h);
        assertTrue(h.refusal.contains("memory is full") && h.refusal.contains(FRAME + "-byte frame"), h.refusal);
        assertEquals(0, room.inFlight());
        assertEquals(0, account.reserved.get());
        // small frames take no room in the account: a full session still lets a client read and delete
        FrameRoom.Held small = room.tryTake(FrameRoom.SMALL_FRAME);
        assertNull(small.refusal);
        room.give(small);
    }

    @Test
    void aFrameTheAccountRefusesWhileOthersAreInFlightWaitsForThem() {
        Account account = new Account(FRAME + FRAME / 2);
        FrameRoom room = new FrameRoom(new InFlightBudget(4 * FRAME), () -> account);
        FrameRoom.Held first = room.tryTake(FRAME);
        assertNull(first.refusal);
        assertNull(room.tryTake(FRAME), "the account is full of a frame in flight: wait for it");
        assertEquals(FRAME, room.inFlight());
        room.give(first);
        FrameRoom.Held second = room.tryTake(FRAME);
        assertNull(second.refusal);
    }

    /** Frames that take turns under the cap, with room in the account to spare, are never refused. */
    @Test
    void framesTakingTurnsUnderTheCapAreNeverRefused() throws Exception {
        Account account = new Account(1L << 30);
        FrameRoom room = new FrameRoom(new InFlightBudget(1024 * 1024), () -> account);
        int threads = 4;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Long>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                fs.add(pool.submit(() -> {
                    long taken = 0;
                    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
                    for (int i = 0; i < 200_000 && System.nanoTime() < until; i++) {
                        FrameRoom.Held h = room.tryTake(FRAME);
                        if (h == null) {
                            Thread.onSpinWait();
                            continue;
                        }
                        if (h.refusal != null) {
                            throw new AssertionError("refused with room to spare: " + h.refusal);
                        }
                        taken++;
                        room.give(h);
                    }
                    return taken;
                }));
            }
            long taken = 0;
            for (Future<Long> f : fs) {
                taken += f.get(10, TimeUnit.SECONDS);
            }
            assertTrue(taken > 0);
        } finally {
            pool.shutdownNow();
        }
        assertEquals(0, room.inFlight());
        assertEquals(0, account.reserved.get());
    }
}
