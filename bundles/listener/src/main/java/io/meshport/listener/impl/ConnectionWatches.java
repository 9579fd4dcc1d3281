package io.meshport.listener.impl;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.meshport.protocol.ErrorCode;
import io.meshport.protocol.MeshportException;
import io.meshport.session.SessionChange;
import io.meshport.session.SessionStore;

/**
 * A connection's watches: subscriptions to the session whose changes become event frames. Watches are
 * made and ended by the connection's worker; changes arrive on the session's writing thread and are
 * only queued ({@link Connection#sendEvent}), never written there.
 */
final class ConnectionWatches {
    static final int MAX_WATCHES = 1024;

    private final Connection connection;
    private final Map<Long, Watch> watches = new ConcurrentHashMap<>();
    private final AtomicLong nextWatch = new AtomicLong();

    ConnectionWatches(Connection connection) {
        this.connection = connection;
    }

    /**
     * Subscribes to changes under a prefix and answers the request; events for the watch are held
     * back until its reply is queued, so a client never sees an event for a watch it does not know.
     *
     * @param requestId the id of the watch request, or null
     * @param prefix the key prefix
     * @param store the session
     */
    void watch(Long requestId, String prefix, SessionStore store) {
        if (watches.size() >= MAX_WATCHES) {
            throw new MeshportException(ErrorCode.OVERLOADED,
                    "this connection already has " + MAX_WATCHES + " watches; unwatch some first");
        }
        long wid = nextWatch.incrementAndGet();
        Watch w = new Watch(wid);
        w.subscription = store.subscribe(prefix, w::changed);
        watches.put(wid, w);
        if (requestId != null) {
            connection.send(Replies.ok(requestId, Map.of("watch", wid)));
        }
        w.ready();
    }

    /**
     * @param watchId a watch of this connection
     * @return true when it existed and was ended
     */
    boolean unwatch(long watchId) {
        Watch w = watches.remove(watchId);
        if (w == null) {
            return false;
        }
        w.subscription.close();
        return true;
    }

    /** @return true when the connection watches something (it is then never idle) */
    boolean any() {
        return !watches.isEmpty();
    }

    /** Ends every watch (the connection closes); never called under the connection's output lock. */
    void closeAll() {
        for (Watch w : watches.values()) {
            w.subscription.close();
        }
        watches.clear();
    }

    /** One watch: forwards the session's changes as events. */
    private final class Watch {
        final long watchId;
        SessionStore.Subscription subscription;
        private List<SessionChange> early = new ArrayList<>();

        Watch(long watchId) {
            this.watchId = watchId;
        }

        synchronized void changed(SessionChange change) {
            if (early != null) {
                early.add(change);
            } else {
                connection.sendEvent(Replies.event(watchId, change));
            }
        }

        synchronized void ready() {
            for (SessionChange c : early) {
                connection.sendEvent(Replies.event(watchId, c));
            }
            early = null;
        }
    }
}
