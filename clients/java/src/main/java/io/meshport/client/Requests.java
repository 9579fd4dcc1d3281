package io.meshport.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import io.meshport.protocol.MeshportException;
import io.meshport.wire.CborFormatException;
import io.meshport.wire.CborMessage;

/**
 * The requests waiting for a reply: their ids and request tokens, their futures and frames, answering
 * one when its reply comes and failing them all when the client ends.
 *
 * <p>Threads: thread safe without a lock of its own (a concurrent map and an atomic counter). Callers
 * add, the reader thread takes each request out as its reply arrives, the reconnector reads the table
 * to send again what is still in it, and closing fails what is left. A request taken out is answered
 * by the one thread that took it.
 */
final class Requests {
    /** A request waiting for its reply: how to read the result, and its frame, to send again after a reconnect. */
    static final class Pending<T> {
        final CompletableFuture<T> future = new CompletableFuture<>();
        final String op;
        final RequestFrame frame;
        /** An array of the frame that the next positions update may fill once this is answered, or null. */
        final byte[] reusable;
        /** Whether a reconnect sends it again; if not, it fails with {@link LinkLost} when its link ends. */
        final boolean resend;
        /**
         * The link its frame was last written on, so that no link gets it twice (a request made while a
         * reconnect lists the waiting ones would otherwise go out from both). Guarded by the connection's
         * write lock.
         */
        Link writtenOn;
        private final Replies.Parser<T> parser;

        Pending(String op, Replies.Parser<T> parser, RequestFrame frame, byte[] reusable, boolean resend) {
            this.op = op;
            this.parser = parser;
            this.frame = frame;
            this.reusable = reusable;
            this.resend = resend;
        }

        /** Completes the future from the reply (reader thread): its result read by the parser, or its error. */
        void answer(boolean ok, byte[] reply, CborMessage m) {
            if (!ok) {
                future.completeExceptionally(Replies.error(m));
                return;
            }
            try {
                future.complete(parser.parse(reply, m.valueStart("result"), m.valueEnd("result")));
            } catch (CborFormatException | RuntimeException e) {
                future.completeExceptionally(e instanceof MeshportException ? e
                        : new IllegalStateException("unreadable " + op + " reply: " + e.getMessage(), e));
            }
        }
    }

    /**
     * The failure of a request sent on one link only ({@link Pending#resend} false) whose link ended
     * before its reply: the host may or may not have taken it.
     */
    static final class LinkLost extends RuntimeException {
        private static final long serialVersionUID = 1L;

        LinkLost(String why) {
            super("the connection ended before the reply: " + why, null, false, false);
        }
    }

    private final AtomicLong ids = new AtomicLong();
    /** Tags this client's writes, so that the host applies a resent write once: {@code clientTag:requestId}. */
    private final String clientTag = UUID.randomUUID().toString();
    private final Map<Long, Pending<?>> pending = new ConcurrentHashMap<>();

    /** @return a new request id; ids grow in the order requests are made */
    long nextId() {
        return ids.incrementAndGet();
    }

    /** @return the token that makes a write apply once, however often it is sent */
    String token(long id) {
        return clientTag + ":" + id;
    }

    void add(long id, Pending<?> p) {
        pending.put(id, p);
    }

    /** @return the request with this id, still waiting, or null */
    Pending<?> get(long id) {
        return pending.get(id);
    }

    /** @return the request with this id, no longer waiting, or null when none waits for the reply */
    Pending<?> take(long id) {
        return pending.remove(id);
    }

    /** @return the ids of the requests waiting now, in the order they were first sent */
    List<Long> waiting() {
        List<Long> ids = new ArrayList<>(pending.keySet());
        ids.sort(null);
        return ids;
    }

    /** Fails each waiting request that a reconnect does not send again with {@link LinkLost}. */
    void failUnsent(String why) {
        LinkLost lost = null;
        for (Map.Entry<Long, Pending<?>> e : pending.entrySet()) {
            if (!e.getValue().resend && pending.remove(e.getKey(), e.getValue())) {
                if (lost == null) {
                    lost = new LinkLost(why);
                }
                e.getValue().future.completeExceptionally(lost);
            }
        }
    }

    /** Fails every request still waiting with {@code failure}. */
    void failAll(RuntimeException failure) {
        for (Long id : new ArrayList<>(pending.keySet())) {
            Pending<?> p = pending.remove(id);
            if (p != null) {
                p.future.completeExceptionally(failure);
            }
        }
    }

    /**
     * Waits for a reply at most {@code ms}.
     *
     * @throws MeshportClientException the host's error
     * @throws UncheckedIOException when the connection ended, or no reply came in time
     */
    static <T> T await(CompletableFuture<T> f, long ms) {
        try {
            return f.get(ms, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException) {
                throw (RuntimeException) c;
            }
            throw new IllegalStateException(c);
        } catch (TimeoutException e) {
            throw new UncheckedIOException(new SocketTimeoutException("no reply within " + ms + " ms"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException("interrupted while waiting for a reply"));
        }
    }
}
