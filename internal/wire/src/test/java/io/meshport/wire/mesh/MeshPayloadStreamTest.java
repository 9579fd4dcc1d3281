package io.meshport.wire.mesh;

import static io.meshport.wire.mesh.MeshPayloadStreams.assertReconstructs;
import static io.meshport.wire.mesh.MeshPayloadStreams.assertStreamsMesh;
import static io.meshport.wire.mesh.MeshPayloadStreams.assertWellFormedSkeleton;
import static io.meshport.wire.mesh.MeshPayloadStreams.bigMesh;
import static io.meshport.wire.mesh.MeshPayloadStreams.bytes;
import static io.meshport.wire.mesh.MeshPayloadStreams.bytewise;
import static io.meshport.wire.mesh.MeshPayloadStreams.bytewiseIn;
import static io.meshport.wire.mesh.MeshPayloadStreams.concat;
import static io.meshport.wire.mesh.MeshPayloadStreams.feed;
import static io.meshport.wire.mesh.MeshPayloadStreams.join;
import static io.meshport.wire.mesh.MeshPayloadStreams.le;
import static io.meshport.wire.mesh.MeshPayloadStreams.piecings;
import static io.meshport.wire.mesh.MeshPayloadStreams.randomContent;
import static io.meshport.wire.mesh.MeshPayloadStreams.randomPieces;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.meshport.mesh.Mesh;
import io.meshport.wire.CborFormatException;
import io.meshport.wire.CborWriter;

/**
 * The payload taken in pieces must come back bit for bit from {@link MeshPayloadStream#reconstruct()},
 * whatever the pieces; its streamed arrays must hold the typed arrays' values and its skeleton must stand
 * for the rest. Well-formed payloads, in every encoding; {@link MeshPayloadStreamEdgeTest} has the others.
 */
class MeshPayloadStreamTest {
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
        CborBytes.head(o, 4, count);
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
}
