package io.meshport.wire.mesh;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import io.meshport.mesh.Attribute;
import io.meshport.mesh.AttributeOwner;
import io.meshport.mesh.Mesh;

/**
 * Random meshes and random encodings of them, written byte by byte here (not with the product's
 * writer): every integer width, minimal or not, both signs; half, single and double floats wherever
 * they hold the value exactly; plain arrays definite or indefinite, typed arrays of every tag that
 * holds the values, in either byte order, whole or in chunks; keys in any order; attributes of every
 * owner and storage, with and without {@code type}; unknown keys. {@link #mutate} breaks a payload
 * on purpose, in its values or in its bytes.
 */
final class RandomMeshPayloads {
    /** A mesh and one encoding of it; {@code mesh} is null when the values were broken on purpose. */
    record Sample(Mesh mesh, byte[] payload, String how) { }

    private final Random r;

    RandomMeshPayloads(Random r) {
        this.r = r;
    }

        private double quarter(int range) {
        return (r.nextInt(8 * range + 1) - 4 * range) / 4.0;
    }

    /** A float32 value: mostly quarters (exact in half floats), sometimes any float. */
    private float anyFloat() {
        switch (r.nextInt(6)) {
            case 0: return (float) (r.nextGaussian() * 1000);
            case 1: return Float.intBitsToFloat(r.nextInt() & 0x7f7fffff); // any finite positive float
            case 2: return r.nextInt(3) - 1;
            default: return (float) quarter(64);
        }
    }

    // ------------------------------------------------------------------ a random mesh

    Sample next() {
        int points = r.nextInt(12) == 0 ? 0 : 1 + r.nextInt(24);
        float[] xyz = new float[3 * points];
        for (int i = 0; i < xyz.length; i++) {
            xyz[i] = anyFloat();
        }
        int[] faceCounts = null;
        int[] indices = null;
        if (points > 0 && r.nextInt(4) != 0) {
            int faces = r.nextInt(8);
            boolean polygons = r.nextBoolean();
            List<Integer> counts = new ArrayList<>();
            for (int f = 0; f < faces; f++) {
                counts.add(polygons ? 3 + r.nextInt(3) : 3);
            }
            int vertices = counts.stream().mapToInt(Integer::intValue).sum();
            indices = new int[vertices];
            for (int v = 0; v < vertices; v++) {
                indices[v] = r.nextInt(points);
            }
            if (polygons) {
                faceCounts = counts.stream().mapToInt(Integer::intValue).toArray();
            }
        }
        Mesh.Builder b = Mesh.builder().positions(xyz).indices(indices).faceCounts(faceCounts);
        if (r.nextInt(3) == 0) {
            b.name(r.nextBoolean() ? "scan " + r.nextInt(100) : "überfläche ✓");
        }
        if (r.nextInt(4) == 0) {
            ByteArrayOutputStream meta = new ByteArrayOutputStream();
            CborBytes.head(meta, 5, 2);
            CborBytes.text(meta, "units");
            CborBytes.text(meta, "cm");
            CborBytes.text(meta, "tags");
            CborBytes.head(meta, 6, 1234);
            CborBytes.head(meta, 4, 2);
            CborBytes.integer(meta, -1, 0);
            meta.write(0xf9);
            meta.write(0x3c);
            meta.write(0x00);
            b.meta(meta.toByteArray());
        }
        int vertexCount = indices == null ? 0 : indices.length;
        int faceCount = indices == null ? 0 : faceCounts != null ? faceCounts.length : indices.length / 3;
        int attributes = r.nextInt(4);
        for (int a = 0; a < attributes; a++) {
            AttributeOwner owner = AttributeOwner.values()[r.nextInt(4)];
            int count = owner == AttributeOwner.POINT ? points : owner == AttributeOwner.VERTEX ? vertexCount
                    : owner == AttributeOwner.FACE ? faceCount : 1;
            int size = 1 + r.nextInt(r.nextInt(8) == 0 ? 16 : 3);
            String name = "a" + a;
            switch (r.nextInt(3)) {
                case 0: {
                    float[] d = new float[count * size];
                    for (int i = 0; i < d.length; i++) {
                        d[i] = r.nextInt(20) == 0 ? Float.NaN : anyFloat();
                    }
                    b.attribute(Attribute.ofFloats(name, owner, size, d));
                    break;
                }
                case 1: {
                    int[] d = new int[count * size];
                    for (int i = 0; i < d.length; i++) {
                        d[i] = r.nextInt(5) == 0 ? r.nextInt() : r.nextInt(200) - 100;
                    }
                    b.attribute(Attribute.ofInts(name, owner, size, d));
                    break;
                }
                default: {
                    String[] d = new String[count * size];
                    for (int i = 0; i < d.length; i++) {
                        d[i] = r.nextInt(6) == 0 ? "" : r.nextInt(6) == 0 ? "grün" : "s" + r.nextInt(50);
                    }
                    b.attribute(Attribute.ofStrings(name, owner, size, d));
                }
            }
        }
        Mesh mesh = b.build();
        StringBuilder how = new StringBuilder();
        return new Sample(mesh, encode(mesh, how), how.toString());
    }

    // ------------------------------------------------------------------ encoding a mesh

    private byte[] encode(Mesh m, StringBuilder how) {
        List<byte[]> fields = new ArrayList<>();
        float[] xyz = m.positions(new float[3 * m.pointCount()]);
        fields.add(field("positions", floats(xyz, false, how)));
        if (!m.isPointCloud()) {
            int[] idx = new int[m.vertexCount()];
            m.indices().get(idx);
            fields.add(field("indices", ints(idx, how)));
            if (m.faceCounts() != null) {
                int[] fc = new int[m.faceCount()];
                m.faceCounts().get(fc);
                fields.add(field("faceCounts", ints(fc, how)));
            } else if (r.nextInt(4) == 0) {
                fields.add(field("faceCounts", new byte[] {(byte) 0xf6})); // null: absent
            }
        }
        if (m.name() != null) {
            ByteArrayOutputStream o = new ByteArrayOutputStream();
            CborBytes.text(o, m.name());
            fields.add(field("name", o.toByteArray()));
        }
        if (m.meta() != null) {
            byte[] meta = new byte[m.meta().remaining()];
            m.meta().duplicate().get(meta);
            fields.add(field("meta", meta));
        }
        if (!m.attributes().isEmpty()) {
            ByteArrayOutputStream o = new ByteArrayOutputStream();
            boolean indefinite = r.nextInt(4) == 0;
            header(o, 5, m.attributes().size(), indefinite);
            for (String n : m.attributes().keySet()) {
                CborBytes.text(o, n);
                CborBytes.write(o, attribute(m.attribute(n), how));
            }
            if (indefinite) {
                o.write(0xff);
            }
            fields.add(field("attributes", o.toByteArray()));
        }
        if (r.nextInt(5) == 0) {
            ByteArrayOutputStream o = new ByteArrayOutputStream();
            CborBytes.head(o, 4, 2);
            CborBytes.text(o, "future");
            o.write(0xf5);
            fields.add(field("x-unknown", o.toByteArray()));
        }
        Collections.shuffle(fields, r);
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        if (r.nextInt(10) == 0) {
            CborBytes.head(o, 6, 55799);
            how.append("self-described ");
        }
        boolean indefinite = r.nextInt(4) == 0;
        header(o, 5, fields.size(), indefinite);
        for (byte[] f : fields) {
            CborBytes.write(o, f);
        }
        if (indefinite) {
            o.write(0xff);
        }
        return o.toByteArray();
    }

    private byte[] attribute(Attribute a, StringBuilder how) {
        List<byte[]> fields = new ArrayList<>();
        ByteArrayOutputStream v = new ByteArrayOutputStream();
        CborBytes.text(v, a.owner().name().toLowerCase(java.util.Locale.ROOT));
        fields.add(field("owner", v.toByteArray()));
        v = new ByteArrayOutputStream();
        if (r.nextInt(5) == 0) {
            CborBytes.float32(v, a.size());
        } else {
            CborBytes.integer(v, a.size(), r.nextInt(4));
        }
        fields.add(field("size", v.toByteArray()));
        boolean typed = r.nextBoolean();
        switch (a.storage()) {
            case FLOAT: {
                float[] d = new float[a.elementCount()];
                a.floats().get(d);
                // Without a type, a float element (or a float typed array) must say it is float storage.
                fields.add(field("data", floats(d, !typed, how)));
                break;
            }
            case INT: {
                int[] d = new int[a.elementCount()];
                a.ints().get(d);
                fields.add(field("data", typed ? ints(d, how) : intsAsIntegers(d, how)));
                break;
            }
            default: {
                v = new ByteArrayOutputStream();
                String[] s = new String[a.elementCount()];
                for (int i = 0; i < s.length; i++) {
                    s[i] = a.getString(i / a.size(), i % a.size());
                }
                boolean indefinite = r.nextBoolean();
                header(v, 4, s.length, indefinite);
                for (String x : s) {
                    CborBytes.text(v, x);
                }
                if (indefinite) {
                    v.write(0xff);
                }
                // An empty array without a type would be an int attribute: text needs its type then.
                typed |= s.length == 0;
                fields.add(field("data", v.toByteArray()));
            }
        }
        if (typed) {
            v = new ByteArrayOutputStream();
            CborBytes.text(v, a.storage().name().toLowerCase(java.util.Locale.ROOT));
            fields.add(field("type", v.toByteArray()));
        }
        Collections.shuffle(fields, r);
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        header(o, 5, fields.size(), false);
        for (byte[] f : fields) {
            CborBytes.write(o, f);
        }
        return o.toByteArray();
    }

    /**
     * A float array: plain (each element in an encoding that holds it exactly) or typed (a tag that
     * holds every element exactly).
     *
     * @param mustSayFloat true when the encoding must show float storage by itself (an untyped attribute)
     */
    byte[] floats(float[] values, boolean mustSayFloat, StringBuilder how) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        if (r.nextBoolean()) {
            List<TypedArray> fit = new ArrayList<>();
            for (TypedArray t : TypedArray.values()) {
                if ((t.floating() || !mustSayFloat) && CborBytes.holdsAll(t, values)) {
                    fit.add(t);
                }
            }
            TypedArray t = fit.get(r.nextInt(fit.size()));
            how.append("typed ").append(t.describe()).append(' ');
            typed(o, t, values);
            return o.toByteArray();
        }
        boolean indefinite = r.nextInt(3) == 0;
        header(o, 4, values.length, indefinite);
        int forcedFloat = mustSayFloat && values.length > 0 ? r.nextInt(values.length) : -1;
        if (mustSayFloat && values.length == 0) {
            o.reset();
            typed(o, TypedArray.FLOAT32_LE, values); // an empty plain array says nothing
            return o.toByteArray();
        }
        for (int i = 0; i < values.length; i++) {
            number(o, values[i], i != forcedFloat);
        }
        if (indefinite) {
            o.write(0xff);
        }
        return o.toByteArray();
    }

    /** An int array: plain integers of any width, integral floats, or any typed array that holds them. */
    byte[] ints(int[] values, StringBuilder how) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        float[] asFloats = new float[values.length];
        boolean floatsExact = true;
        for (int i = 0; i < values.length; i++) {
            asFloats[i] = values[i];
            floatsExact &= (int) asFloats[i] == values[i];
        }
        if (r.nextBoolean()) {
            List<TypedArray> fit = new ArrayList<>();
            for (TypedArray t : TypedArray.values()) {
                if (floatsExact && CborBytes.holdsAll(t, asFloats) || !t.floating() && CborBytes.holdsAllInts(t, values)) {
                    fit.add(t);
                }
            }
            TypedArray t = fit.get(r.nextInt(fit.size()));
            how.append("typed ").append(t.describe()).append(' ');
            if (t.floating()) {
                typed(o, t, asFloats);
            } else {
                typedInts(o, t, values);
            }
            return o.toByteArray();
        }
        boolean indefinite = r.nextInt(3) == 0;
        header(o, 4, values.length, indefinite);
        for (int v : values) {
            if (r.nextInt(8) == 0 && (int) (float) v == v) {
                number(o, v, false); // an integral float
            } else {
                CborBytes.integer(o, v, r.nextInt(5));
            }
        }
        if (indefinite) {
            o.write(0xff);
        }
        return o.toByteArray();
    }

    /** Ints as plain CBOR integers only, or an integer typed array (an untyped int attribute). */
    private byte[] intsAsIntegers(int[] values, StringBuilder how) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        if (r.nextBoolean()) {
            List<TypedArray> fit = new ArrayList<>();
            for (TypedArray t : TypedArray.values()) {
                if (!t.floating() && CborBytes.holdsAllInts(t, values)) {
                    fit.add(t);
                }
            }
            TypedArray t = fit.get(r.nextInt(fit.size()));
            how.append("typed ").append(t.describe()).append(' ');
            typedInts(o, t, values);
            return o.toByteArray();
        }
        header(o, 4, values.length, false);
        for (int v : values) {
            CborBytes.integer(o, v, r.nextInt(5));
        }
        return o.toByteArray();
    }

    // ------------------------------------------------------------------ numbers

    /**
     * One number: as an integer (when integral and allowed) or as a half, single or double float,
     * whichever of them holds it exactly.
     */
    void number(ByteArrayOutputStream o, float v, boolean integerAllowed) {
        List<Integer> ways = new ArrayList<>();
        if (integerAllowed && v == Math.rint(v) && Math.abs(v) < 0x1p63 && !(v == 0 && 1 / v < 0)) {
            ways.add(0);
        }
        ways.add(2);
        ways.add(3);
        if (Float.isNaN(v) || CborBytes.halfBits(v) >= 0) {
            ways.add(1);
        }
        switch (ways.get(r.nextInt(ways.size()))) {
            case 0:
                CborBytes.integer(o, (long) v, r.nextInt(5));
                break;
            case 1:
                int h = Float.isNaN(v) ? 0x7e00 : CborBytes.halfBits(v);
                o.write(0xf9);
                o.write(h >>> 8);
                o.write(h);
                break;
            case 2:
                CborBytes.float32(o, v);
                break;
            default:
                long bits = Double.doubleToRawLongBits(v);
                o.write(0xfb);
                for (int i = 7; i >= 0; i--) {
                    o.write((int) (bits >>> (8 * i)));
                }
        }
    }

    /** An array or map header: indefinite, or definite with a head of random width. */
    private void header(ByteArrayOutputStream o, int major, int count, boolean indefinite) {
        if (indefinite) {
            o.write((major << 5) | 31);
        } else if (r.nextInt(6) == 0) {
            o.write((major << 5) | 27); // a count in eight bytes
            for (int i = 7; i >= 0; i--) {
                o.write((int) ((long) count >>> (8 * i)));
            }
        } else {
            CborBytes.head(o, major, count);
        }
    }

    private byte[] field(String key, byte[] value) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        CborBytes.text(o, key);
        CborBytes.write(o, value);
        return o.toByteArray();
    }

    // ------------------------------------------------------------------ typed arrays

    private void typed(ByteArrayOutputStream o, TypedArray t, float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * t.elementSize()).order(t.order());
        for (float v : values) {
            if (!t.floating()) {
                CborBytes.putInt(b, t, new java.math.BigDecimal(v).toBigInteger().longValue()); // a uint64 above 2^63 keeps its bits
            } else if (t.elementSize() == 2) {
                b.putShort((short) (Float.isNaN(v) ? 0x7e00 : CborBytes.halfBits(v)));
            } else if (t.elementSize() == 4) {
                b.putFloat(v);
            } else {
                b.putDouble(v);
            }
        }
        typedBytes(o, t, b.array());
    }

    private void typedInts(ByteArrayOutputStream o, TypedArray t, int[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * t.elementSize()).order(t.order());
        for (int v : values) {
            CborBytes.putInt(b, t, v);
        }
        typedBytes(o, t, b.array());
    }

    /** The tag, then the bytes as one byte string or in chunks split anywhere (elements too). */
    private void typedBytes(ByteArrayOutputStream o, TypedArray t, byte[] bytes) {
        CborBytes.head(o, 6, t.tag());
        if (r.nextInt(4) != 0) {
            CborBytes.head(o, 2, bytes.length);
            o.write(bytes, 0, bytes.length);
            return;
        }
        o.write(0x5f);
        int p = 0;
        while (p < bytes.length) {
            int n = Math.min(bytes.length - p, 1 + r.nextInt(7));
            CborBytes.head(o, 2, n);
            o.write(bytes, p, n);
            p += n;
        }
        if (r.nextBoolean()) {
            o.write(0x40); // an empty chunk
        }
        o.write(0xff);
    }

    // ------------------------------------------------------------------ breaking payloads

    /** A payload broken on purpose: bytes flipped, cut, or headers swapped for others of interest. */
    byte[] mutate(byte[] payload) {
        byte[] p = payload.clone();
        if (p.length == 0) {
            return p;
        }
        switch (r.nextInt(5)) {
            case 0:
                p[r.nextInt(p.length)] = (byte) r.nextInt(256);
                return p;
            case 1:
                return java.util.Arrays.copyOf(p, r.nextInt(p.length));
            case 2:
                p[r.nextInt(p.length)] = (byte) new int[] {0x18, 0x19, 0x1a, 0x1b, 0x38, 0x3a, 0x3b, 0x5f, 0x7f, 0x9f, 0xbf, 0xf9,
                    0xfa, 0xfb, 0xff, 0xd8, 0xc1, 0xf4, 0xf6, 0xf7, 0xf0, 0x1c, 0x60, 0x40, 0x80, 0xa0}[r.nextInt(26)];
                return p;
            case 3: { // an integer head made wider or narrower in place: values and counts change
                int i = r.nextInt(p.length);
                if ((p[i] & 0xc0) == 0 && (p[i] & 0x1f) >= 24 && (p[i] & 0x1f) <= 27) {
                    p[i] = (byte) ((p[i] & 0xe0) | (24 + r.nextInt(4)));
                } else {
                    p[i] ^= (byte) (1 << r.nextInt(8));
                }
                return p;
            }
            default:
                p[r.nextInt(p.length)] ^= (byte) (1 << r.nextInt(8));
                p[r.nextInt(p.length)] ^= (byte) (1 << r.nextInt(8));
                return p;
        }
    }
}
