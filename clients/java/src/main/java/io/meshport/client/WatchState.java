package io.meshport.client;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One watch of this client: its prefix and listener, the id the host gave it on the current link (a
 * new one after each reconnect), and what it knows of its keys, to catch up after a reconnect.
 *
 * <p>Threads: {@link #hostId} and {@link #closed} are read and written by any thread. {@link #known}
 * and {@link #held} belong to the reader thread (the one of whichever link is current, so to one
 * thread at a time), with one exception: the thread closing the client hands out the events held for
 * a catch-up that will now never come, while the closed link's reader may still be finishing.
 */
final class WatchState {
    final String prefix;
    final Consumer<WatchEvent> listener;
    volatile long hostId;
    volatile boolean closed;
    /** Reader thread only: each key under the prefix at the version this watch last knew it. */
    final Map<String, Long> known = new HashMap<>();
    /** Reader thread only: the events held while a catch-up after a reconnect is under way, else null. */
    List<WatchEvent> held;

    WatchState(String prefix, Consumer<WatchEvent> listener) {
        this.prefix = prefix;
        this.listener = listener;
    }

    /** Reader thread: what an event delivered tells of its key. */
    void saw(WatchEvent ev) {
        if (ev.isDelete()) {
            known.remove(ev.key());
        } else {
            known.put(ev.key(), ev.version());
        }
    }
}
