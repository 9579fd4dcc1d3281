package io.meshport.session;

/**
 * The host's one account of the heap held by data: the session's values, the frames being received
 * and the uploads in progress. Whoever is about to hold such bytes reserves them here first, so that
 * together they stay under one limit, well below the heap, and a request that would pass it is
 * refused ({@code OVERLOADED}) instead of running the host out of memory. Thread safe.
 *
 * @since 1.2
 */
@org.osgi.annotation.versioning.ProviderType
public interface MemoryAccount {
    /** @return the most bytes the account lets be held at once */
    long limitBytes();

    /** @return the bytes held now: stored values and open reservations */
    long usedBytes();

    /**
     * Reserves room for bytes about to be held.
     *
     * @param bytes how many, at least 0
     * @return the reservation, or null when the account has not that much room now
     */
    Reservation tryReserve(long bytes);

    /** Room reserved in the account until released. */
    @org.osgi.annotation.versioning.ProviderType
    interface Reservation {
        /** @return the bytes reserved */
        long bytes();

        /** Gives the room back; releasing twice is harmless. */
        void release();
    }
}
