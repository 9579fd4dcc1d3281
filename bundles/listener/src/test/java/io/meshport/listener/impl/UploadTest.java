package io.meshport.listener.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.meshport.mesh.Mesh;
import io.meshport.mesh.MeshReader;
import io.meshport.session.SessionEntry;
import io.meshport.session.SessionValue;
import io.meshport.wire.mesh.MeshCborReader;
import io.meshport.wire.mesh.MeshCborWriter;

/** docs/protocol.md section 10: uploads, every error of the section, and what a failed upload leaves (nothing). */
class UploadTest extends HostTestBase {
    private long nextId = 1000;

    private Map<Object, Object> call(RawClient c, Object... kv) throws Exception {
        Object[] withId = Arrays.copyOf(kv, kv.length + 2);
        withId[kv.length] = "id";
        withId[kv.length + 1] = ++nextId;
        return c.call(withId);
    }

    private Map<?, ?> ok(RawClient c, Object... kv) throws Exception {
        Object res = Expect.ok(call(c, kv), nextId);
        return res instanceof Map ? (Map<?, ?>) res : null;
    }

    private Map<?, ?> err(RawClient c, String code, Object... kv) throws Exception {
        return Expect.error(call(c, kv), nextId, code);
    }

    private static byte[] meshPayload(int points) {
        float[] p = new float[points * 3];
        for (int i = 0; i < p.length; i++) {
            p[i] = i * 0.25f;
        }
        int[] tri = new int[(points - 2) * 3];
        for (int i = 0; i < points - 2; i++) {
            tri[3 * i] = 0;
            tri[3 * i + 1] = i + 1;
            tri[3 * i + 2] = i + 2;
        }
        List<ByteBuffer> parts = MeshCborWriter.encode(Mesh.builder().positions(p).indices(tri).build());
        ByteBuffer all = ByteBuffer.allocate((int) MeshCborWriter.length(parts));
        parts.forEach(b -> all.put(b.duplicate()));
        return all.array();
    }

    private String begin(RawClient c, String key, byte[] payload, String codec) throws Exception {
        Map<?, ?> r = ok(c, "op", "begin", "key", key, "size", (long) payload.length, "codec", codec);
        assertTrue(((Number) r.get("chunkBytes")).longValue() > 0);
        String id = (String) r.get("upload");
        assertEquals(32, id.length(), "128 random bits, in hex");
        return id;
    }

    private long append(RawClient c, String id, byte[] payload, int from, int to) throws Exception {
        Map<?, ?> r = ok(c, "op", "append", "upload", id, "offset", (long) from, "data", Arrays.copyOfRange(payload, from, to));
        return ((Number) r.get("received")).longValue();
    }

    @Test
    void aMeshInPiecesOverTwoConnectionsIsStoredLikeAPutAndNothingShowsBeforeCommit() throws Exception {
        RawClient a = client();
        byte[] payload = meshPayload(5000);
        String id = begin(a, "up/mesh", payload, "mesh");
        int half = payload.length / 2;
        assertEquals(half, append(a, id, payload, 0, half));
        assertTrue(host.store.get("up/mesh").isEmpty(), "nothing of an upload is visible before its commit");
        a.close();

        RawClient b = client(); // a reconnect: the upload belongs to the session, not to the connection
        Map<?, ?> state = ok(b, "op", "upload", "upload", id);
        assertEquals(Map.of("upload", id, "key", "up/mesh", "codec", "mesh", "size", (long) payload.length, "received", (long) half,
                "chunkBytes", (long) UploadOps.CHUNK_BYTES), state);
        assertEquals(half, append(b, id, payload, 0, half), "a resend of what was received is acknowledged unchanged");
        assertEquals(payload.length, append(b, id, payload, half, payload.length));
        Map<?, ?> put = ok(b, "op", "commit", "upload", id);
        assertEquals("up/mesh", put.get("key"));
        assertEquals("mesh", put.get("kind"));
        assertEquals(5000L, ((Map<?, ?>) put.get("summary")).get("points"));
        SessionEntry e = host.store.get("up/mesh").orElseThrow();
        assertEquals(((Number) put.get("version")).longValue(), e.version());
        assertEquals(payload.length, e.payloadBytes());
        err(b, "NOT_FOUND", "op", "upload", "upload", id);
        assertEquals(0, host.server.uploads.size());
        assertEquals(1, host.server.uploads.streamed.get(), "the mesh's arrays were converted as its bytes arrived");
    }

    @Test
    void anAbortedUploadGivesBackItsMemory() throws Exception {
        RawClient c = client();
        byte[] payload = meshPayload(20_000);
        String id = begin(c, "up/stop", payload, "mesh");
        append(c, id, payload, 0, payload.length / 3);
        assertTrue(host.store.memory().usedBytes() >= payload.length, "reserved at begin");
        ok(c, "op", "abort", "upload", id);
        assertEquals(0, host.store.memory().usedBytes());
        err(c, "NOT_FOUND", "op", "upload", "upload", id);
    }

    @Test
    void aStreamedUploadKnowsItsLastPiecesSentAgainButNoOtherRangeOfWhatItReceived() throws Exception {
        RawClient c = client();
        byte[] payload = meshPayload(20_000);
        String id = begin(c, "up/again", payload, "mesh");
        int a = payload.length / 4;
        int b = payload.length / 2;
        assertEquals(a, append(c, id, payload, 0, a));
        assertEquals(b, append(c, id, payload, a, b));
        assertEquals(b, append(c, id, payload, a, b), "the last piece again: acknowledged");
        assertEquals(b, append(c, id, payload, 0, a), "the one before too");
        byte[] changed = payload.clone();
        changed[a + 1] ^= 1;
        Map<?, ?> conflict = err(c, "CONFLICT", "op", "append", "upload", id, "offset", (long) a, "data", Arrays.copyOfRange(changed, a, b));
        assertEquals((long) b, ((Map<?, ?>) conflict.get("detail")).get("received"), "other bytes where a piece was: " + conflict);
        // A part of a piece: the streamed upload holds no bytes to compare it with, and says what it holds.
        conflict = err(c, "CONFLICT", "op", "append", "upload", id, "offset", 0L, "data", Arrays.copyOfRange(payload, 0, a / 2));
        assertEquals((long) b, ((Map<?, ?>) conflict.get("detail")).get("received"));
        append(c, id, payload, b, payload.length);
        assertEquals(20_000L, ((Map<?, ?>) ok(c, "op", "commit", "upload", id).get("summary")).get("points"));
        assertEquals(1, host.server.uploads.streamed.get());
    }

    @Test
    void piecesSentWithoutIdAndPipelinedArriveInOrder() throws Exception {
        RawClient c = client();
        byte[] payload = new byte[300_000];
        new Random(7).nextBytes(payload);
        String id = begin(c, "up/bytes", payload, "bytes");
        for (int at = 0; at < payload.length; at += 40_000) {
            c.msg("op", "append", "upload", id, "offset", (long) at, "data", Arrays.copyOfRange(payload, at, Math.min(payload.length, at + 40_000)));
        }
        ok(c, "op", "commit", "upload", id);
        assertArrayEquals(payload, (byte[]) host.store.get("up/bytes").orElseThrow().value().value());
    }

    @Test
    void theArraysOfLargePiecesGoBackToTheFramePool() throws Exception {
        RawClient c = client();
        int piece = PreDecoder.MIN_FRAME_BYTES + 1024; // a pre-decode starts on each, and gives up at its head
        byte[] payload = new byte[3 * piece];
        new Random(3).nextBytes(payload);
        String id = begin(c, "up/large", payload, "bytes");
        for (int at = 0; at < payload.length; at += piece) {
            assertEquals(at + piece, append(c, id, payload, at, at + piece));
        }
        ok(c, "op", "commit", "upload", id);
        assertArrayEquals(payload, (byte[]) host.store.get("up/large").orElseThrow().value().value());
        // given back once the pre-decode of the last piece has ended, which may come just after its reply
        for (int i = 0; i < 1000 && host.server.frames.heldBytes() < piece; i++) {
            Thread.sleep(10);
        }
        assertTrue(host.server.frames.heldBytes() >= piece, "held: " + host.server.frames.heldBytes());
    }

    @Test
    void everyErrorOfTheSectionIsNamedAndLeavesTheConnectionUsableAndTheSessionUnchanged() throws Exception {
        RawClient c = client();
        byte[] payload = new byte[1000];
        new Random(1).nextBytes(payload);
        ok(c, "op", "put", "key", "up/there", "body", 1L);
        long before = host.store.currentVersion();

        err(c, "NO_CODEC", "op", "begin", "key", "up/x", "size", 10L, "codec", "nope");
        err(c, "BAD_REQUEST", "op", "begin", "key", "up/x", "size", 0L, "codec", "bytes");
        err(c, "BAD_KEY", "op", "begin", "key", "up//x", "size", 10L, "codec", "bytes");
        err(c, "CONFLICT", "op", "begin", "key", "up/there", "size", 10L, "codec", "bytes", "ifVersion", 0L);
        err(c, "OVERLOADED", "op", "begin", "key", "up/x", "size", 1L << 40, "codec", "bytes");
        err(c, "NOT_FOUND", "op", "append", "upload", "0123456789abcdef0123456789abcdef", "offset", 0L, "data", new byte[1]);
        err(c, "NOT_FOUND", "op", "commit", "upload", "nope");
        err(c, "NOT_FOUND", "op", "abort", "upload", "nope");
        err(c, "BAD_REQUEST", "op", "append", "upload", "nope", "offset", 0L, "data", "text");

        String id = begin(c, "up/x", payload, "bytes");
        assertEquals(100, append(c, id, payload, 0, 100));
        Map<?, ?> gap = err(c, "CONFLICT", "op", "append", "upload", id, "offset", 200L, "data", new byte[10]);
        assertEquals(Map.of("received", 100L), gap.get("detail"));
        Map<?, ?> differs = err(c, "CONFLICT", "op", "append", "upload", id, "offset", 0L, "data", new byte[100]);
        assertEquals(Map.of("received", 100L), differs.get("detail"), "a resend with other bytes is no resend");
        Map<?, ?> past = err(c, "CONFLICT", "op", "append", "upload", id, "offset", 100L, "data", new byte[901]);
        assertEquals(Map.of("received", 100L), past.get("detail"));
        Map<?, ?> early = err(c, "CONFLICT", "op", "commit", "upload", id);
        assertEquals(Map.of("received", 100L, "size", 1000L), early.get("detail"));
        assertEquals(1000, append(c, id, payload, 100, 1000), "the upload goes on after each refusal");
        ok(c, "op", "abort", "upload", id);
        err(c, "NOT_FOUND", "op", "commit", "upload", id);

        // A payload the codec refuses: its error, and the upload is gone.
        byte[] broken = "not a mesh".getBytes();
        String bad = begin(c, "up/bad", broken, "mesh");
        append(c, bad, broken, 0, broken.length);
        Map<Object, Object> refused = call(c, "op", "commit", "upload", bad);
        assertTrue(List.of("INVALID_MESH", "DECODE_FAILED").contains(((Map<?, ?>) refused.get("error")).get("code")), refused.toString());
        err(c, "NOT_FOUND", "op", "upload", "upload", bad);

        // ifVersion is checked at begin and again at commit.
        long at = host.store.get("up/there").orElseThrow().version();
        String cond = (String) ok(c, "op", "begin", "key", "up/there", "size", 10L, "codec", "bytes", "ifVersion", at).get("upload");
        append(c, cond, payload, 0, 10);
        long moved = ((Number) ok(c, "op", "put", "key", "up/there", "body", 4L).get("version")).longValue();
        Map<?, ?> conflict = err(c, "CONFLICT", "op", "commit", "upload", cond);
        assertEquals(Map.of("current", moved), conflict.get("detail"));
        assertEquals(4L, ok(c, "op", "get", "key", "up/there").get("body"), "the refused commit changed nothing");
        assertEquals(10L, ok(c, "op", "upload", "upload", cond).get("received"), "a commit the session refused leaves the upload open");
        ok(c, "op", "abort", "upload", cond);
        String plain = begin(c, "up/there", payload, "bytes"); // without ifVersion it commits over whatever is there
        append(c, plain, payload, 0, payload.length);
        assertEquals(moved + 1, ((Number) ok(c, "op", "commit", "upload", plain).get("version")).longValue());
        assertEquals(before + 2, host.store.currentVersion(), "only the put and the commit took versions");

        Expect.ok(call(c, "op", "ping"), nextId);
        assertEquals(0, host.server.uploads.size(), "no upload is left open");
        assertEquals(host.store.usedBytes(), host.store.memory().usedBytes(), "no memory is kept by a failed or ended upload");
    }

    @Test
    void theSizeIsReservedAtBeginAndAnIdleUploadIsDroppedWithItsMemory() throws Exception {
        start(ListenerSettings.builder(), 1_000_000);
        RawClient c = client();
        Map<?, ?> full = err(c, "OVERLOADED", "op", "begin", "key", "up/big", "size", 2_000_000L, "codec", "bytes");
        assertTrue(((String) full.get("message")).contains("no room"), (String) full.get("message"));
        String id = (String) ok(c, "op", "begin", "key", "up/a", "size", 600_000L, "codec", "bytes").get("upload");
        assertEquals(600_000, host.store.memory().usedBytes(), "reserved before a byte is sent");
        err(c, "OVERLOADED", "op", "begin", "key", "up/b", "size", 600_000L, "codec", "bytes");
        host.server.uploads.expire(System.currentTimeMillis() + 601_000, 600_000);
        assertEquals(0, host.store.memory().usedBytes(), "an idle upload's memory is given back");
        err(c, "NOT_FOUND", "op", "append", "upload", id, "offset", 0L, "data", new byte[1]);
        ok(c, "op", "begin", "key", "up/b", "size", 600_000L, "codec", "bytes");
    }

    @Test
    void aCommitSentAgainWithItsRequestTokenIsAnsweredWithItsFirstResult() throws Exception {
        RawClient c = client();
        byte[] payload = new byte[2000];
        new Random(5).nextBytes(payload);
        String id = begin(c, "up/token", payload, "bytes");
        append(c, id, payload, 0, payload.length);
        Map<?, ?> first = ok(c, "op", "commit", "upload", id, "requestToken", "t-1");
        Map<?, ?> again = ok(c, "op", "commit", "upload", id, "requestToken", "t-1");
        assertEquals(first.get("version"), again.get("version"));
        assertEquals(first.get("key"), again.get("key"));
        err(c, "NOT_FOUND", "op", "commit", "upload", id);
        assertEquals(1L, host.store.currentVersion());
    }

    @Test
    void helloSaysUploads() throws Exception {
        RawClient c = client();
        Map<?, ?> hello = ok(c, "op", "hello", "version", 1L);
        assertEquals(Boolean.TRUE, hello.get("uploads"));
    }

    @Test
    void theNumberOfOpenUploadsIsBounded() throws Exception {
        ListenerSettings.Builder b = ListenerSettings.builder();
        b.maxOpenUploads = 2;
        start(b);
        RawClient c = client();
        ok(c, "op", "begin", "key", "up/1", "size", 10L, "codec", "bytes");
        ok(c, "op", "begin", "key", "up/2", "size", 10L, "codec", "bytes");
        Map<?, ?> e = err(c, "OVERLOADED", "op", "begin", "key", "up/3", "size", 10L, "codec", "bytes");
        assertTrue(((String) e.get("message")).contains("maxOpenUploads"), (String) e.get("message"));
    }

    @Test
    void uploadsAreHandedToTheNextListener() throws Exception {
        RawClient c = client();
        byte[] payload = new byte[5000];
        new Random(3).nextBytes(payload);
        String id = begin(c, "up/handed", payload, "bytes");
        append(c, id, payload, 0, 2000);
        Map<String, Object> handed = host.server.uploads.handOver();
        Uploads next = new Uploads(io.meshport.support.Log.STDERR);
        next.adopt(handed);
        Upload u = next.get(id);
        assertEquals(2000, u.received());
        assertEquals(5000, u.append(2000, payload, 2000, 3000, System.currentTimeMillis()));
        assertArrayEquals(payload, u.complete());
        next.end(u);
        assertEquals(0, host.store.memory().usedBytes(), "the reservation travels with the upload and is given back once");
    }

    @Test
    void aStreamedUploadIsHandedToTheNextListenerWithWhatItDecodedSoFar() throws Exception {
        RawClient c = client();
        byte[] payload = meshPayload(30_000);
        String id = begin(c, "up/handed-mesh", payload, "mesh");
        int half = payload.length / 2;
        append(c, id, payload, 0, half);
        Map<String, Object> handed = host.server.uploads.handOver();
        Uploads next = new Uploads(io.meshport.support.Log.STDERR);
        next.adopt(handed);
        Upload u = next.get(id);
        assertNotNull(u.stream(), "still fed as it arrives");
        long now = System.currentTimeMillis();
        assertEquals(half, u.append(0, payload, 0, half, now), "its last piece, sent again after the update, is known");
        assertEquals(payload.length, u.append(half, payload, half, payload.length - half, now));
        assertNull(u.complete(), "no bytes held");
        SessionValue v = u.stream().finish(new PutContext("up/handed-mesh", host.store));
        MeshCborReader whole = new MeshCborReader();
        assertEquals(whole.read(payload, 0, payload.length, MeshReader.NO_BASE), v.value());
        next.end(u);
        assertEquals(0, host.store.memory().usedBytes());
    }
}
