package io.meshport.client;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import io.meshport.protocol.ErrorCode;
import io.meshport.protocol.MeshportException;

/**
 * Sends a payload larger than a frame as an upload (docs/protocol.md section 10): {@code begin}, then
 * {@code append}s, {@link #IN_FLIGHT} of them in flight (pipelined, as section 10.2 allows), then
 * {@code commit}. After a dropped connection it asks the host what it holds ({@code upload}) and goes
 * on from there: only a piece the host did not take in full is sent again.
 */
final class Uploader {
    /**
     * Pieces sent before the first is answered: the next piece is converted and written while the host
     * takes the one before, instead of the link idling for each round trip.
     */
    static final int IN_FLIGHT = 2;

    private final Connection connection;
    private final UploadProgress progress;

    Uploader(Connection connection, UploadProgress progress) {
        this.connection = connection;
        this.progress = progress;
    }

    /** @return whether a put of this payload goes as an upload, given the options and what the host said */
    static boolean wanted(HostInfo host, ClientOptions options, long payloadBytes, long frameBytes) {
        if (host == null || !host.uploads()) {
            return false;
        }
        return options.uploadThreshold() > 0 ? payloadBytes > options.uploadThreshold() : frameBytes > host.maxFrameBytes();
    }

    CompletableFuture<PutResult> upload(String key, String codec, PayloadParts payload, long ifVersion) {
        long id = connection.nextId();
        return connection.send(id, "begin", Envelopes.begin(id, key, codec, payload.length(), ifVersion), List.of(), Replies::uploadId)
                .thenCompose(begun -> {
                    int slash = begun.indexOf('/');
                    String upload = begun.substring(0, slash);
                    long suggested = Long.parseLong(begun.substring(slash + 1));
                    HostInfo host = connection.hostInfo();
                    long frameRoom = host == null ? suggested : host.maxFrameBytes() - 1024;
                    int piece = (int) Math.max(1, Math.min(Math.min(suggested, frameRoom), payload.length()));
                    return new Pieces(key, upload, payload, piece).start()
                            .whenComplete((r, e) -> {
                                if (e != null && !gone(e)) {
                                    abortQuietly(upload); // its memory is given back now, not after the host's idle time
                                }
                            })
                            .thenCompose(done -> commit(upload));
                });
    }

    /**
     * The appends of one upload. Pieces go out in payload order, from one thread at a time (whichever
     * thread finds a free slot sends until none is left), so their ids are in payload order too. A
     * reply saying the host holds something else than what was sent before it, or the host's answer to
     * {@code upload} after the link ended under pieces in flight, starts a new generation from what it
     * holds; the replies to pieces of older generations are only counted.
     */
    private final class Pieces {
        private final String key;
        private final String upload;
        private final PayloadParts payload;
        private final int pieceBytes;
        private final CompletableFuture<Void> done = new CompletableFuture<>();
        // Guarded by this.
        private final ArrayDeque<byte[]> spare = new ArrayDeque<>(IN_FLIGHT);
        private long next;
        private int inFlight;
        private int generation;
        private int conflicts;
        private boolean sending;
        /** Asking the host what it holds, after the link ended: no piece goes until it answers. */
        private boolean asking;
        private boolean finished;

        Pieces(String key, String upload, PayloadParts payload, int pieceBytes) {
            this.key = key;
            this.upload = upload;
            this.payload = payload;
            this.pieceBytes = pieceBytes;
        }

        CompletableFuture<Void> start() {
            if (told(0)) {
                send();
            }
            return done;
        }

        /** @return false when the progress callback threw: the upload fails with that */
        private boolean told(long held) {
            try {
                tell(key, held, payload.length());
                return true;
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
                return false;
            }
        }

        /** Sends pieces while a slot is free, unless another thread is doing so (it sees the slot too). */
        private void send() {
            synchronized (this) {
                if (sending) {
                    return;
                }
                sending = true;
            }
            while (true) {
                byte[] buf;
                long at;
                int n;
                int gen;
                synchronized (this) {
                    if (finished || asking || done.isDone() || inFlight >= IN_FLIGHT || next >= payload.length()) {
                        sending = false;
                        return;
                    }
                    buf = spare.isEmpty() ? new byte[pieceBytes] : spare.pop();
                    at = next;
                    n = (int) Math.min(pieceBytes, payload.length() - at);
                    next += n;
                    inFlight++;
                    gen = generation;
                }
                try {
                    payload.read(at, buf, n);
                    long id = connection.nextId();
                    connection.sendOnce(id, "append", Envelopes.append(id, upload, at, n), List.of(ByteBuffer.wrap(buf, 0, n)), Replies::received)
                            .whenComplete((received, e) -> answered(gen, at + n, buf, received, e));
                } catch (RuntimeException e) {
                    done.completeExceptionally(e);
                    synchronized (this) {
                        sending = false;
                    }
                    return;
                }
            }
        }

        /** A piece's reply: {@code end} is where the piece ended in the payload. */
        private void answered(int gen, long end, byte[] buf, Long received, Throwable e) {
            long told = -1;
            boolean failed = false;
            boolean complete = false;
            boolean ask = false;
            synchronized (this) { // the futures are completed after it: their stages send, and take the write lock
                inFlight--;
                Long held = e == null ? received : heldAfterConflict(e);
                if (held != null) {
                    spare.push(buf); // answered: the host read the frame, which will not be sent again
                }
                if (!finished && gen == generation && cause(e) instanceof Requests.LinkLost) {
                    generation++; // the pieces still in flight went with the link: their failures are only counted
                    asking = ask = true;
                } else if (finished || gen != generation) {
                    // over, or a reply to a piece sent before the host said it holds another amount
                } else if (held == null || e != null && ++conflicts > 2) {
                    finished = failed = true;
                } else {
                    if (e == null) {
                        conflicts = 0;
                    }
                    if (held >= payload.length()) {
                        finished = complete = true;
                    } else if (e != null || held < end || held > next) {
                        generation++; // go on from what the host holds
                        next = held;
                    }
                    told = held;
                }
            }
            if (ask) {
                long id = connection.nextId(); // sent once the connection is back, like any request waiting
                connection.send(id, "upload", Envelopes.upload(id, "upload", upload), List.of(), Replies::received)
                        .whenComplete(this::resumed);
            } else if (failed) {
                done.completeExceptionally(cause(e));
            } else {
                wentOn(told, complete);
            }
        }

        /** The host's answer to {@code upload} after a reconnect: the payload bytes it holds. */
        private void resumed(Long held, Throwable e) {
            boolean complete = false;
            synchronized (this) {
                asking = false;
                if (finished) {
                    return;
                }
                if (e != null) {
                    finished = true;
                } else {
                    generation++;
                    next = held;
                    complete = finished = held >= payload.length();
                }
            }
            if (e != null) {
                done.completeExceptionally(cause(e));
            } else {
                wentOn(held, complete);
            }
        }

        private void wentOn(long held, boolean complete) {
            if (held >= 0 && !told(held)) {
                return; // the progress callback threw: the upload failed with that
            }
            if (complete) {
                done.complete(null);
            } else {
                send(); // a slot is free
            }
        }
    }

    private static Throwable cause(Throwable e) {
        return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }

    private static Long heldAfterConflict(Throwable e) {
        Throwable t = cause(e);
        if (t instanceof MeshportException m && m.code() == ErrorCode.CONFLICT && m.detail() != null
                && m.detail().get("received") instanceof Number n) {
            return n.longValue();
        }
        return null;
    }

    private static boolean gone(Throwable e) {
        Throwable t = cause(e);
        return t instanceof MeshportException m && m.code() == ErrorCode.NOT_FOUND;
    }

    private CompletableFuture<PutResult> commit(String upload) {
        long id = connection.nextId();
        return connection.send(id, "commit", Envelopes.upload(id, "commit", upload), List.of(), Replies::putResult);
    }

    private void abortQuietly(String upload) {
        if (connection.isOpen()) {
            long id = connection.nextId();
            connection.send(id, "abort", Envelopes.upload(id, "abort", upload), List.of(), Replies::nothing);
        }
    }

    private void tell(String key, long sent, long total) {
        if (progress != null) {
            progress.progress(key, sent, total);
        }
    }
}
