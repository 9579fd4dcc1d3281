package io.meshport.swap.impl;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.meshport.swap.ListeningSockets;

/**
 * The listening sockets, by the address they were asked for. They stay open when the listener that
 * borrowed them stops, so that clients connecting meanwhile wait in the backlog; they close when
 * released, or when the framework stops ({@link SocketsActivator}).
 */
final class ListeningSocketsImpl implements ListeningSockets {
    private final Map<InetSocketAddress, ServerSocketChannel> channels = new HashMap<>();

    @Override
    public synchronized ServerSocketChannel acquire(InetSocketAddress address, int backlog) throws IOException {
        ServerSocketChannel ch = channels.get(address);
        if (ch != null && ch.isOpen()) {
            return ch;
        }
        ch = ServerSocketChannel.open();
        try {
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            ch.bind(address, backlog);
            ch.configureBlocking(false);
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        channels.put(address, ch);
        return ch;
    }

    @Override
    public synchronized void release(InetSocketAddress address) {
        ServerSocketChannel ch = channels.remove(address);
        if (ch != null) {
            close(ch);
        }
    }

    /** @return where the kept sockets listen, for the log */
    synchronized List<String> ports() {
        List<String> where = new ArrayList<>();
        for (ServerSocketChannel ch : channels.values()) {
            try {
                InetSocketAddress a = (InetSocketAddress) ch.getLocalAddress();
                if (a != null) {
                    where.add(a.getAddress().getHostAddress() + ":" + a.getPort());
                }
            } catch (IOException e) {
                // closed meanwhile: nothing to say about it
            }
        }
        return where;
    }

    /** Closes every kept socket (the framework stops). */
    synchronized void closeAll() {
        channels.values().forEach(ListeningSocketsImpl::close);
        channels.clear();
    }

    private static void close(ServerSocketChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
