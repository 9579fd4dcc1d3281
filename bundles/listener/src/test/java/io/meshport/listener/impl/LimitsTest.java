package io.meshport.listener.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** Limits: connections, the session's memory budget, pending requests, in-flight bytes, unread replies. */
class LimitsTest extends HostTestBase {

    @Test
    void aConnectionBeyondMaxConnectionsGetsByeAndOthersCarryOn() throws Exception {
        ListenerSettings.Builder b = ListenerSettings.builder();
        b.maxConnections = 3;
        start(b);
        RawClient[] cs = {client(), client(), client()};
        for (int i = 0; i < cs.length; i++) {
            Expect.okMap(cs[i].call("op", "put", "id", 1L, "key", "mc/" + i, "body", (long) i), 1);
        }
        RawClient extra = client();
        String reason = Expect.bye(extra.read());
        assertTrue(reason.contains("3"), reason);
        assertTrue(extra.closedByHost());
        for (int i = 0; i < cs.length; i++) {
            assertEquals((long) i, Expect.okMap(cs[i].call("op", "get", "id", 2L, "key", "mc/" + i), 2).get("body"));
        }
        assertEquals(3, host.server.openConnections());

        // once one leaves, a new connection is served (the host notices the close asynchronously)
        cs[0].close();
        long until = System.currentTimeMillis() + 5000;
        boolean served = false;
        for (int attempt = 0; attempt < 200 && !served && System.currentTimeMillis() < until; attempt++) {
            try (RawClient again = host.raw()) {
                again.msg("op", "ping", "id", 1L);
                Map<Object, Object> r = again.read();
                if ("bye".equals(r.get("op"))) {
                    Thread.sleep(20);
                    continue;
                }
                Expect.okMap(r, 1);
                served = true;
            }
        }
        assertTrue(served, "a connection is served again below the limit");
    }

    @Test
    void aPutBeyondTheSessionBudgetIsOverloadedAndKeepsWhatWasStored() throws Exception {
        start(ListenerSettings.builder(), 64 * 1024);
        RawClient c = client();
        byte[] first = new byte[40_000];
        Arrays.fill(first, (byte) 1);
        assertEquals(1L, Expect.okMap(c.call("op", "put", "id", 1L, "key", "m/a", "codec", "bytes", "body", first), 1).get("version"));

        Map<Object, Object> r = c.call("op", "put", "id", 2L, "key", "m/b", "codec", "bytes", "body", new byte[40_000]);
        Map<?, ?> e = Expect.error(r, 2L, "OVERLOADED");
        Map<?, ?> detail = (Map<?, ?>) e.get("detail");
        assertEquals(64L * 1024, detail.get("budgetBytes"));
        assertTrue((Long) detail.get("usedBytes") >= 40_000, detail.toString());
        // replacing a value with a larger one past the budget is refused too, and keeps the old one
        Expect.error(c.call("op", "put", "id", 3L, "key", "m/a", "codec", "bytes", "body", new byte[70_000]), 3L, "OVERLOADED");

        Map<?, ?> got = Expect.okMap(c.call("op", "get", "id", 4L, "key", "m/a"), 4);
        assertEquals(1L, got.get("version"));
        assertArrayEquals(first, (byte[]) got.get("body"));
        List<?> all = (List<?>) Expect.ok(c.call("op", "list", "id", 5L), 5);
        assertEquals(1, all.size());
        // no version was used; a value that fits still goes in, and deleting makes room
        assertEquals(2L, Expect.okMap(c.call("op", "put", "id", 6L, "key", "m/c", "body", 1L), 6).get("version"));
        assertEquals(3L, Expect.okMap(c.call("op", "delete", "id", 7L, "key", "m/a"), 7).get("version"));
        assertEquals(4L, Expect.okMap(c.call("op", "put", "id", 8L, "key", "m/b", "codec", "bytes", "body", new byte[40_000]), 8).get("version"));
    }

    @Test
    void pipeliningPastMaxPendingRequestsIsHeldBackNotRefused() throws Exception {
        ListenerSettings.Builder b = ListenerSettings.builder();
        b.maxPendingRequests = 2;
        start(b);
        RawClient c = client();
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        for (int i = 0; i < 300; i++) {
            wire.write(RawClient.framed(RawClient.encode("op", "put", "id", (long) i, "key", "pp/x", "body", (long) i)));
        }
        c.bytes(wire.toByteArray());
        for (int i = 0; i < 300; i++) {
            assertEquals(i + 1L, Expect.okMap(c.read(), i).get("version"));
        }
    }

    @Test
    void framesBeyondTheInFlightBudgetWaitTheirTurn() throws Exception {
        ListenerSettings.Builder b = ListenerSettings.builder();
        b.maxFrameBytes = 1024 * 1024;
        b.maxInFlightBytes = 1024 * 1024;
        start(b);
        int clients = 6;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < clients; t++) {
                RawClient c = client();
                int tn = t;
                fs.add(pool.submit(() -> {
                    for (int i = 0; i < 5; i++) {
                        byte[] body = new byte[900_000];
                        Arrays.fill(body, (byte) (tn * 10 + i));
                        Map<?, ?> put = Expect.okMap(c.call("op", "put", "id", (long) i, "key", "fl/" + tn, "codec", "bytes", "body", body), i);
                        assertEquals("bytes", put.get("kind"));
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get(20, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(clients * 5L, host.store.currentVersion());
        for (int t = 0; t < clients; t++) {
            assertEquals((byte) (t * 10 + 4), ((byte[]) host.store.get("fl/" + t).orElseThrow().value().value())[0]);
        }
    }

    @Test
    void aClientThatReadsItsRepliesLateGetsThemAll() throws Exception {
        start(ListenerSettings.builder());
        RawClient c = client();
        byte[] big = new byte[512 * 1024];
        Arrays.fill(big, (byte) 7);
        Expect.okMap(c.call("op", "put", "id", 0L, "key", "big/x", "codec", "bytes", "body", big), 0);
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        int n = 40; // 20 MiB of replies: above the 8 MiB outbound high-water mark
        for (int i = 1; i <= n; i++) {
            wire.write(RawClient.framed(RawClient.encode("op", "get", "id", (long) i, "key", "big/x")));
        }
        c.bytes(wire.toByteArray());
        for (int i = 1; i <= n; i++) {
            Map<?, ?> r = Expect.okMap(c.read(), i);
            assertArrayEquals(big, (byte[]) r.get("body"));
        }
    }
}
