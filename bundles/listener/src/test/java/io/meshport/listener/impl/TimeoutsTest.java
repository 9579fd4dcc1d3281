package io.meshport.listener.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

/**
 * The idle and frame timeouts (docs/protocol.md section 12.4): short limits so that the test stays short.
 * These are the only tests that wait on the clock.
 */
class TimeoutsTest extends HostTestBase {

    @Test
    void anIdleConnectionGetsByeAndIsClosedButOneWithAWatchIsNot() throws Exception {
        ListenerSettings.Builder b = ListenerSettings.builder();
        b.idleTimeoutMs = 1000;
        start(b);
        RawClient idle = client();
        RawClient watcher = client();
        Expect.okMap(watcher.call("op", "watch", "id", 1L, "prefix", "w/"), 1);
        long t0 = System.currentTimeMillis();
        Expect.okMap(idle.call("op", "ping", "id", 1L), 1);

        String reason = Expect.bye(idle.read());
        long took = System.currentTimeMillis() - t0;
        assertTrue(reason.contains("idle"), reason);
        assertTrue(idle.closedByHost());
        assertTrue(took >= 900 && took < 5000, "bye after " + took + " ms");

        // wait until the watcher has been quiet for well over the idle timeout
        long quietUntil = t0 + 2600;
        while (System.currentTimeMillis() < quietUntil) {
            Thread.sleep(50);
        }
        Expect.okMap(watcher.call("op", "ping", "id", 2L), 2);
        RawClient writer = client();
        Expect.okMap(writer.call("op", "put", "id", 1L, "key", "w/x", "body", 1L), 1);
        assertEquals("w/x", watcher.event().get("key"));
    }

    @Test
    void aFrameThatDoesNotArriveInTimeIsClosedWithBye() throws Exception {
        ListenerSettings.Builder b = ListenerSettings.builder();
        b.frameTimeoutMs = 1000;
        start(b);
        byte[] put = RawClient.framed(RawClient.encode("op", "put", "id", 1L, "key", "half/x", "body", "some text to cut"));
        RawClient halfBody = client();
        RawClient headerOnly = client();
        RawClient halfHeader = client();
        RawClient fine = client();
        long t0 = System.currentTimeMillis();
        halfBody.bytes(Arrays.copyOf(put, put.length / 2));
        headerOnly.bytes(Arrays.copyOf(put, 4));
        halfHeader.bytes(Arrays.copyOf(put, 2));
        for (RawClient c : new RawClient[] {halfBody, headerOnly, halfHeader}) {
            String reason = Expect.bye(c.read());
            assertTrue(reason.contains("frame"), reason);
            assertTrue(c.closedByHost());
        }
        long took = System.currentTimeMillis() - t0;
        assertTrue(took >= 900 && took < 5000, "bye after " + took + " ms");
        // a client that sends whole frames is not affected, and nothing of the half frames was stored
        Expect.okMap(fine.call("op", "ping", "id", 1L), 1);
        assertTrue(host.store.get("half/x").isEmpty());
        assertEquals(0L, host.store.currentVersion());
    }

    @Test
    void aHalfFrameFollowedByTheClientClosingIsCleanedUp() throws Exception {
        start(ListenerSettings.builder());
        RawClient c = client();
        byte[] put = RawClient.framed(RawClient.encode("op", "put", "id", 1L, "key", "gone/x", "body", 1L));
        c.bytes(Arrays.copyOf(put, 6));
        c.shutdownOutput();
        assertTrue(c.closedByHost());
        long until = System.currentTimeMillis() + 5000;
        while (host.server.openConnections() > 0 && System.currentTimeMillis() < until) {
            Thread.sleep(10);
        }
        assertEquals(0, host.server.openConnections());
        assertTrue(host.store.get("gone/x").isEmpty());
    }

    @Test
    void requestsSentBeforeTheClientClosesItsSideAreStillAnswered() throws Exception {
        start(ListenerSettings.builder());
        RawClient c = client();
        c.bytes(RawClient.framed(RawClient.encode("op", "put", "id", 1L, "key", "eof/x", "body", 1L)));
        c.bytes(RawClient.framed(RawClient.encode("op", "get", "id", 2L, "key", "eof/x")));
        c.shutdownOutput();
        assertEquals(1L, Expect.okMap(c.read(), 1).get("version"));
        assertEquals(1L, Expect.okMap(c.read(), 2).get("body"));
        assertTrue(c.closedByHost());
    }
}
