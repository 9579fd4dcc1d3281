package io.meshport.session.impl;

import java.util.concurrent.atomic.AtomicLong;

import io.meshport.protocol.ErrorCode;
import io.meshport.protocol.MeshportException;

/**
 * Whether a shared session's server answers, as the requests find it: the log says so once when it stops
 * answering and once when it is back, with how long and how many requests were refused meanwhile. Only a
 * request begun after the last change can change it again: a refusal that arrives after a later request's
 * answer (a Redis that was still loading its data for one, and had loaded it for the other) is stale.
 */
final class Reachability {
    private final String where;
    private final StoreLog log;
    private final AtomicLong tickets = new AtomicLong();
    private volatile boolean down;
    /** The ticket of the request whose outcome changed {@link #down} last. */
    private long changedBy;
    private long downSince;
    private long refused;

    Reachability(String where, StoreLog log) {
        this.where = where;
        this.log = log;
    }

    /** @return the ticket of a request about to be sent, to give with its outcome */
    long begin() {
        return tickets.incrementAndGet();
    }

    /** Notes a request's failure; returns it to be thrown. */
    MeshportException failed(MeshportException e, long ticket) {
        if (e.code() == ErrorCode.UNAVAILABLE) {
            boolean first;
            synchronized (this) {
                first = !down && ticket > changedBy;
                if (first) {
                    down = true;
                    changedBy = ticket;
                    downSince = System.nanoTime();
                }
                if (down) {
                    refused++; // a stale refusal, while it answers, counts towards no outage
                }
            }
            if (first) {
                log.error("the shared session at " + where + " cannot be reached: " + e.getMessage()
                        + "; requests that need it get UNAVAILABLE until it is back");
            }
        }
        return e;
    }

    /** Notes an answer from the server. */
    void answered(long ticket) {
        if (!down) { // read without the lock: a stale read only delays the message to the next answer
            return;
        }
        long millis;
        long n;
        synchronized (this) {
            if (!down || ticket < changedBy) {
                return;
            }
            down = false;
            changedBy = ticket;
            millis = (System.nanoTime() - downSince) / 1_000_000;
            n = refused;
            refused = 0;
        }
        log.info("the shared session at " + where + " answers again, after " + millis + " ms; " + n
                + " requests were refused meanwhile");
    }

    synchronized boolean isDown() {
        return down;
    }
}
