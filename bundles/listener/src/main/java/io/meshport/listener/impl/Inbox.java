package io.meshport.listener.impl;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A connection's requests received and not yet answered: the selector thread adds them, a worker
 * handles them one at a time and in order (so replies keep the order of requests), and each frame's
 * room is given back once it is answered. A large frame whose decode began while it arrived
 * ({@link PreDecoder}) is tracked here until it is handled.
 */
final class Inbox implements FrameDecoder.LargeBodies {
    private final Connection connection;
    private final SocketServer server;
    private final ConcurrentLinkedQueue<Object> items = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private volatile ArrivingFrame arriving; // a large frame decoded while it arrives, until it is handled
    // Made once: handling a request allocates no task. Classes, not lambdas: see DaemonThreads.
    private final Drain drain = new Drain();

    /** Runs the requests on a worker. */
    private final class Drain implements Runnable {
        @Override
        public void run() {
            drain();
        }
    }

    Inbox(Connection connection, SocketServer server) {
        this.connection = connection;
        this.server = server;
    }

    /**
     * Selector thread: adds a frame (its {@link FrameRoom.Held}), a refused frame or a {@link
     * Connection.Fatal}, and has a worker handle it in its turn.
     *
     * @return the requests now waiting, this one included
     */
    int add(Object item) {
        items.add(item);
        int p = pending.incrementAndGet();
        if (scheduled.compareAndSet(false, true)) {
            server.execute(drain);
        }
        return p;
    }

    /** @return requests received and not yet answered */
    int pending() {
        return pending.get();
    }

    private void drain() {
        int handled = 0;
        while (true) {
            Object item = items.poll();
            if (item == null) {
                scheduled.set(false);
                if (items.isEmpty() || !scheduled.compareAndSet(false, true)) {
                    connection.drained();
                    return;
                }
                continue;
            }
            CompletableFuture<Void> later = null;
            try {
                if (connection.state == Connection.State.OPEN) {
                    later = handle(item);
                }
            } catch (Throwable t) {
                server.log.error("unexpected failure handling a request of " + connection.describe(), t);
            } finally {
                if (later == null) {
                    finished(item);
                }
            }
            if (later != null) {
                // A call runs on its own thread: this connection stays scheduled (so its next request
                // waits, and replies keep their order) while this worker goes to other connections.
                later.whenComplete((v, t) -> {
                    finished(item);
                    server.execute(drain);
                });
                return;
            }
            if (++handled >= 32) {
                server.execute(drain); // let other connections' requests run
                return;
            }
        }
    }

    /** @return null when the item is done, or a future completing when it is (a call) */
    private CompletableFuture<Void> handle(Object item) {
        if (item instanceof FrameRoom.Held) {
            return server.handler.handle(connection, ((FrameRoom.Held) item).frame);
        }
        if (item instanceof FrameDecoder.Refused) {
            server.handler.refused(connection, (FrameDecoder.Refused) item);
            return null;
        }
        Connection.Fatal f = (Connection.Fatal) item;
        connection.closeAfter(Replies.error(null, f.code, f.message, null), f.code.name() + ": " + f.message);
        return null;
    }

    private void finished(Object item) {
        if (item instanceof FrameRoom.Held) {
            FrameRoom.Held held = (FrameRoom.Held) item;
            byte[] frame = held.frame;
            server.releaseRoom(held);
            ArrivingFrame a = arrivingFor(frame);
            if (a != null) {
                arriving = null;
                a.abandon();
                // Reused once its decode no longer reads it (an append's ends at its first bytes): an
                // upload's pieces then take no new array each.
                a.decoded.whenComplete((d, e) -> server.frames.give(frame));
            } else {
                server.frames.give(frame); // answered: neither the handler nor a codec holds it any more
            }
        }
        int p = pending.decrementAndGet();
        if (p == server.limits.maxPendingRequests - 1 || p == 0) {
            connection.answered();
        }
    }

    /**
     * Selector thread: a frame of {@link PreDecoder#MIN_FRAME_BYTES} or more has begun to arrive. Its
     * decode starts at once if it will be the next request handled (nothing else pending) and the
     * connection may write (authenticated, or no token needed).
     *
     * @return the frame to tell about the bytes that arrive, or null
     */
    @Override
    public ArrivingFrame started(byte[] body) {
        if (pending.get() != 0 || arriving != null || !connection.mayDecodeEarly()) {
            return null;
        }
        ArrivingFrame a = server.preDecoder.start(body);
        arriving = a;
        return a;
    }

    /**
     * @param frame a frame being handled
     * @return its decode begun while it arrived, or null
     */
    ArrivingFrame arrivingFor(byte[] frame) {
        ArrivingFrame a = arriving;
        return a != null && a.frame == frame ? a : null;
    }

    /** Selector thread: the connection closed; the frame being decoded is abandoned, and every request given up. */
    void closeAll() {
        ArrivingFrame a = arriving;
        if (a != null) {
            a.abandon();
        }
        Object item;
        while ((item = items.poll()) != null) {
            finished(item);
        }
    }
}
