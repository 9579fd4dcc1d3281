package io.meshport.listener.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** docs/protocol.md section 4.12, bye: stopping the server says bye to every connected client. */
class ShutdownTest {

    @Test
    void stopSendsByeToConnectedClientsAndClosesThem() throws Exception {
        TestHost host = TestHost.start();
        int port = host.port();
        try (RawClient a = host.raw(); RawClient b = host.raw(); RawClient watcher = host.raw()) {
            Expect.okMap(a.call("op", "hello", "id", 1L, "version", 1L), 1);
            Expect.okMap(b.call("op", "put", "id", 1L, "key", "s/x", "body", 1L), 1);
            Expect.okMap(watcher.call("op", "watch", "id", 1L, "prefix", ""), 1);
            assertEquals(3, host.server.openConnections());

            long t0 = System.currentTimeMillis();
            CompletableFuture<Void> stop = CompletableFuture.runAsync(() -> host.server.stop("maintenance", 5000));
            for (RawClient c : new RawClient[] {a, b, watcher}) {
                assertEquals("maintenance", Expect.bye(c.read()));
                assertTrue(c.closedByHost());
            }
            stop.get(10, TimeUnit.SECONDS);
            assertTrue(System.currentTimeMillis() - t0 < 5000, "stop did not need its whole timeout");
            assertEquals(0, host.server.openConnections());
        }
        // nobody listens any more
        assertThrows(IOException.class, () -> {
            try (RawClient late = new RawClient(port)) {
                late.msg("op", "ping", "id", 1L);
                late.read();
            }
        });
    }

    /**
     * A connection the selector accepts while {@code stop} begins must be told bye like the others:
     * one that was not would hold the stop for its whole timeout (seen as a 5-second hot swap). Clients
     * connect as fast as they can while the server stops and close each connection only once the host
     * has said bye and closed its side, so that a connection nobody told to go stays open; every stop
     * must end well before its timeout.
     */
    @Test
    void connectionsAcceptedWhileTheServerStopsAreToldByeToo() throws Exception {
        for (int round = 0; round < 100; round++) {
            TestHost host = TestHost.start();
            int port = host.port();
            java.nio.channels.Selector clients = java.nio.channels.Selector.open();
            java.util.Queue<java.nio.channels.SocketChannel> fresh = new java.util.concurrent.ConcurrentLinkedQueue<>();
            java.util.concurrent.atomic.AtomicInteger connected = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
            Thread knocker = new Thread(() -> {
                for (int i = 0; i < 5000 && running.get(); i++) {
                    try {
                        fresh.add(java.nio.channels.SocketChannel.open(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port)));
                        connected.incrementAndGet();
                        clients.wakeup();
                    } catch (IOException e) {
                        return; // the server socket is closed: the stop got there
                    }
                }
            });
            Thread closer = new Thread(() -> { // reads each connection to its end, then closes it
                java.nio.ByteBuffer sink = java.nio.ByteBuffer.allocate(4096);
                try {
                    for (int i = 0; i < 1_000_000 && running.get(); i++) {
                        for (java.nio.channels.SocketChannel ch; (ch = fresh.poll()) != null;) {
                            ch.configureBlocking(false);
                            ch.register(clients, java.nio.channels.SelectionKey.OP_READ);
                        }
                        clients.select(10);
                        for (java.nio.channels.SelectionKey k : clients.selectedKeys()) {
                            java.nio.channels.SocketChannel ch = (java.nio.channels.SocketChannel) k.channel();
                            sink.clear();
                            int n;
                            try {
                                n = ch.read(sink);
                            } catch (IOException e) {
                                n = -1;
                            }
                            if (n < 0) {
                                k.cancel();
                                ch.close();
                            }
                        }
                        clients.selectedKeys().clear();
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            try {
                knocker.start();
                closer.start();
                for (int i = 0; i < 5000 && connected.get() < 5; i++) {
                    Thread.sleep(1);
                }
                long t0 = System.nanoTime();
                host.server.stop("restarting", 5_000);
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertTrue(ms < 4_000, "round " + round + ": the stop waited " + ms + " ms for a connection it did not tell to go");
                assertEquals(0, host.server.openConnections());
            } finally {
                running.set(false);
                knocker.join(10_000);
                closer.join(10_000);
                for (java.nio.channels.SelectionKey k : clients.keys()) {
                    k.channel().close();
                }
                for (java.nio.channels.SocketChannel ch; (ch = fresh.poll()) != null;) {
                    ch.close();
                }
                clients.close();
            }
        }
    }

    @Test
    void requestsReceivedBeforeTheStopAreAnsweredBeforeBye() throws Exception {
        TestHost host = TestHost.start();
        try (RawClient c = host.raw()) {
            java.io.ByteArrayOutputStream wire = new java.io.ByteArrayOutputStream();
            for (int i = 0; i < 50; i++) {
                wire.write(RawClient.framed(RawClient.encode("op", "put", "id", (long) i, "key", "s/" + i, "body", (long) i)));
            }
            c.bytes(wire.toByteArray());
            assertEquals(1L, Expect.okMap(c.read(), 0).get("version")); // the host has them
            CompletableFuture<Void> stop = CompletableFuture.runAsync(() -> host.server.stop("bye now", 5000));
            // every reply that comes is in order, then bye, then the end
            int next = 1;
            while (true) {
                java.util.Map<Object, Object> f = c.read();
                if ("bye".equals(f.get("op"))) {
                    assertEquals("bye now", f.get("reason"));
                    break;
                }
                Expect.okMap(f, next);
                next++;
                assertTrue(next <= 50);
            }
            assertTrue(c.closedByHost());
            stop.get(10, TimeUnit.SECONDS);
            assertEquals(next, host.store.currentVersion(), "every applied request was answered");
        }
    }
}
