package io.meshport.listener.impl;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;

import io.meshport.protocol.ErrorCode;
import io.meshport.protocol.MeshportException;

/**
 * A large frame whose body is being read while a progressive codec already decodes it (see
 * {@link PreDecoder}). The selector thread publishes how much has arrived; the decoding thread waits
 * for the bytes it needs next. What the early decode produced waits in {@link #decoded} for the
 * request's ordinary handling, which uses it only if it decoded exactly the payload that handling finds.
 */
final class ArrivingFrame {
    /** How long the decoding thread sleeps between looks when no wake-up comes (one always should). */
    private static final long PARK_NANOS = 50_000_000L;

    final byte[] frame;
    /** Completed by the decoding thread: the decode, or null when it could not be used. */
    final CompletableFuture<PreDecoder.Decoded> decoded = new CompletableFuture<>();
    private volatile int filled;
    private volatile boolean abandoned;
    private volatile Thread waiter;

    ArrivingFrame(byte[] frame) {
        this.frame = frame;
    }

    /** Selector thread: the first {@code n} bytes of the frame are there. */
    void arrived(int n) {
        filled = n;
        Thread w = waiter;
        if (w != null) {
            LockSupport.unpark(w);
        }
    }

    /** The frame will not be completed (the connection closed), or its decode is no longer wanted. */
    void abandon() {
        abandoned = true;
        Thread w = waiter;
        if (w != null) {
            LockSupport.unpark(w);
        }
    }

    /**
     * Decoding thread: waits until the bytes before {@code index} are there.
     *
     * @throws MeshportException when they never will be
     */
    void await(int index) {
        if (filled >= index) {
            return;
        }
        waiter = Thread.currentThread();
        try {
            while (filled < index) {
                if (abandoned || Thread.currentThread().isInterrupted()) { // interrupted: the listener stops
                    throw new MeshportException(ErrorCode.DECODE_FAILED, "the rest of the frame did not arrive");
                }
                LockSupport.parkNanos(this, PARK_NANOS);
            }
        } finally {
            waiter = null;
        }
    }
}
