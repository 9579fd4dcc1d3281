package io.meshport.session.impl;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.meshport.protocol.ErrorCode;
import io.meshport.protocol.MeshportException;

/**
 * Holds requests back while a durable session's file is being opened (the store opens it on a thread of
 * its own as the host starts): open from the start for a session in memory, closed from
 * {@link #close()} until {@link #open()}.
 */
final class OpeningGate {
    /** How long a request waits, at most, for the session's file to open. */
    static final long WAIT_MILLIS = 20_000;

    private final CountDownLatch opened = new CountDownLatch(1);
    private volatile boolean closed;
    private volatile long closedSince;
    private volatile long waitMillis = WAIT_MILLIS;

    /** Holds requests back from now on (call it before the opening begins). */
    void close() {
        closedSince = System.nanoTime();
        closed = true;
    }

    /** Lets every request waiting, and every later one, go on. */
    void open() {
        closed = false;
        opened.countDown();
    }

    /**
     * Returns once the gate is open: at once but while the store starts, and after a crash within the time
     * MVStore takes to open the file, or to search it whole.
     *
     * @throws MeshportException {@code UNAVAILABLE} when it is still closed after {@link #WAIT_MILLIS}
     */
    void awaitForRequest() {
        if (!closed) {
            return;
        }
        try {
            if (opened.await(waitMillis, TimeUnit.MILLISECONDS)) {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new MeshportException(ErrorCode.UNAVAILABLE, "the session's file is still being opened ("
                + (System.nanoTime() - closedSince) / 1_000_000_000 + " s so far; after a crash it may be searched whole);"
                + " nothing was changed; retry later");
    }

    /** Returns once the gate is open, however long it takes (the store is stopping). */
    void awaitToStop() {
        if (closed) {
            SessionLoader.awaitUninterruptibly(opened);
        }
    }

    /** Sets how long a request waits before it is answered {@code UNAVAILABLE} (tests). */
    void waitMillis(long millis) {
        waitMillis = millis;
    }
}
