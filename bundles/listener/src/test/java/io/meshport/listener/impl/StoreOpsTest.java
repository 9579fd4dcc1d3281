package io.meshport.listener.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.meshport.wire.CborTagged;
import io.meshport.wire.CborWriter;

/** docs/protocol.md sections 4 to 6: put, get, delete, list, versions, codecs, mesh updates with base. */
class StoreOpsTest extends HostTestBase {
    private long nextId = 100;

    private Map<Object, Object> call(RawClient c, Object... kv) throws Exception {
        Object[] withId = new Object[kv.length + 2];
        System.arraycopy(kv, 0, withId, 0, kv.length);
        withId[kv.length] = "id";
        withId[kv.length + 1] = ++nextId;
        return c.call(withId);
    }

    private Map<?, ?> ok(RawClient c, Object... kv) throws Exception {
        Map<Object, Object> r = call(c, kv);
        Object res = Expect.ok(r, nextId);
        return res instanceof Map ? (Map<?, ?>) res : null;
    }

    private Map<?, ?> err(RawClient c, String code, Object... kv) throws Exception {
        return Expect.error(call(c, kv), nextId, code);
    }

    private static byte[] leF(float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        return b.array();
    }

    private static byte[] leI(int... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int i : v) {
            b.putInt(i);
        }
        return b.array();
    }

    @Test
    void versionsAreSharedByAllKeysStartAtOneAndFailuresUseNone() throws Exception {
        RawClient c = client();
        RawClient other = client();
        Map<?, ?> a = ok(c, "op", "put", "key", "v/a", "body", 1L);
        assertEquals(Map.of("key", "v/a", "version", 1L, "kind", "cbor", "summary", Map.of("type", "unsigned integer")), a);
        assertEquals(2L, ok(c, "op", "put", "key", "v/b", "body", 2L).get("version"));
        assertEquals(3L, ok(other, "op", "put", "key", "v/a", "body", 3L).get("version"), "one counter for all connections");

        // failures of every kind: none takes a number
        err(c, "CONFLICT", "op", "put", "key", "v/a", "body", 4L, "ifVersion", 1L);
        err(c, "CONFLICT", "op", "put", "key", "v/a", "body", 4L, "ifVersion", 0L);
        err(c, "BAD_KEY", "op", "put", "key", "v//a", "body", 4L);
        err(c, "NO_CODEC", "op", "put", "key", "v/a", "body", 4L, "codec", "nope");
        err(c, "DECODE_FAILED", "op", "put", "key", "v/a", "body", new byte[] {0x01, 0x02});
        err(c, "BAD_REQUEST", "op", "put", "key", "v/a", "body", "text", "codec", "bytes");
        err(c, "INVALID_MESH", "op", "put", "key", "v/a", "body", Map.of("positions", List.of(1L, 2L)), "codec", "mesh");
        err(c, "NOT_FOUND", "op", "delete", "key", "v/none");
        err(c, "CONFLICT", "op", "delete", "key", "v/a", "ifVersion", 2L);
        assertEquals(3L, host.store.currentVersion());
        assertEquals(3L, ok(c, "op", "get", "key", "v/a").get("body"), "failed puts changed nothing");

        Map<?, ?> del = ok(c, "op", "delete", "key", "v/b");
        assertEquals(Map.of("key", "v/b", "version", 4L), del);
        assertEquals(5L, ok(c, "op", "put", "key", "v/b", "body", 5L, "ifVersion", 0L).get("version"), "0 = must not exist");
        assertEquals(6L, ok(c, "op", "put", "key", "v/b", "body", 6L, "ifVersion", 5L).get("version"));
        assertEquals(Map.of("key", "v/a", "version", 7L), ok(c, "op", "delete", "key", "v/a", "ifVersion", 3L));
    }

    @Test
    void conflictsCarryTheCurrentVersion() throws Exception {
        RawClient c = client();
        ok(c, "op", "put", "key", "c/x", "body", 1L);
        ok(c, "op", "put", "key", "c/x", "body", 2L);
        Map<?, ?> e = err(c, "CONFLICT", "op", "put", "key", "c/x", "body", 3L, "ifVersion", 1L);
        assertEquals(Map.of("current", 2L), e.get("detail"));
        e = err(c, "CONFLICT", "op", "put", "key", "c/absent", "body", 3L, "ifVersion", 2L);
        assertEquals(Map.of("current", 0L), e.get("detail"));
        e = err(c, "CONFLICT", "op", "delete", "key", "c/x", "ifVersion", 7L);
        assertEquals(Map.of("current", 2L), e.get("detail"));
        c.send(w -> w.mapHeader(5).text("op").text("put").text("id").uint(50).text("key").text("c/x").text("body").uint(1)
                .text("ifVersion").uint(-1L)); // 2^64 - 1: never the version
        assertEquals(Map.of("current", 2L), Expect.error(c.read(), 50L, "CONFLICT").get("detail"));
        c.send(w -> w.mapHeader(4).text("op").text("delete").text("id").uint(51).text("key").text("c/x")
                .text("ifVersion").uint(-1L));
        assertEquals(Map.of("current", 2L), Expect.error(c.read(), 51L, "CONFLICT").get("detail"));
        c.send(w -> w.mapHeader(5).text("op").text("put").text("id").uint(52).text("key").text("c/x").text("body").uint(1)
                .text("ifVersion").uint(Long.MIN_VALUE)); // 2^63
        assertEquals(Map.of("current", 2L), Expect.error(c.read(), 52L, "CONFLICT").get("detail"));
        // delete of a missing key is NOT_FOUND with or without ifVersion
        err(c, "NOT_FOUND", "op", "delete", "key", "c/absent");
        err(c, "NOT_FOUND", "op", "delete", "key", "c/absent", "ifVersion", 0L);
        err(c, "NOT_FOUND", "op", "delete", "key", "c/absent", "ifVersion", 2L);
        err(c, "NOT_FOUND", "op", "get", "key", "c/absent");
        assertEquals(2L, host.store.currentVersion());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/a", "a/", "a//b", ".", "..", "a/./b", "a/../b", "a b", "a\u00e9", "a\\b", "a:b", "a*", "\u0000"})
    void badKeysAreRefusedByEveryKeyedOp(String key) throws Exception {
        RawClient c = client();
        Map<?, ?> e = err(c, "BAD_KEY", "op", "put", "key", key, "body", 1L);
        assertTrue(((String) e.get("message")).contains("key"), (String) e.get("message"));
        err(c, "BAD_KEY", "op", "get", "key", key);
        err(c, "BAD_KEY", "op", "delete", "key", key);
        Expect.ok(call(c, "op", "ping"), nextId);
        assertEquals(0L, host.store.currentVersion());
    }

    @Test
    void keysOfOneTo256BytesWithAllowedCharactersAreAccepted() throws Exception {
        RawClient c = client();
        ok(c, "op", "put", "key", "a", "body", 1L);
        ok(c, "op", "put", "key", "A-Z_a.z/0-9/..x/.y/z..", "body", 1L);
        String k256 = "k".repeat(128) + "/" + "x".repeat(127);
        assertEquals(256, k256.length());
        ok(c, "op", "put", "key", k256, "body", 1L);
        err(c, "BAD_KEY", "op", "put", "key", k256 + "x", "body", 1L);
        assertEquals(3L, host.store.currentVersion());
    }

    @Test
    void listIsSortedByKeyFilteredByPrefixAndDescribesEntries() throws Exception {
        RawClient c = client();
        long before = System.currentTimeMillis();
        for (String k : new String[] {"b", "a_b", "a/b", "A", "a0", "a.b", "a-c", "a/b/c"}) {
            ok(c, "op", "put", "key", k, "body", 1L);
        }
        ok(c, "op", "put", "key", "a/bytes", "codec", "bytes", "body", new byte[10]);
        long after = System.currentTimeMillis();
        List<?> all = (List<?>) Expect.ok(call(c, "op", "list"), nextId);
        assertEquals(List.of("A", "a-c", "a.b", "a/b", "a/b/c", "a/bytes", "a0", "a_b", "b"),
                all.stream().map(e -> ((Map<?, ?>) e).get("key")).toList());
        List<?> a = (List<?>) Expect.ok(call(c, "op", "list", "prefix", "a/"), nextId);
        assertEquals(List.of("a/b", "a/b/c", "a/bytes"), a.stream().map(e -> ((Map<?, ?>) e).get("key")).toList());
        List<?> ab = (List<?>) Expect.ok(call(c, "op", "list", "prefix", "a/b"), nextId);
        assertEquals(3, ab.size(), "a plain string prefix, not a folder");
        assertEquals(List.of(), Expect.ok(call(c, "op", "list", "prefix", "zzz"), nextId));

        Map<?, ?> row = (Map<?, ?>) a.get(0);
        assertEquals(List.of("key", "version", "kind", "codec", "bytes", "updated"), List.copyOf(row.keySet()));
        assertEquals(3L, row.get("version"));
        assertEquals("cbor", row.get("kind"));
        assertEquals("cbor", row.get("codec"));
        assertEquals(1L, row.get("bytes"), "the payload is the 1-byte item");
        long updated = (Long) row.get("updated");
        assertTrue(updated >= before && updated <= after);
        Map<?, ?> bytesRow = (Map<?, ?>) a.get(2);
        assertEquals("bytes", bytesRow.get("kind"));
        assertEquals("bytes", bytesRow.get("codec"));
        assertEquals(10L, bytesRow.get("bytes"));
        assertEquals(9L, bytesRow.get("version"));
    }

    @Test
    void largeFramesOfOneLengthSentBackToBackEachKeepTheirOwnBytes() throws Exception {
        // The listener reuses a handled large frame's array for the next frame of the same length:
        // every stored value must still be exactly what its own frame carried.
        RawClient c = client();
        int n = 300_000; // bytes per body, well above the size from which frames are reused
        int rounds = 6;
        long firstId = nextId + 1;
        for (int r = 0; r < rounds; r++) {
            byte[] body = new byte[n];
            java.util.Arrays.fill(body, (byte) r);
            body[r] = (byte) 0x7f;
            c.msg("op", "put", "key", "same/" + (r % 2), "codec", "bytes", "body", body, "id", ++nextId); // pipelined
        }
        for (int r = 0; r < rounds; r++) {
            Expect.ok(c.reply(firstId + r), firstId + r);
        }
        assertTrue(host.server.frames.heldBytes() > 0, "handled frames were kept for reuse");
        for (int k = 0; k < 2; k++) {
            byte[] got = (byte[]) ok(c, "op", "get", "key", "same/" + k).get("body");
            int r = rounds - 2 + k; // the last round that wrote this key
            byte[] want = new byte[n];
            java.util.Arrays.fill(want, (byte) r);
            want[r] = (byte) 0x7f;
            assertArrayEquals(want, got, "same/" + k);
        }
        float[] pos = new float[3 * 40_000];
        long version = 0;
        for (int r = 0; r < rounds; r++) {
            java.util.Arrays.fill(pos, r + 0.5f);
            Map<?, ?> put = version == 0
                    ? ok(c, "op", "put", "key", "same/mesh", "codec", "mesh", "body", Map.of("positions", new CborTagged(85, leF(pos))))
                    : ok(c, "op", "put", "key", "same/mesh", "codec", "mesh", "body",
                            Map.of("base", version, "positions", new CborTagged(85, leF(pos))));
            version = (Long) put.get("version");
            Map<?, ?> got = (Map<?, ?>) ok(c, "op", "get", "key", "same/mesh").get("body");
            byte[] stored = (byte[]) ((CborTagged) got.get("positions")).value();
            assertArrayEquals(leF(pos), stored, "positions of round " + r);
        }
    }

    @Test
    void theCborCodecStoresTheItemAsItCame() throws Exception {
        RawClient c = client();
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("n", -5L);
        value.put("f", 1.5);
        value.put("t", new CborTagged(1000, "tagged"));
        value.put("b", new byte[] {1, 2});
        value.put("l", List.of(true, false));
        value.put("z", null);
        byte[] encoded = new CborWriter().value(value).toByteArray();
        Map<?, ?> put = ok(c, "op", "put", "key", "c/v", "body", new RawClient.Enc(encoded));
        assertEquals(Map.of("type", "map", "entries", 6L), put.get("summary"));
        Map<?, ?> got = ok(c, "op", "get", "key", "c/v");
        assertEquals(List.of("key", "version", "codec", "body"), List.copyOf(got.keySet()));
        assertEquals("cbor", got.get("codec"));
        Map<?, ?> body = (Map<?, ?>) got.get("body");
        assertEquals(new CborTagged(1000, "tagged"), body.get("t"));
        assertEquals(-5L, body.get("n"));
        assertEquals(1.5, body.get("f"));
        assertArrayEquals(new byte[] {1, 2}, (byte[]) body.get("b"));
        assertTrue(body.containsKey("z"));
        // fetched as bytes: exactly the bytes that were sent
        Map<?, ?> asBytes = ok(c, "op", "get", "key", "c/v", "codec", "bytes");
        assertEquals("bytes", asBytes.get("codec"));
        assertArrayEquals(encoded, (byte[]) asBytes.get("body"));

        // a byte-string body holding one encoded item is that item
        ok(c, "op", "put", "key", "c/wrapped", "body", encoded);
        assertArrayEquals(encoded, (byte[]) ok(c, "op", "get", "key", "c/wrapped", "codec", "bytes").get("body"));
        assertEquals(new CborTagged(1000, "tagged"), ((Map<?, ?>) ok(c, "op", "get", "key", "c/wrapped").get("body")).get("t"));
    }

    @Test
    void aByteStringBodyThatIsNotOneCborItemIsDecodeFailed() throws Exception {
        RawClient c = client();
        err(c, "DECODE_FAILED", "op", "put", "key", "d/x", "body", new byte[] {0x01, 0x02});
        err(c, "DECODE_FAILED", "op", "put", "key", "d/x", "body", new byte[0]);
        err(c, "DECODE_FAILED", "op", "put", "key", "d/x", "body", new byte[] {0x1c});
        err(c, "DECODE_FAILED", "op", "put", "key", "d/x", "body", new byte[] {(byte) 0x82, 0x01}, "codec", "cbor");
        assertFalse(host.store.get("d/x").isPresent());
        assertEquals(0L, host.store.currentVersion());
    }

    @Test
    void theBytesCodecNeedsAByteString() throws Exception {
        RawClient c = client();
        Map<?, ?> put = ok(c, "op", "put", "key", "b/x", "codec", "bytes", "body", new byte[] {9, 8, 7});
        assertEquals("bytes", put.get("kind"));
        assertEquals(Map.of("length", 3L), put.get("summary"));
        Map<?, ?> got = ok(c, "op", "get", "key", "b/x");
        assertEquals("bytes", got.get("codec"));
        assertArrayEquals(new byte[] {9, 8, 7}, (byte[]) got.get("body"));
        // tag 64 over a byte string (a uint8 typed array) is accepted too
        ok(c, "op", "put", "key", "b/t", "codec", "bytes", "body", new CborTagged(64, new byte[] {1, 2}));
        assertArrayEquals(new byte[] {1, 2}, (byte[]) ok(c, "op", "get", "key", "b/t").get("body"));
        // an indefinite-length byte string: its chunks joined
        ok(c, "op", "put", "key", "b/i", "codec", "bytes", "body", new RawClient.Enc(new byte[] {0x5f, 0x41, 5, 0x42, 6, 7, (byte) 0xff}));
        assertArrayEquals(new byte[] {5, 6, 7}, (byte[]) ok(c, "op", "get", "key", "b/i").get("body"));

        for (Object notBytes : new Object[] {"text", 5L, List.of(1L), Map.of("a", 1L), new CborTagged(65, new byte[] {1, 2}), null}) {
            Map<?, ?> e = err(c, "BAD_REQUEST", "op", "put", "key", "b/bad", "codec", "bytes", "body", notBytes);
            assertTrue(((String) e.get("message")).contains("byte string"), (String) e.get("message"));
        }
        assertFalse(host.store.get("b/bad").isPresent());
        assertEquals(3L, host.store.currentVersion());
        // bytes fetched as cbor: a byte string
        assertArrayEquals(new byte[] {9, 8, 7}, (byte[]) ok(c, "op", "get", "key", "b/x", "codec", "cbor").get("body"));
    }

    @Test
    void unknownCodecsAreNoCodecListingTheInstalledOnes() throws Exception {
        RawClient c = client();
        Map<?, ?> e = err(c, "NO_CODEC", "op", "put", "key", "n/x", "codec", "json", "body", "{}");
        String m = (String) e.get("message");
        assertTrue(m.contains("json") && m.contains("bytes") && m.contains("cbor") && m.contains("mesh"), m);
        ok(c, "op", "put", "key", "n/x", "body", 1L);
        e = err(c, "NO_CODEC", "op", "get", "key", "n/x", "codec", "ply");
        m = (String) e.get("message");
        assertTrue(m.contains("ply") && m.contains("bytes") && m.contains("cbor") && m.contains("mesh"), m);
        // a cbor value cannot be encoded as a mesh
        err(c, "NO_CODEC", "op", "get", "key", "n/x", "codec", "mesh");
        // NOT_FOUND comes before the codec check for a missing key
        err(c, "NOT_FOUND", "op", "get", "key", "n/none", "codec", "mesh");
    }

    private static Map<String, Object> triangleMesh() {
        Map<String, Object> mesh = new LinkedHashMap<>();
        mesh.put("positions", List.of(0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 2.0, 0.5));
        mesh.put("indices", List.of(0L, 1L, 2L));
        mesh.put("name", "tri");
        mesh.put("meta", Map.of("author", "test"));
        Map<String, Object> cd = new LinkedHashMap<>();
        cd.put("owner", "point");
        cd.put("size", 3L);
        cd.put("data", List.of(1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0));
        mesh.put("attributes", Map.of("Cd", cd));
        return mesh;
    }

    @Test
    void meshesArePutAndReturnedWithTypedArrays() throws Exception {
        RawClient c = client();
        Map<?, ?> put = ok(c, "op", "put", "key", "geo/tri", "codec", "mesh", "body", triangleMesh());
        assertEquals("mesh", put.get("kind"));
        Map<?, ?> s = (Map<?, ?>) put.get("summary");
        assertEquals(3L, s.get("points"));
        assertEquals(3L, s.get("vertices"));
        assertEquals(1L, s.get("faces"));
        assertEquals(List.of("Cd"), s.get("attributes"));
        assertEquals(List.of(0.0, 0.0, 0.0, 1.0, 2.0, 0.5), ((List<?>) s.get("bounds")).stream().map(x -> ((Number) x).doubleValue()).toList());

        Map<?, ?> got = ok(c, "op", "get", "key", "geo/tri");
        assertEquals("mesh", got.get("codec"), "the codec it was put with");
        Map<?, ?> body = (Map<?, ?>) got.get("body");
        assertEquals(new CborTagged(85, leF(0, 0, 0, 1, 0, 0, 0, 2, 0.5f)), body.get("positions"));
        assertEquals(new CborTagged(70, leI(0, 1, 2)), body.get("indices"));
        assertFalse(body.containsKey("faceCounts"), "only triangles");
        assertEquals("tri", body.get("name"));
        assertEquals(Map.of("author", "test"), body.get("meta"));
        Map<?, ?> cd = (Map<?, ?>) ((Map<?, ?>) body.get("attributes")).get("Cd");
        assertEquals("point", cd.get("owner"));
        assertEquals(3L, cd.get("size"));
        assertEquals(new CborTagged(85, leF(1, 0, 0, 0, 1, 0, 0, 0, 1)), cd.get("data"));

        // as cbor: the same map; as bytes: NO_CODEC
        Map<?, ?> asCbor = ok(c, "op", "get", "key", "geo/tri", "codec", "cbor");
        assertEquals("cbor", asCbor.get("codec"));
        assertEquals(body.get("positions"), ((Map<?, ?>) asCbor.get("body")).get("positions"));
        Map<?, ?> e = err(c, "NO_CODEC", "op", "get", "key", "geo/tri", "codec", "bytes");
        assertTrue(((String) e.get("message")).contains("bytes"), (String) e.get("message"));
        // a mesh sent with the cbor codec is stored as plain cbor
        assertEquals("cbor", ok(c, "op", "put", "key", "geo/plain", "body", triangleMesh()).get("kind"));
    }

    @Test
    void aMeshUpdateWithBaseReplacesPositionsAndKeepsTheRest() throws Exception {
        RawClient c = client();
        RawClient other = client();
        long v1 = (Long) ok(c, "op", "put", "key", "geo/tri", "codec", "mesh", "body", triangleMesh()).get("version");
        ok(other, "op", "put", "key", "geo/other", "body", 1L); // takes version 2
        Map<String, Object> update = new LinkedHashMap<>();
        update.put("base", v1);
        update.put("positions", new CborTagged(85, leF(5, 5, 5, 6, 5, 5, 5, 7, 5)));
        Map<?, ?> put = ok(c, "op", "put", "key", "geo/tri", "codec", "mesh", "body", update);
        assertEquals(3L, put.get("version"));
        assertEquals(List.of(5.0, 5.0, 5.0, 6.0, 7.0, 5.0),
                ((List<?>) ((Map<?, ?>) put.get("summary")).get("bounds")).stream().map(x -> ((Number) x).doubleValue()).toList());
        Map<?, ?> body = (Map<?, ?>) ok(c, "op", "get", "key", "geo/tri").get("body");
        assertEquals(new CborTagged(85, leF(5, 5, 5, 6, 5, 5, 5, 7, 5)), body.get("positions"));
        assertEquals(new CborTagged(70, leI(0, 1, 2)), body.get("indices"), "indices are reused");
        assertEquals("tri", body.get("name"), "name is reused");
        assertEquals(Map.of("author", "test"), body.get("meta"), "meta is reused");
        assertTrue(((Map<?, ?>) body.get("attributes")).containsKey("Cd"), "attributes not sent are reused");

        // a stale base: CONFLICT with the current version
        Map<?, ?> e = err(c, "CONFLICT", "op", "put", "key", "geo/tri", "codec", "mesh", "body", update);
        assertEquals(Map.of("current", 3L), e.get("detail"));
        // an absent key: CONFLICT with current 0
        e = err(c, "CONFLICT", "op", "put", "key", "geo/none", "codec", "mesh", "body", update);
        assertEquals(Map.of("current", 0L), e.get("detail"));
        // another point count, or indices: INVALID_MESH
        Map<String, Object> fewer = Map.of("base", 3L, "positions", List.of(0.0, 0.0, 0.0));
        err(c, "INVALID_MESH", "op", "put", "key", "geo/tri", "codec", "mesh", "body", fewer);
        Map<String, Object> withIndices = Map.of("base", 3L, "positions", new CborTagged(85, leF(0, 0, 0, 1, 0, 0, 0, 1, 0)),
                "indices", List.of(0L, 1L, 2L));
        err(c, "INVALID_MESH", "op", "put", "key", "geo/tri", "codec", "mesh", "body", withIndices);
        // base over a value that is not a mesh
        Map<String, Object> overCbor = Map.of("base", 2L, "positions", List.of(0.0, 0.0, 0.0));
        err(c, "INVALID_MESH", "op", "put", "key", "geo/other", "codec", "mesh", "body", overCbor);
        // base and ifVersion that disagree
        Map<String, Object> ok = Map.of("base", 3L, "positions", new CborTagged(85, leF(0, 0, 0, 1, 0, 0, 0, 1, 0)));
        e = err(c, "CONFLICT", "op", "put", "key", "geo/tri", "codec", "mesh", "body", ok, "ifVersion", 2L);
        assertEquals(3L, host.store.currentVersion(), "the failed updates used no version");
        assertEquals(4L, ok(c, "op", "put", "key", "geo/tri", "codec", "mesh", "body", ok, "ifVersion", 3L).get("version"));
    }
}
