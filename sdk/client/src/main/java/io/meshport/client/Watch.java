package io.meshport.client;

/** A watch on a key prefix; closing it unwatches. */
public final class Watch implements AutoCloseable {
    private final MeshportClient client;
    private final long id;
    private boolean closed;

    Watch(MeshportClient client, long id) {
        this.client = client;
        this.id = id;
    }

    /** @return the watch id the host gave */
    public long id() {
        return id;
    }

    /** Stops the events of this watch. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            client.unwatch(id);
        }
    }
}
