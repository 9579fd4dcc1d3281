package io.meshport.listener.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** PROTOCOL.md section 4, bye: stopping the server says bye to every connected client. */
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
