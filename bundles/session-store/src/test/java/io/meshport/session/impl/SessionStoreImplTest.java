package io.meshport.session.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.meshport.protocol.ErrorCode;
import io.meshport.protocol.MeshportException;
import io.meshport.session.SessionChange;
import io.meshport.session.SessionEntry;
import io.meshport.session.SessionStore;
import io.meshport.session.SessionValue;

class SessionStoreImplTest {
    private final SessionStoreImpl store = new SessionStoreImpl(1_000_000, () -> 1234L);

    private static SessionValue value(long bytes) {
        return new SessionValue(SessionValue.KIND_BYTES, new byte[0], Map.of("length", bytes), bytes);
    }

    private SessionEntry put(String key, long ifVersion) {
        return store.put(key, "bytes", 10, value(100), ifVersion);
    }

    private static ErrorCode code(Runnable r) {
        return assertThrows(MeshportException.class, r::run).code();
    }

    @Test
    void oneVersionCounterForTheWholeSessionStartingAtOne() {
        assertEquals(0, store.currentVersion());
        assertEquals(1, put("a", SessionStore.ANY_VERSION).version());
        assertEquals(2, put("b", SessionStore.ANY_VERSION).version());
        assertEquals(3, put("a", SessionStore.ANY_VERSION).version());
        assertEquals(4, store.delete("b", SessionStore.ANY_VERSION));
        assertEquals(4, store.currentVersion());
        SessionEntry a = store.get("a").orElseThrow();
        assertEquals(3, a.version());
        assertEquals(1234L, a.updated());
        assertEquals("bytes", a.codec());
        assertEquals(10, a.payloadBytes());
    }

    @Test
    void ifVersionMakesWritesConditionalAndAFailureUsesNoVersion() {
        assertEquals(1, put("k", 0).version());           // 0: must not exist
        MeshportException e = assertThrows(MeshportException.class, () -> put("k", 0));
        assertEquals(ErrorCode.CONFLICT, e.code());
        assertEquals(1L, e.detail().get("current"));
        assertTrue(e.getMessage().contains("version 1"), e.getMessage());
        assertEquals(ErrorCode.CONFLICT, code(() -> put("k", 5)));
        assertEquals(ErrorCode.CONFLICT, code(() -> put("absent", 3)));
        assertEquals(1, store.currentVersion(), "failed writes used up no version");
        assertEquals(2, put("k", 1).version());
        assertEquals(ErrorCode.CONFLICT, code(() -> store.delete("k", 1)));
        assertEquals(3, store.delete("k", 2));
    }

    @Test
    void deleteOfAMissingKeyIsNotFoundWithOrWithoutIfVersion() {
        assertEquals(ErrorCode.NOT_FOUND, code(() -> store.delete("nope", SessionStore.ANY_VERSION)));
        assertEquals(ErrorCode.NOT_FOUND, code(() -> store.delete("nope", 0)));
        assertEquals(0, store.currentVersion());
    }

    @Test
    void badKeysAreRefused() {
        for (String k : new String[] {"", "/a", "a/", "a//b", "a/./b", "a/../b", ".", "..", "a b", "é", "a\u0000",
                "x".repeat(257)}) {
            assertEquals(ErrorCode.BAD_KEY, code(() -> put(k, SessionStore.ANY_VERSION)), k);
        }
        for (String k : new String[] {"a", "geo/teapot.v2", "A-Z_0.9/x", "...", "a/.b", "x".repeat(256)}) {
            put(k, SessionStore.ANY_VERSION);
        }
    }

    @Test
    void listIsSortedAndFilteredByPlainPrefix() {
        for (String k : new String[] {"geo/b", "geo/a", "geoX", "ge", "other", "geo/a/deep"}) {
            put(k, SessionStore.ANY_VERSION);
        }
        assertEquals(List.of("geo/a", "geo/a/deep", "geo/b"), keys(store.list("geo/")));
        assertEquals(List.of("geo/a", "geo/a/deep", "geo/b", "geoX"), keys(store.list("geo")));
        assertEquals(List.of("ge", "geo/a", "geo/a/deep", "geo/b", "geoX", "other"), keys(store.list("")));
        assertEquals(List.of(), keys(store.list("zzz")));
    }

    private static List<String> keys(List<SessionEntry> entries) {
        return entries.stream().map(SessionEntry::key).collect(Collectors.toList());
    }

    @Test
    void memoryBudgetRefusesWithOverloadedAndKeepsWhatIsStored() {
        SessionStoreImpl small = new SessionStoreImpl(1000, () -> 0L);
        small.put("a", "bytes", 1, value(600), SessionStore.ANY_VERSION);
        MeshportException e = assertThrows(MeshportException.class,
                () -> small.put("b", "bytes", 1, value(600), SessionStore.ANY_VERSION));
        assertEquals(ErrorCode.OVERLOADED, e.code());
        assertTrue(small.get("a").isPresent());
        assertFalse(small.get("b").isPresent());
        assertEquals(1, small.currentVersion());
        // replacing a value counts only the difference; deleting frees
        small.put("a", "bytes", 1, value(900), SessionStore.ANY_VERSION);
        assertEquals(900, small.usedBytes());
        small.delete("a", SessionStore.ANY_VERSION);
        assertEquals(0, small.usedBytes());
        small.put("b", "bytes", 1, value(1000), SessionStore.ANY_VERSION);
    }

    @Test
    void listenersSeeChangesUnderTheirPrefixInVersionOrderFromConcurrentWriters() throws Exception {
        List<SessionChange> seen = Collections.synchronizedList(new ArrayList<>());
        SessionStore.Subscription sub = store.subscribe("w/", seen::add);
        List<SessionChange> all = Collections.synchronizedList(new ArrayList<>());
        store.subscribe("", all::add);
        int threads = 4;
        int perThread = 500;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            futures.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < perThread; i++) {
                    String key = (i % 2 == 0 ? "w/" : "x/") + id + "/" + (i % 7);
                    put(key, SessionStore.ANY_VERSION);
                    if (i % 5 == 0) {
                        try {
                            store.delete(key, SessionStore.ANY_VERSION);
                        } catch (MeshportException e) {
                            // deleted already: fine
                        }
                    }
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : futures) {
            f.get(30, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertEquals(store.currentVersion(), all.size(), "every change was delivered once");
        for (int i = 0; i < all.size(); i++) {
            assertEquals(i + 1, all.get(i).version(), "in version order");
        }
        assertTrue(seen.stream().allMatch(c -> c.key().startsWith("w/")));
        for (int i = 1; i < seen.size(); i++) {
            assertTrue(seen.get(i - 1).version() < seen.get(i).version());
        }
        assertTrue(seen.stream().anyMatch(c -> c.type() == SessionChange.Type.DELETE));
        int before = seen.size();
        sub.close();
        put("w/after", SessionStore.ANY_VERSION);
        assertEquals(before, seen.size(), "no change after close");
    }

    @Test
    void aFailingListenerDoesNotUndoTheChange() {
        store.subscribe("", c -> {
            throw new IllegalStateException("boom");
        });
        assertEquals(1, put("a", SessionStore.ANY_VERSION).version());
        assertTrue(store.get("a").isPresent());
    }
}
