package io.meshport.listener.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

/** docs/protocol.md section 4.11: watch, events, unwatch. */
class WatchTest extends HostTestBase {

    private static List<Object> event(long watch, String key, long version, String change) {
        return List.of(watch, key, version, change);
    }

    private static List<Object> fields(Map<Object, Object> e) {
        assertEquals(Set.of("op", "watch", "key", "version", "change"), e.keySet(), () -> "event fields of " + e);
        return List.of(e.get("watch"), e.get("key"), e.get("version"), e.get("change"));
    }

    @Test
    void eventsForChangesUnderThePrefixArriveInVersionOrder() throws Exception {
        RawClient w = client();
        RawClient other = client();
        Map<?, ?> res = Expect.okMap(w.call("op", "watch", "id", 1L, "prefix", "geo/"), 1);
        assertEquals(Set.of("watch"), res.keySet());
        long wid = (Long) res.get("watch");

        List<List<Object>> expected = new ArrayList<>();
        long v;
        v = (Long) Expect.okMap(other.call("op", "put", "id", 1L, "key", "geo/a", "body", 1L), 1).get("version");
        expected.add(event(wid, "geo/a", v, "put"));
        Expect.okMap(other.call("op", "put", "id", 2L, "key", "other/x", "body", 1L), 2); // not under the prefix
        Expect.okMap(other.call("op", "put", "id", 3L, "key", "geo", "body", 1L), 3); // not under "geo/" either
        v = (Long) Expect.okMap(other.call("op", "put", "id", 4L, "key", "geo/b/c", "codec", "bytes", "body", new byte[3]), 4).get("version");
        expected.add(event(wid, "geo/b/c", v, "put"));
        v = (Long) Expect.okMap(w.call("op", "put", "id", 2L, "key", "geo/self", "body", 2L), 2).get("version"); // its own change
        expected.add(event(wid, "geo/self", v, "put"));
        v = (Long) Expect.okMap(other.call("op", "delete", "id", 5L, "key", "geo/a"), 5).get("version");
        expected.add(event(wid, "geo/a", v, "delete"));
        Expect.error(other.call("op", "delete", "id", 6L, "key", "geo/a"), 6L, "NOT_FOUND"); // failed: no event
        Expect.error(other.call("op", "put", "id", 7L, "key", "geo/b/c", "body", 1L, "ifVersion", 1L), 7L, "CONFLICT");
        v = (Long) Expect.okMap(other.call("op", "put", "id", 8L, "key", "geo/a", "body", 3L), 8).get("version");
        expected.add(event(wid, "geo/a", v, "put"));

        List<List<Object>> got = new ArrayList<>();
        for (int i = 0; i < expected.size(); i++) {
            got.add(fields(w.event()));
        }
        assertEquals(expected, got);
        // and nothing more: the next frame is the reply to a ping
        Expect.okMap(w.call("op", "ping", "id", 3L), 3);
        assertTrue(w.events.isEmpty(), () -> "unexpected events " + w.events);
    }

    @Test
    void concurrentWritersAreSeenInVersionOrder() throws Exception {
        RawClient w = client();
        long wid = (Long) Expect.okMap(w.call("op", "watch", "id", 1L, "prefix", "c/"), 1).get("watch");
        int writers = 4;
        int each = 50;
        List<Long> versions = new CopyOnWriteArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < writers; t++) {
                RawClient c = client();
                int tn = t;
                fs.add(pool.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        Map<Object, Object> r = (i % 5 == 4)
                                ? c.call("op", "delete", "id", (long) i, "key", "c/" + tn + "/" + (i - 1))
                                : c.call("op", "put", "id", (long) i, "key", "c/" + tn + "/" + i, "body", (long) i);
                        versions.add((Long) Expect.okMap(r, i).get("version"));
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
        long last = 0;
        Set<Long> seen = new HashSet<>();
        Map<String, List<String>> changes = new java.util.HashMap<>();
        for (int i = 0; i < writers * each; i++) {
            Map<Object, Object> e = w.event();
            assertEquals(wid, e.get("watch"));
            long v = (Long) e.get("version");
            assertTrue(v > last, "versions increase: " + v + " after " + last);
            last = v;
            seen.add(v);
            changes.computeIfAbsent((String) e.get("key"), k -> new ArrayList<>()).add((String) e.get("change"));
        }
        assertEquals(new HashSet<>(versions), seen);
        assertEquals(writers * (each - each / 5), changes.size());
        for (Map.Entry<String, List<String>> e : changes.entrySet()) {
            int n = Integer.parseInt(e.getKey().substring(e.getKey().lastIndexOf('/') + 1));
            assertEquals(n % 5 == 3 ? List.of("put", "delete") : List.of("put"), e.getValue(), e.getKey());
        }
        assertEquals(writers * each, seen.size());
    }

    @Test
    void unwatchStopsTheEvents() throws Exception {
        RawClient w = client();
        RawClient other = client();
        long wid = (Long) Expect.okMap(w.call("op", "watch", "id", 1L, "prefix", ""), 1).get("watch");
        Expect.okMap(other.call("op", "put", "id", 1L, "key", "u/a", "body", 1L), 1);
        assertEquals(event(wid, "u/a", 1L, "put"), fields(w.event()));
        assertNull(Expect.ok(w.call("op", "unwatch", "id", 2L, "watch", wid), 2));
        // the store notifies synchronously: once the writer has its reply, an event would already be queued
        Expect.okMap(other.call("op", "put", "id", 2L, "key", "u/b", "body", 1L), 2);
        Expect.okMap(other.call("op", "delete", "id", 3L, "key", "u/a"), 3);
        Expect.okMap(w.call("op", "ping", "id", 3L), 3);
        assertTrue(w.events.isEmpty(), () -> "events after unwatch: " + w.events);
        // a second unwatch of the same id, and unknown ids: NOT_FOUND
        Expect.error(w.call("op", "unwatch", "id", 4L, "watch", wid), 4L, "NOT_FOUND");
        Expect.error(w.call("op", "unwatch", "id", 5L, "watch", 12345L), 5L, "NOT_FOUND");
        Expect.okMap(w.call("op", "ping", "id", 6L), 6);
    }

    @Test
    void aWatchBelongsToItsConnection() throws Exception {
        RawClient a = client();
        RawClient b = client();
        long wid = (Long) Expect.okMap(a.call("op", "watch", "id", 1L, "prefix", "x/"), 1).get("watch");
        Expect.error(b.call("op", "unwatch", "id", 1L, "watch", wid), 1L, "NOT_FOUND");
        Expect.okMap(b.call("op", "put", "id", 2L, "key", "x/1", "body", 1L), 2);
        assertEquals(event(wid, "x/1", 1L, "put"), fields(a.event()));
    }

    @Test
    void severalWatchesOnOneConnectionEachGetTheirEvents() throws Exception {
        RawClient w = client();
        long all = (Long) Expect.okMap(w.call("op", "watch", "id", 1L, "prefix", ""), 1).get("watch");
        long geo = (Long) Expect.okMap(w.call("op", "watch", "id", 2L, "prefix", "geo/"), 2).get("watch");
        assertNotEquals(all, geo);
        RawClient other = client();
        Expect.okMap(other.call("op", "put", "id", 1L, "key", "geo/a", "body", 1L), 1);
        Expect.okMap(other.call("op", "put", "id", 2L, "key", "misc", "body", 1L), 2);
        Set<List<Object>> got = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            got.add(fields(w.event()));
        }
        assertEquals(Set.of(event(all, "geo/a", 1L, "put"), event(geo, "geo/a", 1L, "put"), event(all, "misc", 2L, "put")), got);
    }

    @Test
    void noEventComesBeforeTheReplyToItsWatchNorAfterTheReplyToItsUnwatch() throws Exception {
        RawClient w = client();
        RawClient writer = client();
        AtomicBoolean go = new AtomicBoolean(true);
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        Thread t = new Thread(() -> {
            long until = System.currentTimeMillis() + 15_000;
            long id = 0;
            try {
                while (go.get() && System.currentTimeMillis() < until) {
                    id++;
                    Expect.okMap(writer.call("op", "put", "id", id, "key", "s/" + (id % 10), "body", id), id);
                }
            } catch (Throwable e) {
                errors.add(e);
            }
        });
        t.start();
        try {
            Set<Long> ids = new HashSet<>();
            for (int i = 0; i < 30; i++) {
                long wid = (Long) Expect.okMap(w.call("op", "watch", "id", 2L * i, "prefix", "s/"), 2L * i).get("watch");
                assertTrue(ids.add(wid), "watch ids are not reused");
                assertTrue(w.events.isEmpty(), () -> "events before the watch reply: " + w.events);
                assertEquals(wid, w.event().get("watch"));
                assertNull(Expect.ok(w.call("op", "unwatch", "id", 2L * i + 1, "watch", wid), 2L * i + 1));
                for (Map<Object, Object> e : w.events) {
                    assertEquals(wid, e.get("watch"));
                }
                w.events.clear();
            }
        } finally {
            go.set(false);
            t.join(10_000);
        }
        assertTrue(errors.isEmpty(), () -> "writer failed: " + errors);
    }
}
