package io.meshport.listener.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.meshport.wire.CborTagged;
import io.meshport.wire.CborWriter;

/** docs/protocol.md sections 1 and 2: frames arrive in any pieces, pipelined, and large. */
class FramingTest extends HostTestBase {

    @Test
    void framesWrittenOneByteAtATimeAreReassembled() throws Exception {
        RawClient c = client();
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        wire.write(RawClient.framed(RawClient.encode("op", "put", "id", 1L, "key", "slow/a",
                "body", Map.of("x", List.of(1L, 2L, 3L)))));
        wire.write(RawClient.framed(RawClient.encode("op", "get", "id", 2L, "key", "slow/a")));
        c.slowly(wire.toByteArray(), 1, 1);

        Map<?, ?> put = Expect.okMap(c.read(), 1);
        assertEquals("slow/a", put.get("key"));
        assertEquals(1L, put.get("version"));
        assertEquals("cbor", put.get("kind"));
        Map<?, ?> get = Expect.okMap(c.read(), 2);
        assertEquals(Map.of("x", List.of(1L, 2L, 3L)), get.get("body"));
        assertEquals(1L, get.get("version"));
        assertEquals("cbor", get.get("codec"));
    }

    @Test
    void aFrameSplitAtEveryPlaceStillWorks() throws Exception {
        RawClient c = client();
        byte[] frame = RawClient.framed(RawClient.encode("op", "ping", "id", 5L));
        for (int cut = 1; cut < frame.length; cut++) {
            byte[] first = java.util.Arrays.copyOfRange(frame, 0, cut);
            byte[] rest = java.util.Arrays.copyOfRange(frame, cut, frame.length);
            c.slowly(first, first.length, 2).bytes(rest);
            Expect.okMap(c.read(), 5);
        }
    }

    @Test
    void pipelinedFramesInOneWriteAreAppliedAndAnsweredInOrder() throws Exception {
        RawClient c = client();
        int n = 400; // above the default maxPendingRequests (256): reading pauses and resumes
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        for (int i = 0; i < n; i++) {
            wire.write(RawClient.framed(RawClient.encode("op", "put", "id", 3L * i, "key", "p/k" + (i % 7), "body", (long) i)));
            wire.write(RawClient.framed(RawClient.encode("op", "get", "id", 3L * i + 1, "key", "p/k" + (i % 7))));
            if (i % 50 == 0) {
                // fire and forget: applied, not answered
                wire.write(RawClient.framed(RawClient.encode("op", "ping")));
            }
            // a failing request in the middle keeps its place and uses up no version
            wire.write(RawClient.framed(RawClient.encode("op", "put", "id", 3L * i + 2, "key", "bad//key", "body", 1L)));
        }
        c.bytes(wire.toByteArray());
        for (int i = 0; i < n; i++) {
            Map<?, ?> put = Expect.okMap(c.read(), 3L * i);
            assertEquals(i + 1L, put.get("version"), "versions follow the order of the requests");
            Map<?, ?> get = Expect.okMap(c.read(), 3L * i + 1);
            assertEquals((long) i, get.get("body"), "each get sees the put just before it");
            assertEquals(i + 1L, get.get("version"));
            Expect.error(c.read(), 3L * i + 2, "BAD_KEY");
        }
        assertEquals(n, host.store.currentVersion());
        Expect.ok(c.call("op", "ping", "id", 99_999L), 99_999);
    }

    @Test
    void aTwentyMegabyteMeshArrivingInPiecesIsStoredAndReturned() throws Exception {
        RawClient c = client();
        int points = 20 * 1024 * 1024 / 12;
        ByteBuffer pos = ByteBuffer.allocate(points * 12).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < points; i++) {
            pos.putFloat(i * 0.5f).putFloat(-i).putFloat(i % 1000);
        }
        int tris = 1000;
        ByteBuffer idx = ByteBuffer.allocate(tris * 3 * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < tris * 3; i++) {
            idx.putInt(i);
        }
        Map<String, Object> mesh = new java.util.LinkedHashMap<>();
        mesh.put("positions", new CborTagged(85, pos.array()));
        mesh.put("indices", new CborTagged(70, idx.array()));
        mesh.put("name", "big");
        byte[] frame = RawClient.framed(RawClient.encode("op", "put", "id", 1L, "key", "geo/big", "codec", "mesh", "body", mesh));
        assertTrue(frame.length > 20_000_000);
        c.slowly(frame, 1 << 20, 2); // 1 MiB pieces

        Map<?, ?> put = Expect.okMap(c.read(), 1);
        assertEquals(1L, put.get("version"));
        assertEquals("mesh", put.get("kind"));
        Map<?, ?> summary = (Map<?, ?>) put.get("summary");
        assertEquals((long) points, summary.get("points"));
        assertEquals(3L * tris, summary.get("vertices"));
        assertEquals((long) tris, summary.get("faces"));
        List<?> bounds = (List<?>) summary.get("bounds");
        assertEquals(6, bounds.size());
        assertEquals(0.0, ((Number) bounds.get(0)).doubleValue());
        assertEquals(-(points - 1.0), ((Number) bounds.get(1)).doubleValue());
        assertEquals((points - 1) * 0.5, ((Number) bounds.get(3)).doubleValue());
        assertEquals(999.0, ((Number) bounds.get(5)).doubleValue());

        Map<?, ?> got = Expect.okMap(c.call("op", "get", "id", 2L, "key", "geo/big"), 2);
        assertEquals("mesh", got.get("codec"));
        Map<?, ?> body = (Map<?, ?>) got.get("body");
        CborTagged p = assertInstanceOf(CborTagged.class, body.get("positions"));
        assertEquals(85, p.tag());
        assertArrayEquals(pos.array(), (byte[]) p.value());
        CborTagged ix = assertInstanceOf(CborTagged.class, body.get("indices"));
        assertEquals(70, ix.tag());
        assertArrayEquals(idx.array(), (byte[]) ix.value());
        assertEquals("big", body.get("name"));
    }

    @Test
    void aHalfSentFrameOfOneClientDoesNotHoldUpAnother() throws Exception {
        RawClient a = client();
        RawClient b = client();
        byte[] frame = RawClient.framed(RawClient.encode("op", "put", "id", 1L, "key", "a/x", "body", "from a"));
        a.bytes(java.util.Arrays.copyOf(frame, frame.length / 2));
        Map<?, ?> put = Expect.okMap(b.call("op", "put", "id", 1L, "key", "b/x", "body", "from b"), 1);
        assertEquals(1L, put.get("version"));
        a.bytes(java.util.Arrays.copyOfRange(frame, frame.length / 2, frame.length));
        assertEquals(2L, Expect.okMap(a.read(), 1).get("version"));
    }

    @Test
    void indefiniteLengthMapsAndStringsAndATaggedMessageAreAccepted() throws Exception {
        RawClient c = client();
        // {_ "op": (_ "pi", "ng"), "id": 3, "extra": [_ 1, 2]} with indefinite map, text and array
        CborWriter w = new CborWriter();
        w.raw(new byte[] {(byte) 0xbf}, 0, 1);
        w.text("op");
        w.raw(new byte[] {(byte) 0x7f}, 0, 1).text("pi").text("ng").raw(new byte[] {(byte) 0xff}, 0, 1);
        w.text("id").uint(3);
        w.text("extra").raw(new byte[] {(byte) 0x9f, 0x01, 0x02, (byte) 0xff}, 0, 4);
        w.raw(new byte[] {(byte) 0xff}, 0, 1);
        c.frame(w.toByteArray());
        Map<?, ?> r = Expect.okMap(c.read(), 3);
        assertInstanceOf(Long.class, r.get("time"));

        // self-described CBOR: tag 55799 over the message map
        CborWriter t = new CborWriter();
        t.tag(55799);
        byte[] m = RawClient.encode("op", "ping", "id", 4L);
        t.raw(m, 0, m.length);
        c.frame(t.toByteArray());
        Expect.okMap(c.read(), 4);
    }
}
