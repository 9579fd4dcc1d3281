package io.meshport.session.impl;

import io.meshport.protocol.ErrorCode;
import io.meshport.protocol.MeshportException;

/**
 * Whether a shared session's server answers, as the requests find it: the log says so once when it stops
 * answering and once when it is back, with how long and how many requests were refused meanwhile.
 */
final class Reachability {
    private final String where;
    private final StoreLog log;
    private volatile boolean down;
    private long downSince;
    private long refused;

    Reachability(String where, StoreLog log) {
        this.where = where;
        this.log = log;
    }

    /** Notes a request's failure; returns it to be thrown. */
    MeshportException failed(MeshportException e) {
        if (e.code() == ErrorCode.UNAVAILABLE) {
            boolean first;
            synchronized (this) {
                refused++;
                first = !down;
                if (first) {
                    down = true;
                    downSince = System.nanoTime();
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
    void answered() {
        if (!down) { // read without the lock: a stale read only delays the message to the next answer
            return;
        }
        long millis;
        long n;
        synchronized (this) {
            if (!down) {
                return;
            }
            down = false;
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
