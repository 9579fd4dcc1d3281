package io.meshport.benchmarks;

import static io.meshport.benchmarks.Report.ms;
import static io.meshport.benchmarks.Report.ratio;
import static io.meshport.benchmarks.SharedHosts.connect;

import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import io.meshport.client.MeshportClient;
import io.meshport.client.PutResult;
import io.meshport.client.Watch;
import io.meshport.client.WatchEvent;

/**
 * Part 1 of {@link SharedBench}: the latency of a watch event on host B for a small put on host A (from
 * just before the put to the event), against a watch on A itself, puts to the two prefixes interleaved;
 * every event must come, of the put's version. Also the Redis commands a put costs, feeds included.
 */
final class SharedEvents {
    private SharedEvents() {
    }

    static void measure(Benchmark.Context c, Report.Section s, SeparateHost a, SeparateHost b, SharedRedis redis) throws Exception {
        int n = c.quick ? 100 : 1_000;
        int warm = c.quick ? 20 : 100;
        byte[] value = new byte[100];
        new Random(1).nextBytes(value);
        Map<String, CompletableFuture<long[]>> arrivals = new ConcurrentHashMap<>();
        Consumer<WatchEvent> listener = e -> {
            long now = System.nanoTime();
            arrivals.computeIfAbsent(e.key(), k -> new CompletableFuture<>()).complete(new long[] {now, e.version()});
        };
        double[] remote = new double[n];
        double[] local = new double[n];
        double[] putMs = new double[2 * n];
        int missing = 0;
        int wrongVersion = 0;
        try (MeshportClient writer = connect(a, "bench shared writer A");
                MeshportClient onB = connect(b, "bench shared watch B");
                MeshportClient onA = connect(a, "bench shared watch A");
                Watch wb = onB.watch("ev/b/", listener);
                Watch wa = onA.watch("ev/a/", listener)) {
            redis.resetStats();
            for (int i = -warm; i < n; i++) {
                for (int j = 0; j < 2; j++) {
                    boolean toB = (j == 0) == (Math.floorMod(i, 2) == 0); // the order alternates
                    String key = "ev/" + (toB ? "b" : "a") + "/" + (i + warm);
                    CompletableFuture<long[]> arrived = arrivals.computeIfAbsent(key, k -> new CompletableFuture<>());
                    long t0 = System.nanoTime();
                    PutResult r = writer.putBytes(key, value);
                    long t1 = System.nanoTime();
                    long[] ev;
                    try {
                        ev = arrived.get(5, TimeUnit.SECONDS);
                    } catch (TimeoutException e) {
                        if (++missing > 5) {
                            throw new IllegalStateException("more than 5 watch events did not come within 5 s; the last: " + key);
                        }
                        continue;
                    } finally {
                        arrivals.remove(key);
                    }
                    if (ev[1] != r.version()) {
                        wrongVersion++;
                    }
                    if (i >= 0) {
                        (toB ? remote : local)[i] = Stats.millis(ev[0] - t0);
                        putMs[2 * i + j] = Stats.millis(t1 - t0);
                    }
                }
            }
        }
        Map<String, Long> calls = redis.commandCalls(); // every host's, the feeds' waits included
        s.put("eventRedisCommandsPerPut", SharedRedis.total(calls) / (2.0 * (n + warm)));
        c.say("  Redis commands per put (all hosts, their feeds included): %s", SharedRedis.perRequest(calls, 2L * (n + warm)));
        s.put("eventPuts", n);
        s.put("eventRemoteP50Ms", Stats.percentile(remote, 50));
        s.put("eventRemoteP99Ms", Stats.percentile(remote, 99));
        s.put("eventRemoteMaxMs", Stats.max(remote));
        s.put("eventLocalP50Ms", Stats.percentile(local, 50));
        s.put("eventLocalP99Ms", Stats.percentile(local, 99));
        s.put("eventLocalMaxMs", Stats.max(local));
        s.put("eventRatioP50", s.number("eventRemoteP50Ms") / s.number("eventLocalP50Ms"));
        s.put("eventRatioP99", s.number("eventRemoteP99Ms") / s.number("eventLocalP99Ms"));
        s.put("eventPutP50Ms", Stats.percentile(putMs, 50));
        s.put("eventPutP99Ms", Stats.percentile(putMs, 99));
        s.put("eventMissing", missing);
        s.put("eventWrongVersion", wrongVersion);
        c.say("  event latency, put on A (100 B), watch on B: p50 %s, p99 %s (max %s); watch on A: p50 %s, p99 %s (max %s); the put's reply"
                + " p50 %s, p99 %s; %d events missing, %d with another version", ms(s.number("eventRemoteP50Ms")),
                ms(s.number("eventRemoteP99Ms")), ms(s.number("eventRemoteMaxMs")), ms(s.number("eventLocalP50Ms")),
                ms(s.number("eventLocalP99Ms")), ms(s.number("eventLocalMaxMs")), ms(s.number("eventPutP50Ms")),
                ms(s.number("eventPutP99Ms")), missing, wrongVersion);
        s.row(String.format(Locale.ROOT, "shared 1. %,d puts of 100 bytes on host A, one at a time, watched on host B (shared Redis session):"
                + " from before the put to the event; p50 / p99", n),
                ms(s.number("eventRemoteP50Ms")) + " / " + ms(s.number("eventRemoteP99Ms")) + " (max " + ms(s.number("eventRemoteMaxMs"))
                        + "; the put's reply p50 " + ms(s.number("eventPutP50Ms")) + ")"
                        + (missing + wrongVersion > 0 ? "; " + missing + " MISSING, " + wrongVersion + " WRONG VERSION" : ""),
                "watched on A itself, puts interleaved: " + ms(s.number("eventLocalP50Ms")) + " / " + ms(s.number("eventLocalP99Ms")),
                ratio(s.number("eventRatioP50")) + "× / " + ratio(s.number("eventRatioP99")) + "×",
                "every event, right version: " + s.verdict(missing == 0 && wrongVersion == 0));
    }
}
