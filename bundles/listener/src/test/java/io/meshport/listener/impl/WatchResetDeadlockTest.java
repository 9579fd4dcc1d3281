package io.meshport.listener.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayOutputStream;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * Found by {@link FrameFuzzTest}: a watching client whose connection breaks while the host is writing
 * to it, as other clients keep writing under its prefix, must not stop the host. (The selector thread
 * closed the connection while holding the connection's output lock, which waits for the session's
 * write lock, while a put holding that write lock waited for the same output lock to queue the event:
 * the listener stopped serving everyone.)
 */
class WatchResetDeadlockTest extends HostTestBase {

    @Test
    void aWatcherResetWhileEventsFlowDoesNotStopTheHost() throws Exception {
        start(ListenerSettings.builder());
        RawClient writer = client();
        long until = System.currentTimeMillis() + 5_000; // a race: tried again and again for a few seconds
        for (int attempt = 0; attempt < 500 && System.currentTimeMillis() < until; attempt++) {
            RawClient watcher = host.raw();
            Expect.okMap(watcher.call("op", "watch", "id", 1L, "prefix", "w/"), 1);
            Expect.okMap(watcher.call("op", "put", "id", 2L, "key", "w/blob", "codec", "bytes", "body", new byte[1 << 20]), 2);
            // Leave far more than 8 MiB of replies unread (more than the socket buffers hold): the host stops reading from the watcher, so it only
            // learns of the reset below when it writes to it.
            ByteArrayOutputStream gets = new ByteArrayOutputStream();
            for (int i = 0; i < 48; i++) {
                gets.write(RawClient.framed(RawClient.encode("op", "get", "id", 10L + i, "key", "w/blob")));
            }
            watcher.bytes(gets.toByteArray());
            // Puts under the watched prefix, pipelined from another client, all the while the watcher resets.
            java.util.concurrent.atomic.AtomicBoolean putting = new java.util.concurrent.atomic.AtomicBoolean(true);
            Thread puts = new Thread(() -> {
                try {
                    for (int i = 0; putting.get(); i++) {
                        writer.bytes(RawClient.framed(RawClient.encode("op", "put", "key", "w/k" + (i % 8), "body", (long) i)));
                    }
                } catch (java.io.IOException e) {
                    // the test reports what it sees below
                }
            }, "deadlock-test-puts");
            puts.setDaemon(true);
            puts.start();
            Thread.sleep(20);
            watcher.socket.setSoLinger(true, 0);
            watcher.close();
            Thread.sleep(30);
            putting.set(false);
            puts.join(10_000);
            long id = 1000L + attempt;
            writer.socket.setSoTimeout(10_000);
            String deadlock = null;
            try {
                if (puts.isAlive()) { // the host stopped reading the writer's puts
                    throw new java.net.SocketTimeoutException();
                }
                Map<Object, Object> pong = writer.call("op", "ping", "id", id);
                assertEquals(Boolean.TRUE, pong.get("ok"));
            } catch (java.net.SocketTimeoutException e) {
                deadlock = FrameFuzzTest.deadlockedListenerThreads();
                if (deadlock == null) {
                    deadlock = "no answer within 10 s; the listener's threads:\n" + FrameFuzzTest.listenerThreads();
                }
            }
            assertNull(deadlock, "attempt " + attempt + ": the host stopped serving:\n" + deadlock);
        }
    }
}
