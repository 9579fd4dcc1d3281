package io.meshport.listener.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.meshport.wire.CborWriter;

/**
 * docs/protocol.md section 2: each frame-level error gets its reply without id, then the connection
 * closes; another client connected meanwhile carries on and the session keeps what it held.
 */
class FrameErrorsTest extends HostTestBase {
    private static final int MAX_FRAME = 64 * 1024;

    private static byte[] header(long length) {
        return ByteBuffer.allocate(4).putInt((int) length).array();
    }

    private static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            o.writeBytes(p);
        }
        return o.toByteArray();
    }

    /** A put whose body nests {@code depth} arrays, the innermost holding the integer 1. */
    private static byte[] nestedPut(int depth) {
        CborWriter body = new CborWriter();
        for (int i = 0; i < depth; i++) {
            body.arrayHeader(1);
        }
        body.uint(1);
        return RawClient.encode("op", "put", "id", 1L, "key", "deep/x", "body", new RawClient.Enc(body.toByteArray()));
    }

    static Stream<Arguments> badFrames() {
        byte[] ping = RawClient.encode("op", "ping", "id", 1L);
        byte[] put = RawClient.encode("op", "put", "id", 9L, "key", "cut/x", "body", Map.of("a", 1L, "b", "text"));
        byte[] tags = new byte[300 * 3 + 1]; // 300 tags (tag 1000 = 0xd9 0x03 0xe8) over 0
        for (int i = 0; i < 300; i++) {
            tags[3 * i] = (byte) 0xd9;
            tags[3 * i + 1] = 0x03;
            tags[3 * i + 2] = (byte) 0xe8;
        }
        return Stream.of(
                Arguments.of("length 0", header(0), "BAD_FRAME"),
                Arguments.of("length 0 then a valid frame, which is not read",
                        cat(header(0), RawClient.framed(ping)), "BAD_FRAME"),
                Arguments.of("length above maxFrameBytes, header only", header(MAX_FRAME + 1), "FRAME_TOO_LARGE"),
                Arguments.of("length 2^32-1, header only", header(0xffffffffL), "FRAME_TOO_LARGE"),
                Arguments.of("garbage that is not CBOR", RawClient.framed(new byte[] {(byte) 0xff, (byte) 0xfe, 0x1c, 0x00, 0x42}), "BAD_FRAME"),
                Arguments.of("a reserved additional-information value", RawClient.framed(new byte[] {(byte) 0xa1, 0x62, 'o', 'p', 0x1d}), "BAD_FRAME"),
                Arguments.of("a map followed by a leftover byte", RawClient.framed(cat(ping, new byte[] {0})), "BAD_FRAME"),
                Arguments.of("a map followed by a second map", RawClient.framed(cat(ping, ping)), "BAD_FRAME"),
                Arguments.of("an array at the top", RawClient.framed(new CborWriter().value(List.of("op", "ping")).toByteArray()), "BAD_FRAME"),
                Arguments.of("an integer at the top", RawClient.framed(new byte[] {0x18, 0x2a}), "BAD_FRAME"),
                Arguments.of("a text at the top", RawClient.framed(new CborWriter().text("ping").toByteArray()), "BAD_FRAME"),
                Arguments.of("null at the top", RawClient.framed(new byte[] {(byte) 0xf6}), "BAD_FRAME"),
                Arguments.of("truncated CBOR", RawClient.framed(Arrays.copyOf(put, put.length - 3)), "BAD_FRAME"),
                Arguments.of("a map that ends after a key", RawClient.framed(new byte[] {(byte) 0xbf, 0x62, 'o', 'p', (byte) 0xff}), "BAD_FRAME"),
                Arguments.of("an unterminated indefinite map", RawClient.framed(new byte[] {(byte) 0xbf, 0x62, 'o', 'p', 0x64, 'p', 'i', 'n', 'g'}), "BAD_FRAME"),
                Arguments.of("an array claiming 2^32 items", RawClient.framed(new byte[] {(byte) 0xa1, 0x61, 'x', (byte) 0x9b, 0, 0, 0, 1, 0, 0, 0, 0}), "BAD_FRAME"),
                Arguments.of("a byte string longer than the frame", RawClient.framed(new byte[] {(byte) 0xa1, 0x61, 'x', 0x5a, 0x7f, 0, 0, 0, 1}), "BAD_FRAME"),
                Arguments.of("nesting of 300 arrays", RawClient.framed(nestedPut(300)), "BAD_FRAME"),
                Arguments.of("nesting of 257 levels", RawClient.framed(nestedPut(256)), "BAD_FRAME"),
                Arguments.of("nesting of 300 tags", RawClient.framed(RawClient.encode("op", "put", "id", 1L, "key", "deep/x",
                        "body", new RawClient.Enc(tags))), "BAD_FRAME"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFrames")
    void aFrameLevelErrorClosesOnlyItsConnection(String name, byte[] wire, String code) throws Exception {
        start(limits());
        RawClient good = client();
        Map<?, ?> kept = Expect.okMap(good.call("op", "put", "id", 1L, "key", "keep/x", "body", Map.of("v", 42L)), 1);
        assertEquals(1L, kept.get("version"));

        RawClient bad = client();
        bad.bytes(wire);
        Map<Object, Object> reply = bad.read();
        Expect.error(reply, null, code);
        assertTrue(bad.closedByHost(), "the connection is closed after " + code);

        assertOthersUnaffected(good);
    }

    @Test
    void requestsBeforeAnOversizeHeaderAreAnsweredFirst() throws Exception {
        start(limits());
        RawClient good = client();
        Expect.okMap(good.call("op", "put", "id", 1L, "key", "keep/x", "body", Map.of("v", 42L)), 1);
        RawClient bad = client();
        bad.bytes(cat(RawClient.framed(RawClient.encode("op", "ping", "id", 7L)),
                RawClient.framed(RawClient.encode("op", "put", "id", 8L, "key", "before/x", "body", 1L)),
                header(MAX_FRAME + 1)));
        Expect.okMap(bad.read(), 7);
        assertEquals(2L, Expect.okMap(bad.read(), 8).get("version"));
        Map<Object, Object> err = bad.read();
        Expect.error(err, null, "FRAME_TOO_LARGE");
        assertTrue(Expect.message(err).contains(String.valueOf(MAX_FRAME + 1)), Expect.message(err));
        assertTrue(bad.closedByHost());
        assertTrue(host.store.get("before/x").isPresent());
        assertEquals(2L, host.store.currentVersion());
    }

    @Test
    void aFrameOfExactlyMaxFrameBytesIsAccepted() throws Exception {
        start(limits());
        RawClient c = client();
        // {"op": "put", "id": 1, "key": "max/x", "codec": "bytes", "body": h'...'} sized to MAX_FRAME
        byte[] head = RawClient.encode("op", "put", "id", 1L, "key", "max/x", "codec", "bytes", "body", new byte[0]);
        int content = MAX_FRAME - (head.length - 1) - 3; // the empty byte string (1 byte) becomes a 3-byte header and its content
        byte[] exact = RawClient.encode("op", "put", "id", 1L, "key", "max/x", "codec", "bytes", "body", new byte[content]);
        assertEquals(MAX_FRAME, exact.length);
        c.frame(exact);
        Map<?, ?> r = Expect.okMap(c.read(), 1);
        assertEquals(Map.of("length", (long) content), r.get("summary"));
        // one byte more is refused, before its body is read
        byte[] over = RawClient.encode("op", "put", "id", 2L, "key", "max/x", "codec", "bytes", "body", new byte[content + 1]);
        assertEquals(MAX_FRAME + 1, over.length);
        c.bytes(header(over.length));
        Expect.error(c.read(), null, "FRAME_TOO_LARGE");
        assertTrue(c.closedByHost());
    }

    @Test
    void nestingOf256LevelsIsAccepted() throws Exception {
        start(limits());
        RawClient c = client();
        c.frame(nestedPut(255)); // the message map plus 255 arrays: 256 levels
        assertEquals(1L, Expect.okMap(c.read(), 1).get("version"));
        // fetched as bytes: the stored item exactly as it came (as a value it would nest deeper than
        // 256 inside the reply envelope)
        Map<?, ?> got = Expect.okMap(c.call("op", "get", "id", 2L, "key", "deep/x", "codec", "bytes"), 2);
        CborWriter expected = new CborWriter();
        for (int i = 0; i < 255; i++) {
            expected.arrayHeader(1);
        }
        expected.uint(1);
        assertArrayEquals(expected.toByteArray(), (byte[]) got.get("body"));
    }

    @Test
    void aClientThatSendsMoreAfterABadFrameStillSeesTheError() throws Exception {
        start(limits());
        RawClient bad = client();
        byte[] junk = new byte[256 * 1024];
        Arrays.fill(junk, (byte) 0x01);
        bad.bytes(cat(header(0), junk)); // the host drops the rest instead of resetting
        Expect.error(bad.read(), null, "BAD_FRAME");
        assertTrue(bad.closedByHost());
    }

    private static ListenerSettings.Builder limits() {
        ListenerSettings.Builder b = ListenerSettings.builder();
        b.maxFrameBytes = MAX_FRAME;
        return b;
    }

    private void assertOthersUnaffected(RawClient good) throws Exception {
        Expect.okMap(good.call("op", "ping", "id", 2L), 2);
        Map<?, ?> got = Expect.okMap(good.call("op", "get", "id", 3L, "key", "keep/x"), 3);
        assertEquals(1L, got.get("version"));
        assertEquals(Map.of("v", 42L), got.get("body"));
        // the bad frame used no version number and stored nothing
        Map<?, ?> next = Expect.okMap(good.call("op", "put", "id", 4L, "key", "keep/y", "body", 2L), 4);
        assertEquals(2L, next.get("version"));
        assertEquals(List.of("keep/x", "keep/y"), host.store.list("").stream().map(e -> e.key()).toList());
        assertFalse(host.store.get("cut/x").isPresent());
        // and a new connection is served
        try (RawClient fresh = host.raw()) {
            Expect.okMap(fresh.call("op", "ping", "id", 1L), 1);
        }
    }
}
