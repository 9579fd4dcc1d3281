package io.meshport.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.meshport.mesh.Mesh;
import io.meshport.wire.CborWriter;

/**
 * The client after its connection ends: a {@code bye} or a break makes it reconnect, say hello again,
 * renew its watches and send again what got no reply (the first requests right behind the hello, with
 * the same ids and request tokens); a reconnect that cannot be made, or is refused, ends the client.
 */
@Timeout(60)
class ReconnectTest {

    private static Mesh points(int n) {
        float[] xyz = new float[3 * n];
        for (int i = 0; i < xyz.length; i++) {
            xyz[i] = i * 0.5f;
        }
        return Mesh.builder().positions(xyz).build();
    }

    @Test
    void afterAByeTheWaitingRequestsGoRightBehindTheNewHelloAndWatchesAreRenewed() throws Exception {
        List<ScriptedHost.Request> first = new ArrayList<>();
        try (ScriptedHost host = new ScriptedHost(c -> {
            c.hello();
            c.reply(c.expect("watch"), Map.of("watch", 5L));
            c.reply(c.expect("list"), List.of());
            first.add(c.expect("put"));
            first.add(c.expect("get"));
            c.bye("the listener is being updated");
        }, c -> {
            ScriptedHost.Request hello = c.expect("hello");
            // Read before the hello is answered: the client sent them right behind it.
            ScriptedHost.Request put = c.expect("put");
            ScriptedHost.Request get = c.expect("get");
            assertEquals(first.get(0).id(), put.id(), "the same request");
            assertEquals(first.get(0).get("requestToken"), put.get("requestToken"), "with the same request token");
            assertEquals(first.get(0).get("body"), put.get("body"));
            assertEquals(first.get(1).id(), get.id());
            c.answerHello(hello, "after-swap", 1L << 28);
            c.reply(put, MeshportClientTest.putResult("geo/tri", 12, "mesh"));
            c.reply(get, Map.of("key", "cfg/a", "version", 4L, "codec", "cbor", "body", "v"));
            ScriptedHost.Request watch = c.expect("watch");
            assertEquals("geo/", watch.get("prefix"), "the watch renewed");
            c.reply(watch, Map.of("watch", 9L));
            c.reply(c.expect("list"), List.of()); // its catch-up: nothing changed meanwhile
            c.event(9, "geo/x", 13, "put");
            c.expectClosed();
        }); MeshportClient client = MeshportClient.connect(host.options())) {
            BlockingQueue<WatchEvent> events = new LinkedBlockingQueue<>();
            Watch w = client.watch("geo/", events::add);
            assertEquals(5L, w.id());
            CompletableFuture<PutResult> put = client.putAsync("geo/tri", MeshportClientTest.TRIANGLE, -1);
            CompletableFuture<Entry> get = CompletableFuture.supplyAsync(() -> client.get("cfg/a"));
            assertEquals(12L, put.get(10, TimeUnit.SECONDS).version());
            assertEquals("v", get.get(10, TimeUnit.SECONDS).body());
            assertEquals("after-swap", client.hostInfo().session(), "the new hello's answer");
            assertEquals(new WatchEvent(9, "geo/x", 13, "put"), events.poll(10, TimeUnit.SECONDS), "an event of the renewed watch");
            assertEquals(9L, w.id());
            assertTrue(client.isOpen());
        }
    }

    @Test
    void theFirst64KiBGoBehindTheHelloAndTheRestAfterItsReplyInOrder() throws Exception {
        List<ScriptedHost.Request> first = new ArrayList<>();
        try (ScriptedHost host = new ScriptedHost(c -> {
            c.hello();
            for (int i = 0; i < 3; i++) {
                first.add(c.expect("put"));
            }
            c.bye("updating");
        }, c -> {
            ScriptedHost.Request hello = c.expect("hello");
            ScriptedHost.Request behind = c.expect("put"); // 40 KB: fits in the 64 KiB behind the hello
            assertEquals(first.get(0).id(), behind.id());
            c.answerHello(hello, "s", 1L << 28);
            c.reply(behind, MeshportClientTest.putResult("p/0", 20, "mesh"));
            for (int i = 1; i < 3; i++) {
                ScriptedHost.Request put = c.expect("put");
                assertEquals(first.get(i).id(), put.id(), "in the order first sent");
                assertEquals(first.get(i).get("requestToken"), put.get("requestToken"));
                c.reply(put, MeshportClientTest.putResult("p/" + i, 20 + i, "mesh"));
            }
            c.expectClosed();
        }); MeshportClient client = MeshportClient.connect(host.options())) {
            List<CompletableFuture<PutResult>> puts = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                puts.add(client.putAsync("p/" + i, points(3400), -1)); // 40.8 KB of positions each
            }
            for (int i = 0; i < 3; i++) {
                assertEquals(20L + i, puts.get(i).get(10, TimeUnit.SECONDS).version());
            }
        }
    }

    @Test
    void aConnectionBrokenInTheMiddleOfAReplyIsMadeAgainAndTheRequestResent() throws Exception {
        try (ScriptedHost host = new ScriptedHost(c -> {
            c.hello();
            c.expect("ping");
            c.raw(ByteBuffer.allocate(12).putInt(200).putInt(0xa263_6964).array()); // 8 bytes of a 200-byte reply
            c.close();
        }, c -> {
            ScriptedHost.Request hello = c.expect("hello");
            ScriptedHost.Request ping = c.expect("ping");
            c.answerHello(hello, "s", 1L << 28);
            c.reply(ping, Map.of("time", 77L));
            c.expectClosed();
        }); MeshportClient client = MeshportClient.connect(host.options())) {
            assertEquals(77L, client.ping());
        }
    }

    @Test
    void withoutReconnectingABrokenConnectionFailsTheWaitingRequests() throws Exception {
        try (ScriptedHost host = new ScriptedHost(c -> {
            c.hello();
            c.expect("ping");
            c.raw(ByteBuffer.allocate(8).putInt(200).putInt(0xa263_6964).array());
            c.close();
        }); MeshportClient client = MeshportClient.connect(host.options().withReconnect(Duration.ZERO))) {
            UncheckedIOException e = assertThrows(UncheckedIOException.class, client::ping);
            assertTrue(e.getMessage().contains("the connection is closed: the host closed the connection"), e.getMessage());
            assertFalse(client.isOpen());
        }
    }

    @Test
    void aReconnectThatTimesOutFailsTheWaitingRequestsClearly() throws Exception {
        try (ScriptedHost host = new ScriptedHost(c -> {
            c.hello();
            c.expect("ping");
            c.stopAccepting(); // the port closes: every reconnect is refused
            c.bye("the host is stopping");
        }); MeshportClient client = MeshportClient.connect(host.options().withReconnect(Duration.ofSeconds(1)))) {
            UncheckedIOException e = assertThrows(UncheckedIOException.class, client::ping);
            assertTrue(e.getMessage().contains("the connection ended (the host said bye: the host is stopping) and no new one could "
                    + "be made within 1 s"), e.getMessage());
            assertFalse(client.isOpen());
        }
    }

    @Test
    void aHelloRefusedOnReconnectEndsTheClient() throws Exception {
        try (ScriptedHost host = new ScriptedHost(c -> {
            c.hello();
            c.expect("ping");
            c.bye("updating");
        }, c -> {
            ScriptedHost.Request hello = c.expect("hello");
            c.expect("ping");
            c.error(hello, "UNAUTHORIZED", "the token changed", null);
            c.expectClosed();
        }); MeshportClient client = MeshportClient.connect(host.options())) {
            UncheckedIOException e = assertThrows(UncheckedIOException.class, client::ping);
            assertTrue(e.getMessage().contains("the host refused the hello: UNAUTHORIZED: the token changed"), e.getMessage());
            assertFalse(client.isOpen());
        }
    }

    @Test
    void aByeRightAfterTheNewHelloIsAnsweredReconnectsOnceMore() throws Exception {
        try (ScriptedHost host = new ScriptedHost(c -> {
            c.hello();
            c.expect("get");
            c.bye("updating");
        }, c -> {
            ScriptedHost.Request hello = c.expect("hello");
            c.expect("get");
            c.raw(concat(reply(hello.id(), Map.of("server", "meshport", "protocol", 1, "session", "s", "codecs", List.of(),
                    "services", List.of(), "maxFrameBytes", 1L << 28)), bye("updated again"))); // in one write
        }, c -> {
            ScriptedHost.Request hello = c.expect("hello");
            ScriptedHost.Request get = c.expect("get");
            c.answerHello(hello, "third", 1L << 28);
            c.reply(get, Map.of("key", "k", "version", 3L, "codec", "cbor", "body", 1L));
            c.expectClosed();
        }); MeshportClient client = MeshportClient.connect(host.options())) {
            assertEquals(3L, client.get("k").version());
            assertEquals("third", client.hostInfo().session());
        }
    }

    private static byte[] reply(long id, Object result) {
        return ScriptedHost.frame(new CborWriter().mapHeader(3).text("id").uint(id).text("ok").bool(true).text("result").value(result));
    }

    private static byte[] bye(String reason) {
        return ScriptedHost.frame(new CborWriter().value(Map.of("op", "bye", "reason", reason)));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
