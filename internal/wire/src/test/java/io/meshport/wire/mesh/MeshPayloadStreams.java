package io.meshport.wire.mesh;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import io.meshport.mesh.Attribute;
import io.meshport.mesh.AttributeOwner;
import io.meshport.mesh.Mesh;
import io.meshport.wire.Cbor;
import io.meshport.wire.CborFormatException;
import io.meshport.wire.CborWriter;

/** What the tests of {@link MeshPayloadStream} feed it and check it with. */
final class MeshPayloadStreams {
    static final byte[] PLACEHOLDER_TAG = {(byte) 0xda, 0x4d, 0x50, 0x53, 0x54};

    private MeshPayloadStreams() {
    }

    static byte[] concat(List<ByteBuffer> parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (ByteBuffer b : parts) {
            byte[] a = new byte[b.remaining()];
            b.duplicate().get(a);
            o.write(a, 0, a.length);
        }
        return o.toByteArray();
    }

    static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return b;
    }

    static byte[] join(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            o.write(p, 0, p.length);
        }
        return o.toByteArray();
    }

    /** Little-endian content of the given 32-bit patterns. */
    static byte[] le(int... bits) {
        ByteBuffer b = ByteBuffer.allocate(4 * bits.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asIntBuffer().put(bits);
        return b.array();
    }

    static byte[] randomContent(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    /** Feeds the payload from inside a larger array, in the given piece lengths, checking the counters. */
    static MeshPayloadStream feed(byte[] payload, int minStreamed, int[] pieces) {
        byte[] framed = MeshPayloads.padded(payload, 3, 2);
        MeshPayloadStream s = new MeshPayloadStream(payload.length, minStreamed);
        int p = 0;
        for (int n : pieces) {
            assertFalse(s.exact(), "exact before the end");
            s.accept(framed, 3 + p, n);
            p += n;
            assertEquals(p, s.received());
        }
        assertEquals(payload.length, p);
        assertTrue(s.isComplete());
        return s;
    }

    /** Pieces of 1 byte, a few bytes, a few KB or up to 100 KB, mixed. */
    static int[] randomPieces(Random r, int length) {
        List<Integer> out = new ArrayList<>();
        for (int p = 0; p < length; ) {
            int n;
            switch (r.nextInt(4)) {
                case 0: n = 1; break;
                case 1: n = 1 + r.nextInt(16); break;
                case 2: n = 1 + r.nextInt(4096); break;
                default: n = 1 + r.nextInt(100_000);
            }
            n = Math.min(n, length - p);
            out.add(n);
            p += n;
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    static int[] bytewise(int length) {
        int[] out = new int[length];
        Arrays.fill(out, 1);
        return out;
    }

    /** 1-byte pieces through the given zones (where the headers are), random pieces up to 100 KB between. */
    static int[] bytewiseIn(Random r, int length, List<int[]> zones) {
        List<Integer> out = new ArrayList<>();
        int p = 0;
        for (int[] z : zones) {
            while (p < z[0]) {
                int n = Math.min(1 + r.nextInt(100_000), z[0] - p);
                out.add(n);
                p += n;
            }
            for (; p < Math.min(z[1], length); p++) {
                out.add(1);
            }
        }
        if (p < length) {
            out.add(length - p);
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Every piecing of a payload the tests try: whole, byte by byte, random (several seeds). */
    static List<int[]> piecings(byte[] payload, long seed) {
        List<int[]> out = new ArrayList<>();
        out.add(new int[] {payload.length});
        out.add(bytewise(payload.length));
        Random r = new Random(seed);
        for (int i = 0; i < 4; i++) {
            out.add(randomPieces(r, payload.length));
        }
        return out;
    }

    static int occurrences(byte[] hay, byte[] needle) {
        int n = 0;
        for (int i = 0; i + needle.length <= hay.length; i++) {
            if (Arrays.equals(hay, i, i + needle.length, needle, 0, needle.length)) {
                n++;
            }
        }
        return n;
    }

    /** What every fed stream must give, exact or not. */
    static void assertReconstructs(byte[] payload, MeshPayloadStream s) {
        assertArrayEquals(payload, s.reconstruct());
        long arrays = 0;
        for (int k = 0; k < s.streamedCount(); k++) {
            Object a = s.streamedArray(k);
            arrays += 4L * (a instanceof float[] f ? f.length : ((int[]) a).length);
        }
        assertEquals(s.skeleton().length + arrays, s.heldBytes());
    }

    static void assertWellFormedSkeleton(MeshPayloadStream s) throws CborFormatException {
        byte[] skel = s.skeleton();
        assertEquals(skel.length, Cbor.skip(skel, 0, skel.length));
        assertEquals(s.streamedCount(), occurrences(skel, PLACEHOLDER_TAG));
    }

    // ------------------------------------------------------------------ real payloads

    static Mesh bigMesh(Random r, boolean pointCloud) {
        int points = 100_000;
        float[] xyz = new float[3 * points];
        float[] cd = new float[3 * points];
        int[] ids = new int[points];
        for (int i = 0; i < xyz.length; i++) {
            xyz[i] = (float) r.nextGaussian() * 100;
            cd[i] = r.nextFloat();
        }
        for (int i = 0; i < points; i++) {
            ids[i] = r.nextInt();
        }
        Mesh.Builder b = Mesh.builder().positions(xyz)
                .attribute(Attribute.ofFloats("Cd", AttributeOwner.POINT, 3, cd))
                .attribute(Attribute.ofInts("id", AttributeOwner.POINT, 1, ids))
                .attribute(Attribute.ofStrings("label", AttributeOwner.DETAIL, 1, new String[] {"scan"}))
                .name(pointCloud ? "cloud" : "surface")
                .meta(new CborWriter().mapHeader(1).text("units").text("cm").toByteArray());
        if (!pointCloud) {
            int[] idx = new int[3 * 60_000];
            for (int i = 0; i < idx.length; i++) {
                idx[i] = r.nextInt(points);
            }
            b.indices(idx);
        }
        return b.build();
    }

    /** The mesh's typed arrays in payload order: positions, indices, then float and int attributes. */
    static List<Object> typedArrays(Mesh m) {
        List<Object> out = new ArrayList<>();
        out.add(m.positions(new float[3 * m.pointCount()]));
        if (!m.isPointCloud()) {
            int[] idx = new int[m.vertexCount()];
            m.indices().get(idx);
            out.add(idx);
        }
        for (Attribute a : m.attributes().values()) {
            switch (a.storage()) {
                case FLOAT: {
                    float[] d = new float[a.elementCount()];
                    a.floats().get(d);
                    out.add(d);
                    break;
                }
                case INT: {
                    int[] d = new int[a.elementCount()];
                    a.ints().get(d);
                    out.add(d);
                    break;
                }
                default:
            }
        }
        return out;
    }

    static void assertStreamsMesh(Mesh mesh, List<ByteBuffer> parts, int[] pieces, int minStreamed)
            throws CborFormatException {
        byte[] payload = concat(parts);
        MeshPayloadStream s = feed(payload, minStreamed, pieces);
        assertTrue(s.exact());
        assertReconstructs(payload, s);
        List<Object> expected = typedArrays(mesh);
        assertEquals(expected.size(), s.streamedCount());
        for (int k = 0; k < expected.size(); k++) {
            Object e = expected.get(k);
            if (e instanceof float[] f) {
                assertEquals(TypedArray.TAG_FLOAT32_LE, s.streamedTag(k));
                assertArrayEquals(f, (float[]) s.streamedArray(k), "array " + k);
            } else {
                assertTrue(s.streamedTag(k) == TypedArray.TAG_UINT32_LE || s.streamedTag(k) == TypedArray.TAG_SINT32_LE);
                assertArrayEquals((int[]) e, (int[]) s.streamedArray(k), "array " + k);
            }
        }
        assertWellFormedSkeleton(s);
        assertTrue(s.skeleton().length < payload.length / 1000, "skeleton of " + s.skeleton().length + " bytes");
    }
}
