package io.meshport.listener.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.meshport.wire.CborWriter;

/** docs/protocol.md section 3: the message's shape, ids, fire-and-forget requests, unknown ops. */
class RequestErrorsTest extends HostTestBase {

    private static Arguments badShape(String name, String field, Object... kv) {
        return Arguments.of(name, field, (Consumer<RawClient>) c -> {
            try {
                c.msg(kv);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    private static Arguments badShapeRaw(String name, String field, Consumer<CborWriter> writer) {
        return Arguments.of(name, field, (Consumer<RawClient>) c -> {
            try {
                c.send(writer);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    static Stream<Arguments> badShapes() {
        return Stream.of(
                badShape("missing op", "op", "id", 7L),
                badShape("op is an integer", "op", "op", 5L, "id", 7L),
                badShape("op is null", "op", "op", null, "id", 7L),
                badShape("op is a byte string", "op", "op", new byte[] {'p'}, "id", 7L),
                badShapeRaw("an integer key", "key", w -> w.mapHeader(3).text("op").text("ping").text("id").uint(7).uint(1).text("x")),
                badShapeRaw("a byte-string key", "key", w -> w.mapHeader(3).text("op").text("ping").text("id").uint(7).bytes(new byte[] {'x'}).uint(1)),
                badShapeRaw("the key op twice", "twice", w -> w.mapHeader(3).text("op").text("ping").text("id").uint(7).text("op").text("ping")),
                badShape("put without body", "body", "op", "put", "id", 7L, "key", "a/b"),
                badShape("put without key", "key", "op", "put", "id", 7L, "body", 1L),
                badShape("put with an integer key", "key", "op", "put", "id", 7L, "key", 12L, "body", 1L),
                badShape("put with ifVersion as text", "ifVersion", "op", "put", "id", 7L, "key", "a/b", "body", 1L, "ifVersion", "1"),
                badShape("put with a negative ifVersion", "ifVersion", "op", "put", "id", 7L, "key", "a/b", "body", 1L, "ifVersion", -1L),
                badShape("put with a fractional ifVersion", "ifVersion", "op", "put", "id", 7L, "key", "a/b", "body", 1L, "ifVersion", 1.5),
                badShape("put with codec as an integer", "codec", "op", "put", "id", 7L, "key", "a/b", "body", 1L, "codec", 3L),
                badShape("get without key", "key", "op", "get", "id", 7L),
                badShape("get with codec as a list", "codec", "op", "get", "id", 7L, "key", "a/b", "codec", List.of("cbor")),
                badShape("delete with ifVersion as text", "ifVersion", "op", "delete", "id", 7L, "key", "a/b", "ifVersion", "2"),
                badShape("list with an integer prefix", "prefix", "op", "list", "id", 7L, "prefix", 1L),
                badShape("watch without prefix", "prefix", "op", "watch", "id", 7L),
                badShape("unwatch with watch as text", "watch", "op", "unwatch", "id", 7L, "watch", "1"),
                badShape("print without text", "text", "op", "print", "id", 7L),
                badShape("hello without version", "version", "op", "hello", "id", 7L),
                badShape("hello with version as text", "version", "op", "hello", "id", 7L, "version", "1"),
                badShape("hello with version 0", "version", "op", "hello", "id", 7L, "version", 0L),
                badShape("hello with token as an integer", "token", "op", "hello", "id", 7L, "version", 1L, "token", 5L),
                badShape("call without service", "service", "op", "call", "id", 7L, "method", "m"),
                badShape("call with args as a map", "args", "op", "call", "id", 7L, "service", "s", "method", "m", "args", Map.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badShapes")
    void aBadlyShapedRequestIsBadRequestAndTheConnectionStaysOpen(String name, String field, Consumer<RawClient> send) throws Exception {
        RawClient c = client();
        Expect.okMap(c.call("op", "put", "id", 1L, "key", "keep/x", "body", 1L), 1);
        send.accept(c);
        Map<Object, Object> r = c.read();
        Expect.error(r, 7L, "BAD_REQUEST");
        assertTrue(Expect.message(r).contains(field), () -> "the message names '" + field + "': " + Expect.message(r));
        // still open, nothing changed, no version used
        Expect.okMap(c.call("op", "ping", "id", 8L), 8);
        assertEquals(2L, Expect.okMap(c.call("op", "put", "id", 9L, "key", "keep/y", "body", 2L), 9).get("version"));
        assertFalse(host.store.get("a/b").isPresent());
    }

    static Stream<Arguments> unusableIds() {
        return Stream.of(
                Arguments.of("a negative id", -1L),
                Arguments.of("a text id", "7"),
                Arguments.of("a fractional id", 1.5),
                Arguments.of("a negative float id", -2.0),
                Arguments.of("a boolean id", true),
                Arguments.of("an array id", List.of(7L)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unusableIds")
    void anIdThatIsNotAnUnsignedIntegerIsBadRequestWithoutId(String name, Object id) throws Exception {
        RawClient c = client();
        c.msg("op", "put", "id", id, "key", "bad/id", "body", 1L);
        Map<Object, Object> r = c.read();
        Expect.error(r, null, "BAD_REQUEST");
        assertTrue(Expect.message(r).contains("id"), Expect.message(r));
        Expect.okMap(c.call("op", "ping", "id", 8L), 8);
        assertFalse(host.store.get("bad/id").isPresent(), "a request with a bad shape is not applied");
        assertEquals(0L, host.store.currentVersion());
    }

    @Test
    void integralFloatsAreAcceptedForUintFields() throws Exception {
        RawClient c = client();
        Expect.okMap(c.call("op", "ping", "id", 2.0), 2); // float64
        c.send(w -> w.mapHeader(2).text("op").text("ping").text("id").float32(3f));
        Expect.okMap(c.read(), 3);
        c.send(w -> w.mapHeader(2).text("op").text("ping").text("id").raw(new byte[] {(byte) 0xf9, 0x44, 0x00}, 0, 3)); // half 4.0
        Expect.okMap(c.read(), 4);
        c.msg("op", "ping", "id", 9007199254740992.0); // 2^53, as JavaScript sends it
        Expect.okMap(c.read(), 9007199254740992L);
        c.msg("op", "ping", "id", 0x1p63); // 2^63 as a float: echoed as the unsigned integer
        Map<Object, Object> big = c.read();
        assertEquals(new BigInteger("9223372036854775808"), big.get("id"));
        assertEquals(Boolean.TRUE, big.get("ok"));

        Map<?, ?> put = Expect.okMap(c.call("op", "put", "id", 5L, "key", "f/x", "body", 1L, "ifVersion", 0.0), 5);
        assertEquals(1L, put.get("version"));
        Expect.okMap(c.call("op", "put", "id", 6L, "key", "f/x", "body", 2L, "ifVersion", 1.0), 6);
        Map<Object, Object> conflict = c.call("op", "put", "id", 7L, "key", "f/x", "body", 3L, "ifVersion", 1.0);
        assertEquals(Map.of("current", 2L), Expect.error(conflict, 7L, "CONFLICT").get("detail"));
        Expect.okMap(c.call("op", "delete", "id", 8L, "key", "f/x", "ifVersion", 2.0), 8);
        // unwatch with a float watch id
        long w = (Long) Expect.okMap(c.call("op", "watch", "id", 9L, "prefix", "f/"), 9).get("watch");
        assertNull(Expect.ok(c.call("op", "unwatch", "id", 10L, "watch", (double) w), 10));
    }

    @Test
    void idsAreEchoedOverTheirWholeRange() throws Exception {
        RawClient c = client();
        Expect.okMap(c.call("op", "ping", "id", 0L), 0);
        Expect.okMap(c.call("op", "ping", "id", 4_294_967_296L), 4_294_967_296L);
        c.send(w -> w.mapHeader(2).text("op").text("ping").text("id").uint(-1L)); // 2^64 - 1
        Map<Object, Object> r = c.read();
        assertEquals(new BigInteger("18446744073709551615"), r.get("id"));
        assertEquals(Boolean.TRUE, r.get("ok"));
        // an error reply keeps the id too
        c.send(w -> w.mapHeader(2).text("op").text("nope").text("id").uint(-2L));
        r = c.read();
        assertEquals(new BigInteger("18446744073709551614"), r.get("id"));
        assertEquals("UNKNOWN_OP", RawClient.code(r));
    }

    @Test
    void anUnknownOpIsUnknownOpAndCallIsNoService() throws Exception {
        RawClient c = client();
        Map<Object, Object> r = c.call("op", "frobnicate", "id", 1L, "whatever", List.of(1L));
        Expect.error(r, 1L, "UNKNOWN_OP");
        assertTrue(Expect.message(r).contains("frobnicate"), Expect.message(r));
        r = c.call("op", "call", "id", 2L, "service", "nodes", "method", "types");
        Expect.error(r, 2L, "NO_SERVICE");
        assertTrue(Expect.message(r).contains("nodes"), Expect.message(r));
        r = c.call("op", "call", "id", 3L, "service", "nodes", "method", "create", "args", List.of("/obj", "box", "b1"));
        Expect.error(r, 3L, "NO_SERVICE");
        r = c.call("op", "call", "id", 4L, "service", "nodes", "method", "types", "args", null);
        Expect.error(r, 4L, "NO_SERVICE");
        Expect.okMap(c.call("op", "ping", "id", 5L), 5);
        assertEquals(0L, host.store.currentVersion());
    }

    @Test
    void requestsWithoutIdGetNoReplyButAreApplied() throws Exception {
        RawClient c = client();
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        wire.write(RawClient.framed(RawClient.encode("op", "put", "key", "ff/a", "body", "applied")));
        wire.write(RawClient.framed(RawClient.encode("op", "ping")));
        wire.write(RawClient.framed(RawClient.encode("op", "print", "text", "fire and forget")));
        wire.write(RawClient.framed(RawClient.encode("op", "get", "key", "ff/a")));
        wire.write(RawClient.framed(RawClient.encode("op", "list")));
        wire.write(RawClient.framed(RawClient.encode("op", "hello", "version", 1L)));
        // failures without id: no reply either
        wire.write(RawClient.framed(RawClient.encode("op", "put", "key", "ff//bad", "body", 1L)));
        wire.write(RawClient.framed(RawClient.encode("op", "put", "key", "ff/a", "body", 2L, "ifVersion", 9L)));
        wire.write(RawClient.framed(RawClient.encode("op", "delete", "key", "ff/none")));
        wire.write(RawClient.framed(RawClient.encode("op", "nope")));
        wire.write(RawClient.framed(RawClient.encode("op", 5L)));
        wire.write(RawClient.framed(RawClient.encode("op", "put", "key", "ff/b")));
        wire.write(RawClient.framed(RawClient.encode("op", "call", "service", "x", "method", "y")));
        wire.write(RawClient.framed(RawClient.encode("op", "unwatch", "watch", 77L)));
        wire.write(RawClient.framed(RawClient.encode("op", "ping", "id", 9L)));
        c.bytes(wire.toByteArray());
        Map<Object, Object> first = c.read();
        Expect.okMap(first, 9); // the first frame that comes back is the reply to the only request with an id
        Map<?, ?> got = Expect.okMap(c.call("op", "get", "id", 10L, "key", "ff/a"), 10);
        assertEquals("applied", got.get("body"));
        assertEquals(1L, got.get("version"));
        assertEquals(1L, host.store.currentVersion(), "the failed puts used no version");
    }

    @Test
    void unknownKeysAreIgnoredAndNullOptionalFieldsCountAsAbsent() throws Exception {
        RawClient c = client();
        Expect.okMap(c.call("op", "ping", "id", 1L, "future", Map.of("a", List.of(1L, 2L)), "x-y", null), 1);
        Map<?, ?> put = Expect.okMap(c.call("op", "put", "id", 2L, "key", "n/a", "body", 5L, "codec", null, "ifVersion", null,
                "unknown", "field"), 2);
        assertEquals("cbor", put.get("kind"));
        Map<?, ?> got = Expect.okMap(c.call("op", "get", "id", 3L, "key", "n/a", "codec", null), 3);
        assertEquals("cbor", got.get("codec"));
        assertEquals(5L, got.get("body"));
        List<?> all = (List<?>) Expect.ok(c.call("op", "list", "id", 4L, "prefix", null), 4);
        assertEquals(1, all.size());
    }

    @Test
    void helloPingAndPrintResults() throws Exception {
        start(ListenerSettings.builder());
        RawClient c = client();
        Map<?, ?> hello = Expect.okMap(c.call("op", "hello", "id", 1L, "version", 2L, "client", "test-suite"), 1);
        assertEquals("meshport", hello.get("server"));
        assertEquals(1L, hello.get("protocol"), "the host says the version it uses");
        assertEquals(host.store.sessionId(), hello.get("session"));
        assertEquals(List.of("bytes", "cbor", "mesh"), hello.get("codecs"));
        assertEquals(List.of(), hello.get("services"));
        assertEquals(host.server.limits.maxFrameBytes, hello.get("maxFrameBytes"));
        // hello is optional and may come again
        Map<?, ?> again = Expect.okMap(c.call("op", "hello", "id", 2L, "version", 1L), 2);
        assertEquals(hello.get("session"), again.get("session"));

        long before = System.currentTimeMillis();
        Map<?, ?> ping = Expect.okMap(c.call("op", "ping", "id", 3L), 3);
        long after = System.currentTimeMillis();
        long t = assertInstanceOf(Long.class, ping.get("time"));
        assertTrue(t >= before && t <= after, t + " not in " + before + ".." + after);

        Map<Object, Object> printed = c.call("op", "print", "id", 4L, "text", "hello from the test");
        assertTrue(printed.containsKey("result"));
        assertNull(Expect.ok(printed, 4));
    }
}
