package io.meshport.listener.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.meshport.wire.CborTagged;

/**
 * A large put is decoded while its frame arrives (by a codec that says it can), and answered exactly
 * as if it had been decoded after: the same value, the same errors, nothing left waiting when the
 * client goes away.
 */
class ProgressiveDecodeTest extends HostTestBase {
    private static final int POINTS = 400_000; // 4.8 MB of positions: above PreDecoder.MIN_FRAME_BYTES with the indices

    private static byte[] le(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        return b.array();
    }

    private static byte[] le(int[] v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asIntBuffer().put(v);
        return b.array();
    }

    private static float[] positions(float shift) {
        float[] xyz = new float[3 * POINTS];
        for (int i = 0; i < xyz.length; i++) {
            xyz[i] = (i % 1000) * 0.5f + shift;
        }
        return xyz;
    }

    private static int[] triangles(int badAt) {
        int[] tri = new int[3 * (POINTS / 2)];
        for (int i = 0; i < tri.length; i++) {
            tri[i] = (i * 7) % POINTS;
        }
        if (badAt >= 0) {
            tri[badAt] = POINTS; // one past the last point
        }
        return tri;
    }

    /** A put frame whose body is last, as clients write it. */
    private static byte[] putFrame(long id, String key, Map<String, Object> body) {
        return RawClient.encode("op", "put", "id", id, "key", key, "codec", "mesh", "body", body);
    }

    private static Map<String, Object> mesh(float[] xyz, int[] tri) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("positions", new CborTagged(85, le(xyz)));
        body.put("indices", new CborTagged(70, le(tri)));
        return body;
    }

    /** Sends a frame in pieces with pauses, so that the host has part of it for a while. */
    private static void sendSlowly(RawClient c, byte[] frame, int pieces) throws Exception {
        byte[] framed = RawClient.framed(frame);
        int step = framed.length / pieces + 1;
        for (int at = 0; at < framed.length; at += step) {
            c.bytes(java.util.Arrays.copyOfRange(framed, at, Math.min(framed.length, at + step)));
            Thread.sleep(15);
        }
    }

    @Test
    void aLargeMeshSentSlowlyIsDecodedWhileItArrivesAndStoredExactly() throws Exception {
        RawClient c = client();
        long before = host.server.preDecoder.used.get();
        float[] xyz = positions(0);
        int[] tri = triangles(-1);
        sendSlowly(c, putFrame(1, "big/a", mesh(xyz, tri)), 12);
        Map<?, ?> put = Expect.okMap(c.reply(1), 1);
        assertEquals(Map.of("points", (long) POINTS, "vertices", (long) tri.length, "faces", (long) tri.length / 3),
                Map.of("points", ((Map<?, ?>) put.get("summary")).get("points"), "vertices", ((Map<?, ?>) put.get("summary")).get("vertices"),
                        "faces", ((Map<?, ?>) put.get("summary")).get("faces")));
        assertEquals(before + 1, host.server.preDecoder.used.get(), "the decode made while it arrived was the one used");
        Map<?, ?> got = Expect.okMap(c.call("op", "get", "key", "big/a", "id", 2L), 2);
        Map<?, ?> body = (Map<?, ?>) got.get("body");
        assertArrayEquals(le(xyz), (byte[]) ((CborTagged) body.get("positions")).value());
        assertArrayEquals(le(tri), (byte[]) ((CborTagged) body.get("indices")).value());

        // An update with base, as streaming clients send it, also decoded while it arrives
        long version = (Long) put.get("version");
        float[] moved = positions(3);
        Map<String, Object> update = new LinkedHashMap<>();
        update.put("base", version);
        update.put("positions", new CborTagged(85, le(moved)));
        byte[] frame = putFrame(3, "big/a", update);
        assertTrue(frame.length >= PreDecoder.MIN_FRAME_BYTES);
        sendSlowly(c, frame, 8);
        Expect.okMap(c.reply(3), 3);
        assertEquals(before + 2, host.server.preDecoder.used.get());
        Map<?, ?> after = (Map<?, ?>) Expect.okMap(c.call("op", "get", "key", "big/a", "id", 4L), 4).get("body");
        assertArrayEquals(le(moved), (byte[]) ((CborTagged) after.get("positions")).value());
        assertArrayEquals(le(tri), (byte[]) ((CborTagged) after.get("indices")).value(), "the base mesh's indices kept");
    }

    @Test
    void aBadLargeMeshGetsTheSameErrorAsASmallOneAndChangesNothing() throws Exception {
        RawClient c = client();
        long before = host.server.preDecoder.used.get();
        int[] bad = triangles(3 * (POINTS / 2) - 1); // the very last index is out of range
        sendSlowly(c, putFrame(1, "big/bad", mesh(positions(0), bad)), 6);
        Map<?, ?> err = Expect.error(c.reply(1), 1L, "INVALID_MESH");
        String message = (String) err.get("message");
        assertTrue(message.contains("indices") && message.contains(String.valueOf(POINTS)), message);
        assertEquals(before, host.server.preDecoder.used.get(), "a failed early decode is not used");
        Expect.error(c.call("op", "get", "key", "big/bad", "id", 2L), 2L, "NOT_FOUND");

        // A base that is not the key's version: CONFLICT, as always
        Map<String, Object> update = new LinkedHashMap<>();
        update.put("base", 99L);
        update.put("positions", new CborTagged(85, le(positions(1))));
        sendSlowly(c, putFrame(3, "big/bad", update), 4);
        Expect.error(c.reply(3), 3L, "CONFLICT");
    }

    @Test
    void aClientLeavingHalfWayLeavesNothingWaitingAndTheHostServesOthers() throws Exception {
        byte[] framed = RawClient.framed(putFrame(1, "big/gone", mesh(positions(0), triangles(-1))));
        for (int round = 0; round < 3; round++) { // more than the two decoding threads: each must be freed
            RawClient leaving = client();
            leaving.bytes(java.util.Arrays.copyOf(framed, framed.length / 2));
            Thread.sleep(50);
            leaving.close();
        }
        long before = host.server.preDecoder.used.get();
        RawClient c = client();
        for (int i = 0; i < 2; i++) {
            sendSlowly(c, putFrame(10 + i, "big/next" + i, mesh(positions(i), triangles(-1))), 4);
            Expect.okMap(c.reply(10 + i), 10 + i);
        }
        assertEquals(before + 2, host.server.preDecoder.used.get(), "the decoding threads were free again");
        Expect.error(c.call("op", "get", "key", "big/gone", "id", 20L), 20L, "NOT_FOUND");
    }

    @Test
    void anUnauthenticatedConnectionGetsNoEarlyDecodeNorRoomForALargeFrame() throws Exception {
        start(ListenerSettings.builder().token("a-token-of-twenty-chars-or-more"));
        RawClient c = client();
        long before = host.server.preDecoder.used.get();
        byte[] framed = RawClient.framed(putFrame(1, "big/x", mesh(positions(0), triangles(-1))));
        c.bytes(java.util.Arrays.copyOf(framed, 4096)); // its length says enough: the rest is never asked for
        Map<Object, Object> r = c.read();
        Expect.error(r, null, "UNAUTHORIZED");
        assertTrue(Expect.message(r).contains("say hello with it before sending frames above 65536 bytes"), Expect.message(r));
        assertEquals(before, host.server.preDecoder.used.get());
        assertEquals(0, host.server.room.inFlight(), "no room was taken for the frame");
    }
}
