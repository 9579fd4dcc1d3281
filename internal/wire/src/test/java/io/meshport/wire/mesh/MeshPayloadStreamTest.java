package io.meshport.wire.mesh;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.meshport.mesh.Attribute;
import io.meshport.mesh.AttributeOwner;
import io.meshport.mesh.Mesh;
import io.meshport.wire.Cbor;
import io.meshport.wire.CborFormatException;
import io.meshport.wire.CborWriter;

/**
 * The payload taken in pieces must come back bit for bit from {@link MeshPayloadStream#reconstruct()},
 * whatever the pieces and whatever the bytes; its streamed arrays must hold the typed arrays' values and
 * its skeleton must stand for the rest.
 */
class MeshPayloadStreamTest {
    private static final byte[] PLACEHOLDER_TAG = {(byte) 0xda, 0x4d, 0x50, 0x53, 0x54};

    // ------------------------------------------------------------------ helpers

    private static byte[] concat(List<ByteBuffer> parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (ByteBuffer b : parts) {
            byte[] a = new byte[b.remaining()];
            b.duplicate().get(a);
            o.write(a, 0, a.length);
        }
        return o.toByteArray();
    }

    private static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return b;
    }

    private static byte[] join(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            o.write(p, 0, p.length);
        }
        return o.toByteArray();
    }

    /** Little-endian content of the given 32-bit patterns. */
    private static byte[] le(int... bits) {
        ByteBuffer b = ByteBuffer.allocate(4 * bits.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asIntBuffer().put(bits);
        return b.array();
    }

    private static byte[] randomContent(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    /** Feeds the payload from inside a larger array, in the given piece lengths, checking the counters. */
    private static MeshPayloadStream feed(byte[] payload, int minStreamed, int[] pieces) {
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
    private static int[] randomPieces(Random r, int length) {
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

    private static int[] bytewise(int length) {
        int[] out = new int[length];
        Arrays.fill(out, 1);
        return out;
    }

    /** 1-byte pieces through the given zones (where the headers are), random pieces up to 100 KB between. */
    private static int[] bytewiseIn(Random r, int length, List<int[]> zones) {
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
    private static List<int[]> piecings(byte[] payload, long seed) {
        List<int[]> out = new ArrayList<>();
        out.add(new int[] {payload.length});
        out.add(bytewise(payload.length));
        Random r = new Random(seed);
        for (int i = 0; i < 4; i++) {
            out.add(randomPieces(r, payload.length));
        }
        return out;
    }

    private static int occurrences(byte[] hay, byte[] needle) {
        int n = 0;
        for (int i = 0; i + needle.length <= hay.length; i++) {
            if (Arrays.equals(hay, i, i + needle.length, needle, 0, needle.length)) {
                n++;
            }
        }
        return n;
    }

    /** What every fed stream must give, exact or not. */
    private static void assertReconstructs(byte[] payload, MeshPayloadStream s) {
        assertArrayEquals(payload, s.reconstruct());
        long arrays = 0;
        for (int k = 0; k < s.streamedCount(); k++) {
            Object a = s.streamedArray(k);
            arrays += 4L * (a instanceof float[] f ? f.length : ((int[]) a).length);
        }
        assertEquals(s.skeleton().length + arrays, s.heldBytes());
    }

    private static void assertWellFormedSkeleton(MeshPayloadStream s) throws CborFormatException {
        byte[] skel = s.skeleton();
        assertEquals(skel.length, Cbor.skip(skel, 0, skel.length));
        assertEquals(s.streamedCount(), occurrences(skel, PLACEHOLDER_TAG));
    }

    // ------------------------------------------------------------------ real payloads

    private static Mesh bigMesh(Random r, boolean pointCloud) {
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
    private static List<Object> typedArrays(Mesh m) {
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

    private static void assertStreamsMesh(Mesh mesh, List<ByteBuffer> parts, int[] pieces, int minStreamed)
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

    @Test
    void realMeshPayloadsInRandomPiecesStreamEveryLargeArray() throws CborFormatException {
        for (boolean cloud : new boolean[] {false, true}) {
            for (long seed = 1; seed <= 3; seed++) {
                Random r = new Random(seed);
                Mesh mesh = bigMesh(r, cloud);
                List<ByteBuffer> parts = MeshCborWriter.encode(mesh, -1, true);
                int length = (int) MeshCborWriter.length(parts);
                assertStreamsMesh(mesh, parts, randomPieces(r, length), 64);
                // Byte by byte through every small part (where the headers are) and 4 bytes around it.
                List<int[]> zones = new ArrayList<>();
                int at = 0;
                for (ByteBuffer b : parts) {
                    if (b.remaining() < 1024) {
                        zones.add(new int[] {Math.max(0, at - 4), at + b.remaining() + 4});
                    }
                    at += b.remaining();
                }
                zones.sort((x, y) -> Integer.compare(x[0], y[0]));
                assertStreamsMesh(mesh, parts, bytewiseIn(r, length, zones), 64);
                assertStreamsMesh(mesh, parts, new int[] {length}, MeshPayloadStream.MIN_STREAMED_BYTES);
            }
        }
    }

    @Test
    void indicesAreStreamedAsUint32() {
        Mesh mesh = bigMesh(new Random(9), false);
        byte[] payload = concat(MeshCborWriter.encode(mesh, -1, true));
        MeshPayloadStream s = feed(payload, MeshPayloadStream.MIN_STREAMED_BYTES, new int[] {payload.length});
        assertEquals(TypedArray.TAG_FLOAT32_LE, s.streamedTag(0));
        assertEquals(TypedArray.TAG_UINT32_LE, s.streamedTag(1));
        assertEquals(TypedArray.TAG_FLOAT32_LE, s.streamedTag(2));
        assertEquals(TypedArray.TAG_SINT32_LE, s.streamedTag(3));
    }

    @Test
    void theDefaultThresholdStreamsFrom64KiB() {
        Random r = new Random(4);
        int min = MeshPayloadStream.MIN_STREAMED_BYTES;
        byte[] payload = join(bytes(0x82),
                new CborWriter().tag(85).bytes(randomContent(r, min - 4)).toByteArray(),
                new CborWriter().tag(85).bytes(randomContent(r, min)).toByteArray());
        MeshPayloadStream s = new MeshPayloadStream(payload.length);
        s.accept(payload, 0, payload.length);
        assertEquals(1, s.streamedCount());
        assertEquals(min / 4, ((float[]) s.streamedArray(0)).length);
        assertArrayEquals(payload, s.reconstruct());
    }

    @Test
    void randomEncodingsRoundTripAndStreamTheirLittleEndianArrays() throws CborFormatException {
        RandomMeshPayloads gen = new RandomMeshPayloads(new Random(11));
        Random r = new Random(12);
        int streamedAny = 0;
        for (int round = 0; round < 400; round++) {
            byte[] payload = gen.next().payload();
            int[] pieces = round % 2 == 0 ? bytewise(payload.length) : randomPieces(r, payload.length);
            MeshPayloadStream s = feed(payload, 4, pieces);
            assertTrue(s.exact(), "round " + round);
            assertReconstructs(payload, s);
            assertWellFormedSkeleton(s);
            streamedAny += s.streamedCount();
        }
        assertTrue(streamedAny > 50, "streamed " + streamedAny);
    }

    @Test
    void brokenPayloadsNeverThrowAndReconstruct() {
        RandomMeshPayloads gen = new RandomMeshPayloads(new Random(21));
        Random r = new Random(22);
        for (int round = 0; round < 600; round++) {
            byte[] payload = gen.mutate(gen.next().payload());
            if (payload.length == 0) {
                continue;
            }
            int[] pieces = round % 2 == 0 ? bytewise(payload.length) : randomPieces(r, payload.length);
            MeshPayloadStream s = assertDoesNotThrow(() -> feed(payload, 4, pieces), "round " + round);
            assertReconstructs(payload, s);
        }
    }

    // ------------------------------------------------------------------ hand-built payloads

    @Test
    void nonShortestHeadersComeBackAsSent() throws CborFormatException {
        Random r = new Random(31);
        byte[] a = randomContent(r, 256);
        byte[] b = randomContent(r, 256);
        byte[] c = randomContent(r, 256);
        byte[] d = randomContent(r, 64);
        byte[] payload = join(bytes(0xa4),
                bytes(0x61, 'a', 0xd9, 0x00, 0x55, 0x5b, 0, 0, 0, 0, 0, 0, 0x01, 0x00), a,
                bytes(0x61, 'b', 0xda, 0, 0, 0, 0x46, 0x5a, 0, 0, 0x01, 0x00), b,
                bytes(0x61, 'c', 0xdb, 0, 0, 0, 0, 0, 0, 0, 0x4e, 0x59, 0x01, 0x00), c,
                bytes(0x61, 'd', 0xd8, 0x55, 0x58, 64), d);
        for (int[] pieces : piecings(payload, 32)) {
            MeshPayloadStream s = feed(payload, 64, pieces);
            assertTrue(s.exact());
            assertEquals(4, s.streamedCount());
            assertArrayEquals(new int[] {85, 70, 78, 85}, new int[] {s.streamedTag(0), s.streamedTag(1), s.streamedTag(2), s.streamedTag(3)});
            assertArrayEquals(join(bytes(0xa4), bytes(0x61, 'a', 0xda, 0x4d, 0x50, 0x53, 0x54, 0), bytes(0x61, 'b', 0xda, 0x4d, 0x50, 0x53, 0x54, 1),
                    bytes(0x61, 'c', 0xda, 0x4d, 0x50, 0x53, 0x54, 2), bytes(0x61, 'd', 0xda, 0x4d, 0x50, 0x53, 0x54, 3)), s.skeleton());
            assertReconstructs(payload, s);
            assertWellFormedSkeleton(s);
        }
    }

    @Test
    void aTagOverATypedArrayKeepsTheOuterTag() {
        byte[] content = randomContent(new Random(33), 256);
        byte[] payload = join(bytes(0xd8, 0x55, 0xd8, 0x46, 0x59, 0x01, 0x00), content);
        for (int[] pieces : piecings(payload, 34)) {
            MeshPayloadStream s = feed(payload, 64, pieces);
            assertTrue(s.exact());
            assertEquals(1, s.streamedCount());
            assertEquals(70, s.streamedTag(0));
            assertArrayEquals(bytes(0xd8, 0x55, 0xda, 0x4d, 0x50, 0x53, 0x54, 0), s.skeleton());
            assertReconstructs(payload, s);
        }
    }

    @Test
    void manyArraysGetLongerPlaceholders() throws CborFormatException {
        int count = 300; // indices 24 and 256 need 1 and 2 more bytes
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        RandomMeshPayloads.head(o, 4, count);
        Random r = new Random(35);
        for (int i = 0; i < count; i++) {
            byte[] c = new CborWriter().tag(78).bytes(randomContent(r, 16)).toByteArray();
            o.write(c, 0, c.length);
        }
        byte[] payload = o.toByteArray();
        MeshPayloadStream s = feed(payload, 16, randomPieces(r, payload.length));
        assertEquals(count, s.streamedCount());
        assertTrue(s.exact());
        assertReconstructs(payload, s);
        assertWellFormedSkeleton(s);
        assertEquals(3 + 24 * 6 + 232 * 7 + 44 * 8, s.skeleton().length);
    }

    @Test
    void nanPayloadsNegativeZeroAndLargeUint32Survive() {
        Random r = new Random(41);
        int[] floatBits = new int[64];
        int[] special = {0x7fc00001, 0x7f800001, 0xffbfffff, 0x7fffffff, 0xffc12345, 0x80000000, 0x00000001, 0x7f800000, 0xff800000};
        for (int i = 0; i < floatBits.length; i++) {
            floatBits[i] = i < special.length ? special[i] : r.nextInt();
        }
        int[] uints = new int[64];
        int[] sints = new int[64];
        for (int i = 0; i < uints.length; i++) {
            uints[i] = i == 0 ? 0x80000000 : i == 1 ? 0xffffffff : i == 2 ? 0xdeadbeef : r.nextInt();
            sints[i] = i == 0 ? Integer.MIN_VALUE : i == 1 ? -1 : r.nextInt();
        }
        byte[] payload = join(bytes(0x83, 0xd8, 85, 0x59, 0x01, 0x00), le(floatBits),
                bytes(0xd8, 70, 0x59, 0x01, 0x00), le(uints), bytes(0xd8, 78, 0x59, 0x01, 0x00), le(sints));
        List<int[]> piecings = piecings(payload, 42);
        int[] threes = new int[(payload.length + 2) / 3]; // every element split across two pieces
        Arrays.fill(threes, 3);
        threes[threes.length - 1] = payload.length - 3 * (threes.length - 1);
        piecings.add(threes);
        for (int[] pieces : piecings) {
            MeshPayloadStream s = feed(payload, 64, pieces);
            assertTrue(s.exact());
            assertEquals(3, s.streamedCount());
            float[] f = (float[]) s.streamedArray(0);
            int[] got = new int[f.length];
            for (int i = 0; i < f.length; i++) {
                got[i] = Float.floatToRawIntBits(f[i]);
            }
            assertArrayEquals(floatBits, got);
            assertArrayEquals(uints, (int[]) s.streamedArray(1));
            assertArrayEquals(sints, (int[]) s.streamedArray(2));
            assertReconstructs(payload, s);
        }
    }

    @Test
    void aLiteralStreamedTagMakesTheSkeletonInexact() {
        Random r = new Random(51);
        byte[] first = new CborWriter().tag(85).bytes(randomContent(r, 256)).toByteArray();
        byte[] after = new CborWriter().tag(85).bytes(randomContent(r, 256)).toByteArray();
        byte[][] literals = {
            bytes(0xda, 0x4d, 0x50, 0x53, 0x54, 0x00),
            bytes(0xdb, 0, 0, 0, 0, 0x4d, 0x50, 0x53, 0x54, 0x01),
            bytes(0xd8, 85, 0xda, 0x4d, 0x50, 0x53, 0x54, 0x00), // held back as a typed array's tag first
        };
        for (byte[] literal : literals) {
            byte[] payload = join(bytes(0x83), first, literal, after);
            for (int[] pieces : piecings(payload, 52)) {
                MeshPayloadStream s = feed(payload, 64, pieces);
                assertFalse(s.exact());
                assertEquals(1, s.streamedCount(), "the array before stays streamed, none after");
                assertReconstructs(payload, s);
            }
        }
    }

    @Test
    void malformedPayloadsAreInexactAndReconstruct() {
        Random r = new Random(61);
        byte[] typed = new CborWriter().tag(85).bytes(randomContent(r, 256)).toByteArray();
        byte[][] broken = {
            join(bytes(0x82, 0x1c), typed), // reserved additional information
            join(bytes(0x82, 0xfd), typed),
            join(bytes(0x82, 0x1f), typed), // indefinite length for an integer
            join(bytes(0x82, 0xdf), typed), // and for a tag
            join(bytes(0x82, 0x5a, 0, 1, 0, 0), randomContent(r, 100), typed), // a byte string past the end
            join(bytes(0x82, 0x7b, 0x80, 0, 0, 0, 0, 0, 0, 0), typed), // a text string of 2^63 bytes
            join(bytes(0x82, 0xd8, 85, 0x5a, 0, 1, 0, 0), randomContent(r, 100), typed), // a typed array past the end
            join(bytes(0x82), typed, bytes(0x1a, 0, 1)), // a header cut by the end
            join(bytes(0x82), typed, bytes(0xd8, 85)), // a typed array's tag without its item
        };
        for (int i = 0; i < broken.length; i++) {
            byte[] payload = broken[i];
            for (int[] pieces : piecings(payload, 62 + i)) {
                MeshPayloadStream s = assertDoesNotThrow(() -> feed(payload, 64, pieces), "payload " + i);
                assertFalse(s.exact(), "payload " + i);
                assertEquals(i >= 7 ? 1 : 0, s.streamedCount(), "payload " + i);
                assertReconstructs(payload, s);
                if (i < 7) {
                    assertArrayEquals(payload, s.skeleton(), "nothing streamed after an anomaly");
                }
            }
        }
    }

    @Test
    void whatDoesNotQualifyStaysInTheSkeleton() throws CborFormatException {
        Random r = new Random(71);
        byte[] content = randomContent(r, 256);
        ByteArrayOutputStream chunked = new ByteArrayOutputStream();
        chunked.write(0xd8);
        chunked.write(85);
        chunked.write(0x5f);
        for (int i = 0; i < 4; i++) {
            byte[] c = new CborWriter().bytes(Arrays.copyOfRange(content, 64 * i, 64 * (i + 1))).toByteArray();
            chunked.write(c, 0, c.length);
        }
        chunked.write(0xff);
        byte[] payload = join(bytes(0x8b),
                new CborWriter().tag(85).bytes(randomContent(r, 60)).toByteArray(), // below the threshold
                new CborWriter().tag(81).bytes(content).toByteArray(), // float32 big-endian
                new CborWriter().tag(66).bytes(content).toByteArray(), // uint32 big-endian
                new CborWriter().tag(74).bytes(content).toByteArray(), // sint32 big-endian
                new CborWriter().tag(86).bytes(content).toByteArray(), // float64 little-endian
                chunked.toByteArray(), // chunked
                new CborWriter().tag(85).bytes(randomContent(r, 258)).toByteArray(), // not whole elements
                bytes(0xd8, 85, 0x79, 0x01, 0x00), new byte[256], // over a text string
                new CborWriter().tag(85).arrayHeader(2).float32(1).float32(2).toByteArray(), // over an array
                new CborWriter().bytes(join(bytes(0xd8, 85, 0x58, 64), randomContent(r, 64))).toByteArray(), // inside a string
                new CborWriter().bytes(content).toByteArray()); // untagged
        assertEquals(payload.length, Cbor.skip(payload, 0, payload.length)); // well-formed: none of it is an anomaly
        for (int[] pieces : piecings(payload, 72)) {
            MeshPayloadStream s = feed(payload, 64, pieces);
            assertTrue(s.exact());
            assertEquals(0, s.streamedCount());
            assertArrayEquals(payload, s.skeleton());
            assertReconstructs(payload, s);
        }
    }

    // ------------------------------------------------------------------ misuse

    @Test
    void bytesPastTheSizeAreRefused() {
        MeshPayloadStream s = new MeshPayloadStream(10, 64);
        s.accept(new byte[8], 0, 8);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> s.accept(new byte[3], 0, 3));
        assertTrue(e.getMessage().contains("3 bytes") && e.getMessage().contains("10"), e.getMessage());
        assertEquals(8, s.received());
        assertThrows(IllegalStateException.class, s::reconstruct);
        assertThrows(IllegalStateException.class, s::skeleton);
        s.accept(new byte[2], 0, 2);
        assertTrue(s.isComplete());
        assertThrows(IllegalStateException.class, () -> s.accept(new byte[1], 0, 1));
        assertArrayEquals(new byte[10], s.reconstruct());
    }

    @Test
    void sizesOutOfRangeAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new MeshPayloadStream(0));
        assertThrows(IllegalArgumentException.class, () -> new MeshPayloadStream(-1));
        assertThrows(IllegalArgumentException.class, () -> new MeshPayloadStream(Integer.MAX_VALUE - 7L));
        assertThrows(IllegalArgumentException.class, () -> new MeshPayloadStream(10, 3));
        MeshPayloadStream s = new MeshPayloadStream(Integer.MAX_VALUE - 8L); // allocates nothing of that size
        assertEquals(Integer.MAX_VALUE - 8L, s.size());
        assertFalse(s.isComplete());
    }
}
