package io.meshport.listener.impl;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.meshport.codec.Payload;
import io.meshport.codec.PayloadCodec;
import io.meshport.session.SessionStore;
import io.meshport.session.SessionValue;
import io.meshport.wire.Cbor;
import io.meshport.wire.CborFormatException;

/**
 * Decodes the body of a large {@code put} while the frame is still arriving, with a codec registered as
 * {@link PayloadCodec#PROGRESSIVE}, so that a 36 MB mesh is decoded by the time its last byte is in
 * instead of starting only then (the decode was a third of a large put's time).
 *
 * <p>This is only ever a head start. The request is then handled as every request is, in order, with
 * all its checks, once the whole frame is in; where it would decode, it takes this decode instead if
 * that one succeeded on exactly the same payload with the same codec. Anything unusual (another op,
 * the body not last, a codec that does not decode progressively, any failure) leaves the ordinary
 * decode to do the work and say what is wrong. Started only for an authenticated (or open) connection
 * with nothing else pending, on at most two threads of its own, so that no worker ever waits for a
 * slow client.
 */
final class PreDecoder {
    /** Frames below this are decoded after they arrive, as always: the head start would not pay. */
    static final int MIN_FRAME_BYTES = 4 * 1024 * 1024;
    /** The fields before the body must lie within this many bytes of the frame's start. */
    private static final int HEAD_BYTES = 64 * 1024;

    /** A body decoded while it arrived. */
    static final class Decoded {
        final PayloadCodec codec;
        final byte[] array;
        final int offset;
        final int length;
        final boolean byteString;
        final SessionValue value;
        final long requiredVersion;

        Decoded(PayloadCodec codec, Payload payload, SessionValue value, long requiredVersion) {
            this.codec = codec;
            this.array = payload.array();
            this.offset = payload.offset();
            this.length = payload.length();
            this.byteString = payload.isByteString();
            this.value = value;
            this.requiredVersion = requiredVersion;
        }

        /** @return true when this decoded exactly that payload with that codec */
        boolean decodes(PayloadCodec c, Payload p) {
            return c == codec && p.array() == array && p.offset() == offset && p.length() == length
                    && p.isByteString() == byteString;
        }
    }

    private final SocketServer server;
    private final ThreadPoolExecutor threads;
    final AtomicLong used = new AtomicLong(); // early decodes the handling took (tests read it)

    PreDecoder(SocketServer server) {
        this.server = server;
        this.threads = new ThreadPoolExecutor(0, 2, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), new DaemonThreads("meshport-predecode-", server.log));
    }

    /**
     * Starts decoding a frame that has begun to arrive, if a thread is free.
     *
     * @return the frame to follow, or null when it is left to the ordinary handling
     */
    ArrivingFrame start(byte[] frame) {
        ArrivingFrame a = new ArrivingFrame(frame);
        try {
            threads.execute(() -> run(a));
            return a;
        } catch (RejectedExecutionException e) {
            return null; // both threads busy, or stopping
        }
    }

    void stop() {
        threads.shutdownNow();
    }

    private void run(ArrivingFrame a) {
        Decoded d = null;
        try {
            d = decode(a);
        } catch (RuntimeException | OutOfMemoryError e) {
            // the ordinary decode runs again and reports it
        } finally {
            a.decoded.complete(d);
        }
    }

    /** @return the decode, or null when this frame is left to the ordinary handling */
    private Decoded decode(ArrivingFrame a) {
        byte[] f = a.frame;
        int end = f.length;
        a.await(Math.min(end, HEAD_BYTES));
        int headEnd = Math.min(end, HEAD_BYTES);
        String op = null;
        String key = null;
        String codecId = "cbor";
        int bodyStart = -1;
        try {
            if (Cbor.major(f, 0) != Cbor.MAJOR_MAP || Cbor.isIndefinite(f, 0)) {
                return null;
            }
            long entries = Cbor.argument(f, 0, headEnd);
            int p = Cbor.headerLength(f, 0, headEnd);
            for (long i = 0; i < entries; i++) {
                if (Cbor.major(f, p) != Cbor.MAJOR_TEXT) {
                    return null;
                }
                String name = Cbor.text(f, p, headEnd);
                int v = Cbor.skip(f, p, headEnd);
                if ("body".equals(name)) {
                    if (i != entries - 1) {
                        return null; // its end would only be known once everything after it is in
                    }
                    bodyStart = v;
                    break;
                }
                int next = Cbor.skip(f, v, headEnd);
                switch (name) {
                    case "op":
                        op = Cbor.major(f, v) == Cbor.MAJOR_TEXT ? Cbor.text(f, v, next) : null;
                        break;
                    case "key":
                        key = Cbor.major(f, v) == Cbor.MAJOR_TEXT ? Cbor.text(f, v, next) : null;
                        break;
                    case "codec":
                        codecId = Cbor.major(f, v) == Cbor.MAJOR_TEXT ? Cbor.text(f, v, next) : null;
                        break;
                    default:
                        break;
                }
                p = next;
            }
        } catch (CborFormatException | RuntimeException e) {
            return null; // malformed, or the fields run past the head: the ordinary handling says what
        }
        if (!"put".equals(op) || key == null || codecId == null || bodyStart < 0) {
            return null;
        }
        PayloadCodec codec = server.codecs.progressive(codecId);
        if (codec == null) {
            return null;
        }
        Payload payload;
        try {
            if (Cbor.major(f, bodyStart) == Cbor.MAJOR_BYTES) {
                if (Cbor.isIndefinite(f, bodyStart)) {
                    return null;
                }
                int h = Cbor.headerLength(f, bodyStart, headEnd);
                if (Cbor.argument(f, bodyStart, headEnd) != end - bodyStart - h) {
                    return null;
                }
                payload = new Payload(f, bodyStart + h, end - bodyStart - h, true, a::await);
            } else {
                payload = new Payload(f, bodyStart, end - bodyStart, false, a::await);
            }
        } catch (CborFormatException | RuntimeException e) {
            return null;
        }
        SessionStore store = server.store();
        PutContext ctx = new PutContext(key, store);
        SessionValue value = codec.decode(payload, ctx);
        return value == null ? null : new Decoded(codec, payload, value, ctx.required);
    }

    /**
     * The ordinary handling's side: the decode of this frame's body, if one was started.
     *
     * @param a the frame's early decode
     * @return it once finished, or null when it could not be used
     */
    Decoded await(ArrivingFrame a) {
        try {
            return a.decoded.join(); // the whole frame is in: it finishes without waiting for bytes
        } catch (RuntimeException e) {
            return null;
        }
    }
}
