package io.meshport.listener.impl;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import io.meshport.listener.impl.FuzzCbor.Out;

/**
 * Makes the fuzz test's frames: a valid request of each op (hello, ping, print, put with the codecs
 * mesh, cbor and bytes, get, delete, list, watch, unwatch, call), then mutated at the level of its
 * fields (wrong types for every field, missing, repeated and unknown fields, huge strings, deep
 * nesting, indefinite lengths, non-minimal heads, tags, unknown ops, unusable ids), of its bytes
 * (flips, truncation, insertions, trailing bytes) and of its framing (wrong, zero and huge length
 * prefixes). Each frame carries a description of how it was made, for the report.
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
            Out o = new Out();
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
    private final String token;
    private final long maxFrameBytes;
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
        this.token = token;
        this.maxFrameBytes = maxFrameBytes;
        this.largeMeshBody = largeMeshBody;
        this.nextId = 1 + rng.nextInt(1000);
    }

    private boolean chance(double p) {
        return rng.nextDouble() < p;
    }

    private <T> T pick(T[] a) {
        return a[rng.nextInt(a.length)];
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
                frames.add(mutated(hello(chance(0.5)), "hello"));
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
        return mutated(m, op);
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
            return new Out().head(0, id, 1 << rng.nextInt(4)).bytes(); // non-minimal head
        }
        if (chance(0.05)) {
            return new Out().f64(id).bytes(); // as JavaScript sends it
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
                byte[] body = "mesh".equals(codec) ? mesh() : "bytes".equals(codec) ? bytesBody() : anyItem(3);
                m.put("body", body); // usually last, as clients write it
                if (chance(0.15)) {
                    m.put("after", anyItem(2));
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

    private byte[] bytesBody() {
        byte[] b = new byte[rng.nextInt(chance(0.1) ? 70_000 : 200)];
        rng.nextBytes(b);
        Out o = new Out();
        if (chance(0.2)) {
            o.tag(64);
        }
        return o.bytes(b).bytes();
    }

    /** @return the args array of a call of this method: right for it most of the time */
    private byte[] args(String method) {
        Out o = new Out();
        if (chance(0.2)) {
            int n = rng.nextInt(4);
            o.head(4, n);
            for (int i = 0; i < n; i++) {
                o.raw(anyItem(2));
            }
            return o.bytes();
        }
        switch (method) {
            case "add":
                return o.head(4, 2).uint(rng.nextInt(100)).raw(chance(0.8) ? FuzzCbor.uint(rng.nextInt(100)) : anyItem(1)).bytes();
            case "half":
                return o.head(4, 1).raw(chance(0.8) ? FuzzCbor.uint(rng.nextInt(1 << 20)) : anyItem(1)).bytes();
            case "echo":
            case "missing":
                return o.head(4, 1).raw(chance(0.8) ? FuzzCbor.text("t" + rng.nextInt(99)) : anyItem(1)).bytes();
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
                return o.head(4, 1).raw(mesh()).bytes();
            case "floats": {
                float[] f = new float[rng.nextInt(10)];
                for (int i = 0; i < f.length; i++) {
                    f[i] = rng.nextFloat();
                }
                return o.head(4, 1).raw(typed(85, f, true)).bytes();
            }
            case "keys":
                return o.head(4, 1).raw(anyMap(2)).bytes();
            case "count":
                return o.head(4, 0).bytes();
            default: // any
                return o.head(4, 1).raw(anyItem(3)).bytes();
        }
    }

    // ------------------------------------------------------------------------------------ meshes

    /** @return a small mesh body in one of the encodings the protocol allows (sometimes wrong in its content) */
    byte[] mesh() {
        int points = 1 + rng.nextInt(24);
        float[] p = new float[3 * points];
        for (int i = 0; i < p.length; i++) {
            p[i] = rng.nextFloat() * 10 - 5;
        }
        int triangles = rng.nextInt(16);
        int[] idx = new int[3 * triangles];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = rng.nextInt(points + (chance(0.03) ? 3 : 0)); // now and then out of range
        }
        boolean base = chance(0.1);
        Msg m = new Msg();
        m.put("positions", floats(p));
        if (triangles > 0 && !base) {
            m.put("indices", ints(idx));
            if (chance(0.1)) {
                int[] counts = new int[triangles];
                Arrays.fill(counts, 3);
                m.put("faceCounts", ints(counts));
            }
        }
        if (chance(0.3)) {
            float[] n = new float[3 * points];
            for (int i = 0; i < n.length; i++) {
                n[i] = rng.nextFloat();
            }
            Out a = new Out().head(5, chance(0.5) ? 1 : 2);
            a.text("N").head(5, 3).text("owner").text("point").text("size").uint(3).text("data").raw(floats(n));
            if (a.size() > 0 && chance(0.5)) {
                a.text("id").head(5, 4).text("owner").text("detail").text("size").uint(1).text("type").text("int").text("data")
                        .head(4, 1).uint(7);
            } else {
                a.text("Cd").head(5, 3).text("owner").text(pick(new String[] {"point", "vertex", "face", "detail", "edge"}))
                        .text("size").uint(3).text("data").raw(floats(n));
            }
            m.put("attributes", a.bytes());
        }
        if (chance(0.2)) {
            m.put("name", FuzzCbor.text("mesh " + rng.nextInt(9)));
        }
        if (chance(0.1)) {
            m.put("meta", anyMap(2));
        }
        if (base) {
            m.put("base", FuzzCbor.uint(rng.nextInt(20)));
        }
        if (chance(0.1)) {
            m.indefinite = true;
        }
        return m.encode();
    }

    private byte[] floats(float[] v) {
        switch (rng.nextInt(5)) {
            case 0:
                return typed(85, v, true);
            case 1:
                return typed(81, v, false);
            case 2: {
                Out o = new Out();
                boolean indef = chance(0.3);
                if (indef) {
                    o.indefinite(4);
                } else {
                    o.head(4, v.length);
                }
                for (float f : v) {
                    if (chance(0.5)) {
                        o.f32(f);
                    } else {
                        o.f64(f);
                    }
                }
                if (indef) {
                    o.brk();
                }
                return o.bytes();
            }
            case 3: {
                ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
                for (float f : v) {
                    b.putDouble(f);
                }
                return new Out().tag(86).bytes(b.array()).bytes();
            }
            default: {
                Out o = new Out().head(4, v.length);
                for (float f : v) {
                    o.uint(Math.abs((int) f));
                }
                return o.bytes();
            }
        }
    }

    private static byte[] typed(int tag, float[] v, boolean little) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(little ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        return new Out().tag(tag).bytes(b.array()).bytes();
    }

    private byte[] ints(int[] v) {
        switch (rng.nextInt(3)) {
            case 0: {
                ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
                for (int i : v) {
                    b.putInt(i);
                }
                return new Out().tag(chance(0.5) ? 70 : 78).bytes(b.array()).bytes();
            }
            case 1: {
                ByteBuffer b = ByteBuffer.allocate(2 * v.length).order(ByteOrder.BIG_ENDIAN);
                for (int i : v) {
                    b.putShort((short) i);
                }
                // chunked: two chunks of an indefinite-length byte string under tag 65 (uint16 BE)
                byte[] all = b.array();
                int cut = all.length == 0 ? 0 : rng.nextInt(all.length + 1);
                Out o = new Out().tag(65).indefinite(2);
                o.bytes(Arrays.copyOfRange(all, 0, cut)).bytes(Arrays.copyOfRange(all, cut, all.length));
                return o.brk().bytes();
            }
            default: {
                Out o = new Out().head(4, v.length);
                for (int i : v) {
                    o.head(0, i, chance(0.1) ? 8 : 0);
                }
                return o.bytes();
            }
        }
    }

    // ------------------------------------------------------------------------------------ any item

    /** @return a random CBOR item, nested at most {@code depth} levels */
    byte[] anyItem(int depth) {
        Out o = new Out();
        anyItem(o, depth);
        return o.bytes();
    }

    private void anyItem(Out o, int depth) {
        int kind = rng.nextInt(depth > 0 ? 16 : 11);
        switch (kind) {
            case 0: o.uint(rng.nextInt(100)); break;
            case 1: o.head(0, rng.nextLong(), 8); break;
            case 2: o.negint(-1 - rng.nextInt(1000)); break;
            case 3: o.f64(pick(new Double[] {0.5, -0.0, Double.NaN, Double.POSITIVE_INFINITY, 1e300, 3.0, -2.5})); break;
            case 4: o.f16(rng.nextInt(0x10000)); break;
            case 5: o.text(randomText(rng.nextInt(20))); break;
            case 6: {
                byte[] b = new byte[rng.nextInt(12)];
                rng.nextBytes(b);
                if (chance(0.5)) {
                    o.textBytes(b); // probably not UTF-8
                } else {
                    o.bytes(b);
                }
                break;
            }
            case 7: o.bool(rng.nextBoolean()); break;
            case 8: o.nil(); break;
            case 9: o.undefined(); break;
            case 10:
                if (chance(0.5)) {
                    o.raw(new byte[] {(byte) (0xe0 | rng.nextInt(20))}); // simple 0..19
                } else {
                    o.raw(new byte[] {(byte) 0xf8, (byte) (32 + rng.nextInt(224))});
                }
                break;
            case 11:
            case 12: {
                int n = rng.nextInt(5);
                boolean indef = chance(0.3);
                if (indef) {
                    o.indefinite(4);
                } else {
                    o.head(4, n);
                }
                for (int i = 0; i < n; i++) {
                    anyItem(o, depth - 1);
                }
                if (indef) {
                    o.brk();
                }
                break;
            }
            case 13:
                o.raw(anyMap(depth - 1));
                break;
            case 14: {
                o.tag(pick(new Long[] {0L, 1L, 2L, 24L, 55799L, 64L, 70L, 85L, 1000L, 0xffffffffffL}));
                anyItem(o, depth - 1);
                break;
            }
            default: {
                String s = randomText(3 + rng.nextInt(6));
                o.indefinite(3);
                for (int i = 0; i < s.length(); i += 2) {
                    o.text(s.substring(i, Math.min(s.length(), i + 2)));
                }
                o.brk();
                break;
            }
        }
    }

    private byte[] anyMap(int depth) {
        Out o = new Out();
        int n = rng.nextInt(4);
        o.head(5, n);
        for (int i = 0; i < n; i++) {
            if (chance(0.9)) {
                o.text(randomText(1 + rng.nextInt(6)));
            } else {
                anyItem(o, 0);
            }
            anyItem(o, Math.max(0, depth));
        }
        return o.bytes();
    }

    private String randomText(int n) {
        StringBuilder b = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            int r = rng.nextInt(20);
            b.append(r < 14 ? (char) ('a' + rng.nextInt(26)) : r < 16 ? (char) ('0' + rng.nextInt(10))
                    : r < 17 ? '/' : r < 18 ? '\u00e9' : '\u4e2d');
            if (r == 19) {
                b.append(Character.toChars(0x1F600));
            }
        }
        return b.toString();
    }

    // ------------------------------------------------------------------------------------ mutations

    /** A value of each CBOR type, for "wrong type" mutations. */
    private byte[] wrongValue() {
        switch (rng.nextInt(13)) {
            case 0: return FuzzCbor.uint(rng.nextInt(1 << 30));
            case 1: return new Out().negint(-1 - rng.nextInt(10)).bytes();
            case 2: return new Out().f64(rng.nextBoolean() ? 1.5 : Double.NaN).bytes();
            case 3: return new Out().f64(3.0).bytes();
            case 4: return FuzzCbor.text(randomText(1 + rng.nextInt(8)));
            case 5: return new Out().bytes(new byte[] {1, 2, 3}).bytes();
            case 6: return new Out().head(4, 1).uint(1).bytes();
            case 7: return new Out().head(5, 1).text("k").uint(1).bytes();
            case 8: return new Out().tag(1000).text("x").bytes();
            case 9: return new Out().bool(rng.nextBoolean()).bytes();
            case 10: return new Out().nil().bytes();
            case 11: return new Out().undefined().bytes();
            default: return new Out().head(0, -1L, 8).bytes(); // 2^64 - 1
        }
    }

    /** @return {@code depth} nested containers or tags around an integer */
    private byte[] deep(int depth) {
        Out o = new Out();
        int style = rng.nextInt(4);
        for (int i = 0; i < depth; i++) {
            int s = style == 3 ? rng.nextInt(3) : style;
            if (s == 0) {
                o.head(4, 1);
            } else if (s == 1) {
                o.head(5, 1).text("d");
            } else {
                o.tag(1000);
            }
        }
        o.uint(1);
        return o.bytes();
    }

    private String huge() {
        int n = chance(0.6) ? 2_000 + rng.nextInt(20_000) : 100_000 + rng.nextInt((int) Math.min(1_000_000, maxFrameBytes / 4));
        char c = (char) ('a' + rng.nextInt(26));
        StringBuilder b = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            b.append(i % 97 == 0 ? (char) ('a' + rng.nextInt(26)) : c);
        }
        return b.toString();
    }

    /** @return the request with mutations of its fields, bytes or framing */
    Frame mutated(Msg m, String op) {
        StringBuilder how = new StringBuilder(op);
        int fieldMutations = rng.nextInt(4);
        for (int k = 0; k < fieldMutations; k++) {
            int f = m.keys.isEmpty() ? -1 : rng.nextInt(m.keys.size());
            String name = f < 0 ? "-" : m.names.get(f);
            switch (rng.nextInt(16)) {
                case 0:
                case 1:
                    if (f >= 0) {
                        m.values.set(f, wrongValue());
                        how.append("; wrong type for ").append(label(name));
                    }
                    break;
                case 2:
                    if (f >= 0) {
                        m.keys.remove(f);
                        m.values.remove(f);
                        m.names.remove(f);
                        how.append("; without ").append(label(name));
                    }
                    break;
                case 3:
                    if (f >= 0) {
                        m.keys.add(m.keys.get(f));
                        m.values.add(chance(0.5) ? m.values.get(f) : wrongValue());
                        m.names.add(name);
                        how.append("; ").append(label(name)).append(" twice");
                    }
                    break;
                case 4: {
                    String s = huge();
                    if (f >= 0 && chance(0.8)) {
                        m.values.set(f, FuzzCbor.text(s));
                        how.append("; ").append(label(name)).append(" a text of ").append(s.length()).append(" chars");
                    } else {
                        m.put(s, FuzzCbor.uint(1));
                        how.append("; an unknown key of ").append(s.length()).append(" chars");
                    }
                    break;
                }
                case 5: {
                    int d = 250 + rng.nextInt(12);
                    String into = pick(new String[] {"body", "args", "meta", "future"});
                    int at = m.indexOf(into);
                    if (at >= 0) {
                        m.values.set(at, deep(d));
                    } else {
                        m.put(into, deep(d));
                    }
                    how.append("; ").append(into).append(" nested ").append(d).append(" deep");
                    break;
                }
                case 6:
                    m.indefinite = !m.indefinite;
                    how.append("; indefinite map");
                    break;
                case 7:
                    if (f >= 0 && m.values.get(f).length > 0 && (m.values.get(f)[0] & 0xe0) == 0x60) {
                        m.values.set(f, chunked(m.values.get(f)));
                        how.append("; ").append(label(name)).append(" as a chunked text");
                    } else if (f >= 0) {
                        m.keys.set(f, chunked(m.keys.get(f)));
                        how.append("; key ").append(label(name)).append(" chunked");
                    }
                    break;
                case 8: {
                    String u = chance(0.7) ? pick(new String[] {"frobnicate", "PUT", "put ", "", "bye", "event", "begin", "append"})
                            : huge();
                    int at = m.indexOf("op");
                    if (at >= 0) {
                        m.values.set(at, FuzzCbor.text(u));
                    } else {
                        m.put("op", FuzzCbor.text(u));
                    }
                    how.append("; op '").append(u.length() > 20 ? u.substring(0, 20) + "...' (" + u.length() + " chars)" : u + "'");
                    break;
                }
                case 9: {
                    int at = m.indexOf("id");
                    byte[] v = pick(new byte[][] {new Out().negint(-1).bytes(), new Out().f64(1.5).bytes(), FuzzCbor.text("7"),
                        new Out().nil().bytes(), new Out().f64(-0.0).bytes(), new Out().head(0, -1L, 8).bytes(),
                        new Out().f64(0x1p64).bytes(), new Out().f16(0x3c00).bytes(), new Out().tag(2).bytes(new byte[] {1}).bytes(),
                        new Out().bool(true).bytes(), new Out().head(4, 0).bytes()});
                    if (at >= 0) {
                        m.values.set(at, v);
                    } else {
                        m.put("id", v);
                    }
                    how.append("; an unusual id");
                    break;
                }
                case 10:
                    m.wrappingTags = 1 + rng.nextInt(2);
                    how.append("; wrapped in ").append(m.wrappingTags).append(" tags");
                    break;
                case 11: {
                    Out k2 = new Out();
                    if (chance(0.5)) {
                        k2.uint(rng.nextInt(5));
                    } else {
                        k2.bytes(new byte[] {'i', 'd'});
                    }
                    m.keys.add(k2.bytes());
                    m.values.add(FuzzCbor.uint(1));
                    m.names.add("?");
                    how.append("; a key that is not text");
                    break;
                }
                case 12:
                    if (f >= 0) {
                        m.values.set(f, new Out().nil().bytes());
                        how.append("; ").append(label(name)).append(" null");
                    }
                    break;
                case 13:
                    if (f >= 0) {
                        byte[] v = m.values.get(f);
                        int major = (v[0] & 0xff) >>> 5;
                        if (major == 0 && (v[0] & 0x1f) < 24) {
                            m.values.set(f, new Out().head(0, v[0] & 0x1f, 8).bytes());
                            how.append("; ").append(label(name)).append(" in a 9-byte head");
                        }
                    }
                    break;
                case 14:
                    m.put(pick(new String[] {"future", "x-y", "id2", "token", "client", "codec"}), anyItem(3));
                    how.append("; an extra field");
                    break;
                default: {
                    byte[] body = new byte[rng.nextInt(10) == 0 ? 500_000 + rng.nextInt(500_000) : rng.nextInt(3000)];
                    rng.nextBytes(body);
                    int at = m.indexOf("body");
                    byte[] v = new Out().bytes(body).bytes();
                    if (at >= 0) {
                        m.values.set(at, v);
                    } else {
                        m.put("body", v);
                    }
                    how.append("; body of ").append(body.length).append(" random bytes");
                    break;
                }
            }
        }
        byte[] body = m.encode();
        if (chance(0.3)) {
            body = mutateBytes(body, how);
        }
        if (chance(0.08)) {
            return new Frame(mutateFraming(body, how), how.toString());
        }
        return new Frame(framed(body), how.toString());
    }

    private static String label(String name) {
        return name.length() > 24 ? "'" + name.substring(0, 12) + "...' (" + name.length() + " chars)" : name;
    }

    private byte[] chunked(byte[] textItem) {
        try {
            Object v = FuzzCbor.decodeWhole(textItem, 0, textItem.length, false);
            String s = (String) v;
            Out o = new Out().indefinite(3);
            int cut = s.isEmpty() ? 0 : rng.nextInt(s.length() + 1);
            o.text(s.substring(0, cut)).text(s.substring(cut));
            return o.brk().bytes();
        } catch (FuzzCbor.Malformed | ClassCastException e) {
            return textItem;
        }
    }

    private byte[] mutateBytes(byte[] body, StringBuilder how) {
        byte[] b = body;
        int n = 1 + rng.nextInt(3);
        for (int k = 0; k < n && b.length > 0; k++) {
            switch (rng.nextInt(6)) {
                case 0:
                case 1: {
                    int at = rng.nextInt(Math.min(b.length, chance(0.7) ? 64 : b.length));
                    b = b.clone();
                    b[at] ^= (byte) (1 << rng.nextInt(8));
                    how.append("; bit flip at ").append(at);
                    break;
                }
                case 2: {
                    int at = rng.nextInt(Math.min(b.length, 64));
                    b = b.clone();
                    b[at] = (byte) pick(new Integer[] {0x00, 0x1f, 0x3f, 0x5f, 0x7f, 0x9f, 0xbf, 0xdf, 0xff, 0x1c, 0xf8, 0x1b, 0x9b, 0x5b, 0x7b})
                            .intValue();
                    how.append("; byte ").append(at).append(" = ").append(String.format("0x%02x", b[at] & 0xff));
                    break;
                }
                case 3: {
                    int len = rng.nextInt(b.length);
                    b = Arrays.copyOf(b, len);
                    how.append("; truncated to ").append(len);
                    break;
                }
                case 4: {
                    byte[] extra = new byte[1 + rng.nextInt(4)];
                    rng.nextBytes(extra);
                    int at = rng.nextInt(b.length + 1);
                    byte[] c = new byte[b.length + extra.length];
                    System.arraycopy(b, 0, c, 0, at);
                    System.arraycopy(extra, 0, c, at, extra.length);
                    System.arraycopy(b, at, c, at + extra.length, b.length - at);
                    b = c;
                    how.append("; ").append(extra.length).append(" bytes inserted at ").append(at);
                    break;
                }
                default: {
                    byte[] c = Arrays.copyOf(b, b.length + 1 + rng.nextInt(3));
                    how.append("; trailing bytes");
                    b = c;
                    break;
                }
            }
        }
        return b;
    }

    private byte[] mutateFraming(byte[] body, StringBuilder how) {
        long declared;
        switch (rng.nextInt(6)) {
            case 0:
                declared = Math.max(0, body.length + rng.nextInt(17) - 8);
                how.append("; length prefix ").append(declared).append(" for ").append(body.length).append(" bytes");
                break;
            case 1:
                declared = pick(new Long[] {maxFrameBytes + 1, 0x7fffffffL, 0x80000000L, 0xffffffffL, maxFrameBytes * 4});
                how.append("; length prefix ").append(declared).append(" (above the limit)");
                break;
            case 2:
                declared = maxFrameBytes - rng.nextInt(1000);
                how.append("; length prefix ").append(declared).append(" (near the limit) for ").append(body.length).append(" bytes");
                break;
            case 3:
                declared = 0;
                how.append("; length prefix 0");
                break;
            case 4: {
                // the header alone, or with a few bytes of the body: a half frame
                int keep = rng.nextInt(Math.min(body.length, 16) + 1);
                how.append("; a header for ").append(body.length).append(" bytes followed by ").append(keep);
                ByteBuffer b = ByteBuffer.allocate(4 + keep).putInt(body.length).put(body, 0, keep);
                return b.array();
            }
            default:
                declared = body.length + 1 + rng.nextInt(100_000);
                how.append("; length prefix ").append(declared).append(" for ").append(body.length).append(" bytes");
                break;
        }
        return ByteBuffer.allocate(4 + body.length).putInt((int) declared).put(body).array();
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
        return new Out().head(5, 2).text("positions").tag(85).bytes(pb.array()).text("indices").tag(70).bytes(ib.array()).bytes();
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }
}
