package io.meshport.listener.impl;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.meshport.listener.impl.FuzzCbor.CMap;

/**
 * What one frame sent must get back (docs/protocol.md sections 2 and 3), read with the test's own CBOR
 * reader: the frames the host cuts from a connection's bytes, and each one's kind.
 */
final class FuzzExpected {
    enum Kind { REPLY, NO_REPLY, NO_REPLY_NULL_ID, BAD_ID, FRAME_ERROR, INCOMPLETE }

    final Kind kind;
    final long id;
    final int offset;
    final byte[] frame;
    final String code;
    final String why;
    /** A hello without the host's token: refused with UNAUTHORIZED even after a success (RepeatedHelloTest). */
    boolean helloWithoutTheToken;

    FuzzExpected(Kind kind, long id, int offset, byte[] frame, String code, String why) {
        this.kind = kind;
        this.id = id;
        this.offset = offset;
        this.frame = frame;
        this.code = code;
        this.why = why;
    }

    private FuzzExpected hello(CMap m) {
        helloWithoutTheToken = "hello".equals(m.get("op")) && !FuzzHost.TOKEN.equals(m.get("token"));
        return this;
    }

    static FuzzExpected frameError(int offset, byte[] frame, String code, String why) {
        return new FuzzExpected(Kind.FRAME_ERROR, 0, offset, frame, code, why);
    }

    /** The frames the host cuts from the first {@code cut} bytes of what was sent, and what each must get back. */
    static List<FuzzExpected> of(byte[] stream, int cut) {
        List<FuzzExpected> out = new ArrayList<>();
        int p = 0;
        while (cut - p >= 4) {
            long n = ByteBuffer.wrap(stream, p, 4).getInt() & 0xffffffffL;
            if (n == 0) {
                out.add(frameError(p, Arrays.copyOfRange(stream, p, p + 4), "BAD_FRAME", "length 0"));
                return out;
            }
            if (n > FuzzHost.MAX_FRAME) {
                out.add(frameError(p, Arrays.copyOfRange(stream, p, p + 4), "FRAME_TOO_LARGE", "length " + n));
                return out;
            }
            if (cut - p - 4 < n) {
                // The stream ends inside this frame: nothing comes back for it, and the host closes
                // once the client has (a host with a token may refuse its header before a hello).
                out.add(new FuzzExpected(Kind.INCOMPLETE, 0, p, Arrays.copyOfRange(stream, p, cut), null, null));
                return out;
            }
            byte[] frame = Arrays.copyOfRange(stream, p, p + 4 + (int) n);
            FuzzExpected e = classify(p, frame);
            out.add(e);
            if (e.kind == Kind.FRAME_ERROR) {
                return out;
            }
            p += 4 + (int) n;
        }
        return out;
    }

    /**
     * What a whole frame (length prefix and body) must get: the body must be one well-formed CBOR
     * item nesting at most 256 deep, a map (tags around it allowed: docs/protocol.md), with nothing
     * after it; then its {@code id} decides.
     */
    static FuzzExpected classify(int offset, byte[] frame) {
        Object v;
        try {
            v = FuzzCbor.decodeWhole(frame, 4, frame.length, true);
        } catch (FuzzCbor.Malformed e) {
            return frameError(offset, frame, "BAD_FRAME", e.getMessage());
        }
        while (v instanceof FuzzCbor.Tagged) {
            v = ((FuzzCbor.Tagged) v).value();
        }
        if (!(v instanceof CMap)) {
            return frameError(offset, frame, "BAD_FRAME", "not a map: " + FuzzCbor.describe(v, 60));
        }
        CMap m = (CMap) v;
        if (!m.has("id")) {
            return new FuzzExpected(Kind.NO_REPLY, 0, offset, frame, null, null).hello(m);
        }
        Object id = m.get("id");
        if (id == null) {
            return new FuzzExpected(Kind.NO_REPLY_NULL_ID, 0, offset, frame, null, null).hello(m);
        }
        Long bits = FuzzCbor.uintBits(id);
        if (bits != null) {
            return new FuzzExpected(Kind.REPLY, bits, offset, frame, null, null).hello(m);
        }
        if (id instanceof Double) {
            double d = (Double) id;
            if (d >= 0 && d < 0x1p64 && d == Math.rint(d)) {
                long b = d < 0x1p63 ? (long) d : (long) (d - 0x1p63) ^ Long.MIN_VALUE;
                return new FuzzExpected(Kind.REPLY, b, offset, frame, null, null).hello(m);
            }
        }
        return new FuzzExpected(Kind.BAD_ID, 0, offset, frame, null, null).hello(m);
    }
}
