package io.meshport.wire.mesh;

import static io.meshport.wire.mesh.MeshPayloadStreams.assertReconstructs;
import static io.meshport.wire.mesh.MeshPayloadStreams.bytes;
import static io.meshport.wire.mesh.MeshPayloadStreams.bytewise;
import static io.meshport.wire.mesh.MeshPayloadStreams.feed;
import static io.meshport.wire.mesh.MeshPayloadStreams.join;
import static io.meshport.wire.mesh.MeshPayloadStreams.piecings;
import static io.meshport.wire.mesh.MeshPayloadStreams.randomContent;
import static io.meshport.wire.mesh.MeshPayloadStreams.randomPieces;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.meshport.wire.Cbor;
import io.meshport.wire.CborFormatException;
import io.meshport.wire.CborWriter;

/**
 * Payloads the stream must take without throwing and give back bit for bit though they are broken,
 * malformed or hold nothing it streams, and the sizes and bytes it refuses.
 */
class MeshPayloadStreamEdgeTest {
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
