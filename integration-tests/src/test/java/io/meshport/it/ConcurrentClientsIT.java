package io.meshport.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;


import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import io.meshport.client.MeshportClient;
import io.meshport.client.PutResult;
import io.meshport.mesh.Mesh;

/** Fifty clients at once, each putting and getting meshes, all succeed. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ConcurrentClientsIT extends HostTestBase {
    private static final int CLIENTS = 50;
    private static final int ROUNDS = 20;

    @Configuration
    public Option[] config() {
        return HostOptions.host();
    }

    @Test
    public void fiftyClientsPutAndGetWithoutError() throws Exception {
        int port = port();
        long before = store.currentVersion();
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> results = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            int client = i;
            results.add(pool.submit((Callable<Integer>) () -> {
                try (MeshportClient c = MeshportClient.connect("127.0.0.1", port)) {
                    start.await();
                    int ok = 0;
                    for (int round = 0; round < ROUNDS; round++) {
                        Mesh m = Meshes.random(100 + client, 200, client * 1000L + round);
                        String key = "clients/" + client + "/mesh" + (round % 3);
                        PutResult r = c.put(key, m);
                        Mesh back = c.getMesh(key).mesh();
                        if (!back.equals(m)) {
                            throw new AssertionError("client " + client + " round " + round + " got another mesh back");
                        }
                        ok += r.version() > 0 ? 1 : 0;
                    }
                    return ok;
                }
            }));
        }
        start.countDown();
        int total = 0;
        for (Future<Integer> f : results) {
            total += f.get(120, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        assertEquals(CLIENTS * ROUNDS, total);
        assertEquals("every put took exactly one version", before + CLIENTS * ROUNDS, store.currentVersion());
        assertEquals(CLIENTS * 3, store.list("clients/").size());
    }
}
