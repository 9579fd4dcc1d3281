package io.meshport.listener.impl;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Makes the fuzz test's frames: a valid request of each op (hello, ping, print, put with the codecs
 * mesh, cbor and bytes, get, delete, list, watch, unwatch, call), about half of them then mutated
 * ({@link FuzzMutations}), their bodies and odd values from {@link FuzzItems}; now and then a large
 * mesh put, decoded while it arrives. Each frame carries a description of how it was made, for the
 * report. All three draw from one random source in a fixed order: a seed replays a run.
 */
final class FuzzFrames {
    static final List<String> OPS = List.of("hello", "ping", "print", "put", "get", "delete", "list", "watch", "unwatch", "call");
    private static final String[] GOOD_KEYS = {"fz/a", "fz/b", "fz/m/0", "fz/m/1", "fz/m/2", "fz/c/x.y", "fz/-_.z", "other/k"};
    private static final String[] BAD_KEYS = {"", "fz//a", "/fz", "fz/", "fz/..", "fz/./a", "a b", "fz/\u00e9", "fz/a\u0000b",
        "x".repeat(257), "fz/" + "y".repeat(300)};
    private static final String[] PREFIXES = {"", "fz/", "fz/m", "fz/m/", "zz", "other/"};
    static final String[] METHODS = {"add", "half", "echo", "scale", "mid", "flip", "maybe", "points", "any", "missing", "floats",
        "keys", "count"};

    /** One frame: its bytes on the wire (length prefix included) and how it was made. */
    static final class Frame {
        final byte[] wire;
        final String how;

        Frame(byte[] wire, String how) {
            this.wire = wire;
            this.how = how;
        }
    }

    /** A message being built: its fields in order, each a key item and a value item, already encoded. */
    static final class Msg {
        final List<byte[]> keys = new ArrayList<>();
        final List<byte[]> values = new ArrayList<>();
        final List<String> names = new ArrayList<>();
        boolean indefinite;
        int wrappingTags;

        Msg put(String name, byte[] value) {
            keys.add(FuzzCbor.text(name));
            names.add(name);
            values.add(value);
            return this;
        }

        int indexOf(String name) {
            return names.indexOf(name);
        }

        byte[] encode() {
            CborOut o = new CborOut();
            for (int i = 0; i < wrappingTags; i++) {
                o.tag(i == 0 ? 55799 : 1000 + i);
            }
            if (indefinite) {
                o.indefinite(5);
            } else {
                o.head(5, keys.size());
            }
            for (int i = 0; i < keys.size(); i++) {
                o.raw(keys.get(i)).raw(values.get(i));
            }
            if (indefinite) {
                o.brk();
            }
            return o.bytes();
        }
    }

    private final Random rng;
    private final FuzzItems items;
    private final FuzzMutations mutations;
    private final String token;
    private final byte[] largeMeshBody;
    private long nextId;

    /**
     * @param rng the random source (a fixed seed makes the run repeatable)
     * @param token the host's token, or null
     * @param maxFrameBytes the host's limit
     * @param largeMeshBody a mesh body large enough for the early decode (or null for none)
     */
    FuzzFrames(Random rng, String token, long maxFrameBytes, byte[] largeMeshBody) {
        this.rng = rng;
        this.items = new FuzzItems(rng, maxFrameBytes);
        this.mutations = new FuzzMutations(items, maxFrameBytes);
        this.token = token;
        this.largeMeshBody = largeMeshBody;
        this.nextId = 1 + rng.nextInt(1000);
    }

    private boolean chance(double p) {
        return items.chance(p);
    }

    private <T> T pick(T[] a) {
        return items.pick(a);
    }

    // ------------------------------------------------------------------------------------ connections

    /** @return the frames of one connection */
    List<Frame> connection(boolean tokenHost) {
        List<Frame> frames = new ArrayList<>();
        int n = 1 + rng.nextInt(chance(0.2) ? 40 : 12);
        if (tokenHost) {
            if (chance(0.75)) {
                frames.add(frame(hello(true), "hello with the token"));
            } else if (chance(0.5)) {
                frames.add(mutations.mutated(hello(chance(0.5)), "hello"));
            }
        }
        for (int i = 0; i < n; i++) {
            frames.add(next());
        }
        return frames;
    }

    /** @return a frame: half of them valid requests, the rest mutated */
    Frame next() {
        String op = OPS.get(rng.nextInt(OPS.size()));
        if (largeMeshBody != null && chance(0.004)) {
            return large();
        }
        Msg m = request(op);
        if (chance(0.45)) {
            return frame(m, "valid " + op);
        }
        return mutations.mutated(m, op);
    }

    private Frame frame(Msg m, String how) {
        return new Frame(framed(m.encode()), how);
    }

    static byte[] framed(byte[] body) {
        return ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array();
    }

    // ------------------------------------------------------------------------------------ valid requests

    private byte[] id() {
        long id = nextId++;
        if (chance(0.1)) {
            return new CborOut().head(0, id, 1 << rng.nextInt(4)).bytes(); // non-minimal head
        }
        if (chance(0.05)) {
            return new CborOut().f64(id).bytes(); // as JavaScript sends it
        }
        return FuzzCbor.uint(id);
    }

    Msg hello(boolean withToken) {
        Msg m = new Msg().put("op", FuzzCbor.text("hello")).put("id", id()).put("version", FuzzCbor.uint(1));
        if (chance(0.5)) {
            m.put("client", FuzzCbor.text("fuzz " + rng.nextInt(100)));
        }
        if (withToken && token != null) {
            m.put("token", FuzzCbor.text(token));
        } else if (chance(0.3)) {
            m.put("token", FuzzCbor.text("not-the-token-" + rng.nextInt(10)));
        }
        return m;
    }

    Msg request(String op) {
        Msg m = new Msg();
        if (chance(0.5)) {
            m.put("op", FuzzCbor.text(op));
            if (chance(0.92)) {
                m.put("id", id());
            }
        } else {
            if (chance(0.92)) {
                m.put("id", id());
            }
            m.put("op", FuzzCbor.text(op));
        }
        switch (op) {
            case "hello":
                return hello(true);
            case "print":
                m.put("text", FuzzCbor.text("fuzz print " + rng.nextInt(1000)));
                break;
            case "put": {
                m.put("key", FuzzCbor.text(key()));
                String codec = pick(new String[] {"mesh", "mesh", "cbor", "bytes", null, "ply"});
                if (codec != null) {
                    m.put("codec", FuzzCbor.text(codec));
                }
                if (chance(0.2)) {
                    m.put("ifVersion", FuzzCbor.uint(rng.nextInt(6)));
                }
                if (chance(0.2)) {
                    m.put("requestToken", FuzzCbor.text("rt-" + rng.nextInt(50)));
                }
                byte[] body = "mesh".equals(codec) ? items.mesh() : "bytes".equals(codec) ? items.bytesBody() : items.anyItem(3);
                m.put("body", body); // usually last, as clients write it
                if (chance(0.15)) {
                    m.put("after", items.anyItem(2));
                }
                break;
            }
            case "get":
                m.put("key", FuzzCbor.text(key()));
                if (chance(0.5)) {
                    m.put("codec", FuzzCbor.text(pick(new String[] {"mesh", "cbor", "bytes", "ply"})));
                }
                break;
            case "delete":
                m.put("key", FuzzCbor.text(key()));
                if (chance(0.3)) {
                    m.put("ifVersion", FuzzCbor.uint(rng.nextInt(8)));
                }
                if (chance(0.2)) {
                    m.put("requestToken", FuzzCbor.text("rt-d-" + rng.nextInt(50)));
                }
                break;
            case "list":
                if (chance(0.7)) {
                    m.put("prefix", FuzzCbor.text(pick(PREFIXES)));
                }
                break;
            case "watch":
                m.put("prefix", FuzzCbor.text(pick(PREFIXES)));
                break;
            case "unwatch":
                m.put("watch", FuzzCbor.uint(1 + rng.nextInt(4)));
                break;
            case "call":
                m.put("service", FuzzCbor.text(chance(0.9) ? "fz" : pick(new String[] {"nodes", "x", ""})));
                String method = pick(METHODS);
                m.put("method", FuzzCbor.text(chance(0.95) ? method : "wait"));
                if (chance(0.9)) {
                    m.put("args", args(method));
                }
                break;
            default: // ping
                break;
        }
        return m;
    }

    private String key() {
        return chance(0.85) ? pick(GOOD_KEYS) : pick(BAD_KEYS);
    }

    /** @return the args array of a call of this method: right for it most of the time */
    private byte[] args(String method) {
        CborOut o = new CborOut();
        if (chance(0.2)) {
            int n = rng.nextInt(4);
            o.head(4, n);
            for (int i = 0; i < n; i++) {
                o.raw(items.anyItem(2));
            }
            return o.bytes();
        }
        switch (method) {
            case "add":
                return o.head(4, 2).uint(rng.nextInt(100)).raw(chance(0.8) ? FuzzCbor.uint(rng.nextInt(100)) : items.anyItem(1)).bytes();
            case "half":
                return o.head(4, 1).raw(chance(0.8) ? FuzzCbor.uint(rng.nextInt(1 << 20)) : items.anyItem(1)).bytes();
            case "echo":
            case "missing":
                return o.head(4, 1).raw(chance(0.8) ? FuzzCbor.text("t" + rng.nextInt(99)) : items.anyItem(1)).bytes();
            case "scale": {
                o.head(4, 2).head(4, 3);
                for (int i = 0; i < 3; i++) {
                    o.f64(rng.nextDouble());
                }
                return o.f32(2f).bytes();
            }
            case "mid":
                o.head(4, 2);
                for (int i = 0; i < 2; i++) {
                    o.head(5, 3).text("x").f64(rng.nextDouble()).text("y").uint(rng.nextInt(9)).text("label").text("p" + i);
                }
                return o.bytes();
            case "flip":
                return o.head(4, 1).text(pick(new String[] {"light", "DARK", "grey"})).bytes();
            case "maybe":
                return o.head(4, 1).bool(rng.nextBoolean()).bytes();
            case "points":
                return o.head(4, 1).raw(items.mesh()).bytes();
            case "floats": {
                float[] f = new float[rng.nextInt(10)];
                for (int i = 0; i < f.length; i++) {
                    f[i] = rng.nextFloat();
                }
                return o.head(4, 1).raw(FuzzItems.typed(85, f, true)).bytes();
            }
            case "keys":
                return o.head(4, 1).raw(items.anyMap(2)).bytes();
            case "count":
                return o.head(4, 0).bytes();
            default: // any
                return o.head(4, 1).raw(items.anyItem(3)).bytes();
        }
    }

    /** A put of a mesh of 4 MiB or more (decoded while it arrives), sometimes broken. */
    private Frame large() {
        Msg m = new Msg().put("op", FuzzCbor.text("put")).put("id", id()).put("key", FuzzCbor.text("fz/large"))
                .put("codec", FuzzCbor.text("mesh")).put("body", largeMeshBody);
        byte[] body = m.encode();
        String how = "large mesh put (" + body.length + " bytes)";
        if (chance(0.5)) {
            int at = body.length - 1 - rng.nextInt(body.length / 2);
            body[at] ^= (byte) (1 << rng.nextInt(8));
            how += "; bit flip at " + at;
        }
        return new Frame(framed(body), how);
    }

    static byte[] largeMeshBody(int points, int triangles) {
        float[] p = new float[3 * points];
        for (int i = 0; i < p.length; i++) {
            p[i] = (i * 7919 % 1000) / 100f;
        }
        int[] idx = new int[3 * triangles];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = (int) ((i * 2654435761L) % points);
        }
        ByteBuffer pb = ByteBuffer.allocate(4 * p.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : p) {
            pb.putFloat(f);
        }
        ByteBuffer ib = ByteBuffer.allocate(4 * idx.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int i : idx) {
            ib.putInt(i);
        }
        return new CborOut().head(5, 2).text("positions").tag(85).bytes(pb.array()).text("indices").tag(70).bytes(ib.array()).bytes();
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }
}
