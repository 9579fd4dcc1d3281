package io.meshport.listener.impl;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import io.meshport.codec.Encoded;
import io.meshport.codec.Payload;
import io.meshport.codec.PayloadCodec;
import io.meshport.protocol.ErrorCode;
import io.meshport.protocol.MeshportException;
import io.meshport.protocol.Protocol;
import io.meshport.session.AlreadyAppliedException;
import io.meshport.session.SessionChange;
import io.meshport.session.SessionEntry;
import io.meshport.session.SessionStore;
import io.meshport.session.SessionValue;
import io.meshport.session.SessionWrite;
import io.meshport.wire.Cbor;
import io.meshport.wire.CborFormatException;
import io.meshport.wire.CborMessage;
import io.meshport.wire.Frames;
import io.meshport.wire.Quoted;

/**
 * Turns one frame into its effect and reply, checking in the protocol's order: the frame (one CBOR
 * map, else {@code BAD_FRAME}), the message's shape (fields and their types, else
 * {@code BAD_REQUEST}), authentication, then the op. Stateless; the connection holds what a
 * client's requests share.
 */
final class RequestHandler {
    /** The most characters of a {@code print} the log shows. */
    static final int MAX_PRINT_CHARS = 2000;
    /** Prints logged per second at most, by all clients. */
    static final int PRINTS_PER_SECOND = 100;
    static final List<String> OPS = List.of("hello", "ping", "print", "put", "get", "delete", "list", "watch", "unwatch", "call", "begin",
            "append", "commit", "abort", "upload");
    private static final Object NO_REPLY = new Object();

    private final SocketServer server;
    private final UploadOps uploads;

    RequestHandler(SocketServer server) {
        this.server = server;
        this.uploads = new UploadOps(server, this);
    }

    /** The fields of a request, checked for shape. */
    static final class Request {
        String op;
        String key;
        String codec;
        long ifVersion = SessionStore.ANY_VERSION;
        int bodyStart = -1;
        int bodyEnd;
        String prefix;
        String text;
        long watch;
        String token;
        String client;
        long version;
        String service;
        String method;
        String requestToken;
        String upload;
        long size;
        long offset;
    }

    /**
     * Handles one frame.
     *
     * @return null when the request is done, or a future completing when it is (a call running on its
     *         own thread; the connection handles nothing else meanwhile, so replies stay in order)
     */
    CompletableFuture<Void> handle(Connection c, byte[] frame) {
        CborMessage m;
        try {
            m = CborMessage.parse(frame, 0, frame.length);
        } catch (CborFormatException e) {
            c.closeAfter(Replies.error(null, ErrorCode.BAD_FRAME, "the frame is not one CBOR map: " + e.getMessage(), null),
                    "bad frame");
            return null;
        }
        Long id = null;
        try {
            if (m.has("id") && !m.isNull("id")) { // a null optional field counts as absent: no reply
                id = m.uint("id", true, 0);
            }
        } catch (MeshportException e) {
            // The client sent an id and waits for a reply, but this one cannot be echoed: answer
            // without id (as for frame-level errors) rather than only logging it.
            c.send(Replies.error(null, e.code(), e.getMessage(), e.detail()));
            return null;
        }
        Request r = null;
        try {
            if (m.keyProblem() != null) {
                throw new MeshportException(ErrorCode.BAD_REQUEST, m.keyProblem());
            }
            r = shape(m);
            // Every hello is checked, not only the first: one with a wrong token (or none) on an
            // authenticated connection is refused and closes it, as on a new connection.
            if (server.limits.tokenRequired() && (!c.authenticated || "hello".equals(r.op))) {
                if (!"hello".equals(r.op)) {
                    unauthorized(c, id, "this host needs a token: the first message must be hello with it, not " + Quoted.quote(r.op));
                    return null;
                }
                if (r.token == null || !server.limits.tokenMatches(r.token)) {
                    c.authenticated = false; // nothing after it is served, whatever is already queued
                    unauthorized(c, id, r.token == null ? "this host needs a token, and hello has none" : "wrong token");
                    return null;
                }
                c.authenticated = true;
            }
            if ("call".equals(r.op)) {
                int args = m.valueStart("args");
                return server.calls.call(c, id, r.service, r.method, frame, args >= 0 && !m.isNull("args") ? args : -1,
                        args >= 0 ? m.valueEnd("args") : -1);
            }
            Object result = run(c, id, r, m);
            if (id != null && result != NO_REPLY) {
                c.send(Replies.ok(id, result));
            }
        } catch (MeshportException e) {
            fail(c, id, r, e);
        } catch (OutOfMemoryError e) {
            fail(c, id, r, new MeshportException(ErrorCode.OVERLOADED, "the host has not enough memory for this "
                    + frame.length + "-byte request now; try again later or send less"));
        } catch (RuntimeException e) {
            server.log.error("internal error handling " + (r == null ? "a request" : r.op) + " from " + c.describe(), e);
            fail(c, id, r, new MeshportException(ErrorCode.INTERNAL, "internal error (" + e.getClass().getSimpleName()
                    + "); the host's log has the details"));
        }
        return null;
    }

    private void fail(Connection c, Long id, Request r, MeshportException e) {
        fail(c, id, r == null || r.op == null ? "a request" : r.op, e);
    }

    /**
     * Reports a failed request: an error reply, or for a request without id a line in the log.
     *
     * @param what the request, for the log
     */
    void fail(Connection c, Long id, String what, MeshportException e) {
        if (id != null) {
            c.send(Replies.error(id, e.code(), e.getMessage(), e.detail()));
        } else {
            server.logRequestFailure(c, what + " without id failed: " + e.code() + ": " + e.getMessage());
        }
    }

    private void unauthorized(Connection c, Long id, String message) {
        c.closeAfter(Replies.error(id, ErrorCode.UNAUTHORIZED, message, null), "unauthorized");
    }

    /** Reads and type-checks the op's fields, before authentication looks at anything. */
    private static Request shape(CborMessage m) {
        Request r = new Request();
        r.op = m.text("op", true);
        switch (r.op) {
            case "hello":
                r.version = m.uint("version", true, 0);
                r.client = m.text("client", false);
                r.token = m.text("token", false);
                break;
            case "print":
                r.text = m.text("text", true);
                break;
            case "put":
                r.key = m.text("key", true);
                r.codec = m.text("codec", false);
                r.ifVersion = m.uint("ifVersion", false, SessionStore.ANY_VERSION);
                r.requestToken = m.text("requestToken", false);
                r.bodyStart = m.valueStart("body");
                if (r.bodyStart < 0) {
                    throw new MeshportException(ErrorCode.BAD_REQUEST, "'body' is missing");
                }
                r.bodyEnd = m.valueEnd("body");
                break;
            case "get":
                r.key = m.text("key", true);
                r.codec = m.text("codec", false);
                break;
            case "delete":
                r.key = m.text("key", true);
                r.ifVersion = m.uint("ifVersion", false, SessionStore.ANY_VERSION);
                r.requestToken = m.text("requestToken", false);
                break;
            case "list":
                r.prefix = m.text("prefix", false);
                break;
            case "watch":
                r.prefix = m.text("prefix", true);
                break;
            case "unwatch":
                r.watch = m.uint("watch", true, 0);
                break;
            case "begin":
            case "append":
            case "commit":
            case "abort":
            case "upload":
                UploadOps.shape(r, m);
                break;
            case "call":
                r.service = m.text("service", true);
                r.method = m.text("method", true);
                int args = m.valueStart("args");
                if (args >= 0 && Cbor.major(m.buffer(), args) != Cbor.MAJOR_ARRAY && !m.isNull("args")) {
                    throw new MeshportException(ErrorCode.BAD_REQUEST, "'args' must be an array, got a "
                            + CborMessage.typeName(m.buffer(), args));
                }
                break;
            default:
                break; // ping has no fields; unknown ops are refused after authentication
        }
        if (r.ifVersion < 0 && m.valueStart("ifVersion") >= 0 && !m.isNull("ifVersion")) {
            // Above 2^63 (2^64 - 1 included, whose bits are those of ANY_VERSION): no key can be at
            // that version, which is what Long.MAX_VALUE says too.
            r.ifVersion = Long.MAX_VALUE;
        }
        return r;
    }

    private Object run(Connection c, Long id, Request r, CborMessage m) {
        SessionStore store = server.store();
        switch (r.op) {
            case "hello":
                return hello(c, r);
            case "ping":
                return Map.of("time", System.currentTimeMillis());
            case "print":
                // Escaped and cut: a client's text cannot forge a log line, fill the log, or reach a terminal raw.
                if (server.logLimit.allow("print", PRINTS_PER_SECOND)) {
                    server.log.info("[" + c.describe() + "] " + Quoted.bound(r.text, MAX_PRINT_CHARS));
                }
                return null;
            case "put":
                return put(c, store, r, m);
            case "get":
                return get(c, id, store, r);
            case "delete": {
                Optional<SessionWrite> done = store.recall(r.requestToken);
                if (done.isPresent()) {
                    return receipt(done.get());
                }
                long v;
                try {
                    v = store.delete(r.key, r.ifVersion, r.requestToken);
                } catch (AlreadyAppliedException e) {
                    return receipt(e.write());
                }
                Map<String, Object> res = new LinkedHashMap<>();
                res.put("key", r.key);
                res.put("version", v);
                return res;
            }
            case "list": {
                List<Map<String, Object>> out = new ArrayList<>();
                for (SessionEntry e : store.list(r.prefix == null ? "" : r.prefix)) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("key", e.key());
                    row.put("version", e.version());
                    row.put("kind", e.kind());
                    row.put("codec", e.codec());
                    row.put("bytes", e.payloadBytes());
                    row.put("updated", e.updated());
                    out.add(row);
                }
                return out;
            }
            case "watch":
                c.watch(id, r.prefix, store);
                return NO_REPLY;
            case "begin":
                return uploads.begin(store, r);
            case "append":
                return uploads.append(r, m);
            case "commit":
                return uploads.commit(store, r);
            case "abort":
                return uploads.abort(r);
            case "upload":
                return uploads.describe(r);
            case "unwatch":
                if (!c.unwatch(r.watch)) {
                    throw new MeshportException(ErrorCode.NOT_FOUND, "this connection has no watch " + Long.toUnsignedString(r.watch));
                }
                return null;
            default:
                throw new MeshportException(ErrorCode.UNKNOWN_OP, "unknown op " + Quoted.quote(r.op) + "; this host knows "
                        + String.join(", ", OPS));
        }
    }

    private Object hello(Connection c, Request r) {
        if (r.version < 1) {
            throw new MeshportException(ErrorCode.BAD_REQUEST, "'version' " + r.version + " is not a protocol version; this host speaks 1");
        }
        if (r.client != null) {
            c.client = Quoted.bound(r.client, 80); // it names the connection in log lines
        }
        Map<String, Object> res = new LinkedHashMap<>();
        res.put("server", Protocol.SERVER_NAME);
        res.put("protocol", Protocol.VERSION);
        res.put("session", server.store().sessionId());
        res.put("codecs", server.codecs.ids());
        res.put("services", server.exports.names());
        res.put("maxFrameBytes", server.limits.maxFrameBytes);
        res.put("uploads", true);
        return res;
    }

    /** @return the reply a write with a request token got the first time (a resent request is answered, not applied) */
    static Map<String, Object> receipt(SessionWrite w) {
        Map<String, Object> res = new LinkedHashMap<>();
        res.put("key", w.key());
        res.put("version", w.version());
        if (w.type() == SessionChange.Type.PUT) {
            res.put("kind", w.kind());
            res.put("summary", w.summary());
        }
        return res;
    }

    private Object put(Connection c, SessionStore store, Request r, CborMessage m) {
        checkKey(r.key);
        Optional<SessionWrite> done = store.recall(r.requestToken);
        if (done.isPresent()) {
            return receipt(done.get()); // no decoding: the first one was applied
        }
        String codecId = r.codec == null ? "cbor" : r.codec;
        PayloadCodec codec = codec(codecId);
        PutContext ctx;
        if (r.ifVersion != SessionStore.ANY_VERSION) {
            Optional<SessionEntry> current = store.get(r.key);
            long at = current.map(SessionEntry::version).orElse(0L);
            if (at != r.ifVersion) { // refuse before spending time on decoding
                throw MeshportException.conflict("'" + r.key + "' is at version " + at + (at == 0 ? " (absent)" : "")
                        + ", not " + r.ifVersion, at);
            }
            ctx = new PutContext(r.key, current, store);
        } else {
            ctx = new PutContext(r.key, store);
        }
        Payload payload = payload(m.buffer(), r.bodyStart, r.bodyEnd);
        ArrivingFrame arriving = c.arrivingFor(m.buffer());
        // Decoded while it arrived: the same codec on the same payload gives the same value.
        PreDecoder.Decoded early = arriving == null ? null : server.preDecoder.await(arriving);
        if (early != null && early.decodes(codec, payload)) {
            ctx.required = early.requiredVersion;
            server.preDecoder.used.incrementAndGet();
            return decodeAndStore(store, r.key, codecId, payload.length(), () -> early.value, r.ifVersion, r.requestToken, ctx);
        }
        return decodeAndStore(store, r.key, codecId, payload.length(), () -> codec.decode(payload, ctx), r.ifVersion, r.requestToken, ctx);
    }

    /**
     * Decodes a payload (unless it was decoded already) and stores the value: a put's second half, and an
     * upload's commit.
     *
     * @param decode gives the value: the codec's decode of the payload, or what was decoded already
     * @return what {@code put} answers
     */
    Map<String, Object> decodeAndStore(SessionStore store, String key, String codecId, long payloadBytes,
            java.util.function.Supplier<SessionValue> decode, long ifVersionAsked, String requestToken, PutContext ctx) {
        SessionValue value;
        try {
            value = decode.get();
        } catch (MeshportException | OutOfMemoryError e) {
            throw e;
        } catch (RuntimeException e) {
            server.log.warn("codec '" + codecId + "' failed on a payload for '" + key + "'", e);
            throw new MeshportException(ErrorCode.DECODE_FAILED, "codec '" + codecId + "' could not decode the body: "
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
        if (value == null) {
            throw new MeshportException(ErrorCode.DECODE_FAILED, "codec '" + codecId + "' decoded nothing");
        }
        long ifVersion = ifVersionAsked;
        if (ctx.required != SessionStore.ANY_VERSION) {
            if (ifVersion != SessionStore.ANY_VERSION && ifVersion != ctx.required) {
                throw MeshportException.conflict("ifVersion " + ifVersion + " and base " + ctx.required + " disagree",
                        ctx.current().map(SessionEntry::version).orElse(0L));
            }
            ifVersion = ctx.required;
        }
        SessionEntry e;
        try {
            e = store.put(key, codecId, payloadBytes, value, ifVersion, requestToken);
        } catch (AlreadyAppliedException again) {
            return receipt(again.write()); // the same request raced in on another connection
        }
        Map<String, Object> res = new LinkedHashMap<>();
        res.put("key", e.key());
        res.put("version", e.version());
        res.put("kind", e.kind());
        res.put("summary", e.value().summary());
        return res;
    }

    private Object get(Connection c, Long id, SessionStore store, Request r) {
        checkKey(r.key);
        SessionEntry e = store.get(r.key).orElseThrow(() -> new MeshportException(ErrorCode.NOT_FOUND, "no key '" + r.key + "' in the session"));
        String codecId;
        PayloadCodec codec;
        if (r.codec != null) {
            codecId = r.codec;
            codec = codec(codecId);
            if (!codec.canEncode(e.value())) {
                throw new MeshportException(ErrorCode.NO_CODEC, "codec '" + codecId + "' cannot encode the " + e.kind()
                        + " value of '" + r.key + "'");
            }
        } else {
            // The codec it was put with, if it can give the value back; else the built-in one for its kind
            // (a mesh put as PLY comes back as a mesh).
            codecId = e.codec();
            codec = server.codecs.await(codecId);
            if (codec == null || !codec.canEncode(e.value())) {
                codecId = e.kind();
                codec = server.codecs.await(codecId);
                if (codec == null || !codec.canEncode(e.value())) {
                    throw new MeshportException(ErrorCode.NO_CODEC, "no installed codec can encode the " + e.kind() + " value of '"
                            + r.key + "' (it was put with '" + e.codec() + "'); installed: " + String.join(", ", server.codecs.ids()));
                }
            }
        }
        Encoded body = codec.encode(e.value());
        if (body.length() > Frames.MAX_LENGTH - 1024) {
            throw new MeshportException(ErrorCode.OVERLOADED, "'" + r.key + "' encodes to " + body.length()
                    + " bytes, more than one frame can carry");
        }
        if (id == null) {
            return NO_REPLY;
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("key", e.key());
        fields.put("version", e.version());
        fields.put("codec", codecId);
        c.send(Replies.okWithItem(id, fields, "body", body.parts()));
        return NO_REPLY;
    }

    PayloadCodec codec(String codecId) {
        PayloadCodec codec = server.codecs.await(codecId);
        if (codec == null) {
            throw new MeshportException(ErrorCode.NO_CODEC, "no codec " + Quoted.quote(codecId) + "; installed: "
                    + String.join(", ", server.codecs.ids()));
        }
        return codec;
    }

    static void checkKey(String key) {
        String problem = Protocol.keyProblem(key);
        if (problem != null) {
            throw new MeshportException(ErrorCode.BAD_KEY, problem);
        }
    }

    /** The payload of a body: a byte string's content, or the encoded item itself. */
    static Payload payload(byte[] frame, int start, int end) {
        try {
            if (Cbor.major(frame, start) == Cbor.MAJOR_BYTES) {
                if (Cbor.isIndefinite(frame, start)) {
                    return Payload.ofBytes(Cbor.stringBytes(frame, start, end));
                }
                int h = Cbor.headerLength(frame, start, end);
                return new Payload(frame, start + h, end - start - h, true);
            }
        } catch (CborFormatException e) {
            throw new MeshportException(ErrorCode.BAD_FRAME, "malformed body: " + e.getMessage()); // parse() checked it
        }
        return new Payload(frame, start, end - start, false);
    }

    /**
     * Answers a frame that was refused and dropped (no memory for it): {@code OVERLOADED} for its
     * request's id, found in the frame's first bytes (clients write the id before the body). Without an
     * id there, the answer has none either and the connection closes, as for a frame-level error.
     */
    void refused(Connection c, FrameDecoder.Refused r) {
        Long id = FrameHead.id(r.head, r.headLength);
        if (id != null) {
            c.send(Replies.error(id, ErrorCode.OVERLOADED, r.reason, null));
            return;
        }
        c.closeAfter(Replies.error(null, ErrorCode.OVERLOADED, r.reason + " (its id was not among its first "
                + r.headLength + " bytes)", null), "a frame refused: " + r.reason);
    }
}
