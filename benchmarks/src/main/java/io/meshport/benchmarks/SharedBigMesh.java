package io.meshport.benchmarks;

import static io.meshport.benchmarks.Report.mb;
import static io.meshport.benchmarks.Report.ms;
import static io.meshport.benchmarks.Report.ratio;
import static io.meshport.benchmarks.SharedHosts.connect;

import java.util.Locale;

import io.meshport.client.MeshEntry;
import io.meshport.client.MeshportClient;
import io.meshport.client.PutResult;
import io.meshport.mesh.Mesh;

/**
 * Part 2 of {@link SharedBench}: a 1,000,000-point mesh put to host A (Redis session) against the same
 * put to host F (file session), rounds interleaved; B's get of what A put (first: read from Redis and
 * decoded; second: cached) against F's get of its own; and the same mesh put by B and A in turn to one
 * key (each put follows the other host's) against A's puts to a key only A writes.
 */
final class SharedBigMesh {
    private SharedBigMesh() {
    }

    static void measure(Benchmark.Context c, Report.Section s, SeparateHost a, SeparateHost b, SeparateHost f) throws Exception {
        int points = c.quick ? 100_000 : 1_000_000;
        int runs = c.quick ? 3 : 7;
        Mesh mesh = Meshes.sheet(points, 2 * points);
        long payload = Meshes.typedPayload(mesh).length;
        double[] redisPut = new double[runs];
        double[] filePut = new double[runs];
        double[] getFirst = new double[runs];
        double[] getCached = new double[runs];
        double[] fileGet = new double[runs];
        double[] cross = new double[2 * runs];
        int stale = 0;
        try (MeshportClient ca = connect(a, "bench shared big A");
                MeshportClient cb = connect(b, "bench shared big B");
                MeshportClient cf = connect(f, "bench shared big F")) {
            for (int i = -1; i < runs; i++) { // the first round warms up
                double[] t = new double[5];
                for (int side = 0; side < 2; side++) {
                    boolean shared = (side == 0) == (Math.floorMod(i, 2) == 0); // the order alternates
                    if (shared) {
                        long t0 = System.nanoTime();
                        PutResult r = ca.put("big/mesh", mesh);
                        long t1 = System.nanoTime();
                        MeshEntry first = cb.getMesh("big/mesh");
                        long t2 = System.nanoTime();
                        MeshEntry second = cb.getMesh("big/mesh");
                        long t3 = System.nanoTime();
                        if (first.version() != r.version() || second.version() != r.version()
                                || first.mesh().pointCount() != points || second.mesh().pointCount() != points) {
                            stale++;
                        }
                        t[0] = Stats.millis(t1 - t0);
                        t[1] = Stats.millis(t2 - t1);
                        t[2] = Stats.millis(t3 - t2);
                    } else {
                        long t0 = System.nanoTime();
                        PutResult r = cf.put("big/mesh", mesh);
                        long t1 = System.nanoTime();
                        MeshEntry got = cf.getMesh("big/mesh");
                        long t2 = System.nanoTime();
                        if (got.version() != r.version() || got.mesh().pointCount() != points) {
                            stale++;
                        }
                        t[3] = Stats.millis(t1 - t0);
                        t[4] = Stats.millis(t2 - t1);
                    }
                }
                // Two hosts writing the same key in turn: each put follows the other host's.
                long t0 = System.nanoTime();
                long vb = cb.put("big/alt", mesh).version();
                long t1 = System.nanoTime();
                long va = ca.put("big/alt", mesh).version();
                long t2 = System.nanoTime();
                if (va <= vb) {
                    stale++;
                }
                if (i >= 0) {
                    cross[2 * i] = Stats.millis(t1 - t0);
                    cross[2 * i + 1] = Stats.millis(t2 - t1);
                    redisPut[i] = t[0];
                    getFirst[i] = t[1];
                    getCached[i] = t[2];
                    filePut[i] = t[3];
                    fileGet[i] = t[4];
                }
            }
        }
        s.put("bigPoints", points);
        s.put("bigPayloadBytes", payload);
        medianAndBest(s, "bigRedisPut", redisPut);
        medianAndBest(s, "bigFilePut", filePut);
        s.put("bigPutRatio", s.number("bigRedisPutMedianMs") / s.number("bigFilePutMedianMs"));
        s.put("bigPutRatioBest", s.number("bigRedisPutBestMs") / s.number("bigFilePutBestMs"));
        medianAndBest(s, "bigGetFirst", getFirst);
        medianAndBest(s, "bigGetCached", getCached);
        medianAndBest(s, "bigFileGet", fileGet);
        s.put("bigGetFirstRatio", s.number("bigGetFirstMedianMs") / s.number("bigFileGetMedianMs"));
        s.put("bigGetCachedRatio", s.number("bigGetCachedMedianMs") / s.number("bigFileGetMedianMs"));
        medianAndBest(s, "bigCrossPut", cross);
        s.put("bigCrossPutRatio", s.number("bigCrossPutMedianMs") / s.number("bigRedisPutMedianMs"));
        s.put("bigStaleReads", stale);
        c.say("  a %,d-point mesh (%s): put to A (Redis) median %s (best %s), to F (file) %s (best %s): %s×; get on B first %s (best %s),"
                + " cached %s (best %s), get on F %s (best %s); %d stale or wrong reads", points, mb(payload),
                ms(s.number("bigRedisPutMedianMs")), ms(s.number("bigRedisPutBestMs")), ms(s.number("bigFilePutMedianMs")),
                ms(s.number("bigFilePutBestMs")), ratio(s.number("bigPutRatio")), ms(s.number("bigGetFirstMedianMs")),
                ms(s.number("bigGetFirstBestMs")), ms(s.number("bigGetCachedMedianMs")), ms(s.number("bigGetCachedBestMs")),
                ms(s.number("bigFileGetMedianMs")), ms(s.number("bigFileGetBestMs")), stale);
        c.say("  the same mesh put by B and A in turn to one key (each put follows the other host's): median %s (best %s), %s× A's puts"
                + " to a key only A writes", ms(s.number("bigCrossPutMedianMs")), ms(s.number("bigCrossPutBestMs")),
                ratio(s.number("bigCrossPutRatio")));
        s.row(String.format(Locale.ROOT, "shared 2a. put of a %,d-point mesh (%s) to host A with the Redis session, until the reply;"
                + " median / best of %d", points, mb(payload), runs),
                ms(s.number("bigRedisPutMedianMs")) + " / " + ms(s.number("bigRedisPutBestMs")),
                "host F with the file session (async), rounds interleaved: " + ms(s.number("bigFilePutMedianMs")) + " / "
                        + ms(s.number("bigFilePutBestMs")),
                ratio(s.number("bigPutRatio")) + "× / " + ratio(s.number("bigPutRatioBest")) + "×", "(the cost of Redis, measured)");
        s.row(String.format(Locale.ROOT, "shared 2b. get of that mesh on host B right after A's put: first (read from Redis, decoded) /"
                + " second (cached); medians of %d", runs),
                ms(s.number("bigGetFirstMedianMs")) + " / " + ms(s.number("bigGetCachedMedianMs"))
                        + (stale > 0 ? "; " + stale + " STALE OR WRONG" : ""),
                "get on host F after its put: " + ms(s.number("bigFileGetMedianMs")),
                ratio(s.number("bigGetFirstRatio")) + "× / " + ratio(s.number("bigGetCachedRatio")) + "×",
                "B reads A's version: " + s.verdict(stale == 0));
        s.row(String.format(Locale.ROOT, "shared 2c. the same mesh put by hosts B and A in turn to one key, each put following the other"
                + " host's; median / best of %d", 2 * runs),
                ms(s.number("bigCrossPutMedianMs")) + " / " + ms(s.number("bigCrossPutBestMs")),
                "row 2a: A's puts to a key only A writes: " + ms(s.number("bigRedisPutMedianMs")) + " / " + ms(s.number("bigRedisPutBestMs")),
                ratio(s.number("bigCrossPutRatio")) + "×", "≤ 1.2× row 2a: " + s.verdict(s.number("bigCrossPutRatio") <= 1.2));
    }

    /** Records {@code NAMEMedianMs} and {@code NAMEBestMs} of the times. */
    private static void medianAndBest(Report.Section s, String name, double[] millis) {
        s.put(name + "MedianMs", Stats.median(millis));
        s.put(name + "BestMs", Stats.best(millis));
    }
}
