package io.meshport.listener.impl;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

/**
 * Cuts one connection's byte stream into frames: a big-endian u32 length, then that many bytes.
 * Stateful and used by the selector thread only. It never reads past what it needs for the current
 * frame's decision: an oversize or empty length is reported before a byte of its body is read, and
 * a frame's array is allocated only once room for it is held ({@link FrameRoom}).
 *
 * <p>Small frames come out of a 64 KiB read buffer, so pipelined requests cost one system call for
 * many frames; the body of a large frame is read straight into its own array, at most 1 MiB per call
 * (the JDK copies heap reads through a temporary direct buffer of the requested size, and caches it
 * per thread: unbounded requests would pin that much native memory). A frame that cannot be held
 * (no memory for it) is refused: its first bytes are kept, for the request's id, and the rest is read
 * and dropped, so that the connection stays in step and its client gets an answer.
 */
final class FrameDecoder {
    /** What a call to {@link #poll} found. */
    enum Event {
        /** A whole frame is ready: {@link #takeFrame()}. */
        FRAME,
        /** Nothing more can be read now. */
        NEED_MORE,
        /** This call read its share; call again later to be fair to other connections. */
        YIELD,
        /** The next frame needs room that others hold now: wait for a release. */
        WAIT_BUDGET,
        /** The client closed its side. */
        EOF,
        /** The length prefix is 0. */
        EMPTY_FRAME,
        /** The length prefix is above the maximum: {@link #rejectedLength()}. */
        TOO_LARGE,
        /** The next frame is above the limit for a connection that has not authenticated: {@link #rejectedLength()}. */
        BEFORE_AUTH,
        /** A frame was refused and its body dropped: {@link #takeRefused()}. */
        REFUSED
    }

    /** A frame that was not held: the first bytes of its body and why. */
    static final class Refused {
        final byte[] head;
        final int headLength;
        final long length;
        final String reason;

        Refused(byte[] head, int headLength, long length, String reason) {
            this.head = head;
            this.headLength = headLength;
            this.length = length;
            this.reason = reason;
        }
    }

    static final int READ_BUFFER_BYTES = 64 * 1024;
    static final int MAX_READ_BYTES = 1024 * 1024;
    private static final long BYTES_PER_POLL = 4L * 1024 * 1024;
    /** The most of a refused frame's body kept to find its id (clients put the id before the body). */
    static final int REFUSED_HEAD_BYTES = 4 * 1024;

    private enum State { HEADER, ADMIT, AWAIT_ROOM, BODY, SKIP }

    private final long maxFrameBytes;
    private final FrameRoom room;
    private final FramePool pool;
    private final ByteBuffer in = ByteBuffer.allocate(READ_BUFFER_BYTES).flip(); // read mode: unconsumed bytes
    private State state = State.HEADER;
    private long length;
    private byte[] body;
    private int filled;
    private FrameRoom.Held ready;
    private long rejected;
    private FrameRoom.Held held; // room taken for the frame being read
    private long waitedAtReleases;
    /** The largest frame accepted before the connection has authenticated; 0 once it need not. */
    private long beforeAuthLimit;
    // A frame being dropped
    private byte[] skipHead;
    private int skipHeadFilled;
    private long skipLeft;
    private String skipReason;
    private Refused refused;
    /** Told when a large frame's body begins to arrive; may decode it meanwhile (see {@link PreDecoder}). */
    LargeBodies largeBodies;
    private ArrivingFrame arriving; // the frame being read, when its decode has begun

    /** Hears of large frames as they begin. */
    @FunctionalInterface
    interface LargeBodies {
        /** @return the frame to tell of the bytes that arrive, or null */
        ArrivingFrame started(byte[] body);
    }

    FrameDecoder(long maxFrameBytes, FrameRoom room, FramePool pool) {
        this.maxFrameBytes = maxFrameBytes;
        this.room = room;
        this.pool = pool;
    }

    /**
     * @param limit the largest frame taken before the connection authenticates, or 0 once it has
     *        (or need not)
     */
    void limitBeforeAuth(long limit) {
        this.beforeAuthLimit = limit;
    }

    /**
     * Reads what the channel has and advances.
     *
     * @param ch a non-blocking channel
     * @return what happened
     * @throws IOException when reading fails
     */
    Event poll(ReadableByteChannel ch) throws IOException {
        long readThisCall = 0;
        while (true) {
            switch (state) {
                case HEADER:
                    if (in.remaining() >= 4) {
                        length = in.getInt() & 0xffffffffL;
                        if (length == 0) {
                            return Event.EMPTY_FRAME;
                        }
                        if (length > maxFrameBytes) {
                            rejected = length;
                            return Event.TOO_LARGE;
                        }
                        state = State.ADMIT;
                        continue;
                    }
                    break;
                case ADMIT:
                    if (beforeAuthLimit > 0 && length > beforeAuthLimit) {
                        rejected = length;
                        return Event.BEFORE_AUTH; // the connection waits for its hello's answer, or refuses
                    }
                    state = State.AWAIT_ROOM;
                    continue;
                case AWAIT_ROOM: {
                    long seen = room.releases();
                    FrameRoom.Held h = room.tryTake(length);
                    if (h == null) {
                        waitedAtReleases = seen;
                        return Event.WAIT_BUDGET;
                    }
                    if (h.refusal != null) {
                        skip(h.refusal);
                        continue;
                    }
                    byte[] b = pool.take((int) length);
                    if (b == null) {
                        try {
                            b = new byte[(int) length];
                        } catch (OutOfMemoryError e) {
                            // Room was held, yet the heap has not this much free now (other data, garbage):
                            // this frame is refused, and the selector thread lives on.
                            room.give(h);
                            skip("the host has not " + length + " bytes of memory free for this frame now; try again later");
                            continue;
                        }
                    }
                    held = h;
                    body = b;
                    filled = 0;
                    state = State.BODY;
                    if (length >= PreDecoder.MIN_FRAME_BYTES && largeBodies != null) {
                        arriving = largeBodies.started(body);
                    }
                    continue;
                }
                case SKIP: {
                    int take = (int) Math.min(in.remaining(), skipLeft);
                    int keep = Math.min(take, skipHead.length - skipHeadFilled);
                    in.get(skipHead, skipHeadFilled, keep);
                    skipHeadFilled += keep;
                    in.position(in.position() + take - keep);
                    skipLeft -= take;
                    if (skipLeft == 0) {
                        refused = new Refused(skipHead, skipHeadFilled, length, skipReason);
                        skipHead = null;
                        skipReason = null;
                        state = State.HEADER;
                        return Event.REFUSED;
                    }
                    break;
                }
                default: { // BODY
                    int take = (int) Math.min(in.remaining(), length - filled);
                    in.get(body, filled, take);
                    filled += take;
                    if (arriving != null) {
                        arriving.arrived(filled);
                    }
                    if (filled == length) {
                        arriving = null;
                        held.frame = body;
                        ready = held;
                        body = null;
                        held = null; // now owned by whoever takes the frame
                        state = State.HEADER;
                        return Event.FRAME;
                    }
                    long left = length - filled;
                    if (left >= READ_BUFFER_BYTES) {
                        if (readThisCall >= BYTES_PER_POLL) {
                            return Event.YIELD;
                        }
                        int n = ch.read(ByteBuffer.wrap(body, filled, (int) Math.min(left, MAX_READ_BYTES)));
                        if (n < 0) {
                            return Event.EOF;
                        }
                        if (n == 0) {
                            return Event.NEED_MORE;
                        }
                        filled += n;
                        readThisCall += n;
                        if (arriving != null) {
                            arriving.arrived(filled);
                        }
                        continue;
                    }
                    break;
                }
            }
            if (readThisCall >= BYTES_PER_POLL) {
                return Event.YIELD;
            }
            in.compact();
            int n;
            try {
                n = ch.read(in);
            } finally {
                in.flip();
            }
            if (n < 0) {
                return Event.EOF;
            }
            if (n == 0) {
                return Event.NEED_MORE;
            }
            readThisCall += n;
        }
    }

    /** Drops the frame whose length was read: its first bytes are kept, the rest read and dropped. */
    private void skip(String why) {
        skipHead = new byte[(int) Math.min(length, REFUSED_HEAD_BYTES)];
        skipHeadFilled = 0;
        skipLeft = length;
        skipReason = why;
        state = State.SKIP;
    }

    /**
     * Refuses the frame that waits for room (it waited too long): it is dropped as it arrives, and
     * {@link Event#REFUSED} reports it.
     *
     * @param why for the client
     * @return true when a frame was waiting
     */
    boolean refuseWaiting(String why) {
        if (state != State.AWAIT_ROOM) {
            return false;
        }
        skip(why);
        return true;
    }

    /**
     * @return the frame that {@link Event#FRAME} announced ({@link FrameRoom.Held#frame}), with the room
     *         it holds: now the caller's to give back once the frame is handled
     */
    FrameRoom.Held takeFrame() {
        FrameRoom.Held f = ready;
        ready = null;
        return f;
    }

    /** @return the frame that {@link Event#REFUSED} announced */
    Refused takeRefused() {
        Refused r = refused;
        refused = null;
        return r;
    }

    /** @return the length that {@link Event#TOO_LARGE} or {@link Event#BEFORE_AUTH} refused */
    long rejectedLength() {
        return rejected;
    }

    /** @return the releases counted when the last {@link Event#WAIT_BUDGET} was returned */
    long waitedAtReleases() {
        return waitedAtReleases;
    }

    /** @return true when part of a frame has arrived and its rest has not */
    boolean inFrame() {
        return state != State.HEADER || in.hasRemaining();
    }

    /** @return true while waiting for room (the client is not the one being slow) */
    boolean awaitingBudget() {
        return state == State.AWAIT_ROOM;
    }

    /**
     * Lets go of a partly read frame; call when the connection closes.
     *
     * @return the room it held, for the caller to give back, or null
     */
    FrameRoom.Held release() {
        FrameRoom.Held h = held;
        held = null;
        body = null;
        skipHead = null;
        arriving = null; // the connection abandons it
        return h;
    }
}
