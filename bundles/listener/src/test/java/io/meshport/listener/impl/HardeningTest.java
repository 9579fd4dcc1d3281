package io.meshport.listener.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * What a client that can reach the port must not be able to do: make the host deaf, reserve its memory
 * before authenticating, hold frames waiting forever, or hold its connection slots.
 */
class HardeningTest extends HostTestBase {
    private static final String TOKEN = "a-token-of-twenty-chars-or-more";

    /** A frame header announcing {@code length} bytes, as a client that never sends them would. */
    private static byte[] header(long length) {
        return ByteBuffer.allocate(4).putInt((int) length).array();
    }

    /** Waits, bounded, for a condition. */
    private static void await(String what, java.util.function.BooleanSupplier done) throws InterruptedException {
        long until = System.currentTimeMillis() + 10_000;
        while (!done.getAsBoolean()) {
            if (System.currentTimeMillis() > until) {
                throw new AssertionError("not within 10 s: " + what);
            }
            Thread.sleep(5);
        }
    }

    private static void assertServes(TestHost h, String key) throws Exception {
        try (RawClient fresh = h.raw()) {
            if (h.server.limits.tokenRequired()) {
                Expect.okMap(fresh.call("op", "hello", "id", 1L, "version", 1L, "token", TOKEN), 1);
            }
            Expect.okMap(fresh.call("op", "put", "id", 2L, "key", key, "body", 42L), 2);
            assertEquals(42L, Expect.okMap(fresh.call("op", "get", "id", 3L, "key", key), 3).get("body"));
        }
    }

    @Test
    void largeFramesThatDoNotFitTheMemoryAccountAreRefusedOneByOneAndTheHostServesOn() throws Exception {
        // The account (session and frames together) holds 8 MiB; the session already holds 6 of them.
        start(ListenerSettings.builder(), 8L * 1024 * 1024);
        RawClient filler = client();
        for (int i = 0; i < 3; i++) {
            Expect.okMap(filler.call("op", "put", "id", (long) i, "key", "full/" + i, "codec", "bytes", "body", new byte[2_000_000]), i);
        }
        int clients = 4;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<String>> codes = new ArrayList<>();
        try {
            for (int t = 0; t < clients; t++) {
                RawClient c = client();
                int tn = t;
                codes.add(pool.submit(() -> {
                    Map<Object, Object> r = c.call("op", "put", "id", 7L, "key", "big/" + tn, "codec", "bytes", "body", new byte[3_000_000]);
                    String code = Boolean.TRUE.equals(r.get("ok")) ? "ok" : RawClient.code(r);
                    // The connection is still in step after its frame was dropped.
                    Expect.ok(c.call("op", "ping", "id", 8L), 8);
                    return code;
                }));
            }
            int overloaded = 0;
            for (Future<String> f : codes) {
                String code = f.get(20, TimeUnit.SECONDS);
                assertTrue(code.equals("ok") || code.equals("OVERLOADED"), code);
                overloaded += code.equals("OVERLOADED") ? 1 : 0;
            }
            assertTrue(overloaded >= clients - 1, overloaded + " of " + clients + " refused: 2 MiB are free, each needs 3");
        } finally {
            pool.shutdownNow();
        }
        await("the frames' room given back", () -> host.server.room.inFlight() == 0);
        assertTrue(host.store.memory().usedBytes() <= host.store.memory().limitBytes());
        assertServes(host, "after/refusals");
    }

    @Test
    void aFrameThatFindsNoMemoryIsAnsweredWithItsIdAndTheConnectionGoesOn() throws Exception {
        start(ListenerSettings.builder(), 1024 * 1024);
        RawClient c = client();
        Map<Object, Object> r = c.call("op", "put", "id", 11L, "key", "k", "codec", "bytes", "body", new byte[2_000_000]);
        Map<?, ?> e = Expect.error(r, 11L, "OVERLOADED");
        assertTrue(String.valueOf(e.get("message")).contains("memory is full"), e.toString());
        Expect.ok(c.call("op", "ping", "id", 12L), 12);
        assertFalse(host.store.get("k").isPresent());
    }

    @Test
    void theSelectorThreadOutlivesAnErrorInItsWork() throws Exception {
        start(ListenerSettings.builder());
        host.server.post(() -> {
            throw new OutOfMemoryError("a test's allocation failure on the selector thread");
        });
        host.server.post(() -> {
            throw new IllegalStateException("a test's bug on the selector thread");
        });
        assertServes(host, "after/errors");
    }

    @Test
    void unauthenticatedConnectionsSendingOnlyALengthReserveNothing() throws Exception {
        ListenerSettings.Builder b = ListenerSettings.builder().token(TOKEN);
        start(b);
        List<RawClient> attackers = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            RawClient a = client();
            a.bytes(header(200_000_000));
            attackers.add(a);
        }
        for (RawClient a : attackers) {
            Map<Object, Object> r = a.read();
            Expect.error(r, null, "UNAUTHORIZED");
            assertTrue(a.closedByHost());
        }
        assertEquals(0, host.server.room.inFlight(), "nothing reserved for them");
        // A legitimate client's put of 240 KB goes through at once.
        RawClient ok = client();
        Expect.okMap(ok.call("op", "hello", "id", 1L, "version", 1L, "token", TOKEN), 1);
        Expect.okMap(ok.call("op", "put", "id", 2L, "key", "legit", "codec", "bytes", "body", new byte[240_000]), 2);
    }

    @Test
    void aLargeFrameRightBehindAHelloWaitsForTheHellosAnswer() throws Exception {
        start(ListenerSettings.builder().token(TOKEN));
        RawClient c = client();
        byte[] hello = RawClient.framed(RawClient.encode("op", "hello", "id", 1L, "version", 1L, "token", TOKEN));
        byte[] put = RawClient.framed(RawClient.encode("op", "put", "id", 2L, "key", "pipelined", "codec", "bytes", "body", new byte[300_000]));
        byte[] both = Arrays.copyOf(hello, hello.length + put.length);
        System.arraycopy(put, 0, both, hello.length, put.length);
        c.bytes(both);
        Expect.okMap(c.reply(1), 1);
        Expect.okMap(c.reply(2), 2);

        // ... and a wrong hello with a large frame behind it ends with UNAUTHORIZED, nothing of the frame read
        RawClient bad = client();
        byte[] wrong = RawClient.framed(RawClient.encode("op", "hello", "id", 1L, "version", 1L, "token", "wrong"));
        byte[] wrongThenBig = Arrays.copyOf(wrong, wrong.length + 4);
        System.arraycopy(header(300_000), 0, wrongThenBig, wrong.length, 4);
        bad.bytes(wrongThenBig);
        Expect.error(bad.read(), 1L, "UNAUTHORIZED");
        assertTrue(bad.closedByHost());
        // The hello's own room is given back once its handling ends, a moment after its answer went out.
        await("the room given back", () -> host.server.room.inFlight() == 0);
    }

    @Test
    void aFrameWaitingForRoomIsWokenWhenTheConnectionHoldingItCloses() throws Exception {
        ListenerSettings.Builder b = ListenerSettings.builder();
        b.maxFrameBytes = 1024 * 1024;
        b.maxInFlightBytes = 1024 * 1024;
        start(b);
        RawClient holder = client();
        byte[] big = RawClient.framed(RawClient.encode("op", "put", "id", 1L, "key", "held", "codec", "bytes", "body", new byte[1_000_000]));
        holder.bytes(Arrays.copyOf(big, 100_000)); // holds the whole cap, and stalls
        await("the holder's room taken", () -> host.server.room.inFlight() > 900_000);
        RawClient waiter = client();
        waiter.msg("op", "put", "id", 2L, "key", "waits", "codec", "bytes", "body", new byte[240_000]);
        await("the waiter to wait for room", () -> host.server.room.inFlight() > 900_000 && host.server.openConnections() == 2);
        long closedAt = System.currentTimeMillis();
        holder.close();
        Expect.okMap(waiter.reply(2), 2);
        long took = System.currentTimeMillis() - closedAt;
        assertTrue(took < 3000, "answered " + took + " ms after the holder left");
    }

    @Test
    void aFrameWaitingForRoomTooLongIsRefusedWithItsId() throws Exception {
        ListenerSettings.Builder b = ListenerSettings.builder();
        b.maxFrameBytes = 1024 * 1024;
        b.maxInFlightBytes = 1024 * 1024;
        b.roomWaitMs = 1000;
        b.frameTimeoutMs = 60_000;
        start(b);
        RawClient holder = client();
        byte[] big = RawClient.framed(RawClient.encode("op", "put", "id", 1L, "key", "held", "codec", "bytes", "body", new byte[1_000_000]));
        holder.bytes(Arrays.copyOf(big, 100_000));
        await("the holder's room taken", () -> host.server.room.inFlight() > 900_000);
        RawClient waiter = client();
        Map<Object, Object> r = waiter.call("op", "put", "id", 2L, "key", "waits", "codec", "bytes", "body", new byte[240_000]);
        Map<?, ?> e = Expect.error(r, 2L, "OVERLOADED");
        assertTrue(String.valueOf(e.get("message")).contains("no room"), e.toString());
        Expect.ok(waiter.call("op", "ping", "id", 3L), 3); // still in step
    }

    @Test
    void connectionsBeyondThePerAddressLimitGetByeEvenWhenTheyAlreadySentARequest() throws Exception {
        ListenerSettings.Builder b = ListenerSettings.builder();
        b.maxConnectionsPerAddress = 3;
        start(b);
        for (int i = 0; i < 3; i++) {
            Expect.ok(client().call("op", "ping", "id", 1L), 1);
        }
        for (int i = 0; i < 5; i++) {
            RawClient extra = client();
            extra.msg("op", "ping", "id", 1L); // sent before the host's refusal is read: it must not turn into a reset
            String reason = Expect.bye(extra.read());
            assertTrue(reason.contains("per address"), reason);
            assertTrue(extra.closedByHost());
        }
        assertEquals(3, host.server.openConnections());
    }

    @Test
    void atTheLimitIdleUnauthenticatedConnectionsMakeRoomForNewOnes() throws Exception {
        ListenerSettings.Builder b = ListenerSettings.builder().token(TOKEN);
        b.maxConnections = 3;
        start(b);
        RawClient proven = client();
        Expect.okMap(proven.call("op", "hello", "id", 1L, "version", 1L, "token", TOKEN), 1);
        RawClient idle1 = client();
        RawClient idle2 = client();
        await("three connections", () -> host.server.openConnections() == 3);
        for (int i = 0; i < 2; i++) { // each new one pushes out the oldest that has not authenticated
            RawClient next = client();
            Expect.okMap(next.call("op", "hello", "id", 1L, "version", 1L, "token", TOKEN), 1);
            Expect.okMap(next.call("op", "put", "id", 2L, "key", "room/" + i, "body", (long) i), 2);
        }
        assertTrue(Expect.bye(idle1.read()).contains("had not yet authenticated"));
        assertTrue(Expect.bye(idle2.read()).contains("had not yet authenticated"));
        // Now all three have authenticated: none is let go for a newcomer, which is refused.
        await("the idle ones gone", () -> host.server.openConnections() == 3);
        assertTrue(Expect.bye(client().read()).contains("its limit"));
        Expect.ok(proven.call("op", "ping", "id", 2L), 2);
    }

    @Test
    void aConnectionThatSaysNothingOrHalfAHeaderIsClosedAfterTheShortTimeout() throws Exception {
        ListenerSettings.Builder b = ListenerSettings.builder();
        b.authTimeoutMs = 1000;
        start(b);
        RawClient silent = client();
        RawClient half = client();
        half.bytes(new byte[] {0, 0});
        RawClient talker = client();
        Expect.ok(talker.call("op", "ping", "id", 1L), 1);
        long t0 = System.currentTimeMillis();
        assertTrue(Expect.bye(silent.read()).contains("no request within 1 s"));
        assertTrue(Expect.bye(half.read()).contains("no request within 1 s"));
        assertTrue(System.currentTimeMillis() - t0 < 5000);
        Thread.sleep(500);
        Expect.ok(talker.call("op", "ping", "id", 2L), 2); // one that spoke keeps the usual timeouts
    }

    /** The lines a host logged. */
    private static final class Lines implements io.meshport.support.Log {
        final List<String> all = java.util.Collections.synchronizedList(new ArrayList<>());

        @Override
        public void info(String message) {
            all.add(message);
        }

        @Override
        public void warn(String message, Throwable cause) {
            all.add(message);
        }

        @Override
        public void error(String message, Throwable cause) {
            all.add(message);
        }

        long count(String part) {
            synchronized (all) {
                return all.stream().filter(l -> l.contains(part)).count();
            }
        }
    }

    @Test
    void whatAClientSaysCannotForgeFloodOrGarbleTheLog() throws Exception {
        Lines log = new Lines();
        host = new TestHost(ListenerSettings.builder(), 0, log);
        RawClient c = client();
        Expect.okMap(c.call("op", "hello", "id", 1L, "version", 1L, "client", "evil\n12:00:00.000 ERROR [listener] forged\u001b[2J"), 1);
        Expect.ok(c.call("op", "print", "id", 2L, "text", "line\n12:00:00.000 ERROR [listener] forged line\u0000\u001b[31m" + "x".repeat(2_000_000)), 2);
        String printed;
        synchronized (log.all) {
            printed = log.all.stream().filter(l -> l.contains("forged line")).findFirst().orElseThrow();
        }
        assertFalse(printed.contains("\n") || printed.contains("\u0000") || printed.contains("\u001b"), printed.substring(0, 200));
        assertTrue(printed.contains("\\n12:00:00.000 ERROR"), "the newline shown escaped: " + printed.substring(0, 200));
        assertTrue(printed.length() < 3000, "a 2 MB print is cut: " + printed.length());
        assertTrue(printed.contains("(2000"), "and says how long it was");
        assertFalse(printed.substring(0, printed.indexOf("]")).contains("\n"), "the client's name is escaped too");

        // A burst of connections reset by their clients: their lines are limited, the rest counted.
        for (int i = 0; i < 300; i++) {
            RawClient quick = host.raw();
            Expect.ok(quick.call("op", "ping", "id", 1L), 1);
            quick.socket.setSoLinger(true, 0); // close with a reset
            quick.close();
        }
        await("the 300 connections closed", () -> host.server.openConnections() == 1);
        Thread.sleep(1300); // the held-back count is reported once the second is over
        host.server.post(host.server.logLimit::flush);
        await("the count of the lines held back", () -> log.count("lines were not logged") > 0);
        long closed = log.count("closed client");
        assertTrue(closed < 100, closed + " close lines for 300 connections");
    }
}
