package io.meshport.listener.impl;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

import io.meshport.protocol.ErrorCode;
import io.meshport.session.SessionStore;

/**
 * One client connection: its state, its timeouts and its closing, on the selector thread, and the parts
 * that do its work. Its {@link ConnectionReader} reads frames (and pauses) on the selector thread, what it
 * received waits in its {@link Inbox} (handled in order on a worker), what it sends in its {@link
 * Outbound}, what it watches in its {@link ConnectionWatches}.
 */
final class Connection {
    private static final long LINGER_MS = 2000;

    enum State { OPEN, CLOSING, CLOSED }

    /** A connection-level failure found by the selector thread, handled in order with the requests. */
    static final class Fatal {
        final ErrorCode code;
        final String message;

        Fatal(ErrorCode code, String message) {
            this.code = code;
            this.message = message;
        }
    }

    final long id;
    final SocketChannel channel;
    final Transport transport;
    final String remote;
    /** The client's address, for the per-address limit. */
    final InetAddress address;
    final FrameDecoder decoder;
    final long connectedAt;
    private final SocketServer server;
    private final Inbox inbox;
    private final Outbound outbound;
    private final ConnectionWatches watches;
    private final ConnectionReader reader;
    SelectionKey key;

    private boolean outputShut;        // selector thread
    private long closingDeadline;      // selector thread

    volatile State state = State.OPEN;
    volatile boolean authenticated;
    volatile String client = "";
    volatile long lastActivity;
    volatile boolean stopping;

    // Tasks for the selector thread, made once. Classes rather than lambdas: a revision of this bundle that
    // an update has just installed links each lambda on its first use, and these uses fall in the hot swap's
    // gap, while the clients wait; the bundle's ClassWarmer loads these classes ahead instead.
    private final CheckFinished checkFinishedTask = new CheckFinished();
    private final AfterQueued afterQueuedTask = new AfterQueued();
    private final ResumePending resumePendingTask = new ResumePending();
    private final Linger lingerTask = new Linger();

    private final class CheckFinished implements Runnable {
        @Override
        public void run() {
            checkFinished();
        }
    }

    private final class AfterQueued implements Runnable {
        @Override
        public void run() {
            afterQueued();
        }
    }

    private final class ResumePending implements Runnable {
        @Override
        public void run() {
            reader.resumePending();
        }
    }

    private final class Linger implements Runnable {
        @Override
        public void run() {
            linger();
        }
    }

    private final class Close implements Runnable {
        private final String why;

        Close(String why) {
            this.why = why;
        }

        @Override
        public void run() {
            close(why);
        }
    }

    Connection(long id, SocketChannel channel, Transport transport, String remote, InetAddress address, SocketServer server) {
        this.id = id;
        this.channel = channel;
        this.transport = transport;
        this.remote = remote;
        this.address = address;
        this.server = server;
        this.inbox = new Inbox(this, server);
        this.outbound = new Outbound(transport, server.limits.maxQueuedEvents);
        this.watches = new ConnectionWatches(this);
        this.decoder = new FrameDecoder(server.limits.maxFrameBytes, server.room, server.frames);
        this.decoder.largeBodies = inbox;
        if (server.limits.tokenRequired()) {
            decoder.limitBeforeAuth(server.limits.maxFrameBytesBeforeHello);
        }
        this.reader = new ConnectionReader(this, server, transport, decoder, inbox);
        this.connectedAt = System.currentTimeMillis();
        this.lastActivity = connectedAt;
    }

    /** @return a name for logs */
    String describe() {
        return "client " + id + " (" + remote + (client.isEmpty() ? "" : ", " + client) + ")";
    }

    // ---------------------------------------------------------------- reading (selector thread)

    /** @see ConnectionReader#onReadable */
    void onReadable() {
        reader.onReadable();
    }

    /** @return true when a large frame arriving may be decoded before its turn (see {@link Inbox#started}) */
    boolean mayDecodeEarly() {
        return state == State.OPEN && !reader.discarding() && !stopping && (!server.limits.tokenRequired() || authenticated);
    }

    /**
     * @param frame a frame being handled
     * @return its decode begun while it arrived, or null
     */
    ArrivingFrame arrivingFor(byte[] frame) {
        return inbox.arrivingFor(frame);
    }

    /** @see ConnectionReader#setPause */
    void setPause(int reason, boolean on) {
        reader.setPause(reason, on);
    }

    /** @see ConnectionReader#resumeAfterBudget */
    void resumeAfterBudget() {
        reader.resumeAfterBudget();
    }

    /** Worker: the inbox ran empty; the selector thread checks whether the connection is done. */
    void drained() {
        server.post(checkFinishedTask);
    }

    /** Worker: requests were answered (the last one, or one below the pipelining limit). */
    void answered() {
        server.post(resumePendingTask);
    }

    /** Selector thread: has the selector report what reading and writing wait for. */
    void updateInterest() {
        if (key == null || !key.isValid()) {
            return;
        }
        int ops = 0;
        if (reader.wantsRead()) {
            ops |= SelectionKey.OP_READ;
        }
        if (outbound.wantsWrite() || transport.wantsWrite()) {
            ops |= SelectionKey.OP_WRITE;
        }
        key.interestOps(ops);
    }

    /**
     * Selector thread.
     *
     * @return true when the connection has proven itself: authenticated on a host with a token, or sent
     *         a whole request on one without
     */
    boolean proven() {
        return server.limits.tokenRequired() ? authenticated : reader.spoke();
    }

    /** @return true when requests have been received and not yet answered */
    boolean busy() {
        return inbox.pending() > 0;
    }

    // ---------------------------------------------------------------- writing

    /** Queues a reply and writes what the socket takes now; the selector thread writes the rest. */
    void send(ByteBuffer[] frame) {
        switch (outbound.reply(frame)) {
            case FINISH_WRITING:
                server.post(afterQueuedTask);
                return;
            case CLOSE_WRITE_FAILED:
                server.post(new Close("write failed: " + outbound.failure().getMessage()));
                return;
            default:
                return;
        }
    }

    /** Queues a watch event (from the session's thread); the selector thread writes it. */
    void sendEvent(ByteBuffer[] frame) {
        switch (outbound.event(frame)) {
            case FINISH_WRITING:
                server.post(afterQueuedTask);
                return;
            case CLOSE_TOO_MANY_EVENTS:
                if (state == State.OPEN) {
                    state = State.CLOSING;
                    server.logLimit.warn("too many events", describe() + " left " + outbound.queuedEvents()
                            + " watch events unread; closing it");
                    server.post(new Close("too slow reading events"));
                }
                return;
            default:
                return;
        }
    }

    /** Selector thread: write what is queued, then set interest and back-pressure. */
    private void afterQueued() {
        if (state == State.CLOSED) {
            return;
        }
        boolean done;
        try {
            done = outbound.flush();
        } catch (IOException e) {
            // Closed outside the output's lock: closing ends the watches, which waits for the session's
            // write lock, while a writer holding that lock may be waiting to queue an event.
            close("write failed: " + e.getMessage());
            return;
        }
        long bytes = outbound.queuedBytes();
        if (bytes > ListenerSettings.OUTBOUND_HIGH_WATER) {
            reader.setPause(ConnectionReader.PAUSE_OUTBOUND, true);
        } else if (bytes < ListenerSettings.OUTBOUND_LOW_WATER) {
            reader.setPause(ConnectionReader.PAUSE_OUTBOUND, false);
        }
        updateInterest();
        if (done) {
            checkFinished();
        }
    }

    void onWritable() {
        afterQueued();
    }

    // ---------------------------------------------------------------- watches

    /** @see ConnectionWatches#watch */
    void watch(Long requestId, String prefix, SessionStore store) {
        watches.watch(requestId, prefix, store);
    }

    /** @see ConnectionWatches#unwatch */
    boolean unwatch(long watchId) {
        return watches.unwatch(watchId);
    }

    // ---------------------------------------------------------------- closing

    /**
     * Sends a last frame, then closes once it is written (the client's further input is read and
     * dropped, so that it sees the frame rather than a reset).
     *
     * @param lastFrame the frame to send, e.g. an error or bye
     * @param why for the log
     */
    void closeAfter(ByteBuffer[] lastFrame, String why) {
        closeAfter(lastFrame, why, true);
    }

    /**
     * @param logged false when the caller reports the closing of many connections in one line (a stop)
     * @return true when this connection was open and is now closing
     */
    boolean closeAfter(ByteBuffer[] lastFrame, String why, boolean logged) {
        if (state != State.OPEN) {
            return false;
        }
        send(lastFrame);
        state = State.CLOSING;
        if (logged) {
            server.logLimit.info("connection closed", "closing " + describe() + ": " + why);
        } else {
            server.log.debug("closing " + describe() + ": " + why);
        }
        server.post(lingerTask);
        return true;
    }

    /** Selector thread: after the last frame is queued, reads are only discarded until it is written. */
    private void linger() {
        reader.dropInput();
        closingDeadline = System.currentTimeMillis() + LINGER_MS;
        updateInterest();
        checkFinished();
    }

    /** Selector thread: close when there is nothing more to do. */
    void checkFinished() {
        State s = state;
        if (s == State.CLOSED) {
            return;
        }
        // The state and the requests pending are read before the output: a worker queues a reply before it
        // counts its request answered, and a last frame before it marks the connection closing, so what
        // they show is in the output by now. Read the other way round, a reply queued in between (partly
        // written: the client reads slowly) was dropped with the output at the close, or the output shut
        // before a last frame.
        boolean answered = inbox.pending() == 0;
        boolean outEmpty = outbound.isEmpty();
        if (s == State.CLOSING && outEmpty && !outputShut) {
            outputShut = true;
            try {
                transport.shutdownOutput();
            } catch (IOException e) {
                close(null);
                return;
            }
            if (reader.eof()) {
                server.log.debug("closed " + describe() + ": its last frame is written and its input ended");
                close(null);
            }
            return;
        }
        if (s == State.OPEN && reader.eof() && answered && outEmpty) {
            server.log.debug("closed " + describe() + ": its input ended and every request of it is answered");
            close(null);
        }
    }

    /** Selector thread: the client ended its input while it was read and dropped. */
    void discardedInputEnded() {
        if (outputShut) {
            server.log.debug("closed " + describe() + ": its last frame is written and its input ended");
            close(null);
        } else {
            checkFinished();
        }
    }

    /**
     * Selector thread: checks the timeouts of this connection.
     *
     * @param now the time
     */
    void checkTimeouts(long now) {
        ListenerSettings l = server.limits;
        if (state == State.CLOSED) {
            return;
        }
        if (state == State.CLOSING) {
            if (closingDeadline > 0 && now > closingDeadline) {
                server.log.debug("closed " + describe() + ": its last frame was not taken within " + LINGER_MS + " ms");
                close(null);
            }
            return;
        }
        if (outbound.stuck(now, l.writeTimeoutMs)) {
            server.logLimit.warn("write timeout", describe() + " read nothing of its replies for " + l.writeTimeoutMs / 1000 + " s; closing it");
            close("write timeout");
            return;
        }
        if (transport.handshaking() && now - connectedAt > l.authTimeoutMs) {
            close("TLS handshake not finished within " + l.authTimeoutMs / 1000 + " s");
            return;
        }
        if (l.tokenRequired() && !authenticated && now - connectedAt > l.authTimeoutMs) {
            closeAfter(Replies.error(null, ErrorCode.UNAUTHORIZED, "no hello with the token within "
                    + l.authTimeoutMs / 1000 + " s", null), "no authentication in time");
            return;
        }
        if (!reader.spoke() && reader.roomWaitSince() == 0 && now - connectedAt > l.authTimeoutMs) {
            // Before its first request a connection has the short timeout: idle sockets and half headers
            // must not hold the host's connection slots for the idle or frame timeout.
            closeAfter(Replies.bye("no request within " + l.authTimeoutMs / 1000 + " s of connecting"), "no first request in time");
            return;
        }
        long frameStartedAt = reader.frameStartedAt();
        if (frameStartedAt > 0 && now - frameStartedAt > l.frameTimeoutMs) {
            closeAfter(Replies.bye("a frame took longer than " + l.frameTimeoutMs / 1000 + " s to arrive"), "frame timeout");
            return;
        }
        long roomWaitSince = reader.roomWaitSince();
        if (roomWaitSince > 0 && now - roomWaitSince > l.roomWaitMs && reader.refuseWaiting("the host had no room for this "
                + "frame for " + l.roomWaitMs / 1000 + " s (other large frames are being received); try again later")) {
            return; // its body is read and dropped, and the request answered OVERLOADED
        }
        if (!busy() && !decoder.inFrame() && !watches.any() && !stopping && now - lastActivity > l.idleTimeoutMs) {
            closeAfter(Replies.bye("idle for " + l.idleTimeoutMs / 1000 + " s"), "idle");
        }
    }

    /**
     * Selector thread: closes the socket now and lets go of everything the connection holds.
     *
     * @param why for the log, or null
     */
    void close(String why) {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        if (why != null) {
            server.logLimit.info("connection closed", "closed " + describe() + ": " + why);
        }
        if (key != null) {
            key.cancel();
        }
        try {
            transport.close();
        } catch (IOException e) {
            // closing anyway
        }
        FrameRoom.Held partial = decoder.release();
        if (partial != null) {
            server.releaseRoom(partial); // through the server, so that connections waiting for room wake up
        }
        watches.closeAll();
        outbound.close();
        inbox.closeAll();
        server.closed(this);
    }
}
