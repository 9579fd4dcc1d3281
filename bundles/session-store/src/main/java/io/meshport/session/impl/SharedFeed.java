package io.meshport.session.impl;

import io.meshport.protocol.ErrorCode;
import io.meshport.protocol.MeshportException;
import io.meshport.session.backend.ChangeBatch;

/**
 * Reads a shared session's changes from its backend, every host's, and hands them to the store's
 * listeners in version order, each once. It goes on from the last version it handed over: when the
 * backend was unreachable for a while, it catches up on what happened meanwhile.
 */
final class SharedFeed implements Runnable {
    static final int BATCH = 1000;
    static final long WAIT_MILLIS = 1000;
    static final long RETRY_MILLIS = 250;

    private final SharedStore store;
    private final StoreLog log;
    private Thread thread;
    private volatile boolean stopped;
    /** The last version handed over; -1 until the feed first reached the backend. */
    private volatile long delivered = -1;

    SharedFeed(SharedStore store, StoreLog log) {
        this.store = store;
        this.log = log;
    }

    synchronized void start() {
        if (thread == null && !stopped) {
            thread = new Thread(this, "meshport-session-feed");
            thread.setDaemon(true);
            thread.start();
        }
    }

    void stop() {
        Thread t;
        synchronized (this) {
            stopped = true;
            t = thread;
        }
        if (t != null) {
            t.interrupt();
            try {
                t.join(WAIT_MILLIS * 5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void run() {
        while (!stopped) {
            try {
                if (delivered < 0) {
                    delivered = store.call(s -> s.currentVersion());
                }
                long after = delivered;
                ChangeBatch batch = store.call(s -> s.changesAfter(after, BATCH, WAIT_MILLIS));
                if (batch.missed()) {
                    log.warn("the shared session's changes after version " + after + " are partly no longer kept (the"
                            + " backend trimmed them while this host was not reading): watches here missed some");
                }
                if (!batch.changes().isEmpty()) {
                    store.tell(batch.changes());
                    delivered = batch.changes().get(batch.changes().size() - 1).version();
                }
            } catch (MeshportException e) {
                if (e.code() != ErrorCode.UNAVAILABLE) {
                    log.warn("reading the shared session's changes failed", e);
                }
                pause();
            } catch (RuntimeException e) {
                log.warn("reading the shared session's changes failed", e);
                pause();
            }
        }
    }

    private void pause() {
        try {
            Thread.sleep(RETRY_MILLIS);
        } catch (InterruptedException e) {
            stopped = true;
        }
    }
}
