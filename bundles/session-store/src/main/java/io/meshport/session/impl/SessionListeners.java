package io.meshport.session.impl;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.Lock;
import java.util.function.Supplier;

import io.meshport.session.SessionChange;
import io.meshport.session.SessionListener;
import io.meshport.session.SessionStore;

/**
 * The session's listeners: told of each change, in version order, under the store's write lock; a
 * listener that fails is logged and the others are still told.
 */
final class SessionListeners {
    private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();
    private final Lock writeLock;
    private final Supplier<StoreLog> log;

    /** @param writeLock the store's write lock, under which changes are told and subscriptions closed */
    SessionListeners(Lock writeLock, Supplier<StoreLog> log) {
        this.writeLock = writeLock;
        this.log = log;
    }

    SessionStore.Subscription subscribe(String prefix, SessionListener listener) {
        Subscriber s = new Subscriber(prefix == null ? "" : prefix, listener);
        subscribers.add(s);
        return s;
    }

    /** Tells the listeners of a change (write lock held). */
    void tell(SessionChange change) {
        for (Subscriber s : subscribers) {
            if (s.open && change.key().startsWith(s.prefix)) {
                try {
                    s.listener.changed(change);
                } catch (RuntimeException e) {
                    log.get().warn("a session listener failed on " + change, e);
                }
            }
        }
    }

    /** One registered listener. */
    private final class Subscriber implements SessionStore.Subscription {
        final String prefix;
        final SessionListener listener;
        volatile boolean open = true;

        Subscriber(String prefix, SessionListener listener) {
            this.prefix = prefix;
            this.listener = listener;
        }

        @Override
        public void close() {
            // Taking the write lock means no notification is running when close returns.
            writeLock.lock();
            try {
                open = false;
                subscribers.remove(this);
            } finally {
                writeLock.unlock();
            }
        }
    }
}
