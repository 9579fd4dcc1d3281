package io.meshport.benchmarks;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.meshport.client.ClientOptions;
import io.meshport.client.MeshportClient;
import io.meshport.mesh.Mesh;

/** An abuser with the token putting large meshes under keys of its own, until the session's budget is full. */
final class AbusePressure extends Thread {
    final ClientOptions options;
    final Mesh mesh;
    final int keys;
    final int index;
    final Map<String, AtomicLong> results = new ConcurrentHashMap<>();
    final Map<String, String> firstMessages = new ConcurrentHashMap<>();
    final AtomicBoolean stop = new AtomicBoolean();
    volatile MeshportClient client;

    AbusePressure(ClientOptions options, Mesh mesh, int keys, int index) {
        super(AbuseBench.PREFIX + "-pressure-" + index);
        setDaemon(true);
        this.options = options;
        this.mesh = mesh;
        this.keys = keys;
        this.index = index;
    }

    @Override
    public void run() {
        long i = 0;
        while (!stop.get()) {
            try {
                if (client == null || !client.isOpen()) {
                    client = MeshportClient.connect(options);
                }
                client.put("bench/abuse/mem/" + index + "/" + (i++ % keys), mesh);
                results.computeIfAbsent("ok", k -> new AtomicLong()).incrementAndGet();
                AbuseBench.sleepNanos(150_000_000L); // paced: memory pressure, not a CPU contest inside this process
            } catch (RuntimeException e) {
                results.computeIfAbsent(AbuseBench.code(e), k -> new AtomicLong()).incrementAndGet();
                firstMessages.putIfAbsent(AbuseBench.code(e), String.valueOf(e.getMessage()));
                AbuseBench.sleepNanos(150_000_000L);
            }
        }
    }

    void finish() throws InterruptedException {
        stop.set(true);
        join(35_000);
        MeshportClient c = client;
        if (c != null) {
            c.close();
        }
    }
}
