package io.meshport.listener.impl;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Takes clients in on the selector thread: within the limits on connections, all and per address; at
 * the limit, making room by letting go of the oldest connection that has not proven itself; else
 * refusing with {@code bye} ({@link Refusals}).
 */
final class Acceptor {
    private final SocketServer server;
    private final AddressCounts addresses = new AddressCounts();
    private final Refusals refusals = new Refusals();
    private final AtomicLong nextId = new AtomicLong();

    Acceptor(SocketServer server) {
        this.server = server;
    }

    /** Accepts every client waiting in the backlog: each becomes a connection, or is refused. */
    void acceptAll(ServerSocketChannel listening, Selector selector) {
        ListenerSettings limits = server.limits;
        while (server.accepting) {
            SocketChannel ch;
            try {
                ch = listening.accept();
            } catch (IOException e) {
                server.logLimit.warn("accept failed", "accept failed: " + e.getMessage());
                return;
            }
            if (ch == null) {
                return;
            }
            String remote;
            InetAddress from;
            try {
                InetSocketAddress ra = (InetSocketAddress) ch.getRemoteAddress();
                from = ra.getAddress();
                remote = from.getHostAddress() + ":" + ra.getPort();
                ch.configureBlocking(false);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            } catch (IOException | RuntimeException e) {
                closeQuietly(ch);
                continue;
            }
            String refused = null;
            if (server.connections.size() >= limits.maxConnections && !makeRoom()) {
                refused = "the host serves " + limits.maxConnections + " connections, its limit; try again later";
            } else if (!addresses.tryAdd(from, limits.maxConnectionsPerAddress)) {
                refused = "the host serves " + limits.maxConnectionsPerAddress + " connections from " + from.getHostAddress()
                        + ", its limit per address; try again later";
            }
            if (refused != null) {
                // Tell the client why instead of leaving it hanging (under TLS nothing can be said before a
                // handshake: the client just sees the close).
                refusals.refuse(ch, selector, limits.tls == null ? Replies.bye(refused) : null);
                server.logLimit.warn("connection refused", "refused a connection from " + remote + ": " + refused);
                continue;
            }
            Transport transport;
            try {
                transport = limits.tls == null ? Transport.plain(ch) : new TlsTransport(ch, TlsContexts.engine(limits.tls));
            } catch (IOException e) {
                server.logLimit.warn("TLS failed", "cannot start TLS with " + remote + ": " + e.getMessage());
                addresses.remove(from);
                closeQuietly(ch);
                continue;
            }
            Connection c = new Connection(nextId.incrementAndGet(), ch, transport, remote, from, server);
            try {
                c.key = ch.register(selector, SelectionKey.OP_READ, c);
            } catch (IOException e) {
                addresses.remove(from);
                closeQuietly(ch);
                continue;
            }
            server.connections.put(c.id, c);
        }
    }

    /**
     * At the connection limit: makes room for a new connection by closing the oldest one that has not
     * proven itself (authenticated, or on a host without a token sent a whole request), so that sockets
     * opened and left idle cannot keep the host's slots from its clients. Selector thread.
     *
     * @return true when a connection was let go
     */
    private boolean makeRoom() {
        Connection oldest = null;
        for (Connection c : server.connections.values()) {
            if (!c.proven() && c.state == Connection.State.OPEN && (oldest == null || c.connectedAt < oldest.connectedAt)) {
                oldest = c;
            }
        }
        if (oldest == null) {
            return false;
        }
        oldest.closeAfter(Replies.bye("the host is full, and this connection had not yet "
                + (server.limits.tokenRequired() ? "authenticated" : "sent a request") + "; try again later"), "made room for a new connection", false);
        server.logLimit.warn("connection evicted", "let " + oldest.describe() + " go to make room for a new connection");
        return true;
    }

    private static void closeQuietly(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            // nothing to do
        }
    }

    /** A connection closed: it no longer counts for its address. */
    void closed(Connection c) {
        addresses.remove(c.address);
    }

    /** Reads and drops what a refused client sent. */
    void onReadable(Refusals.Lingering l, ByteBuffer scratch) {
        refusals.onReadable(l, scratch);
    }

    /** Closes the refused connections whose time is up. */
    void expire(long now) {
        refusals.expire(now);
    }

    /** Closes every refused connection (the server stops). */
    void closeAll() {
        refusals.closeAll();
    }
}
