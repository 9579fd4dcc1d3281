package io.meshport.client;

import java.util.List;

import io.meshport.protocol.Protocol;
import io.meshport.wire.CborWriter;
import io.meshport.wire.call.CallValues;

/**
 * Writes each op's request map, up to its body: the envelope of a {@link RequestFrame}. Requests that
 * carry a body (put, call) end their envelope with the key {@code body} or {@code args}, whose value is
 * the frame's tail. Stateless.
 */
final class Envelopes {
    private Envelopes() {
    }

    static CborWriter hello(long id, ClientOptions options) {
        CborWriter w = new CborWriter();
        int n = 4 + (options.token() != null ? 1 : 0);
        w.mapHeader(n).text("op").text("hello").text("id").uint(id).text("version").uint(Protocol.VERSION)
                .text("client").text(options.clientName());
        if (options.token() != null) {
            w.text("token").text(options.token());
        }
        return w;
    }

    static CborWriter ping(long id) {
        return new CborWriter(32).mapHeader(2).text("op").text("ping").text("id").uint(id);
    }

    static CborWriter print(long id, String text) {
        return new CborWriter(32).mapHeader(3).text("op").text("print").text("id").uint(id).text("text").text(text);
    }

    /** @param ifVersion the version the key must be at, or -1 for any; the body follows */
    static CborWriter put(long id, String key, String codec, String requestToken, long ifVersion) {
        CborWriter w = new CborWriter(128 + key.length());
        w.mapHeader(ifVersion >= 0 ? 7 : 6).text("op").text("put").text("id").uint(id).text("key").text(key)
                .text("codec").text(codec).text("requestToken").text(requestToken);
        if (ifVersion >= 0) {
            w.text("ifVersion").uint(ifVersion);
        }
        return w.text("body");
    }

    /** @param ifVersion the version the key must be at, or -1 for any */
    static CborWriter begin(long id, String key, String codec, long size, long ifVersion) {
        CborWriter w = new CborWriter(96 + key.length());
        w.mapHeader(ifVersion >= 0 ? 6 : 5).text("op").text("begin").text("id").uint(id).text("key").text(key)
                .text("size").uint(size).text("codec").text(codec);
        if (ifVersion >= 0) {
            w.text("ifVersion").uint(ifVersion);
        }
        return w;
    }

    /** The piece follows, as the frame's tail: a byte string header and the bytes. */
    static CborWriter append(long id, String upload, long offset, int length) {
        return new CborWriter(96).mapHeader(5).text("op").text("append").text("id").uint(id).text("upload").text(upload)
                .text("offset").uint(offset).text("data").header(io.meshport.wire.Cbor.MAJOR_BYTES, length);
    }

    /** @param op commit, abort or upload */
    static CborWriter upload(long id, String op, String upload) {
        return new CborWriter(80).mapHeader(3).text("op").text(op).text("id").uint(id).text("upload").text(upload);
    }

    /** @param codec the codec, or null for the one the value was put with */
    static CborWriter get(long id, String key, String codec) {
        CborWriter w = new CborWriter(64 + key.length());
        w.mapHeader(codec == null ? 3 : 4).text("op").text("get").text("id").uint(id).text("key").text(key);
        if (codec != null) {
            w.text("codec").text(codec);
        }
        return w;
    }

    /** @param ifVersion the version the key must be at, or -1 for any */
    static CborWriter delete(long id, String key, String requestToken, long ifVersion) {
        CborWriter w = new CborWriter(128 + key.length());
        w.mapHeader(ifVersion >= 0 ? 5 : 4).text("op").text("delete").text("id").uint(id).text("key").text(key)
                .text("requestToken").text(requestToken);
        if (ifVersion >= 0) {
            w.text("ifVersion").uint(ifVersion);
        }
        return w;
    }

    static CborWriter list(long id, String prefix) {
        return new CborWriter(64).mapHeader(3).text("op").text("list").text("id").uint(id).text("prefix").text(prefix);
    }

    static CborWriter watch(long id, String prefix) {
        return new CborWriter(64).mapHeader(3).text("op").text("watch").text("id").uint(id).text("prefix").text(prefix);
    }

    static CborWriter unwatch(long id, long watch) {
        return new CborWriter(32).mapHeader(3).text("op").text("unwatch").text("id").uint(id).text("watch").uint(watch);
    }

    /** The call's arguments follow, as {@link #callArgs}. */
    static CborWriter call(long id, String service, String method) {
        CborWriter w = new CborWriter(64 + service.length() + method.length());
        return w.mapHeader(5).text("op").text("call").text("id").uint(id).text("service").text(service).text("method").text(method)
                .text("args");
    }

    /** @return a call's {@code args} array, meshes in it as typed arrays */
    static List<?> callArgs(Object[] args) {
        CallValues.Out out = new CallValues.Out();
        Object[] a = args == null ? new Object[0] : args;
        out.writer().arrayHeader(a.length);
        for (Object arg : a) {
            CallValues.write(out, arg, Replies.MESHES);
        }
        return out.parts();
    }
}
