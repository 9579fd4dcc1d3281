package io.meshport.session.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.meshport.mesh.Mesh;
import io.meshport.protocol.ErrorCode;
import io.meshport.protocol.MeshportException;
import io.meshport.session.AlreadyAppliedException;
import io.meshport.session.SessionChange;
import io.meshport.session.SessionEntry;
import io.meshport.session.SessionStore;
import io.meshport.session.SessionValue;
import io.meshport.session.backend.SessionBackend;
import io.meshport.session.redis.impl.RedisBackend;
import io.meshport.session.redis.impl.RedisConfig;
import io.meshport.testkit.RedisServer;
import io.meshport.wire.mesh.MeshCborWriter;
import redis.clients.jedis.RedisClient;

/** Two stores sharing one session on a real redis-server, as two hosts would. */
class SharedStoreTest {
    private static final int TIMEOUT_MILLIS = 1000;

    @TempDir
    Path dir;
    private RedisServer redis;
    private final List<SharedStore> stores = new ArrayList<>();
    private final List<String> log = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void startRedis() throws Exception {
        redis = RedisServer.start(dir.resolve("redis"), true);
    }

    @AfterEach
    void stop() throws Exception {
        for (SharedStore s : stores) {
            s.close();
        }
        redis.close();
    }

    private SharedStore host(String name, int chunkBytes) {
        return host(name, config(chunkBytes, 0));
    }

    private SharedStore host(String name, RedisConfig config) {
        SharedStore s = new SharedStore(URI.create(redis.uri(name)), 1L << 30, System::currentTimeMillis, new StoreLog(log::add));
        s.backendArrived(new RedisBackend(config), "redis");
        stores.add(s);
        return s;
    }

    private SharedStore host() {
        return host("test", 64 << 20);
    }

    static RedisConfig config(int chunkBytes) {
        return config(chunkBytes, 0);
    }

    static RedisConfig config(int chunkBytes, int replicas) {
        return config(chunkBytes, replicas, 60);
    }

    static RedisConfig config(int chunkBytes, int replicas, int replacedSeconds) {
        return new RedisConfig() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return RedisConfig.class;
            }

            @Override
            public int timeoutMillis() {
                return TIMEOUT_MILLIS;
            }

            @Override
            public int maxConnections() {
                return 8;
            }

            @Override
            public long keepChanges() {
                return 100_000;
            }

            @Override
            public long tokenSeconds() {
                return 3600;
            }

            @Override
            public int chunkBytes() {
                return chunkBytes;
            }

            @Override
            public int replicas() {
                return replicas;
            }

            @Override
            public int replacedSeconds() {
                return replacedSeconds;
            }
        };
    }

    static Mesh mesh(int points, long seed) {
        return DurableSessionTest.mesh(points, seed);
    }

    private static SessionEntry putMesh(SessionStore s, String key, Mesh m, long ifVersion, String token) {
        return s.put(key, "mesh", 100, SessionValue.ofMesh(m), ifVersion, token);
    }

    /** Compares two meshes by their protocol encoding: positions, faces and attributes, bit for bit. */
    private static void assertSameMesh(Mesh expected, Mesh actual) {
        assertArrayEquals(encoded(expected), encoded(actual));
    }

    private static byte[] encoded(Mesh m) {
        List<ByteBuffer> parts = MeshCborWriter.encode(m);
        ByteBuffer all = ByteBuffer.allocate((int) MeshCborWriter.length(parts));
        parts.forEach(p -> all.put(p.duplicate()));
        return all.array();
    }

    @Test
    void hostsShareOneSessionAndOneVersionCounter() {
        SharedStore a = host();
        SharedStore b = host();
        assertEquals(a.sessionId(), b.sessionId());
        Mesh m = mesh(1000, 1);
        SessionEntry put = putMesh(a, "scan/one", m, SessionStore.ANY_VERSION, null);
        SessionEntry got = b.get("scan/one").orElseThrow();
        assertEquals(put.version(), got.version());
        assertSameMesh(m, got.value().value(Mesh.class));
        assertEquals(put.value().summary(), got.value().summary());
        long v2 = b.put("notes", "cbor", 3, new SessionValue(SessionValue.KIND_BYTES, new byte[] {1, 2, 3}, Map.of(), 19), -1, null)
                .version();
        assertEquals(put.version() + 1, v2);
        assertEquals(List.of("notes", "scan/one"), a.list("").stream().map(SessionEntry::key).toList());
        assertEquals(List.of("scan/one"), a.list("scan/").stream().map(SessionEntry::key).toList());
        assertEquals(v2, a.currentVersion());
        assertEquals(1, b.delete("scan/one", put.version(), null) - v2);
        assertTrue(a.get("scan/one").isEmpty());
        MeshportException e = assertThrows(MeshportException.class, () -> a.delete("scan/one", -1, null));
        assertEquals(ErrorCode.NOT_FOUND, e.code());
    }

    @Test
    void aHostDecodesAValueOncePerVersion() {
        SharedStore a = host();
        SharedStore b = host();
        SessionEntry put = putMesh(a, "k", mesh(500, 2), -1, null);
        assertSame(put.value().value(), a.get("k").orElseThrow().value().value(), "the writer keeps what it decoded");
        SessionEntry first = b.get("k").orElseThrow();
        assertSame(first.value().value(), b.get("k").orElseThrow().value().value(), "the reader decodes once");
        SessionEntry next = putMesh(a, "k", mesh(500, 3), -1, null);
        SessionEntry again = b.get("k").orElseThrow();
        assertEquals(next.version(), again.version(), "read your writes across hosts");
        assertSameMesh(next.value().value(Mesh.class), again.value().value(Mesh.class));
    }

    @Test
    void conditionalWritesRacingFromTwoHostsHaveOneWinner() throws Exception {
        SharedStore a = host();
        SharedStore b = host();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 50; round++) {
                String key = "race/" + round;
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Boolean>> f = new ArrayList<>();
                for (SharedStore s : List.of(a, b)) {
                    f.add(pool.submit(() -> {
                        go.await();
                        try {
                            putMesh(s, key, mesh(10, 4), 0, null);
                            return true;
                        } catch (MeshportException e) {
                            assertEquals(ErrorCode.CONFLICT, e.code());
                            return false;
                        }
                    }));
                }
                go.countDown();
                int wins = 0;
                for (Future<Boolean> x : f) {
                    wins += x.get(10, TimeUnit.SECONDS) ? 1 : 0;
                }
                assertEquals(1, wins, "round " + round);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aWatchOnOneHostSeesTheOtherHostsChangesInOrderOnce() throws Exception {
        SharedStore a = host();
        SharedStore b = host();
        List<SessionChange> seen = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch all = new CountDownLatch(201);
        b.subscribe("w/", c -> {
            seen.add(c);
            all.countDown();
        });
        b.sessionId(); // the feed has reached Redis before the writes
        awaitFeed(b);
        List<Long> versions = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            versions.add(a.put("w/" + (i % 7), "bytes", 4, new SessionValue(SessionValue.KIND_BYTES, new byte[] {(byte) i}, Map.of(), 17),
                    -1, null).version());
            a.put("other", "bytes", 1, new SessionValue(SessionValue.KIND_BYTES, new byte[1], Map.of(), 17), -1, null);
        }
        versions.add(a.delete("w/0", -1, null));
        assertTrue(all.await(20, TimeUnit.SECONDS), "events seen: " + seen.size());
        Thread.sleep(300); // nothing more arrives
        assertEquals(versions, seen.stream().map(SessionChange::version).toList());
        assertEquals(SessionChange.Type.DELETE, seen.get(200).type());
        SessionChange put = seen.get(199);
        assertEquals("w/" + (199 % 7), put.key());
        assertArrayEquals(new byte[] {(byte) 199}, (byte[]) put.entry().value().value(), "a change's value is read when asked for");
    }

    /** Waits until the store's feed has read the session's version (it starts from there). */
    private static void awaitFeed(SharedStore s) throws InterruptedException {
        CountDownLatch marker = new CountDownLatch(1);
        SessionStore.Subscription sub = s.subscribe("feed-marker", c -> marker.countDown());
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (marker.getCount() > 0 && System.nanoTime() < end) {
            s.put("feed-marker", "bytes", 1, new SessionValue(SessionValue.KIND_BYTES, new byte[1], Map.of(), 17), -1, null);
            marker.await(100, TimeUnit.MILLISECONDS);
        }
        sub.close();
        assertEquals(0, marker.getCount(), "the feed did not start");
    }

    @Test
    void aRequestTokenIsAppliedOnceAcrossHosts() {
        SharedStore a = host();
        SharedStore b = host();
        SessionEntry first = putMesh(a, "t", mesh(20, 5), -1, "token-1");
        AlreadyAppliedException again = assertThrows(AlreadyAppliedException.class, () -> putMesh(b, "t", mesh(20, 6), -1, "token-1"));
        assertEquals(first.version(), again.write().version());
        assertEquals(first.version(), b.get("t").orElseThrow().version());
        assertEquals(first.version(), b.recall("token-1").orElseThrow().version());
        assertEquals("mesh", b.recall("token-1").orElseThrow().kind());
        long d = b.delete("t", -1, "token-2");
        assertEquals(d, assertThrows(AlreadyAppliedException.class, () -> a.delete("t", -1, "token-2")).write().version());
        assertTrue(a.recall("never").isEmpty());
    }

    @Test
    void valuesLargerThanOnePieceAreCutAndJoined() {
        SharedStore a = host("pieces", 4096);
        SharedStore b = host("pieces", 4096);
        Mesh m = mesh(20_000, 7); // about 720 KB: 180 pieces
        putMesh(a, "big", m, -1, null);
        assertSameMesh(m, b.get("big").orElseThrow().value().value(Mesh.class));
        putMesh(a, "big", mesh(3, 8), -1, null);
        assertEquals(3, b.get("big").orElseThrow().value().value(Mesh.class).pointCount());
    }

    @Test
    void aWriteWaitsForTheReplicasItIsConfiguredFor() throws Exception {
        SharedStore a = host("replicated", config(1 << 20, 1));
        MeshportException e = assertThrows(MeshportException.class, () -> putMesh(a, "k", mesh(10, 14), -1, null));
        assertEquals(ErrorCode.UNAVAILABLE, e.code());
        assertTrue(e.getMessage().contains("reached 0 of 1 replicas"), e.getMessage());
        assertEquals(1, a.get("k").orElseThrow().version(), "applied on the primary, as the message says");
        try (RedisServer replica = RedisServer.startReplica(dir.resolve("replica"), redis)) {
            SessionEntry put = null;
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (put == null && System.nanoTime() < end) { // the replica first catches up with the primary
                try {
                    put = putMesh(a, "k", mesh(10, 15), -1, null);
                } catch (MeshportException x) {
                    assertEquals(ErrorCode.UNAVAILABLE, x.code());
                }
            }
            assertTrue(put != null, "no write reached the replica");
        }
    }

    @Test
    void aDamagedOrMissingValueIsNeverServed() {
        SharedStore a = host();
        SharedStore b = host();
        putMesh(a, "damaged", mesh(100, 16), -1, null);
        putMesh(a, "missing", mesh(100, 17), -1, null);
        try (RedisClient r = RedisClient.create("127.0.0.1", redis.port())) {
            byte[] piece = r.get(("meshport:{test}:b:" + blob(r, "damaged") + ":0").getBytes(StandardCharsets.UTF_8));
            piece[piece.length / 2] ^= 0x10;
            r.set(("meshport:{test}:b:" + blob(r, "damaged") + ":0").getBytes(StandardCharsets.UTF_8), piece);
            r.del("meshport:{test}:b:" + blob(r, "missing") + ":0");
        }
        MeshportException damaged = assertThrows(MeshportException.class, () -> b.get("damaged").orElseThrow().value().value());
        assertEquals(ErrorCode.INTERNAL, damaged.code());
        assertTrue(damaged.getMessage().contains("damaged"), damaged.getMessage());
        MeshportException missing = assertThrows(MeshportException.class, () -> b.get("missing").orElseThrow().value().value());
        assertEquals(ErrorCode.INTERNAL, missing.code());
        assertTrue(missing.getMessage().contains("missing"), missing.getMessage());
        assertEquals(100, a.get("damaged").orElseThrow().value().value(Mesh.class).pointCount(), "the writer holds it decoded");
    }

    @Test
    void aReplacedValueStaysReadableAWhileThenALaterWriteDropsIt() throws Exception {
        SharedStore a = host("test", config(1 << 20, 0, 1));
        SharedStore b = host("test", config(1 << 20, 0, 1));
        putMesh(a, "k", mesh(100, 20), -1, null);
        SessionEntry old = b.list("").get(0); // described, not read yet
        try (RedisClient r = RedisClient.create("127.0.0.1", redis.port())) {
            String oldPiece = "meshport:{test}:b:" + blob(r, "k") + ":0";
            putMesh(a, "k", mesh(200, 21), -1, null);
            assertEquals(1, r.zcard("meshport:{test}:replaced"));
            assertEquals(100, old.value().value(Mesh.class).pointCount(), "a host reading the replaced value still can");
            Thread.sleep(1100);
            putMesh(a, "other", mesh(3, 22), -1, null); // a later write drops what is due
            assertEquals(0, r.exists(oldPiece) ? 1 : 0, "the replaced value is gone from Redis");
            assertEquals(0, r.zcard("meshport:{test}:replaced"), "dropped by the write, not left to Redis's sampling of expiries");
            assertEquals(200, b.get("k").orElseThrow().value().value(Mesh.class).pointCount());
        }
    }

    private static String blob(RedisClient r, String key) {
        return r.hget("meshport:{test}:k:" + key, "b");
    }

    @Test
    void sessionsOfOtherNamesAreApart() {
        SharedStore a = host("one", 1 << 20);
        SharedStore b = host("two", 1 << 20);
        putMesh(a, "k", mesh(10, 9), -1, null);
        assertTrue(b.get("k").isEmpty());
        assertNotEquals(a.sessionId(), b.sessionId());
    }

    @Test
    void redisDownIsUnavailableInBoundedTimeAndTheStoreRecovers() throws Exception {
        SharedStore a = host();
        SharedStore b = host();
        SessionEntry before = putMesh(a, "kept", mesh(100, 10), -1, null);
        redis.stop(); // SIGTERM: the append-only file is written
        long start = System.nanoTime();
        MeshportException down = assertThrows(MeshportException.class, () -> putMesh(a, "x", mesh(10, 11), -1, null));
        assertEquals(ErrorCode.UNAVAILABLE, down.code());
        assertThrows(MeshportException.class, () -> b.get("kept"));
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(millis < 10L * TIMEOUT_MILLIS, "refused after " + millis + " ms");
        Thread.sleep(3 * SharedFeed.RETRY_MILLIS); // the feeds keep trying meanwhile
        assertEquals(2, log.stream().filter(l -> l.startsWith("ERROR") && l.contains("cannot be reached")).count(),
                "once per host: " + String.join("\n", log));
        redis.restart();
        List<SessionChange> seen = Collections.synchronizedList(new ArrayList<>());
        b.subscribe("after/", seen::add);
        SessionEntry after = null;
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (after == null && System.nanoTime() < end) {
            try {
                after = putMesh(a, "after/1", mesh(10, 12), -1, null);
            } catch (MeshportException e) {
                Thread.sleep(100);
            }
        }
        assertTrue(after != null, "the store did not recover");
        assertEquals(before.version(), b.get("kept").orElseThrow().version(), "acknowledged before the stop: kept by the append-only file");
        assertTrue(after.version() > before.version());
        end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (seen.isEmpty() && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertEquals(after.version(), seen.get(0).version(), "the feed of the other host caught up");
        assertTrue(log.stream().anyMatch(l -> l.contains("answers again")), String.join("\n", log));
    }

    @Test
    void aFrozenRedisIsUnavailableInBoundedTimeNotAHang() throws Exception {
        SharedStore a = host();
        putMesh(a, "k", mesh(10, 18), -1, null);
        redis.pause(); // SIGSTOP: connections stay open, nothing answers
        try {
            for (Runnable op : List.<Runnable>of(() -> a.get("k"), () -> putMesh(a, "k", mesh(10, 19), -1, null), () -> a.list(""))) {
                long start = System.nanoTime();
                MeshportException e = assertThrows(MeshportException.class, op::run);
                long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertEquals(ErrorCode.UNAVAILABLE, e.code(), e.getMessage());
                assertTrue(millis < 4L * TIMEOUT_MILLIS, "refused after " + millis + " ms");
            }
        } finally {
            redis.resume();
        }
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < end) {
            try {
                assertEquals(10, a.get("k").orElseThrow().value().value(Mesh.class).pointCount());
                return;
            } catch (MeshportException e) {
                Thread.sleep(50);
            }
        }
        throw new AssertionError("the store did not come back after Redis went on");
    }

    @Test
    void withoutItsBackendTheSessionIsUnavailableAndComesBack() {
        SharedStore a = new SharedStore(URI.create(redis.uri("test")), 1L << 30, System::currentTimeMillis, new StoreLog(log::add));
        stores.add(a);
        MeshportException e = assertThrows(MeshportException.class, () -> a.get("k"));
        assertEquals(ErrorCode.UNAVAILABLE, e.code());
        assertTrue(e.getMessage().contains("meshport-session-redis"), e.getMessage());
        SessionBackend backend = new RedisBackend(config(1 << 20));
        a.backendArrived(backend, "redis");
        putMesh(a, "k", mesh(10, 13), -1, null);
        a.backendLeft(backend);
        assertEquals(ErrorCode.UNAVAILABLE, assertThrows(MeshportException.class, () -> a.get("k")).code());
        a.backendArrived(new RedisBackend(config(1 << 20)), "redis");
        assertEquals(10, a.get("k").orElseThrow().value().value(Mesh.class).pointCount());
    }
}
