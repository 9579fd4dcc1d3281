package io.meshport.client;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import io.meshport.protocol.ErrorCode;
import io.meshport.protocol.MeshportException;

/**
 * Sends a payload larger than a frame as an upload (docs/protocol.md section 10): {@code begin}, then
 * one {@code append} in flight at a time, each continuing from what the host says it holds, then
 * {@code commit}. A dropped connection costs at most the piece in flight: the connection sends it
 * again once it reconnected, and the host acknowledges bytes it already holds.
 */
final class Uploader {
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
                    return appendFrom(key, upload, payload, 0, new byte[piece])
                            .whenComplete((r, e) -> {
                                if (e != null && !gone(e)) {
                                    abortQuietly(upload); // its memory is given back now, not after the host's idle time
                                }
                            })
                            .thenCompose(done -> commit(upload));
                });
    }

    private CompletableFuture<Void> appendFrom(String key, String upload, PayloadParts payload, long offset, byte[] piece) {
        tell(key, offset, payload.length());
        if (offset >= payload.length()) {
            return CompletableFuture.completedFuture(null);
        }
        int n = (int) Math.min(piece.length, payload.length() - offset);
        payload.read(offset, piece, n);
        long id = connection.nextId();
        return connection.send(id, "append", Envelopes.append(id, upload, offset, n), List.of(ByteBuffer.wrap(piece, 0, n)), Replies::received)
                .handle((received, e) -> {
                    if (e == null) {
                        return received;
                    }
                    Long held = heldAfterConflict(e);
                    if (held == null) {
                        throw e instanceof CompletionException ce ? ce : new CompletionException(e);
                    }
                    return held; // the host holds another amount (a resend raced with its first): go on from there
                })
                .thenCompose(received -> appendFrom(key, upload, payload, received, piece));
    }

    private static Long heldAfterConflict(Throwable e) {
        Throwable t = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        if (t instanceof MeshportException m && m.code() == ErrorCode.CONFLICT && m.detail() != null
                && m.detail().get("received") instanceof Number n) {
            return n.longValue();
        }
        return null;
    }

    private static boolean gone(Throwable e) {
        Throwable t = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
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
