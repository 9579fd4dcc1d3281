package io.meshport.listener.impl;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;

import io.meshport.listener.impl.FuzzFrames.Msg;

/**
 * The fuzz test's CBOR items: bodies of the codecs bytes and mesh (small meshes in every encoding the
 * protocol allows, sometimes wrong in their content), any item nested a few levels, and the odd values
 * mutations put in a request's fields (a value of each type, deep nesting, huge texts, chunked texts).
 * It draws from the run's one random source, in the order the frames ask, so that a seed replays a run.
 */
final class FuzzItems {
    final Random rng;
    private final long maxFrameBytes;

    /**
     * @param rng the fuzz run's random source, shared with the frames and mutations drawn around these
     * @param maxFrameBytes the host's limit
     */
    FuzzItems(Random rng, long maxFrameBytes) {
        this.rng = rng;
        this.maxFrameBytes = maxFrameBytes;
    }

    boolean chance(double p) {
        return rng.nextDouble() < p;
    }

    <T> T pick(T[] a) {
        return a[rng.nextInt(a.length)];
    }

    // ------------------------------------------------------------------------------------ bodies

    byte[] bytesBody() {
        byte[] b = new byte[rng.nextInt(chance(0.1) ? 70_000 : 200)];
        rng.nextBytes(b);
        CborOut o = new CborOut();
        if (chance(0.2)) {
            o.tag(64);
        }
        return o.bytes(b).bytes();
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
            CborOut a = new CborOut().head(5, chance(0.5) ? 1 : 2);
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

    byte[] floats(float[] v) {
        switch (rng.nextInt(5)) {
            case 0:
                return typed(85, v, true);
            case 1:
                return typed(81, v, false);
            case 2: {
                CborOut o = new CborOut();
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
                return new CborOut().tag(86).bytes(b.array()).bytes();
            }
            default: {
                CborOut o = new CborOut().head(4, v.length);
                for (float f : v) {
                    o.uint(Math.abs((int) f));
                }
                return o.bytes();
            }
        }
    }

    static byte[] typed(int tag, float[] v, boolean little) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(little ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        return new CborOut().tag(tag).bytes(b.array()).bytes();
    }

    byte[] ints(int[] v) {
        switch (rng.nextInt(3)) {
            case 0: {
                ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
                for (int i : v) {
                    b.putInt(i);
                }
                return new CborOut().tag(chance(0.5) ? 70 : 78).bytes(b.array()).bytes();
            }
            case 1: {
                ByteBuffer b = ByteBuffer.allocate(2 * v.length).order(ByteOrder.BIG_ENDIAN);
                for (int i : v) {
                    b.putShort((short) i);
                }
                // chunked: two chunks of an indefinite-length byte string under tag 65 (uint16 BE)
                byte[] all = b.array();
                int cut = all.length == 0 ? 0 : rng.nextInt(all.length + 1);
                CborOut o = new CborOut().tag(65).indefinite(2);
                o.bytes(Arrays.copyOfRange(all, 0, cut)).bytes(Arrays.copyOfRange(all, cut, all.length));
                return o.brk().bytes();
            }
            default: {
                CborOut o = new CborOut().head(4, v.length);
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
        CborOut o = new CborOut();
        anyItem(o, depth);
        return o.bytes();
    }

    private void anyItem(CborOut o, int depth) {
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

    byte[] anyMap(int depth) {
        CborOut o = new CborOut();
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

    // ------------------------------------------------------------------------------------ for mutations

    /** A value of each CBOR type, for "wrong type" mutations. */
    byte[] wrongValue() {
        switch (rng.nextInt(13)) {
            case 0: return FuzzCbor.uint(rng.nextInt(1 << 30));
            case 1: return new CborOut().negint(-1 - rng.nextInt(10)).bytes();
            case 2: return new CborOut().f64(rng.nextBoolean() ? 1.5 : Double.NaN).bytes();
            case 3: return new CborOut().f64(3.0).bytes();
            case 4: return FuzzCbor.text(randomText(1 + rng.nextInt(8)));
            case 5: return new CborOut().bytes(new byte[] {1, 2, 3}).bytes();
            case 6: return new CborOut().head(4, 1).uint(1).bytes();
            case 7: return new CborOut().head(5, 1).text("k").uint(1).bytes();
            case 8: return new CborOut().tag(1000).text("x").bytes();
            case 9: return new CborOut().bool(rng.nextBoolean()).bytes();
            case 10: return new CborOut().nil().bytes();
            case 11: return new CborOut().undefined().bytes();
            default: return new CborOut().head(0, -1L, 8).bytes(); // 2^64 - 1
        }
    }

    /** @return {@code depth} nested containers or tags around an integer */
    byte[] deep(int depth) {
        CborOut o = new CborOut();
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

    String huge() {
        int n = chance(0.6) ? 2_000 + rng.nextInt(20_000) : 100_000 + rng.nextInt((int) Math.min(1_000_000, maxFrameBytes / 4));
        char c = (char) ('a' + rng.nextInt(26));
        StringBuilder b = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            b.append(i % 97 == 0 ? (char) ('a' + rng.nextInt(26)) : c);
        }
        return b.toString();
    }

    byte[] chunked(byte[] textItem) {
        try {
            Object v = FuzzCbor.decodeWhole(textItem, 0, textItem.length, false);
            String s = (String) v;
            CborOut o = new CborOut().indefinite(3);
            int cut = s.isEmpty() ? 0 : rng.nextInt(s.length() + 1);
            o.text(s.substring(0, cut)).text(s.substring(cut));
            return o.brk().bytes();
        } catch (FuzzCbor.Malformed | ClassCastException e) {
            return textItem;
        }
    }
}
