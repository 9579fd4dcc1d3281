package io.meshport.benchmarks;

import static io.meshport.benchmarks.Report.count;
import static io.meshport.benchmarks.Report.ratio;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.meshport.client.ClientOptions;
import io.meshport.client.MeshportClient;
import io.meshport.mesh.Mesh;

/**
 * 4. Concurrency: 200 connections, each a {@link MeshportClient} on its own thread putting a
 * 100-triangle mesh under its own key again and again for 10 seconds; puts per second, errors, and
 * the peak heap sampled every 5 ms. The host runs in this process, so that heap holds the clients
 * too. The baseline: the same frames over 200 connections to the plain loopback server.
 */
final class ConcurrencyBench implements Benchmark {
    @Override
    public String name() {
        return "concurrency";
    }

    @Override
    public String description() {
        return "200 connections each putting 100-triangle meshes for 10 s: puts/s, errors, peak heap";
    }

    /** What one run of either side gave. */
    private record Outcome(long ops, long errors, double seconds, long peakUsed, long peakCommitted, String firstError) {
        double perSecond() {
            return ops / seconds;
        }
    }

    /** The work of one connection, run until the deadline. */
    @FunctionalInterface
    private interface Op {
        void run() throws Exception;
    }

    @Override
    public void run(Context c, Report.Section s) throws Exception {
        int connections = c.quick ? 16 : 200;
        double seconds = c.quick ? 1 : 10;
        Mesh mesh = Meshes.sheet(60, 100);
        byte[] frame = Meshes.putFrame("bench/conc/0", Meshes.typedPayload(mesh));
        s.put("connections", connections);
        s.put("seconds", seconds);
        s.put("frameBytes", frame.length);

        Outcome m;
        Outcome base;
        long heapBefore;
        long keys;
        try (Host h = c.host("concurrency")) {
            List<MeshportClient> clients = new ArrayList<>();
            try {
                long t0 = System.nanoTime();
                for (int i = 0; i < connections; i++) {
                    clients.add(MeshportClient.connect(ClientOptions.of("127.0.0.1", h.port()).withClientName("bench conc " + i)));
                }
                s.put("connectAllMs", Stats.millis(System.nanoTime() - t0));
                List<Op> ops = new ArrayList<>();
                for (int i = 0; i < connections; i++) {
                    MeshportClient cl = clients.get(i);
                    String key = "bench/conc/" + i;
                    ops.add(() -> cl.put(key, mesh));
                }
                drive(ops, Math.min(1, seconds)); // warm-up
                heapBefore = Stats.settledHeap();
                m = drive(ops, seconds);
                keys = clients.get(0).list("bench/conc/").size();
            } finally {
                for (MeshportClient cl : clients) {
                    cl.close();
                }
            }
        }
        try (Loopback plain = new Loopback()) {
            List<Loopback.Conn> conns = new ArrayList<>();
            try {
                List<Op> ops = new ArrayList<>();
                for (int i = 0; i < connections; i++) {
                    Loopback.Conn conn = new Loopback.Conn(plain.port());
                    conns.add(conn);
                    ops.add(() -> conn.call(frame));
                }
                drive(ops, Math.min(1, seconds));
                Stats.settledHeap();
                base = drive(ops, seconds);
            } finally {
                for (Loopback.Conn conn : conns) {
                    conn.close();
                }
            }
        }
        s.put("puts", m.ops);
        s.put("putsPerSecond", m.perSecond());
        s.put("errors", m.errors);
        s.put("keysStored", keys);
        s.put("heapBeforeMB", heapBefore / 1e6);
        s.put("heapPeakMB", m.peakUsed / 1e6);
        s.put("heapPeakCommittedMB", m.peakCommitted / 1e6);
        s.put("socketRoundTripsPerSecond", base.perSecond());
        s.put("socketErrors", base.errors);
        s.put("socketHeapPeakMB", base.peakUsed / 1e6);
        s.put("ratioPutsToSocket", m.perSecond() / base.perSecond());
        if (m.firstError != null) {
            c.say("  first error: %s", m.firstError);
        }
        c.say("  %d connections for %.0f s: %,d puts = %,.0f/s, %d errors, %d keys stored; heap %,.0f MB before, peak %,.0f MB (committed %,.0f MB)",
                connections, seconds, m.ops, m.perSecond(), m.errors, keys, heapBefore / 1e6, m.peakUsed / 1e6, m.peakCommitted / 1e6);
        c.say("  plain socket, same frames: %,.0f round trips/s, %d errors, heap peak %,.0f MB", base.perSecond(), base.errors,
                base.peakUsed / 1e6);
        s.row(String.format(Locale.ROOT, "4. concurrency: %d connections, each putting a 100-triangle mesh (%d-byte frame) in a loop for %.0f s",
                connections, frame.length, seconds),
                count(m.perSecond()) + " puts/s, " + m.errors + " errors; peak heap " + count(m.peakUsed / 1e6) + " MB (host, clients and benchmark: one process; "
                        + count(heapBefore / 1e6) + " MB live before)",
                "plain socket, same frames and connections: " + count(base.perSecond()) + " round trips/s, peak heap "
                        + count(base.peakUsed / 1e6) + " MB",
                ratio(s.number("ratioPutsToSocket")),
                "0 errors: " + s.verdict(m.errors == 0));
    }

    /** Runs every op on its own thread in a loop until {@code seconds} are over, sampling the heap. */
    private static Outcome drive(List<Op> ops, double seconds) throws Exception {
        AtomicLong done = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>();
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch finished = new CountDownLatch(ops.size());
        long[] deadline = new long[1];
        List<Thread> threads = new ArrayList<>();
        for (Op op : ops) {
            Thread t = new Thread(() -> {
                long n = 0;
                try {
                    start.await();
                    while (System.nanoTime() < deadline[0]) {
                        try {
                            op.run();
                            n++;
                        } catch (Exception e) {
                            errors.incrementAndGet();
                            firstError.compareAndSet(null, e.toString());
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    done.addAndGet(n);
                    finished.countDown();
                }
            }, "bench-conn");
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        long t0;
        long t1;
        try (HeapSampler heap = new HeapSampler(5, "heap-sampler")) {
            t0 = System.nanoTime();
            deadline[0] = t0 + (long) (seconds * 1e9); // published to the threads by the latch
            start.countDown();
            if (!finished.await((long) seconds + 120, TimeUnit.SECONDS)) {
                throw new IllegalStateException("connections still busy 120 s after the end");
            }
            t1 = System.nanoTime();
            heap.close();
            return new Outcome(done.get(), errors.get(), (t1 - t0) / 1e9, heap.peakUsed(), heap.peakCommitted(), firstError.get());
        }
    }
}
