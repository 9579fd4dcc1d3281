package io.meshport.listener.impl;

import java.io.IOException;
import java.nio.ByteBuffer;

import io.meshport.protocol.ErrorCode;

/**
 * A connection's reading, on the selector thread: frames from its decoder into its {@link Inbox}, the
 * reasons reading is paused, and the input read and dropped after a connection-level failure or while
 * the connection closes. It keeps what the connection's timeouts look at: whether a whole frame has
 * arrived, since when a frame has been arriving, since when the next one has waited for room.
 */
final class ConnectionReader {
    // Why reading is paused; reading runs only when none applies.
    static final int PAUSE_PENDING = 1;
    static final int PAUSE_OUTBOUND = 2;
    static final int PAUSE_BUDGET = 4;
    static final int PAUSE_EOF = 8;
    static final int PAUSE_STOPPING = 16;
    /** A frame too large for a connection that has not authenticated waits for the answer to its hello. */
    static final int PAUSE_AUTH = 32;

    private final Connection connection;
    private final SocketServer server;
    private final Transport transport;
    private final FrameDecoder decoder;
    private final Inbox inbox;

    // Selector thread only, all of them.
    private int pause;
    private boolean discarding;        // input is read and dropped
    private boolean eof;
    private long frameStartedAt;
    private long roomWaitSince;        // since when the next frame waits for room, or 0
    private boolean spoke;             // a whole frame has arrived

    ConnectionReader(Connection connection, SocketServer server, Transport transport, FrameDecoder decoder, Inbox inbox) {
        this.connection = connection;
        this.server = server;
        this.transport = transport;
        this.decoder = decoder;
        this.inbox = inbox;
    }

    void onReadable() {
        try {
            if (discarding) {
                discard();
                return;
            }
            if (connection.authenticated) {
                decoder.limitBeforeAuth(0);
            }
            while (pause == 0 && connection.state == Connection.State.OPEN) {
                if (!onFrameEvent(decoder.poll(transport))) {
                    return;
                }
            }
        } catch (IOException e) {
            connection.close("read failed: " + e.getMessage());
        }
    }

    /** @return true to go on reading */
    private boolean onFrameEvent(FrameDecoder.Event ev) {
        switch (ev) {
            case FRAME:
                arrived();
                enqueue(decoder.takeFrame());
                return true;
            case REFUSED:
                arrived();
                enqueue(decoder.takeRefused());
                return true;
            case NEED_MORE:
            case YIELD:
                trackFrameStart();
                if (transport.wantsWrite()) {
                    connection.updateInterest(); // a TLS handshake has records the socket did not take yet
                }
                if (ev == FrameDecoder.Event.YIELD && transport.bufferedInput()) {
                    server.post(this::onReadable); // TLS holds the rest: the selector will not report it
                }
                return false;
            case WAIT_BUDGET:
                frameStartedAt = 0;
                if (roomWaitSince == 0) {
                    roomWaitSince = System.currentTimeMillis();
                }
                setPause(PAUSE_BUDGET, true);
                server.awaitBudget(connection, decoder.waitedAtReleases());
                return false;
            case BEFORE_AUTH:
                if (connection.authenticated) { // its hello was answered while this frame's length was read
                    decoder.limitBeforeAuth(0);
                    return true;
                }
                if (inbox.pending() > 0) {
                    setPause(PAUSE_AUTH, true); // a hello (or what is refused as none) is being answered
                    return false;
                }
                enqueueFatal(new Connection.Fatal(ErrorCode.UNAUTHORIZED, "this host needs a token: say hello with it"
                        + " before sending frames above " + server.limits.maxFrameBytesBeforeHello + " bytes (this one is "
                        + decoder.rejectedLength() + ")"));
                return false;
            case EOF:
                eof = true;
                setPause(PAUSE_EOF, true);
                connection.checkFinished();
                return false;
            case EMPTY_FRAME:
                enqueueFatal(new Connection.Fatal(ErrorCode.BAD_FRAME, "the frame's length is 0; a frame holds one CBOR map"));
                return false;
            default: // TOO_LARGE
                enqueueFatal(new Connection.Fatal(ErrorCode.FRAME_TOO_LARGE, "the frame is " + decoder.rejectedLength()
                        + " bytes; this host accepts at most " + server.limits.maxFrameBytes));
                return false;
        }
    }

    private void arrived() {
        connection.lastActivity = System.currentTimeMillis();
        spoke = true;
        roomWaitSince = 0;
    }

    private void trackFrameStart() {
        if (decoder.inFrame() && !decoder.awaitingBudget()) {
            if (frameStartedAt == 0) {
                frameStartedAt = System.currentTimeMillis();
            }
        } else {
            frameStartedAt = 0;
        }
    }

    private void enqueue(Object item) {
        if (inbox.add(item) >= server.limits.maxPendingRequests) {
            setPause(PAUSE_PENDING, true);
        }
    }

    private void enqueueFatal(Connection.Fatal fatal) {
        // Requests read before this one are answered first; nothing after it is read.
        discarding = true;
        connection.updateInterest();
        enqueue(fatal);
    }

    private void discard() throws IOException {
        ByteBuffer scratch = server.scratch;
        for (int i = 0; i < 64; i++) {
            scratch.clear();
            int n = transport.read(scratch);
            if (n < 0) {
                eof = true;
                connection.discardedInputEnded();
                return;
            }
            if (n == 0) {
                return;
            }
        }
    }

    /** From now on, input is read and dropped (the connection lingers until its last frame is written). */
    void dropInput() {
        discarding = true;
    }

    void setPause(int reason, boolean on) {
        int before = pause;
        pause = on ? pause | reason : pause & ~reason;
        if (before != pause) {
            connection.updateInterest();
            if (pause == 0 && connection.state == Connection.State.OPEN && !discarding) {
                onReadable(); // bytes may already be buffered in the decoder
            }
        }
    }

    void resumeAfterBudget() {
        if (connection.state == Connection.State.OPEN) {
            setPause(PAUSE_BUDGET, false);
        }
    }

    /** Requests were answered, so reading may go on (and a frame waiting for a hello's answer be judged). */
    void resumePending() {
        if (inbox.pending() == 0) {
            setPause(PAUSE_AUTH, false);
        }
        setPause(PAUSE_PENDING, false);
    }

    /**
     * Refuses the frame that has waited too long for room: its body is read and dropped, and the request
     * answered OVERLOADED.
     *
     * @param reason what the client is told
     * @return true when there was such a frame to refuse
     */
    boolean refuseWaiting(String reason) {
        if (!decoder.refuseWaiting(reason)) {
            return false;
        }
        roomWaitSince = 0;
        setPause(PAUSE_BUDGET, false);
        return true;
    }

    /** @return true when the selector should report the socket readable: reading runs, or input is dropped */
    boolean wantsRead() {
        return (pause == 0 && connection.state == Connection.State.OPEN) || discarding;
    }

    /** @return true when input is read and dropped */
    boolean discarding() {
        return discarding;
    }

    /** @return true when the client has ended its input */
    boolean eof() {
        return eof;
    }

    /** @return true when a whole frame has arrived */
    boolean spoke() {
        return spoke;
    }

    /** @return since when the frame being received has been arriving, or 0 */
    long frameStartedAt() {
        return frameStartedAt;
    }

    /** @return since when the next frame has waited for room, or 0 */
    long roomWaitSince() {
        return roomWaitSince;
    }
}
