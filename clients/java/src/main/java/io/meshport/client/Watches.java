package io.meshport.client;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

import io.meshport.wire.CborFormatException;
import io.meshport.wire.CborMessage;

/**
 * This client's watches: starting and stopping them, routing the host's events to their listeners on
 * the event thread, and renewing them after a reconnect, with a catch-up on what changed meanwhile.
 *
 * <p>Threads: the table of watches by host id is a concurrent map. Events are read, held and matched
 * against listings on the current link's reader thread (the watch and list replies are parsed there
 * too, so a new watch is in the table before its first event is read); listeners run on the one event
 * thread, in order. {@link #renew} runs on the reconnector's thread while it holds the write lock, so
 * the renewals go out before any other request on the new link.
 */
final class Watches {
    private final Connection connection;
    private final long requestTimeoutMs;
    private final Map<Long, WatchState> byHostId = new ConcurrentHashMap<>();
    private final ExecutorService events = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "meshport-client-events");
        t.setDaemon(true);
        return t;
    });

    Watches(Connection connection, ClientOptions options) {
        this.connection = connection;
        this.requestTimeoutMs = options.requestTimeout().toMillis();
    }

    /**
     * Starts a watch: the watch and a listing of its prefix are sent at once (the host answers in
     * order, so the watch is registered before the listing comes), one round trip.
     */
    WatchState start(String prefix, Consumer<WatchEvent> listener) {
        WatchState state = new WatchState(prefix, listener);
        CompletableFuture<Long> watched = watch(state, false);
        CompletableFuture<Object> listed = list(state, false);
        Requests.await(watched, requestTimeoutMs);
        Requests.await(listed, requestTimeoutMs);
        return state;
    }

    /** Stops a watch's events, and unwatches it on the host while the client is open. */
    void stop(WatchState state) {
        state.closed = true;
        byHostId.remove(state.hostId);
        if (!connection.isOpen()) {
            return;
        }
        long id = connection.nextId();
        try {
            Requests.await(connection.send(id, "unwatch", Envelopes.unwatch(id, state.hostId), List.of(), Replies::nothing),
                    requestTimeoutMs);
        } catch (MeshportClientException e) {
            // NOT_FOUND: the connection it was made on is gone, and it with it
        }
    }

    /**
     * Reconnector's thread, holding the write lock, on a new link: each open watch is made again (the
     * host gives it a new id with the reply), then its prefix listed to catch up.
     */
    void renew() {
        for (WatchState w : new ArrayList<>(byHostId.values())) {
            byHostId.remove(w.hostId);
            if (!w.closed) {
                watch(w, true);
                list(w, true);
            }
        }
    }

    /** Reader thread: an event from the host. */
    void onEvent(CborMessage m) throws CborFormatException {
        WatchState w = byHostId.get(m.uint("watch", true, 0));
        if (w != null && !w.closed) {
            WatchEvent ev = new WatchEvent(w.hostId, m.text("key", true), m.uint("version", true, 0), m.text("change", true));
            if (w.held != null) {
                w.held.add(ev); // delivered with the catch-up after the reconnect
            } else {
                w.saw(ev);
                deliver(w, ev);
            }
        }
    }

    /** The client ended: listeners get what was queued for them, and nothing after. */
    void shutdown() {
        events.shutdown();
    }

    /**
     * @param renewal true after a reconnect: the watch's events are then held until its catch-up
     *        ({@link #list}) has delivered what changed meanwhile
     */
    private CompletableFuture<Long> watch(WatchState state, boolean renewal) {
        long id = connection.nextId();
        return connection.send(id, "watch", Envelopes.watch(id, state.prefix), List.of(), (f, s, e) -> {
            long wid = Replies.watchId(f, s, e);
            state.hostId = wid;
            if (renewal && state.held == null) {
                state.held = new ArrayList<>();
            }
            byHostId.put(wid, state); // on the reader thread, before any event of this watch is read
            return wid;
        });
    }

    /**
     * Lists a watch's prefix: when the watch starts, to know its keys' versions; after a reconnect,
     * to deliver what changed while the client was away (catchUp).
     */
    private CompletableFuture<Object> list(WatchState state, boolean catchUp) {
        long id = connection.nextId();
        CompletableFuture<Object> f = connection.send(id, "list", Envelopes.list(id, state.prefix), List.of(), (fr, s, e) -> {
            Map<String, Long> listed = Replies.versions(fr, s, e);
            if (catchUp) {
                catchUp(state, listed);
            } else {
                for (Map.Entry<String, Long> k : listed.entrySet()) {
                    state.known.merge(k.getKey(), k.getValue(), Math::max); // an event may have told of a newer one
                }
            }
            return null;
        });
        if (catchUp) {
            f.whenComplete((v, t) -> {
                if (t != null) {
                    deliverHeld(state); // an error reply (on the reader thread), or the client closing
                }
            });
        }
        return f;
    }

    /**
     * Reader thread, after a reconnect: delivers, in version order, what changed under the prefix while
     * the client was away (from the listing against what the watch knew) with the events held since the
     * watch was renewed, each change once.
     */
    private void catchUp(WatchState state, Map<String, Long> listed) {
        List<WatchEvent> held = state.held == null ? List.of() : state.held;
        state.held = null;
        if (state.closed) {
            return;
        }
        Map<String, Long> heldPut = new HashMap<>();
        Set<String> heldDeleted = new HashSet<>();
        for (WatchEvent ev : held) {
            if (ev.isDelete()) {
                heldDeleted.add(ev.key());
            } else {
                heldPut.merge(ev.key(), ev.version(), Math::max);
            }
        }
        List<WatchEvent> out = new ArrayList<>(held);
        for (Map.Entry<String, Long> k : listed.entrySet()) {
            Long before = state.known.get(k.getKey());
            Long told = heldPut.get(k.getKey());
            if ((before == null || k.getValue() > before) && (told == null || k.getValue() > told)) {
                out.add(new WatchEvent(state.hostId, k.getKey(), k.getValue(), "put"));
            }
        }
        for (String key : state.known.keySet()) {
            if (!listed.containsKey(key) && !heldDeleted.contains(key)) {
                out.add(new WatchEvent(state.hostId, key, 0, "delete"));
            }
        }
        out.sort(Comparator.comparingLong(WatchEvent::version));
        state.known.clear();
        state.known.putAll(listed);
        for (WatchEvent ev : out) {
            deliver(state, ev);
        }
    }

    /** The catch-up's listing failed: the events held meanwhile go out as they came. */
    private void deliverHeld(WatchState state) {
        List<WatchEvent> held = state.held;
        state.held = null;
        if (held != null && !state.closed) {
            for (WatchEvent ev : held) {
                state.saw(ev);
                deliver(state, ev);
            }
        }
    }

    private void deliver(WatchState w, WatchEvent ev) {
        try {
            events.execute(() -> {
                if (!w.closed) {
                    w.listener.accept(ev);
                }
            });
        } catch (RejectedExecutionException e) {
            // the client is closed: nobody listens any more
        }
    }
}
