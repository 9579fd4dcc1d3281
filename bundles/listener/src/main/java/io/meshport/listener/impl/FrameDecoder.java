package io.meshport.listener.impl;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

/**
 * Cuts one connection's byte stream into frames: a big-endian u32 length, then that many bytes.
 * Stateful and used by the selector thread only. It never reads past what it needs for the current
 * frame's decision: an oversize or empty length is reported before a byte of its body is read.
 *
 * <p>Small frames come out of a 64 KiB read buffer, so pipelined requests cost one system call for
 * many frames; the body of a large frame is read straight into its own array, at most 1 MiB per call
 * (the JDK copies heap reads through a temporary direct buffer of the requested size, and caches it
 * per thread: unbounded requests would pin that much native memory).
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
        /** The next frame needs room the in-flight budget does not have now. */
        WAIT_BUDGET,
        /** The client closed its side. */
        EOF,
        /** The length prefix is 0. */
        EMPTY_FRAME,
        /** The length prefix is above the maximum: {@link #rejectedLength()}. */
        TOO_LARGE
    }

    static final int READ_BUFFER_BYTES = 64 * 1024;
    static final int MAX_READ_BYTES = 1024 * 1024;
    private static final long BYTES_PER_POLL = 4L * 1024 * 1024;

    private enum State { HEADER, AWAIT_BUDGET, BODY }

    private final long maxFrameBytes;
    private final InFlightBudget budget;
    private final FramePool pool;
    private final ByteBuffer in = ByteBuffer.allocate(READ_BUFFER_BYTES).flip(); // read mode: unconsumed bytes
    private State state = State.HEADER;
    private long length;
    private byte[] body;
    private int filled;
    private byte[] ready;
    private long rejected;
    private long heldBytes; // budget taken for the frame being read
    /** Told when a large frame's body begins to arrive; may decode it meanwhile (see {@link PreDecoder}). */
    LargeBodies largeBodies;
    private ArrivingFrame arriving; // the frame being read, when its decode has begun

    /** Hears of large frames as they begin. */
    @FunctionalInterface
    interface LargeBodies {
        /** @return the frame to tell of the bytes that arrive, or null */
        ArrivingFrame started(byte[] body);
    }

    FrameDecoder(long maxFrameBytes, InFlightBudget budget, FramePool pool) {
        this.maxFrameBytes = maxFrameBytes;
        this.budget = budget;
        this.pool = pool;
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
                        state = State.AWAIT_BUDGET;
                        continue;
                    }
                    break;
                case AWAIT_BUDGET:
                    if (!budget.tryAcquire(length)) {
                        return Event.WAIT_BUDGET;
                    }
                    heldBytes = length;
                    body = pool.take((int) length);
                    if (body == null) {
                        body = new byte[(int) length];
                    }
                    filled = 0;
                    state = State.BODY;
                    if (length >= PreDecoder.MIN_FRAME_BYTES && largeBodies != null) {
                        arriving = largeBodies.started(body);
                    }
                    continue;
                default: { // BODY
                    int take = (int) Math.min(in.remaining(), length - filled);
                    in.get(body, filled, take);
                    filled += take;
                    if (arriving != null) {
                        arriving.arrived(filled);
                    }
                    if (filled == length) {
                        arriving = null;
                        ready = body;
                        body = null;
                        heldBytes = 0; // now owned by whoever takes the frame
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

    /** @return the frame that {@link Event#FRAME} announced; its budget is now the caller's to release */
    byte[] takeFrame() {
        byte[] f = ready;
        ready = null;
        return f;
    }

    /** @return the length that {@link Event#TOO_LARGE} refused */
    long rejectedLength() {
        return rejected;
    }

    /** @return true when part of a frame has arrived and its rest has not */
    boolean inFrame() {
        return state != State.HEADER || in.hasRemaining();
    }

    /** @return true while waiting for room in the budget (the client is not the one being slow) */
    boolean awaitingBudget() {
        return state == State.AWAIT_BUDGET;
    }

    /** Gives back the budget held for a partly read frame; call when the connection closes. */
    void release() {
        if (heldBytes > 0) {
            budget.release(heldBytes);
            heldBytes = 0;
        }
        body = null;
        arriving = null; // the connection abandons it
    }
}
