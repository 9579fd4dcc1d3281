package io.meshport.client;

/** A watch on a key prefix; closing it unwatches. It lasts across the client's reconnects. */
public final class Watch implements AutoCloseable {
    private final Watches watches;
    private final WatchState state;
    private boolean closed;

    Watch(Watches watches, WatchState state) {
        this.watches = watches;
        this.state = state;
    }

    /** @return the watch id the host gave (a new one after a reconnect) */
    public long id() {
        return state.hostId;
    }

    /** @return the watched prefix */
    public String prefix() {
        return state.prefix;
    }

    /** Stops the events of this watch. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            watches.stop(state);
        }
    }
}
