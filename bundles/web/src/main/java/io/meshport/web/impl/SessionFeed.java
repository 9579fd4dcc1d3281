package io.meshport.web.impl;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import io.meshport.session.SessionChange;
import io.meshport.session.SessionStore;

/**
 * The session's changes, fanned out to the pages' event streams. One subscription to the store serves
 * every page. The store calls its listeners under its write lock, so a change is only recorded here,
 * in each stream's pending map, and the stream's own thread writes it out.
 *
 * <p>Pending changes are kept per key, the newest winning: a page that reads slowly while a client
 * streams updates gets the latest version of each key, not a backlog, and a stream's memory is
 * bounded by the number of keys, never by the rate of changes.
 */
final class SessionFeed {
    private final int maxStreams;
    private final List<Stream> streams = new CopyOnWriteArrayList<>();
    private final Object lock = new Object();
    private SessionStore store;
    private SessionStore.Subscription subscription;

    SessionFeed(int maxStreams) {
        this.maxStreams = maxStreams;
    }

    /** Follows a (new) store: streams of the old one end, and their pages reconnect for a fresh list. */
    void attach(SessionStore s) {
        synchronized (lock) {
            detachLocked();
            store = s;
            subscription = s.subscribe("", this::changed);
        }
    }

    /** Stops following {@code s} if it is the store followed; its streams end. */
    void detach(SessionStore s) {
        synchronized (lock) {
            if (store == s) {
                detachLocked();
            }
        }
    }

    private void detachLocked() {
        if (subscription != null) {
            subscription.close();
            subscription = null;
        }
        store = null;
        for (Stream st : streams) {
            st.close();
        }
    }

    /** Ends every stream (the page is going away). */
    void close() {
        synchronized (lock) {
            detachLocked();
        }
    }

    /** @return the store followed, or null */
    SessionStore store() {
        synchronized (lock) {
            return store;
        }
    }

    /** @return a new stream of changes, or null when {@code maxStreams} are open already */
    Stream open() {
        synchronized (lock) {
            if (streams.size() >= maxStreams || store == null) {
                return null;
            }
            Stream st = new Stream();
            streams.add(st);
            return st;
        }
    }

    int openStreams() {
        return streams.size();
    }

    private void changed(SessionChange c) {
        for (Stream st : streams) {
            st.offer(c);
        }
    }

    /** One page's stream: the changes it has not written yet, newest per key. */
    final class Stream implements AutoCloseable {
        private final Semaphore wake = new Semaphore(0);
        private Map<String, SessionChange> pending = new LinkedHashMap<>();
        private volatile boolean closed;

        void offer(SessionChange c) {
            synchronized (this) {
                pending.remove(c.key()); // re-insert: the map keeps the order of the latest changes
                pending.put(c.key(), c);
            }
            wake.release();
        }

        /**
         * Waits for changes.
         *
         * @param timeoutMs the longest wait
         * @return the changes since the last call, oldest first; empty after the timeout or once closed
         */
        List<SessionChange> take(long timeoutMs) throws InterruptedException {
            if (!closed) {
                wake.tryAcquire(timeoutMs, TimeUnit.MILLISECONDS);
            }
            wake.drainPermits();
            Map<String, SessionChange> got;
            synchronized (this) {
                got = pending;
                pending = new LinkedHashMap<>();
            }
            return new ArrayList<>(got.values());
        }

        boolean closed() {
            return closed;
        }

        @Override
        public void close() {
            closed = true;
            streams.remove(this);
            wake.release();
        }
    }
}
