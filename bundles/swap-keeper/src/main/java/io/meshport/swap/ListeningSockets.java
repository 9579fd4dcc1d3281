package io.meshport.swap;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;

/**
 * Keeps server sockets bound while the bundle that serves them is updated: the listener borrows its
 * channel from here instead of opening one, so that between the old listener's stop and the new one's
 * start the port stays open and connection attempts wait in its backlog instead of being refused.
 */
@org.osgi.annotation.versioning.ProviderType
public interface ListeningSockets {
    /**
     * Gives the server channel for an address: the one bound before for the same requested address
     * (so port 0 keeps the port it was given), or a new one bound now.
     *
     * @param address the address and port to listen on (port 0: any free one, kept for later calls)
     * @param backlog the backlog of a new channel
     * @return an open, bound, non-blocking channel, not registered with any selector; the caller must
     *         not close it (see {@link #release(InetSocketAddress)})
     * @throws IOException when the address cannot be bound
     */
    ServerSocketChannel acquire(InetSocketAddress address, int backlog) throws IOException;

    /**
     * Closes the channel of an address for good, when the listener moves elsewhere or stops for good.
     *
     * @param address the address as given to {@link #acquire(InetSocketAddress, int)}
     */
    void release(InetSocketAddress address);
}
