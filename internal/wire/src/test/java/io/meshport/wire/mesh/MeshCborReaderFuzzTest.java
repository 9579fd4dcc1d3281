package io.meshport.wire.mesh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

import io.meshport.mesh.Mesh;
import io.meshport.mesh.MeshReader;
import io.meshport.protocol.MeshportException;
import io.meshport.wire.CborWriter;

/**
 * The reader against an independent reference ({@link JacksonMeshOracle}: Jackson's parser and the
 * rules applied plainly): random meshes in random encodings must read back as themselves, and
 * payloads of every kind, whole or broken on purpose, must give what the reference gives (the same
 * mesh, or an error of the same code), read at once or while they arrive. Rounds: {@code -DfuzzRounds}.
 */
class MeshCborReaderFuzzTest {
    private final MeshCborReader reader = new MeshCborReader();
    private static final Mesh BASE_MESH = Mesh.builder().positions(new float[] {0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 1, 0})
            .indices(new int[] {0, 1, 2, 2, 1, 3}).name("base").build();
    private static final MeshReader.BaseResolver RESOLVER = v -> {
        if (v != 7) {
            throw MeshportException.conflict("not at " + v, 7);
        }
        return BASE_MESH;
    };

    private static byte[] map(int fields, Consumer<CborWriter> body) {
        CborWriter w = new CborWriter();
        w.mapHeader(fields);
        body.accept(w);
        return w.toByteArray();
    }

    private static void raw(CborWriter w, int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) bytes[i];
        }
        w.raw(b, 0, b.length);
    }

    /** Payloads of every form the direct path reads, and of many it leaves to the streaming parser. */
    static List<byte[]> payloads() {
        List<byte[]> out = new ArrayList<>();
        // Plain arrays with every integer width, both signs, single and double floats.
        out.add(map(2, w -> {
            w.text("positions").arrayHeader(12);
            w.float32(1.5f).float64(-2.25).integer(0).integer(23).integer(24).integer(255).integer(256).integer(65535);
            w.integer(65536).integer(-1).integer(-24).integer(-25);
            w.text("indices").arrayHeader(6).integer(0).integer(1).integer(2).integer(2).integer(1).integer(3);
        }));
        out.add(map(1, w -> {
            w.text("positions").arrayHeader(9);
            w.integer(-256).integer(-257).integer(-65536).integer(-65537).integer(4294967295L).integer(4294967296L);
            w.integer(-4294967296L).integer(-4294967297L).integer(Long.MAX_VALUE);
        }));
        out.add(map(1, w -> { // uint64 above 2^63 and a negative below -2^63: big integers
            w.text("positions").arrayHeader(3).integer(1).integer(2);
            raw(w, 0x1b, 0x80, 0, 0, 0, 0, 0, 0, 1);
        }));
        out.add(map(1, w -> {
            w.text("positions").arrayHeader(3).integer(1).integer(2);
            raw(w, 0x3b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff);
        }));
        out.add(map(1, w -> w.text("positions").arrayHeader(3).float64(1e300).integer(0).integer(0))); // overflows float32
        out.add(map(1, w -> w.text("positions").arrayHeader(3).float32(Float.NaN).integer(0).integer(0)));
        out.add(map(1, w -> w.text("positions").arrayHeader(3).float64(Double.POSITIVE_INFINITY).integer(0).integer(0)));
        out.add(map(1, w -> {
            w.text("positions").arrayHeader(3);
            MeshPayloads.half(w, 0.5f);
            w.integer(0).integer(1);
        }));
        // Indices of every width, at and beyond int32, negative, as floats, 64-bit encoded.
        for (long[] idx : new long[][] {{0, 1, 2}, {0, 1, 3}, {0, 1, -1}, {0, 1, Integer.MAX_VALUE}, {0, 1, 2147483648L},
            {0, 1, -2147483648L}, {0, 1, -2147483649L}, {0, 1, 4294967296L}}) {
            out.add(map(2, w -> {
                w.text("positions").arrayHeader(9);
                for (int i = 0; i < 9; i++) {
                    w.float32(i);
                }
                w.text("indices").arrayHeader(idx.length);
                for (long v : idx) {
                    w.integer(v);
                }
            }));
        }
        out.add(map(2, w -> {
            w.text("positions").arrayHeader(9);
            for (int i = 0; i < 9; i++) {
                w.integer(i);
            }
            w.text("indices").arrayHeader(3).integer(0).float64(1.0).float32(2.5f);
        }));
        out.add(map(2, w -> {
            w.text("positions").arrayHeader(9);
            for (int i = 0; i < 9; i++) {
                w.integer(i);
            }
            w.text("indices").arrayHeader(3).integer(0);
            raw(w, 0x1b, 0, 0, 0, 0, 0, 0, 0, 1); // 1 in eight bytes
            raw(w, 0x3a, 0, 0, 0, 0); // -1 in four bytes
        }));
        // Indefinite arrays and maps, typed arrays of every tag, chunked typed arrays.
        out.add(map(2, w -> {
            w.text("positions");
            raw(w, 0x9f);
            for (float f : new float[] {0, 0, 0, 1, 0, 0, 0, 1, 0}) {
                w.float32(f);
            }
            raw(w, 0xff);
            w.text("indices");
            raw(w, 0x9f, 0, 1, 2, 0xff);
        }));
        {
            CborWriter w = new CborWriter();
            raw(w, 0xbf);
            w.text("positions");
            MeshPayloads.typed(w, TypedArray.FLOAT32_LE, 0, 0, 0, 1, 0, 0, 0, 1, 0);
            w.text("indices");
            MeshPayloads.typed(w, TypedArray.UINT32_LE, 0, 1, 2);
            raw(w, 0xff);
            out.add(w.toByteArray());
        }
        for (TypedArray t : TypedArray.values()) {
            out.add(map(3, w -> {
                w.text("positions");
                MeshPayloads.typed(w, t, 0, 1, 2, 3, 4, 5, 6, 7, 8);
                w.text("indices");
                MeshPayloads.typed(w, t, 0, 1, 2);
                w.text("faceCounts");
                MeshPayloads.typed(w, t, 3);
            }));
        }
        out.add(map(1, w -> {
            w.text("positions").tag(85);
            raw(w, 0x5f);
            w.bytes(MeshPayloads.le(0, 0)).bytes(MeshPayloads.le(0, 1, 0, 0, 0, 1, 0));
            raw(w, 0xff);
        }));
        out.add(map(1, w -> { // typed array whose length is not a multiple of 4
            w.text("positions").tag(85).bytes(new byte[13]);
        }));
        out.add(map(1, w -> w.text("positions").tag(1).bytes(new byte[12])));
        out.add(map(1, w -> w.text("positions").bytes(new byte[12])));
        out.add(map(1, w -> w.text("positions").tag(85).tag(85).bytes(new byte[12])));
        // Polygons, every other field, unknown keys, and what is wrong with them.
        out.add(map(4, w -> {
            w.text("positions").arrayHeader(15);
            for (int i = 0; i < 15; i++) {
                w.float32(i);
            }
            w.text("indices").arrayHeader(7).integer(0).integer(1).integer(2).integer(3).integer(2).integer(3).integer(4);
            w.text("faceCounts").arrayHeader(2).integer(4).integer(3);
            w.text("name").text("poly");
        }));
        out.add(map(6, w -> {
            w.text("positions");
            MeshPayloads.typed(w, TypedArray.FLOAT32_LE, 0, 0, 0, 1, 0, 0, 0, 1, 0);
            w.text("meta").mapHeader(2).text("units").text("m").text("nested").arrayHeader(2).integer(1).mapHeader(0);
            w.text("unknown").arrayHeader(3).text("x").bytes(new byte[3]).float64(2);
            w.text("attributes").mapHeader(2);
            w.text("Cd").mapHeader(3).text("owner").text("point").text("size").integer(3).text("data");
            MeshPayloads.typed(w, TypedArray.FLOAT32_LE, 1, 0, 0, 0, 1, 0, 0, 0, 1);
            w.text("id").mapHeader(4).text("data").arrayHeader(3).integer(4).integer(5).integer(6).text("owner").text("point")
                    .text("size").integer(1).text("type").text("int");
            w.text("name").text("\u00e9t\u00e9");
            w.text("x\u00e9").nil();
        }));
        out.add(map(2, w -> w.text("positions").arrayHeader(3).integer(0).integer(0).integer(0).text("positions").arrayHeader(0)));
        out.add(map(1, w -> w.text("positions").nil()));
        out.add(map(2, w -> w.text("positions").arrayHeader(3).integer(0).integer(0).integer(0).text("indices").nil()));
        out.add(map(2, w -> w.text("positions").arrayHeader(3).integer(0).integer(0).integer(0).text("name").integer(3)));
        out.add(map(2, w -> w.text("positions").arrayHeader(3).integer(0).integer(0).integer(0).text("meta").arrayHeader(0)));
        out.add(map(2, w -> w.text("positions").arrayHeader(3).integer(0).integer(0).integer(0).integer(5).integer(5)));
        out.add(map(1, w -> w.text("positions").arrayHeader(2).text("a").integer(0)));
        out.add(map(0, w -> { }));
        // Updates with base: matching, in conflict, with indices, with a different point count.
        out.add(map(2, w -> {
            w.text("base").integer(7).text("positions");
            MeshPayloads.typed(w, TypedArray.FLOAT32_LE, 0, 0, 1, 1, 0, 1, 0, 1, 1, 1, 1, 1);
        }));
        out.add(map(2, w -> {
            w.text("base").integer(8).text("positions");
            MeshPayloads.typed(w, TypedArray.FLOAT32_LE, 0, 0, 1, 1, 0, 1, 0, 1, 1, 1, 1, 1);
        }));
        out.add(map(3, w -> {
            w.text("base").float64(7.0).text("positions").arrayHeader(12);
            for (int i = 0; i < 12; i++) {
                w.float32(i);
            }
            w.text("name").nil();
        }));
        out.add(map(3, w -> w.text("base").integer(7).text("positions").arrayHeader(3).integer(0).integer(0).integer(0)
                .text("indices").arrayHeader(0)));
        out.add(map(1, w -> w.text("base").integer(-7)));
        // Not a mesh map at all, or bytes after it.
        out.add(new CborWriter().arrayHeader(0).toByteArray());
        out.add(new CborWriter().tag(55799).mapHeader(1).text("positions").arrayHeader(3).integer(0).integer(0).integer(0).toByteArray());
        {
            byte[] m = map(1, w -> w.text("positions").arrayHeader(3).integer(0).integer(0).integer(0));
            byte[] extra = java.util.Arrays.copyOf(m, m.length + 1);
            out.add(extra);
        }
        out.add(new byte[0]);
        return out;
    }

    private static final int ROUNDS = Integer.getInteger("fuzzRounds", 3000);
    /** Payloads the reference could not read (well-formed CBOR beyond what Jackson reads). */
    private int abstained;

    /** What reading gave: the mesh, or the error's code (the reference words its messages its own way). */
    private static Object outcome(java.util.function.Supplier<Mesh> read) {
        try {
            return read.get();
        } catch (MeshportException e) {
            return e.code();
        }
    }

    /** What reading gave, message included: reading at once and while arriving must agree word for word. */
    private static Object exactOutcome(java.util.function.Supplier<Mesh> read) {
        try {
            return read.get();
        } catch (MeshportException e) {
            return e.code() + ": " + e.getMessage();
        }
    }

    private void assertAsReference(byte[] payload, String what) {
        byte[] framed = MeshPayloads.padded(payload, 3, 4);
        Object reference;
        try {
            reference = outcome(() -> JacksonMeshOracle.read(payload, RESOLVER));
        } catch (JacksonCborTree.Abstains e) {
            reference = null; // no answer to compare with
            abstained++;
        } catch (RuntimeException e) {
            throw new AssertionError(what + ": the reference failed on " + hex(payload), e);
        }
        Object product;
        Object whole;
        try {
            whole = exactOutcome(() -> reader.read(framed, 3, payload.length, RESOLVER));
            product = outcome(() -> reader.read(framed, 3, payload.length, RESOLVER));
        } catch (RuntimeException e) {
            throw new AssertionError(what + ": the reader failed unexpectedly on " + hex(payload), e);
        }
        if (reference != null) {
            assertEquals(reference, product, () -> what + ": " + whole + " on " + hex(payload));
        }
        Object arriving = exactOutcome(() -> readArriving(framed, 3, payload.length, null, null));
        assertEquals(whole, arriving, () -> what + ", read while it arrives, on " + hex(payload));
        if (payload.length > 0) { // an upload is never empty
            Object streamed;
            try {
                streamed = exactOutcome(() -> readStreamed(payload));
            } catch (RuntimeException e) {
                throw new AssertionError(what + ": the reader failed unexpectedly on pieces of " + hex(payload), e);
            }
            assertEquals(whole, streamed, () -> what + ", read from pieces (typed arrays of 4 bytes and more streamed), on " + hex(payload));
        }
    }

    /**
     * Reads a payload as an upload's pieces through a {@link MeshPayloadStream} that streams every typed
     * array it can (4 bytes and more), the pieces of random sizes (seeded by the payload).
     */
    private Mesh readStreamed(byte[] payload) {
        MeshPayloadStream stream = new MeshPayloadStream(payload.length, 4);
        Random r = new Random(java.util.Arrays.hashCode(payload));
        for (int at = 0; at < payload.length;) {
            int n = Math.min(payload.length - at, 1 + r.nextInt(r.nextBoolean() ? 4 : 64));
            stream.accept(payload, at, n);
            at += n;
        }
        assertTrue(java.util.Arrays.equals(payload, stream.reconstruct()), () -> "rebuilt from the stream: " + hex(stream.reconstruct()));
        return reader.read(stream, RESOLVER);
    }

    static String hex(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(b.length, 2000); i++) {
            s.append(String.format("%02x", b[i]));
        }
        return s.append(b.length > 2000 ? "... (" + b.length + " bytes)" : "").toString();
    }

    /**
     * Reads a payload as if its bytes were still arriving: the buffer holds garbage past what the reader
     * has waited for, and is filled only as it waits, so reading a byte it did not wait for shows.
     *
     * @param stale what the buffer holds before (as a reused frame buffer holds an earlier frame), or
     *        null for garbage
     * @param waits receives each index waited for, or null
     */
    private Mesh readArriving(byte[] framed, int offset, int length, byte[] stale, List<Integer> waits) {
        byte[] buf = new byte[framed.length];
        java.util.Arrays.fill(buf, (byte) 0xa5);
        if (stale != null) {
            System.arraycopy(stale, 0, buf, 0, Math.min(stale.length, buf.length));
        }
        int[] filled = {0};
        return reader.read(buf, offset, length, RESOLVER, index -> {
            assertTrue(index <= offset + length, "waits for " + index + ", past the payload's end " + (offset + length));
            if (waits != null) {
                waits.add(index);
            }
            if (index > filled[0]) {
                System.arraycopy(framed, filled[0], buf, filled[0], index - filled[0]);
                filled[0] = index;
            }
        });
    }

    @Test
    void aLargeMeshArrivingIsCopiedAsItComesNotAfterItsLastByte() {
        int points = 100_000;
        float[] xyz = new float[3 * points];
        int[] tri = new int[3 * (points - 2)];
        Random r = new Random(7);
        for (int i = 0; i < xyz.length; i++) {
            xyz[i] = r.nextFloat();
        }
        for (int i = 0; i < tri.length; i++) {
            tri[i] = r.nextInt(points);
        }
        Mesh mesh = Mesh.builder().positions(xyz).indices(tri).name("a big mesh, with a name longer than a header")
                .meta(new CborWriter().mapHeader(1).text("source").text("the scanner in the first room").toByteArray())
                .build();
        byte[] payload = MeshCborReaderTest.concat(MeshCborWriter.encode(mesh));
        // The buffer held an earlier frame of the same shape: reading a byte before it arrived shows.
        float[] otherXyz = xyz.clone();
        java.util.Arrays.fill(otherXyz, 0.25f);
        int[] otherTri = tri.clone();
        java.util.Arrays.fill(otherTri, 1);
        byte[] earlier = MeshCborReaderTest.concat(MeshCborWriter.encode(Mesh.builder().positions(otherXyz).indices(otherTri).name("an old mesh with a name longer than a header")
                .meta(new CborWriter().mapHeader(1).text("source").text("the scanner in the other room").toByteArray()).build()));
        assertEquals(payload.length, earlier.length);
        List<Integer> waits = new ArrayList<>();
        assertEquals(mesh, readArriving(payload, 0, payload.length, earlier, waits));
        long partial = waits.stream().filter(i -> i < payload.length / 2).distinct().count();
        assertTrue(partial > 10, "waited for the first half's bytes in " + partial + " steps: " + waits.subList(0, Math.min(20, waits.size())));

        // An update with base, as a client streams it
        List<Integer> updateWaits = new ArrayList<>();
        Mesh small = BASE_MESH;
        float[] moved = small.positions(new float[12]);
        moved[0] = 9;
        byte[] update = MeshCborReaderTest.concat(MeshCborWriter.encodePositionsUpdate(7, java.nio.FloatBuffer.wrap(moved)));
        Mesh updated = readArriving(update, 0, update.length, null, updateWaits);
        assertEquals(reader.read(update, 0, update.length, RESOLVER), updated);
        assertEquals(9f, updated.positions().get(0));
    }

    @Test
    void everyPayloadReadsAsTheReferenceReadsIt() {
        List<byte[]> all = payloads();
        for (int i = 0; i < all.size(); i++) {
            assertAsReference(all.get(i), "payload " + i);
        }
    }

    @Test
    void randomMeshesInRandomEncodingsReadBackAsThemselves() {
        RandomMeshPayloads gen = new RandomMeshPayloads(new Random(20261207));
        for (int round = 0; round < ROUNDS; round++) {
            RandomMeshPayloads.Sample s = gen.next();
            byte[] framed = MeshPayloads.padded(s.payload(), 5, 2);
            String what = "round " + round + " (" + s.how() + ") " + hex(s.payload());
            assertEquals(s.mesh(), JacksonMeshOracle.read(s.payload(), RESOLVER), "the reference, " + what);
            assertEquals(s.mesh(), reader.read(framed, 5, s.payload().length, RESOLVER), what);
            assertEquals(s.mesh(), readArriving(framed, 5, s.payload().length, null, null), "arriving, " + what);
            assertEquals(s.mesh(), readStreamed(s.payload()), "from pieces, " + what);
        }
    }

    @Test
    void aMeshAsClientsSendItIsReadFromItsSkeletonAndStreamedArrays() {
        int points = 20_000;
        Random r = new Random(11);
        float[] xyz = new float[3 * points];
        float[] cd = new float[3 * points];
        int[] ids = new int[points];
        for (int i = 0; i < xyz.length; i++) {
            xyz[i] = r.nextFloat() * 10 - 5;
            cd[i] = r.nextFloat();
        }
        for (int i = 0; i < points; i++) {
            ids[i] = r.nextInt();
        }
        int[] tri = new int[3 * (points - 2)];
        for (int i = 0; i < tri.length; i++) {
            tri[i] = r.nextInt(points);
        }
        Mesh mesh = Mesh.builder().positions(xyz).indices(tri).name("scan")
                .attribute(io.meshport.mesh.Attribute.ofFloats("Cd", io.meshport.mesh.AttributeOwner.POINT, 3, cd))
                .attribute(io.meshport.mesh.Attribute.ofInts("id", io.meshport.mesh.AttributeOwner.POINT, 1, ids))
                .meta(new CborWriter().mapHeader(1).text("source").text("scanner").toByteArray()).build();
        byte[] payload = MeshCborReaderTest.concat(MeshCborWriter.encode(mesh));
        MeshPayloadStream stream = new MeshPayloadStream(payload.length);
        for (int at = 0; at < payload.length; at += 100_000) {
            stream.accept(payload, at, Math.min(100_000, payload.length - at));
        }
        assertEquals(4, stream.streamedCount(), "positions, indices, Cd and id");
        assertTrue(stream.heldBytes() < payload.length + 4096, stream.heldBytes() + " bytes held for a payload of " + payload.length);
        Mesh read = MeshCborReader.fromSkeleton(stream, RESOLVER);
        assertNotNull(read, "read from the skeleton, not from the payload's bytes again");
        assertEquals(mesh, read);

        // A rule broken in a streamed array (an index out of range): the payload's own read says it, word for
        // word. Written by changing the array the built mesh adopted (the builder does not copy it).
        tri[5] = points;
        byte[] bad = MeshCborReaderTest.concat(MeshCborWriter.encode(mesh));
        Object whole = exactOutcome(() -> reader.read(bad, 0, bad.length, RESOLVER));
        assertTrue(whole instanceof String && ((String) whole).startsWith("INVALID_MESH"), String.valueOf(whole));
        MeshPayloadStream s2 = new MeshPayloadStream(bad.length);
        s2.accept(bad, 0, bad.length);
        assertNull(MeshCborReader.fromSkeleton(s2, RESOLVER));
        assertEquals(whole, exactOutcome(() -> reader.read(s2, RESOLVER)));
    }

    @Test
    void brokenRandomPayloadsGiveWhatTheReferenceGives() {
        RandomMeshPayloads gen = new RandomMeshPayloads(new Random(7_2026_12_07L));
        List<byte[]> seeds = payloads();
        for (int round = 0; round < ROUNDS; round++) {
            byte[] p = round % 4 == 0 ? seeds.get(round / 4 % seeds.size()) : gen.next().payload();
            int mutations = 1 + (round % 3 == 0 ? 1 : 0);
            for (int m = 0; m < mutations; m++) {
                p = gen.mutate(p);
            }
            assertAsReference(p, "broken payload, round " + round);
        }
        // Mostly keys of a type Jackson refuses (floats, booleans, null), which mutations make often.
        assertTrue(abstained < ROUNDS / 20, "the reference could not read " + abstained + " of " + ROUNDS + " payloads");
    }
}
