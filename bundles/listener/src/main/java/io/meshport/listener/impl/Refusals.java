package io.meshport.listener.impl;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Connections refused as they are accepted (too many open, or too many from one address). Each is
 * told {@code bye}, its output is shut, and its input is read and dropped until the client closes or
 * {@value #LINGER_MS} ms pass: closing a socket that holds unread input resets it, and a client that
 * had already sent a request would see the reset instead of the bye. Selector thread only.
 */
final class Refusals {
    /** Refused connections kept reading at once; beyond, they are closed at once. */
    static final int MAX_LINGERING = 256;
    static final long LINGER_MS = 2000;

    /** One refused connection, read until it closes. */
    static final class Lingering {
        final SocketChannel channel;
        final long deadline;

        Lingering(SocketChannel channel, long deadline) {
            this.channel = channel;
            this.deadline = deadline;
        }
    }

    private final List<Lingering> lingering = new ArrayList<>();

    /**
     * @param ch an accepted channel, non-blocking
     * @param bye the bye frame, or null when nothing can be said (TLS before its handshake)
     */
    void refuse(SocketChannel ch, Selector selector, ByteBuffer[] bye) {
        try {
            if (bye != null) {
                ch.write(bye); // a few dozen bytes: any send buffer takes them
            }
            ch.shutdownOutput();
            if (lingering.size() >= MAX_LINGERING) {
                ch.close();
                return;
            }
            Lingering l = new Lingering(ch, System.currentTimeMillis() + LINGER_MS);
            ch.register(selector, SelectionKey.OP_READ, l);
            lingering.add(l);
        } catch (IOException e) {
            close(ch);
        }
    }

    /** Reads and drops what a refused client sent; closes it at its end. */
    void onReadable(Lingering l, ByteBuffer scratch) {
        try {
            for (int i = 0; i < 16; i++) {
                scratch.clear();
                int n = l.channel.read(scratch);
                if (n < 0) {
                    close(l);
                    return;
                }
                if (n == 0) {
                    return;
                }
            }
        } catch (IOException e) {
            close(l);
        }
    }

    /** Closes the refused connections whose time is up. */
    void expire(long now) {
        for (Iterator<Lingering> it = lingering.iterator(); it.hasNext();) {
            Lingering l = it.next();
            if (now > l.deadline) {
                it.remove();
                close(l.channel);
            }
        }
    }

    /** Closes them all (the server stops). */
    void closeAll() {
        for (Lingering l : lingering) {
            close(l.channel);
        }
        lingering.clear();
    }

    private void close(Lingering l) {
        lingering.remove(l);
        close(l.channel);
    }

    private static void close(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            // closed either way
        }
    }
}
