package io.meshport.listener.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.meshport.client.ClientOptions;
import io.meshport.client.Entry;
import io.meshport.client.MeshportClient;
import io.meshport.client.PutResult;

/** Many clients at once: every round trip succeeds and the shared version counter stays consistent. */
class ConcurrencyTest extends HostTestBase {
    private static final int CLIENTS = 50;
    private static final int ROUNDS = 40;

    @Test
    void fiftyConcurrentClientsDoPutGetRoundTrips() throws Exception {
        start(ListenerSettings.builder());
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        ConcurrentLinkedQueue<Long> versions = new ConcurrentLinkedQueue<>();
        CountDownLatch ready = new CountDownLatch(CLIENTS);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < CLIENTS; t++) {
                int tn = t;
                boolean raw = t % 2 == 0;
                fs.add(pool.submit(() -> {
                    if (raw) {
                        try (RawClient c = host.raw()) {
                            ready.countDown();
                            ready.await(10, TimeUnit.SECONDS);
                            for (int i = 0; i < ROUNDS; i++) {
                                String key = "cc/" + tn + "/" + (i % 4);
                                Map<String, Object> value = Map.of("t", (long) tn, "i", (long) i);
                                Map<?, ?> put = Expect.okMap(c.call("op", "put", "id", 2L * i, "key", key, "body", value), 2L * i);
                                long v = (Long) put.get("version");
                                versions.add(v);
                                Map<?, ?> got = Expect.okMap(c.call("op", "get", "id", 2L * i + 1, "key", key), 2L * i + 1);
                                assertEquals(value, got.get("body"));
                                assertEquals(v, got.get("version"), "nobody else writes this key");
                            }
                        }
                    } else {
                        ClientOptions o = ClientOptions.of("127.0.0.1", host.port()).withRequestTimeout(java.time.Duration.ofSeconds(20));
                        try (MeshportClient c = MeshportClient.connect(o)) {
                            ready.countDown();
                            ready.await(10, TimeUnit.SECONDS);
                            for (int i = 0; i < ROUNDS; i++) {
                                String key = "cc/" + tn + "/" + (i % 4);
                                byte[] value = new byte[100 + i];
                                value[0] = (byte) tn;
                                value[value.length - 1] = (byte) i;
                                PutResult put = c.putBytes(key, value);
                                versions.add(put.version());
                                Entry got = c.get(key);
                                assertArrayEquals(value, (byte[]) got.body());
                                assertEquals(put.version(), got.version());
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        int total = CLIENTS * ROUNDS;
        Set<Long> unique = new HashSet<>(versions);
        assertEquals(total, versions.size());
        assertEquals(total, unique.size(), "every put took its own version");
        assertEquals(Long.valueOf(total), unique.stream().max(Long::compare).orElseThrow());
        assertTrue(unique.stream().allMatch(v -> v >= 1 && v <= total));
        assertEquals(total, host.store.currentVersion());
        assertEquals(CLIENTS * 4, host.store.list("cc/").size());
    }
}
