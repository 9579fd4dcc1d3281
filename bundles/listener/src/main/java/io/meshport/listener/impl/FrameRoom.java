package io.meshport.listener.impl;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import io.meshport.session.MemoryAccount;

/**
 * Room for the frame bodies being received: the listener's own cap on bytes in flight (so that many
 * clients sending at once take turns), and, for frames above {@value #SMALL_FRAME} bytes, a
 * reservation in the host's memory account, which the session's values share, so that the two add up
 * below the heap. Small frames are not reserved there: a full session must not keep a client from
 * reading or deleting.
 */
final class FrameRoom {
    /** Frames up to this size take no room in the memory account (they fit the read buffer anyway). */
    static final long SMALL_FRAME = FrameDecoder.READ_BUFFER_BYTES;

    private final InFlightBudget cap;
    private final Supplier<MemoryAccount> account;
    /** Counts every release: a frame that found no room waits only if nothing was released since it looked. */
    private final AtomicLong releases = new AtomicLong();

    /**
     * @param cap the listener's cap on bytes in flight
     * @param account the host's memory account now (the session store's; it may be replaced), or null
     */
    FrameRoom(InFlightBudget cap, Supplier<MemoryAccount> account) {
        this.cap = cap;
        this.account = account;
    }

    /** Room held for one frame, and the frame once it has arrived; or a frame's refusal, which holds nothing. */
    static final class Held {
        final long bytes;
        final MemoryAccount.Reservation reservation;
        /** Why the frame is refused, or null when room is held for it. */
        final String refusal;
        /** The frame's body, once whole. */
        byte[] frame;

        Held(long bytes, MemoryAccount.Reservation reservation) {
            this.bytes = bytes;
            this.reservation = reservation;
            this.refusal = null;
        }

        private Held(String refusal) {
            this.bytes = 0;
            this.reservation = null;
            this.refusal = refusal;
        }
    }

    /** @return a number that changes whenever room is given back */
    long releases() {
        return releases.get();
    }

    /**
     * Takes room for a frame. Its refusal is decided here, where it is known which of the two has no
     * room: a frame the listener's cap holds back, or one the memory account refuses while other frames
     * hold room, waits for room to be given back; one the account refuses while no other frame is in
     * flight would wait for stored data to go, and is refused.
     *
     * @param bytes a frame's body length
     * @return the room taken; a refusal ({@link Held#refusal} set, nothing held); or null to wait
     */
    Held tryTake(long bytes) {
        if (!cap.tryAcquire(bytes)) {
            return null;
        }
        MemoryAccount.Reservation r = null;
        if (bytes > SMALL_FRAME) {
            MemoryAccount a = account.get();
            if (a != null) {
                r = a.tryReserve(bytes);
                if (r == null && cap.used() > bytes) {
                    cap.release(bytes);
                    return null; // other frames hold room and will give it back
                }
                if (r == null) {
                    // No other frame holds room: their reservations were given back before their room in
                    // the cap (see give), so the account may have room it lacked a moment ago.
                    r = a.tryReserve(bytes);
                }
                if (r == null) {
                    cap.release(bytes);
                    return new Held("the host's memory is full: " + mib(a.usedBytes()) + " of its " + mib(a.limitBytes())
                            + " are held by the session and uploads, and this " + bytes
                            + "-byte frame does not fit; delete something or try later");
                }
            }
        }
        return new Held(bytes, r);
    }

    /** Gives back the room of a frame. */
    void give(Held h) {
        if (h.reservation != null) {
            h.reservation.release(); // before the cap: a frame that finds the cap empty finds this room back too
        }
        cap.release(h.bytes);
        releases.incrementAndGet();
    }

    /** @return bytes of frames held now, by this listener */
    long inFlight() {
        return cap.used();
    }

    private static String mib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }
}
