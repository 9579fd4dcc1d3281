package io.meshport.session.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.meshport.protocol.ErrorCode;
import io.meshport.protocol.MeshportException;
import io.meshport.session.SessionChange;
import io.meshport.session.SessionEntry;
import io.meshport.session.SessionStore;
import io.meshport.session.SessionValue;

/**
 * A durable session's file is opened on a thread of its own while the host starts: requests arriving
 * meanwhile wait for it and then see the stored session; nothing they do is lost or misordered.
 */
class StoreOpeningTest {
    @TempDir
    Path dir;

    private final List<String> log = Collections.synchronizedList(new ArrayList<>());

    /** Runs the opening on a thread of its own once {@link #release} is counted down. */
    private final CountDownLatch release = new CountDownLatch(1);
    private final Executor heldBack = task -> {
        Thread t = new Thread(() -> {
            try {
                if (release.await(30, TimeUnit.SECONDS)) {
                    task.run();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "test-opener");
        t.setDaemon(true);
        t.start();
    };

    private static SessionValue bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return new SessionValue(SessionValue.KIND_BYTES, b, Map.of("length", n), 16L + n);
    }

    /** A session of three keys in the folder, its file closed; returns its id. */
    private String storedSession() {
        SessionStoreImpl s = new SessionStoreImpl(1L << 30, System::currentTimeMillis, dir, false, log::add);
        for (int i = 0; i < 3; i++) {
            s.put("k" + i, "bytes", 100_000, bytes(100_000, i), SessionStore.ANY_VERSION, null);
        }
        String id = s.sessionId();
        s.close();
        return id;
    }

    @Test
    void requestsArrivingWhileTheFileOpensWaitForItAndSeeTheStoredSession() throws Exception {
        String id = storedSession();
        long before;
        {
            SessionStoreImpl s = new SessionStoreImpl(1L << 30, System::currentTimeMillis, dir, false, log::add);
            before = s.currentVersion();
            s.close();
        }
        SessionStoreImpl s = new SessionStoreImpl(1L << 30, System::currentTimeMillis, dir, false, log::add, heldBack);
        // What a starting host's bundles do at once does not wait: subscribing, and the memory account.
        List<SessionChange> seen = Collections.synchronizedList(new ArrayList<>());
        SessionStore.Subscription sub = s.subscribe("", seen::add);
        assertEquals(0, s.usedBytes());

        // A thread each (the common pool may have one on two cores: the requests would queue, not wait in the store).
        ExecutorService requests = Executors.newFixedThreadPool(4);
        CompletableFuture<String> hello = CompletableFuture.supplyAsync(s::sessionId, requests);
        CompletableFuture<SessionEntry> get = CompletableFuture.supplyAsync(() -> s.get("k1").orElse(null), requests);
        CompletableFuture<SessionEntry> put = CompletableFuture
                .supplyAsync(() -> s.put("new", "bytes", 10, bytes(10, 9), SessionStore.ANY_VERSION, "token-1"), requests);
        CompletableFuture<List<SessionEntry>> list = CompletableFuture.supplyAsync(() -> s.list(""), requests);
        Thread.sleep(300);
        assertFalse(hello.isDone() || get.isDone() || put.isDone() || list.isDone(), "a request was answered before the file was open");

        release.countDown();
        assertEquals(id, hello.get(30, TimeUnit.SECONDS));
        assertArrayEquals((byte[]) bytes(100_000, 1).value(), (byte[]) get.get(30, TimeUnit.SECONDS).value().value());
        SessionEntry written = put.get(30, TimeUnit.SECONDS);
        assertTrue(written.version() > before, "version " + written.version() + " after the file's " + before);
        List<String> keys = list.get(30, TimeUnit.SECONDS).stream().map(SessionEntry::key).toList();
        assertTrue(keys.containsAll(List.of("k0", "k1", "k2")), keys.toString());
        assertTrue(seen.stream().anyMatch(c -> c.key().equals("new") && c.version() == written.version()),
                "the subscriber was not told of the write: " + seen);
        sub.close();
        s.close();
        requests.shutdown();

        SessionStoreImpl again = new SessionStoreImpl(1L << 30, System::currentTimeMillis, dir, false, log::add);
        assertEquals(id, again.sessionId());
        assertEquals(written.version(), again.get("new").orElseThrow().version());
        assertEquals(List.of("k0", "k1", "k2", "new"), again.list("").stream().map(SessionEntry::key).toList());
        again.close();
    }

    @Test
    void aRequestWaitingLongerThanItsBoundIsAnsweredUnavailableAndChangesNothing() throws Exception {
        String id = storedSession();
        SessionStoreImpl s = new SessionStoreImpl(1L << 30, System::currentTimeMillis, dir, false, log::add, heldBack);
        s.openWaitMillis(200);
        MeshportException e = assertThrows(MeshportException.class,
                () -> s.put("late", "bytes", 10, bytes(10, 5), SessionStore.ANY_VERSION, "token-late"));
        assertEquals(ErrorCode.UNAVAILABLE, e.code());
        assertTrue(e.getMessage().contains("still being opened") && e.getMessage().contains("retry later"), e.getMessage());
        assertEquals(ErrorCode.UNAVAILABLE, assertThrows(MeshportException.class, s::sessionId).code());

        release.countDown();
        assertEquals(id, s.sessionId());
        assertTrue(s.get("late").isEmpty(), "the refused write was applied");
        assertTrue(s.recall("token-late").isEmpty(), "the refused write's token was remembered");
        assertEquals(3, s.list("").size());
        s.close();
    }

    @Test
    void aStoreStoppedWhileItsFileOpensClosesTheFileOnceOpen() throws Exception {
        String id = storedSession();
        SessionStoreImpl s = new SessionStoreImpl(1L << 30, System::currentTimeMillis, dir, false, log::add, heldBack);
        CompletableFuture<Void> closing = new CompletableFuture<>();
        Thread closer = new Thread(() -> {
            s.close();
            closing.complete(null);
        }, "test-closer");
        closer.start();
        Thread.sleep(200);
        assertFalse(closing.isDone(), "the store closed before its file was open");
        release.countDown();
        closing.get(30, TimeUnit.SECONDS);

        SessionStoreImpl again = new SessionStoreImpl(1L << 30, System::currentTimeMillis, dir, false, log::add);
        assertEquals(id, again.sessionId());
        assertEquals(3, again.list("").size());
        again.close();
    }
}
