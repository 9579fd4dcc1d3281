package io.meshport.launcher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.meshport.client.EntryInfo;
import io.meshport.client.MeshportClient;
import io.meshport.client.WatchEvent;
import io.meshport.mesh.Mesh;
import io.meshport.protocol.ErrorCode;
import io.meshport.protocol.MeshportException;
import io.meshport.testkit.HostProcess;
import io.meshport.testkit.RedisServer;

/**
 * Three host processes given the same {@code --session redis://...} share one session on a real
 * redis-server: one version counter, reads of each other's writes, lists, watches across hosts in version
 * order, conditional writes racing, nodes re-cooking on another host's put; Redis stopped and started again
 * under load; the Redis bundle updated while a host runs.
 */
class SharedSessionIT {
    @TempDir
    Path dir;
    private RedisServer redis;
    private final List<HostProcess> hosts = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        redis = RedisServer.start(dir.resolve("redis"), true);
    }

    @AfterEach
    void stop() throws Exception {
        for (HostProcess h : hosts) {
            h.close();
        }
        redis.close();
    }

    private HostProcess host(String name) throws Exception {
        HostProcess h = Hosts.start(dir.resolve(name), "--session", redis.uri("studio"));
        hosts.add(h);
        assertTrue(Hosts.logs(h, "is served by", 30), h.log());
        return h;
    }

    private static Mesh mesh(int points, long seed) {
        Random r = new Random(seed);
        float[] p = new float[points * 3];
        for (int i = 0; i < p.length; i++) {
            p[i] = (float) r.nextGaussian();
        }
        int[] tri = new int[(points - 2) * 3];
        for (int i = 0; i < points - 2; i++) {
            tri[i * 3] = 0;
            tri[i * 3 + 1] = i + 1;
            tri[i * 3 + 2] = i + 2;
        }
        return Mesh.builder().positions(p).indices(tri).build();
    }

    @Test
    void threeHostsShareOneSession() throws Exception {
        HostProcess a = host("a");
        HostProcess b = host("b");
        HostProcess c = host("c");
        try (MeshportClient ca = MeshportClient.connect("127.0.0.1", a.port); MeshportClient cb = MeshportClient.connect("127.0.0.1", b.port);
                MeshportClient cc = MeshportClient.connect("127.0.0.1", c.port)) {
            assertEquals(ca.hostInfo().session(), cb.hostInfo().session());
            assertEquals(ca.hostInfo().session(), cc.hostInfo().session());
            List<WatchEvent> seen = Collections.synchronizedList(new ArrayList<>());
            CountDownLatch all = new CountDownLatch(100);
            cb.watch("w/", e -> {
                seen.add(e);
                all.countDown();
            });
            List<Long> versions = new ArrayList<>();
            for (int i = 0; i < 50; i++) { // two other hosts writing in turn
                versions.add(ca.putBytes("w/a" + (i % 5), new byte[] {(byte) i}).version());
                versions.add(cc.putBytes("w/c" + (i % 5), new byte[] {(byte) i}).version());
            }
            assertTrue(all.await(30, TimeUnit.SECONDS), "events on b: " + seen.size());
            Thread.sleep(500);
            assertEquals(versions, seen.stream().map(WatchEvent::version).toList(), "every version once, in order");
            for (int i = 1; i < versions.size(); i++) {
                assertEquals(versions.get(i - 1) + 1, versions.get(i), "one counter for the three hosts");
            }

            Mesh m = mesh(50_000, 1);
            long v = ca.put("scan/big", m).version();
            Mesh got = cb.getMesh("scan/big").mesh(); // read your writes, on another host
            assertEquals(v, cb.getMesh("scan/big").version());
            assertArrayEquals(positions(m), positions(got));
            assertEquals(List.of("scan/big"), cc.list("scan/").stream().map(EntryInfo::key).toList());
            assertEquals(v, cc.list("scan/").get(0).version());

            int wins = 0;
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                for (int round = 0; round < 20; round++) {
                    String key = "race/" + round;
                    CountDownLatch go = new CountDownLatch(1);
                    List<Future<Boolean>> f = new ArrayList<>();
                    for (MeshportClient x : List.of(ca, cb)) {
                        f.add(pool.submit(() -> {
                            go.await();
                            try {
                                x.put(key, "bytes", new byte[] {1}, 0);
                                return true;
                            } catch (MeshportException e) {
                                assertEquals(ErrorCode.CONFLICT, e.code(), e.getMessage());
                                return false;
                            }
                        }));
                    }
                    go.countDown();
                    int w = 0;
                    for (Future<Boolean> x : f) {
                        w += x.get(30, TimeUnit.SECONDS) ? 1 : 0;
                    }
                    assertEquals(1, w, "round " + round);
                    wins += w;
                }
            } finally {
                pool.shutdownNow();
            }
            assertEquals(20, wins);
        }
    }

    private static float[] positions(Mesh m) {
        float[] out = new float[m.pointCount() * 3];
        m.positions().get(0, out);
        return out;
    }

    @Test
    void aNodeOnOneHostRecooksWhenAnotherHostPutsItsSource() throws Exception {
        HostProcess a = host("a");
        HostProcess b = host("b");
        try (MeshportClient ca = MeshportClient.connect("127.0.0.1", a.port); MeshportClient cb = MeshportClient.connect("127.0.0.1", b.port)) {
            ca.put("src/torus", mesh(2000, 2));
            String node = awaitScatterNode(cb);
            cb.call("nodes", "setParm", node, "source", "src/torus");
            cb.call("nodes", "setParm", node, "count", 500);
            cb.call("nodes", "setParm", node, "output", "out/points");
            cb.call("nodes", "cook", node);
            long first = cb.get("out/points").version();
            long put = ca.put("src/torus", mesh(3000, 3)).version();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            long now = first;
            while (now <= put && System.nanoTime() < deadline) {
                Thread.sleep(50);
                now = ca.get("out/points").version();
            }
            assertTrue(now > put, "the node on b re-cooked after a's put (output v" + now + ", put v" + put + ")");
        }
    }

    private static String awaitScatterNode(MeshportClient c) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try {
                return (String) c.call("nodes", "create", "/obj", "scatter", "scatter1");
            } catch (MeshportException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    @Test
    void redisStoppedAndStartedUnderLoadLosesNoAcknowledgedWrite() throws Exception {
        HostProcess a = host("a");
        HostProcess b = host("b");
        Map<String, Long> acked = new ConcurrentHashMap<>();
        AtomicLong refused = new AtomicLong();
        AtomicLong slowest = new AtomicLong();
        AtomicBoolean running = new AtomicBoolean(true);
        List<String> unexpected = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> writers = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            HostProcess h = w % 2 == 0 ? a : b;
            String key = "load/" + w;
            writers.add(pool.submit(() -> {
                try (MeshportClient c = MeshportClient.connect("127.0.0.1", h.port)) {
                    for (int i = 0; running.get() && i < 100_000; i++) {
                        long t0 = System.nanoTime();
                        try {
                            acked.put(key, c.putBytes(key, new byte[] {(byte) i}).version());
                        } catch (MeshportException e) {
                            if (e.code() == ErrorCode.UNAVAILABLE) {
                                refused.incrementAndGet();
                                Thread.sleep(20);
                            } else {
                                unexpected.add(e.code() + ": " + e.getMessage());
                            }
                        }
                        slowest.accumulateAndGet(System.nanoTime() - t0, Math::max);
                    }
                }
                return null;
            }));
        }
        Thread.sleep(1000);
        redis.stop(); // SIGTERM: Redis writes its append-only file as it stops
        Map<String, Long> beforeStop = Map.copyOf(acked);
        Thread.sleep(3000);
        assertTrue(refused.get() > 0, "requests were refused while Redis was down");
        try (MeshportClient c = MeshportClient.connect("127.0.0.1", a.port)) {
            c.ping(); // the host is up
        }
        redis.restart();
        long refusedAtRestart = refused.get();
        Thread.sleep(3000);
        running.set(false);
        for (Future<?> f : writers) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertEquals(List.of(), unexpected);
        assertTrue(TimeUnit.NANOSECONDS.toSeconds(slowest.get()) < 10, "a request took " + slowest.get() / 1_000_000 + " ms");
        try (MeshportClient c = MeshportClient.connect("127.0.0.1", b.port)) {
            for (Map.Entry<String, Long> e : acked.entrySet()) {
                assertEquals(e.getValue(), c.get(e.getKey()).version(), "the last acknowledged write of " + e.getKey());
            }
            for (Map.Entry<String, Long> e : beforeStop.entrySet()) {
                assertTrue(acked.get(e.getKey()) > e.getValue(), "writes went on after the restart: " + e.getKey());
            }
        }
        assertTrue(refused.get() >= refusedAtRestart);
        for (HostProcess h : List.of(a, b)) {
            String log = h.log();
            assertEquals(1, count(log, "cannot be reached"), "logged once:\n" + log);
            assertTrue(log.contains("answers again"), log);
        }
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    @Test
    void theRedisBundleIsUpdatedWhileTheHostRuns() throws Exception {
        HostProcess a = host("a");
        HostProcess b = host("b");
        try (MeshportClient ca = MeshportClient.connect("127.0.0.1", a.port); MeshportClient cb = MeshportClient.connect("127.0.0.1", b.port)) {
            List<WatchEvent> seen = Collections.synchronizedList(new ArrayList<>());
            cb.watch("u/", seen::add);
            long v1 = ca.putBytes("u/1", new byte[] {1}).version();
            Path jar;
            try (Stream<Path> s = Files.list(dir.resolve("b").resolve("deploy"))) {
                jar = s.filter(p -> p.getFileName().toString().startsWith("meshport-session-redis")).findFirst().orElseThrow();
            }
            Path copy = dir.resolve("redis-copy.jar");
            Files.copy(jar, copy, StandardCopyOption.REPLACE_EXISTING);
            Files.move(copy, jar, StandardCopyOption.REPLACE_EXISTING);
            assertTrue(Hosts.logs(b, "waits for its backend", 30), b.log());
            assertTrue(count(awaitServed(b), "is served by") >= 2, b.log());
            long v2 = ca.putBytes("u/2", new byte[] {2}).version();
            assertEquals(v2, cb.get("u/2").version());
            assertEquals(v1, cb.get("u/1").version());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (seen.size() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(List.of(v1, v2), seen.stream().map(WatchEvent::version).toList(), "b's watch went on across the update");
        }
    }

    private static String awaitServed(HostProcess h) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (count(h.log(), "is served by") < 2 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        return h.log();
    }
}
