package io.meshport.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.meshport.mesh.Mesh;
import io.meshport.mesh.MeshReader;
import io.meshport.protocol.ErrorCode;
import io.meshport.wire.CborWriter;
import io.meshport.wire.mesh.MeshCborReader;
import io.meshport.wire.mesh.MeshCborWriter;

/** The client's requests and replies, against a scripted host: what goes out, and what comes back. */
@Timeout(60)
class MeshportClientTest {
    static final Mesh TRIANGLE = Mesh.builder().positions(new float[] {0, 0, 0, 1, 0, 0, 0, 1, 0}).indices(new int[] {0, 1, 2})
            .build();

    /** @return a mesh's {@code mesh} codec body, as one encoded item */
    static byte[] meshBody(Mesh mesh) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (ByteBuffer b : MeshCborWriter.encode(mesh)) {
            byte[] a = new byte[b.remaining()];
            b.duplicate().get(a);
            out.write(a, 0, a.length);
        }
        return out.toByteArray();
    }

    /** @return the mesh a put request carries */
    static Mesh meshOf(ScriptedHost.Request put) {
        int b = put.message().valueStart("body");
        return new MeshCborReader().read(put.frame(), b, put.message().valueEnd("body") - b, MeshReader.NO_BASE);
    }

    static Map<String, Object> putResult(String key, long version, String kind) {
        return Map.of("key", key, "version", version, "kind", kind, "summary", Map.of("points", 3));
    }

    @Test
    void eachOpSendsItsRequestAndReadsItsReply() throws Exception {
        try (ScriptedHost host = new ScriptedHost(c -> {
            ScriptedHost.Request hello = c.expect("hello");
            assertEquals(1L, hello.get("version"));
            assertEquals("meshport-java", hello.get("client"));
            assertNull(hello.get("token"));
            c.answerHello(hello, "s1", 1L << 28);

            c.reply(c.expect("ping"), Map.of("time", 1234L));
            ScriptedHost.Request print = c.expect("print");
            assertEquals("hello host", print.get("text"));
            c.reply(print, null);

            ScriptedHost.Request putCbor = c.expect("put");
            assertEquals("cfg/a", putCbor.get("key"));
            assertEquals("cbor", putCbor.get("codec"));
            assertEquals(Map.of("x", 1L), putCbor.get("body"));
            assertTrue(((String) putCbor.get("requestToken")).endsWith(":" + putCbor.id()), "a write carries its request token");
            assertNull(putCbor.get("ifVersion"));
            c.reply(putCbor, putResult("cfg/a", 5, "cbor"));

            ScriptedHost.Request putMesh = c.expect("put");
            assertEquals("mesh", putMesh.get("codec"));
            assertEquals(0L, putMesh.get("ifVersion"));
            assertEquals(TRIANGLE, meshOf(putMesh));
            c.reply(putMesh, putResult("geo/tri", 6, "mesh"));

            ScriptedHost.Request getMesh = c.expect("get");
            assertEquals("mesh", getMesh.get("codec"));
            byte[] body = meshBody(TRIANGLE);
            c.replyRaw(getMesh, new CborWriter().mapHeader(4).text("key").text("geo/tri").text("version").uint(6).text("codec")
                    .text("mesh").text("body").raw(body, 0, body.length).toByteArray());

            ScriptedHost.Request get = c.expect("get");
            assertNull(get.get("codec"), "no codec: the one it was put with");
            c.reply(get, Map.of("key", "cfg/a", "version", 5L, "codec", "cbor", "body", Map.of("x", 1L)));

            ScriptedHost.Request delete = c.expect("delete");
            assertEquals("cfg/a", delete.get("key"));
            assertEquals(5L, delete.get("ifVersion"));
            assertTrue(((String) delete.get("requestToken")).endsWith(":" + delete.id()));
            c.reply(delete, Map.of("key", "cfg/a", "version", 7L));

            ScriptedHost.Request list = c.expect("list");
            assertEquals("geo/", list.get("prefix"));
            c.reply(list, List.of(Map.of("key", "geo/tri", "version", 6L, "kind", "mesh", "codec", "mesh", "bytes", 84L, "updated", 99L)));
            c.expectClosed();
        }); MeshportClient client = MeshportClient.connect(host.options())) {
            assertEquals("s1", client.hostInfo().session());
            assertEquals(List.of("mesh", "cbor", "bytes"), client.hostInfo().codecs());
            assertEquals(1234L, client.ping());
            client.print("hello host");
            PutResult cbor = client.putCbor("cfg/a", Map.of("x", 1));
            assertEquals(new PutResult("cfg/a", 5, "cbor", Map.of("points", 3L)), cbor);
            assertEquals(6L, client.put("geo/tri", TRIANGLE, 0).version());
            MeshEntry back = client.getMesh("geo/tri");
            assertEquals(TRIANGLE, back.mesh());
            assertEquals(6L, back.version());
            assertEquals(new Entry("cfg/a", 5, "cbor", Map.of("x", 1L)), client.get("cfg/a"));
            assertEquals(7L, client.delete("cfg/a", 5));
            assertEquals(List.of(new EntryInfo("geo/tri", 6, "mesh", "mesh", 84, 99)), client.list("geo/"));
        }
    }

    @Test
    void pipelinedRequestsEachGetTheirOwnReplyFromOneWrite() throws Exception {
        int n = 50;
        try (ScriptedHost host = new ScriptedHost(c -> {
            c.hello();
            List<ScriptedHost.Request> got = new ArrayList<>();
            for (int i = 0; i < n; i++) { // all of them before any reply: the client does not wait
                got.add(c.next());
            }
            ByteArrayOutputStream replies = new ByteArrayOutputStream();
            long last = 0;
            for (ScriptedHost.Request r : got) {
                assertTrue(r.id() > last, "sent in the order made");
                last = r.id();
                CborWriter w = new CborWriter().mapHeader(3).text("id").uint(r.id()).text("ok").bool(true).text("result");
                if (r.op().equals("ping")) {
                    w.mapHeader(1).text("time").uint(1000 + r.id());
                } else {
                    List<?> args = (List<?>) r.get("args");
                    w.value("echo " + args.get(0));
                }
                replies.writeBytes(ScriptedHost.frame(w));
            }
            c.raw(replies.toByteArray()); // every reply in one write: the reader splits them
            c.expectClosed();
        }); MeshportClient client = MeshportClient.connect(host.options())) {
            List<CompletableFuture<?>> sent = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                sent.add(i % 2 == 0 ? client.pingAsync() : client.callAsync("echo", "say", i));
            }
            for (int i = 0; i < n; i++) {
                Object v = sent.get(i).get(10, TimeUnit.SECONDS);
                if (i % 2 == 0) {
                    assertTrue((Long) v > 1000);
                } else {
                    assertEquals("echo " + i, v);
                }
            }
            long previous = 0;
            for (int i = 0; i < n; i += 2) {
                long t = (Long) sent.get(i).get();
                assertTrue(t > previous, "each ping got the reply to its own id");
                previous = t;
            }
        }
    }

    @Test
    void errorRepliesCarryTheProtocolCodeAndTheConnectionGoesOn() throws Exception {
        try (ScriptedHost host = new ScriptedHost(c -> {
            c.hello();
            c.error(c.expect("put"), "CONFLICT", "geo/a is at version 9", Map.of("current", 9L));
            c.error(c.expect("get"), "SOMETHING_NEWER", "a code this client does not know", null);
            ScriptedHost.Request call = c.expect("call");
            c.message(Map.of("id", call.id(), "ok", false, "error", "not a map"));
            c.reply(c.expect("ping"), Map.of("time", 1L));
            c.expectClosed();
        }); MeshportClient client = MeshportClient.connect(host.options())) {
            MeshportClientException conflict = assertThrows(MeshportClientException.class, () -> client.put("geo/a", TRIANGLE, 3));
            assertEquals(ErrorCode.CONFLICT, conflict.code());
            assertEquals("CONFLICT", conflict.wireCode());
            assertEquals("CONFLICT: geo/a is at version 9", conflict.getMessage());
            assertEquals(9L, conflict.detail().get("current"));

            MeshportClientException newer = assertThrows(MeshportClientException.class, () -> client.get("geo/a"));
            assertEquals(ErrorCode.INTERNAL, newer.code());
            assertEquals("SOMETHING_NEWER", newer.wireCode());

            MeshportClientException odd = assertThrows(MeshportClientException.class, () -> client.call("x", "y"));
            assertEquals(ErrorCode.INTERNAL, odd.code());

            assertEquals(1L, client.ping());
            assertTrue(client.isOpen());
        }
    }

    @Test
    void aReplyWithoutIdAfterAFrameLevelErrorEndsTheClient() throws Exception {
        try (ScriptedHost host = new ScriptedHost(c -> {
            c.hello();
            c.expect("ping");
            c.message(Map.of("ok", false, "error", Map.of("code", "BAD_FRAME", "message", "not one CBOR item")));
            c.close();
        }); MeshportClient client = MeshportClient.connect(host.options())) {
            UncheckedIOException e = assertThrows(UncheckedIOException.class, client::ping);
            assertTrue(e.getMessage().contains("after a frame-level error: BAD_FRAME: not one CBOR item"), e.getMessage());
            assertFalse(client.isOpen(), "no reconnect: the same frames would get the same answer");
            UncheckedIOException after = assertThrows(UncheckedIOException.class, client::ping);
            assertTrue(after.getMessage().contains("the connection is closed"), after.getMessage());
        }
    }

    @Test
    void aFrameTooLargeForTheHostFailsWithoutBeingSent() throws Exception {
        try (ScriptedHost host = new ScriptedHost(c -> {
            c.answerHello(c.expect("hello"), "small", 1000);
            c.reply(c.expect("ping"), Map.of("time", 5L)); // the put never came
            c.expectClosed();
        }); MeshportClient client = MeshportClient.connect(host.options())) {
            MeshportClientException e = assertThrows(MeshportClientException.class, () -> client.putBytes("big", new byte[2000]));
            assertEquals("FRAME_TOO_LARGE", e.wireCode());
            assertEquals(5L, client.ping());
        }
    }

    @Test
    void helloCarriesTheTokenAndARefusedHelloFailsTheConnect() throws Exception {
        try (ScriptedHost host = new ScriptedHost(c -> {
            ScriptedHost.Request hello = c.expect("hello");
            assertEquals("s3cret", hello.get("token"));
            assertEquals("unit-test", hello.get("client"));
            c.error(hello, "UNAUTHORIZED", "wrong token", null);
            c.expectClosed();
        })) {
            ClientOptions options = host.options().withToken("s3cret").withClientName("unit-test");
            MeshportClientException e = assertThrows(MeshportClientException.class, () -> MeshportClient.connect(options));
            assertEquals(ErrorCode.UNAUTHORIZED, e.code());
        }
    }

    @Test
    void closeFailsTheRequestsStillWaiting() throws Exception {
        CountDownLatch sent = new CountDownLatch(1);
        try (ScriptedHost host = new ScriptedHost(c -> {
            c.hello();
            c.expect("ping");
            c.expect("get");
            sent.countDown();
            c.expectClosed(); // no reply: the client closes meanwhile
        }); MeshportClient client = MeshportClient.connect(host.options())) {
            CompletableFuture<Long> ping = client.pingAsync();
            CompletableFuture<MeshEntry> get = client.getMeshAsync("geo/a");
            assertTrue(sent.await(10, TimeUnit.SECONDS), "the host read both requests");
            client.close();
            for (CompletableFuture<?> f : List.of(ping, get)) {
                ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
                assertTrue(e.getCause() instanceof UncheckedIOException, String.valueOf(e.getCause()));
                assertTrue(e.getCause().getMessage().contains("closed by the client"), e.getCause().getMessage());
            }
            assertFalse(client.isOpen());
            assertThrows(UncheckedIOException.class, client::ping, "a closed client fails at once");
        }
    }

    /** An interface as a bundle would export it. */
    interface Calculator {
        long add(long a, long b);

        void reset();

        default long twice(long a) {
            return add(a, a);
        }
    }

    @Test
    void aTypedProxyCallsTheHostAndReadsItsResultAsTheReturnType() throws Exception {
        try (ScriptedHost host = new ScriptedHost(c -> {
            c.hello();
            ScriptedHost.Request add = c.expect("call");
            assertEquals("calc", add.get("service"));
            assertEquals("add", add.get("method"));
            assertEquals(List.of(2L, 3L), add.get("args"));
            c.reply(add, 5);
            ScriptedHost.Request twice = c.expect("call");
            assertEquals(List.of(21L, 21L), twice.get("args"), "a default method runs locally, calling add");
            c.reply(twice, 42);
            c.error(c.expect("call"), "NO_METHOD", "no method 'reset'", null);
            c.expectClosed();
        }); MeshportClient client = MeshportClient.connect(host.options())) {
            Calculator calc = client.service("calc", Calculator.class);
            assertEquals(5L, calc.add(2, 3));
            assertEquals(42L, calc.twice(21));
            MeshportClientException e = assertThrows(MeshportClientException.class, calc::reset);
            assertEquals(ErrorCode.NO_METHOD, e.code());
            assertEquals(calc, client.service("calc", Calculator.class));
        }
    }
}
