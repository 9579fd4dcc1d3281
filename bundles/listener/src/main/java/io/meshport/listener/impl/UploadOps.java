package io.meshport.listener.impl;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.meshport.codec.Payload;
import io.meshport.codec.PayloadCodec;
import io.meshport.codec.StreamingDecode;
import io.meshport.protocol.ErrorCode;
import io.meshport.protocol.MeshportException;
import io.meshport.session.SessionEntry;
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
        PayloadCodec codec = handler.codec(codecId); // NO_CODEC before a byte is sent
        if (r.size <= 0) {
            throw new MeshportException(ErrorCode.BAD_REQUEST, "'size' must be at least 1: an upload carries a payload; put an empty one");
        }
        checkVersion(store, r.key, r.ifVersion);
        Upload u = server.uploads.begin(r.key, codecId, codec, r.size, r.ifVersion, server.limits, store.memory());
        Map<String, Object> res = new LinkedHashMap<>();
        res.put("upload", u.id);
        res.put("chunkBytes", (long) chunkBytes(server.limits));
        return res;
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
            java.util.function.Supplier<SessionValue> decode;
            StreamingDecode stream = u.stream();
            if (stream != null) {
                server.uploads.streamed.incrementAndGet();
                decode = () -> stream.finish(ctx); // its arrays were converted as the bytes arrived
            } else {
                decode = () -> codec.decode(new Payload(bytes, 0, bytes.length, true), ctx);
            }
            return handler.decodeAndStore(store, u.key, u.codec, u.size(), decode, u.ifVersion, r.requestToken, ctx);
        } catch (MeshportException e) {
            end = !SESSION_REFUSALS.contains(e.code());
            throw e;
        } finally {
            if (end) {
                server.uploads.end(u); // stored, or refused by its codec: the upload is gone and its memory given back
            }
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
