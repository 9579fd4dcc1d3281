package io.meshport.listener.impl;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import io.meshport.codec.Payload;
import io.meshport.codec.PayloadCodec;
import io.meshport.protocol.ErrorCode;
import io.meshport.protocol.MeshportException;
import io.meshport.session.SessionEntry;
import io.meshport.session.SessionWrite;
import io.meshport.session.SessionWrite;
import io.meshport.session.SessionStore;
import io.meshport.session.SessionValue;
import io.meshport.wire.Cbor;
import io.meshport.wire.CborMessage;

/**
 * The upload ops, {@code begin}, {@code append}, {@code commit}, {@code abort} and {@code upload}
 * (docs/protocol.md section 10): a payload larger than a frame, sent in pieces and stored like a put.
 */
final class UploadOps {
    /** The piece size suggested to clients, at most: large enough to keep a link busy, small enough to resend. */
    static final int CHUNK_BYTES = 8 << 20;

    private final SocketServer server;
    private final RequestHandler handler;

    UploadOps(SocketServer server, RequestHandler handler) {
        this.server = server;
        this.handler = handler;
    }

    /** Reads an upload op's fields. */
    static void shape(RequestHandler.Request r, CborMessage m) {
        switch (r.op) {
            case "begin":
                r.key = m.text("key", true);
                r.size = m.uint("size", true, 0);
                r.codec = m.text("codec", false);
                r.ifVersion = m.uint("ifVersion", false, SessionStore.ANY_VERSION);
                break;
            case "append":
                r.upload = m.text("upload", true);
                r.offset = m.uint("offset", true, 0);
                r.bodyStart = m.valueStart("data");
                if (r.bodyStart < 0) {
                    throw new MeshportException(ErrorCode.BAD_REQUEST, "'data' is missing");
                }
                if (Cbor.major(m.buffer(), r.bodyStart) != Cbor.MAJOR_BYTES) {
                    throw new MeshportException(ErrorCode.BAD_REQUEST, "'data' must be a byte string, got a "
                            + CborMessage.typeName(m.buffer(), r.bodyStart));
                }
                r.bodyEnd = m.valueEnd("data");
                break;
            case "commit":
                r.upload = m.text("upload", true);
                r.requestToken = m.text("requestToken", false);
                break;
            default: // abort, upload
                r.upload = m.text("upload", true);
        }
    }

    Object begin(SessionStore store, RequestHandler.Request r) {
        RequestHandler.checkKey(r.key);
        String codecId = r.codec == null ? "cbor" : r.codec;
        handler.codec(codecId); // NO_CODEC before a byte is sent
        if (r.size <= 0) {
            throw new MeshportException(ErrorCode.BAD_REQUEST, "'size' must be at least 1: an upload carries a payload; put an empty one");
        }
        checkVersion(store, r.key, r.ifVersion);
        Upload u = server.uploads.begin(r.key, codecId, r.size, r.ifVersion, server.limits, store.memory());
        decodeEarly(server, u, store);
        Map<String, Object> res = new LinkedHashMap<>();
        res.put("upload", u.id);
        res.put("chunkBytes", (long) chunkBytes(server.limits));
        return res;
    }

    /**
     * With a progressive codec (the {@code mesh} codec is one), decodes the upload on a thread of its own
     * as its bytes arrive, so that at the commit the value is (nearly) ready and the payload's array can
     * go at once.
     */
    static void decodeEarly(SocketServer server, Upload u, SessionStore store) {
        PayloadCodec codec = server.codecs.progressive(u.codec);
        if (codec == null) {
            return;
        }
        CompletableFuture<Upload.EarlyValue> result = new CompletableFuture<>();
        u.decodingEarly(result);
        Thread t = new Thread(new EarlyDecode(u, codec, new PutContext(u.key, store), result),
                "meshport-upload-decode-" + u.id.substring(0, 8));
        t.setDaemon(true);
        t.start();
    }

    /** One upload decoded as it arrives. A class, not a lambda: see DaemonThreads. */
    private static final class EarlyDecode implements Runnable {
        private final Upload upload;
        private final PayloadCodec codec;
        private final PutContext context;
        private final CompletableFuture<Upload.EarlyValue> result;

        EarlyDecode(Upload upload, PayloadCodec codec, PutContext context, CompletableFuture<Upload.EarlyValue> result) {
            this.upload = upload;
            this.codec = codec;
            this.context = context;
            this.result = result;
        }

        @Override
        public void run() {
            try {
                byte[] b = upload.array();
                SessionValue v = codec.decode(new Payload(b, 0, b.length, true, new Arrival(upload)), context);
                result.complete(new Upload.EarlyValue(v, context.required));
            } catch (Throwable e) { // the commit decodes again and answers the codec's error as a put would
                result.completeExceptionally(e);
            }
        }
    }

    /** Waits for an upload's bytes. */
    private static final class Arrival implements java.util.function.IntConsumer {
        private final Upload upload;

        Arrival(Upload upload) {
            this.upload = upload;
        }

        @Override
        public void accept(int index) {
            upload.awaitReceived(index);
        }
    }

    /** @return the piece size to suggest: {@link #CHUNK_BYTES}, or less when frames are smaller */
    static int chunkBytes(ListenerSettings limits) {
        return (int) Math.max(1, Math.min(CHUNK_BYTES, limits.maxFrameBytes - 1024));
    }

    Object append(RequestHandler.Request r, CborMessage m) {
        Upload u = server.uploads.get(r.upload);
        Payload data = RequestHandler.payload(m.buffer(), r.bodyStart, r.bodyEnd);
        long received = u.append(r.offset, data.array(), data.offset(), data.length(), System.currentTimeMillis());
        return Map.of("received", received);
    }

    /**
     * Stores an upload's payload. A payload its codec refuses ends the upload; a refusal of the session
     * (a version that moved, no room, a store being replaced or unreachable) leaves it open, to be
     * committed again or aborted.
     */
    Object commit(SessionStore store, RequestHandler.Request r) {
        Optional<SessionWrite> done = store.recall(r.requestToken);
        if (done.isPresent()) {
            server.uploads.endIfOpen(r.upload);
            return RequestHandler.receipt(done.get()); // committed already; the reply was lost
        }
        Upload u = server.uploads.get(r.upload);
        byte[] bytes = u.complete(); // CONFLICT while bytes are missing; the upload stays
        PayloadCodec codec = handler.codec(u.codec);
        checkVersion(store, u.key, u.ifVersion);
        boolean end = true;
        try {
            PutContext ctx = new PutContext(u.key, store);
            SessionValue decoded = null;
            Upload.EarlyValue early = early(u);
            if (early != null) {
                decoded = early.value();
                ctx.required = early.requiredVersion();
                server.uploads.decodedEarly.incrementAndGet();
            }
            return handler.decodeAndStore(store, u.key, u.codec, codec, new Payload(bytes, 0, bytes.length, true), u.ifVersion,
                    r.requestToken, ctx, decoded);
        } catch (MeshportException e) {
            end = !SESSION_REFUSALS.contains(e.code());
            throw e;
        } finally {
            if (end) {
                server.uploads.end(u); // stored, or refused by its codec: the upload is gone and its memory given back
            }
        }
    }

    /** @return the value decoded while the bytes arrived, or null when there is none (or it failed: the commit decodes again) */
    private static Upload.EarlyValue early(Upload u) {
        CompletableFuture<Upload.EarlyValue> f = u.early();
        if (f == null) {
            return null;
        }
        try {
            return f.get();
        } catch (ExecutionException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MeshportException(ErrorCode.SHUTTING_DOWN, "interrupted while upload " + u.id + " was decoded");
        }
    }

    /** Refusals of the session, not of the payload: the upload stays open. */
    private static final Set<ErrorCode> SESSION_REFUSALS = EnumSet.of(ErrorCode.CONFLICT, ErrorCode.OVERLOADED, ErrorCode.SHUTTING_DOWN,
            ErrorCode.UNAVAILABLE);

    Object abort(RequestHandler.Request r) {
        server.uploads.end(server.uploads.get(r.upload));
        return null;
    }

    Object describe(RequestHandler.Request r) {
        Map<String, Object> m = server.uploads.get(r.upload).describe();
        m.put("chunkBytes", (long) chunkBytes(server.limits)); // a client resuming another's upload learns the piece size too
        return m;
    }

    private static void checkVersion(SessionStore store, String key, long ifVersion) {
        if (ifVersion == SessionStore.ANY_VERSION) {
            return;
        }
        long at = store.get(key).map(SessionEntry::version).orElse(0L);
        if (at != ifVersion) {
            throw MeshportException.conflict("'" + key + "' is at version " + at + (at == 0 ? " (absent)" : "") + ", not " + ifVersion, at);
        }
    }
}
