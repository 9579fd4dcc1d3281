package io.meshport.benchmarks;

import static io.meshport.benchmarks.SharedHosts.closeQuietly;
import static io.meshport.benchmarks.SharedHosts.connect;
import static io.meshport.benchmarks.SharedMixTallies.difference;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.meshport.benchmarks.SharedMixTallies.Mix;
import io.meshport.benchmarks.SharedMixTallies.Seen;
import io.meshport.benchmarks.SharedMixTallies.Tally;
import io.meshport.client.Entry;
import io.meshport.client.EntryInfo;
import io.meshport.client.MeshportClient;
import io.meshport.client.MeshportClientException;
import io.meshport.client.Watch;
import io.meshport.mesh.Mesh;

/**
 * One run of part 3 of {@link SharedBench}: {@link SharedMixedLoad#CLIENTS_PER_HOST} clients on each
 * host, each on its own thread looping over random requests on a pool of {@link SharedMixedLoad#POOL_KEYS}
 * keys, a watch on the pool on each host; then the checks: every version given once, each client's
 * increasing, every watch seeing every write once and in order, the hosts agreeing at the end.
 */
final class SharedMixRun {
    private SharedMixRun() {
    }

    /** Runs the clients on the hosts for {@code seconds}, then checks the versions. */
    static Mix run(List<SeparateHost> hosts, double seconds, long seed, String label) throws Exception {
        String prefix = "mix/";
        Mesh[] meshes = {Meshes.sheet(60, 100), Meshes.sheet(200, 380)};
        byte[][] blobs = new byte[4][];
        Random r0 = new Random(seed);
        for (int i = 0; i < blobs.length; i++) {
            blobs[i] = new byte[100 + 300 * i];
            r0.nextBytes(blobs[i]);
        }
        List<MeshportClient> clients = new ArrayList<>();
        List<MeshportClient> watchers = new ArrayList<>();
        List<Watch> watches = new ArrayList<>();
        List<Seen> seen = new ArrayList<>();
        try {
            for (SeparateHost h : hosts) {
                MeshportClient w = connect(h, "bench shared watcher " + h.port);
                watchers.add(w);
                Seen sn = new Seen();
                seen.add(sn);
                watches.add(w.watch(prefix, e -> sn.add(e.version())));
                for (int i = 0; i < SharedMixedLoad.CLIENTS_PER_HOST; i++) {
                    clients.add(connect(h, "bench shared mix " + h.port + "/" + i));
                }
            }
            // Every version above this one is of this run; a host's watch may still be told of earlier ones.
            long start = watchers.get(0).putBytes("mark/" + label, new byte[1]).version();
            for (Seen sn : seen) {
                sn.after(start);
            }
            List<Tally> tallies = new ArrayList<>();
            CountDownLatch go = new CountDownLatch(1);
            CountDownLatch finished = new CountDownLatch(clients.size());
            long[] deadline = new long[1];
            for (int ci = 0; ci < clients.size(); ci++) {
                MeshportClient cl = clients.get(ci);
                Tally t = new Tally();
                tallies.add(t);
                Random rnd = new Random(seed * 1000 + ci);
                Thread th = new Thread(() -> {
                    try {
                        go.await();
                        while (System.nanoTime() < deadline[0]) {
                            step(cl, t, rnd, prefix, meshes, blobs);
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        finished.countDown();
                    }
                }, "bench-shared-mix-" + ci);
                th.setDaemon(true);
                th.start();
            }
            long t0 = System.nanoTime();
            deadline[0] = t0 + (long) (seconds * 1e9); // published by the latch
            go.countDown();
            if (!finished.await((long) seconds + 90, TimeUnit.SECONDS)) {
                throw new IllegalStateException("mixed clients still busy 90 s after the end");
            }
            double took = (System.nanoTime() - t0) / 1e9;

            long requests = 0;
            long errors = 0;
            long conflicts = 0;
            long notFound = 0;
            long disorder = 0;
            int writes = 0;
            Map<String, Long> byOp = new TreeMap<>();
            Map<String, Long> codes = new TreeMap<>();
            List<String> firstErrors = new ArrayList<>();
            for (Tally t : tallies) {
                requests += t.requests;
                errors += t.errors;
                conflicts += t.conflicts;
                notFound += t.notFound;
                disorder += t.versions.disorder();
                writes += t.versions.size();
                t.byOp.forEach((k, v) -> byOp.merge(k, v, Long::sum));
                t.errorCodes.forEach((k, v) -> codes.merge(k, v, Long::sum));
                for (String e : t.firstErrors) {
                    if (firstErrors.size() < 5) {
                        firstErrors.add(e);
                    }
                }
            }
            long[] all = new long[writes];
            int at = 0;
            for (Tally t : tallies) {
                t.versions.copyTo(all, at);
                at += t.versions.size();
            }
            Arrays.sort(all);
            long duplicates = 0;
            for (int i = 1; i < all.length; i++) {
                if (all[i] == all[i - 1]) {
                    duplicates++;
                }
            }

            long[] events = eventChecks(seen, all); // missing, extra, out of order
            long mismatches = disagreements(watchers, prefix);
            return new Mix(requests, took, errors, conflicts, notFound, writes, duplicates, disorder, events[0], events[1],
                    events[2], mismatches, byOp, codes, firstErrors);
        } finally {
            for (Watch w : watches) {
                closeQuietly(w);
            }
            for (MeshportClient cl : watchers) {
                closeQuietly(cl);
            }
            for (MeshportClient cl : clients) {
                closeQuietly(cl);
            }
        }
    }

    /**
     * Every host's watch must see every write once, in version order (a bounded wait for the last ones).
     *
     * @param all the versions the writes were given, sorted
     * @return {events missing, events extra, events out of order}, over all the watches
     */
    private static long[] eventChecks(List<Seen> seen, long[] all) throws InterruptedException {
        long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (Seen sn : seen) {
            while (sn.size() < all.length && System.nanoTime() < waitUntil) {
                Thread.sleep(10);
            }
        }
        Thread.sleep(200); // an extra event would come now
        long[] out = new long[3];
        for (Seen sn : seen) {
            long[] diff = difference(all, sn.sorted());
            out[0] += diff[0];
            out[1] += diff[1];
            out[2] += sn.disorder();
        }
        return out;
    }

    /**
     * At the end every host must list the same keys at the same versions, and get them at those versions.
     *
     * @return how many listings, entries and gets disagree with the first host's listing
     */
    private static long disagreements(List<MeshportClient> watchers, String prefix) {
        long mismatches = 0;
        List<EntryInfo> reference = watchers.get(0).list(prefix);
        Map<String, Long> versions = new HashMap<>();
        for (EntryInfo e : reference) {
            versions.put(e.key(), e.version());
        }
        for (MeshportClient w : watchers) {
            List<EntryInfo> listed = w.list(prefix);
            if (listed.size() != reference.size()) {
                mismatches++;
            }
            for (EntryInfo e : listed) {
                if (!Long.valueOf(e.version()).equals(versions.get(e.key()))) {
                    mismatches++;
                }
                try {
                    Entry got = w.get(e.key());
                    if (got.version() != e.version()) {
                        mismatches++;
                    }
                } catch (RuntimeException x) {
                    mismatches++;
                }
            }
        }
        return mismatches;
    }

    /** One random request (a conditional put is two: its get, then the put). */
    private static void step(MeshportClient cl, Tally t, Random rnd, String prefix, Mesh[] meshes, byte[][] blobs) {
        String key = prefix + String.format(Locale.ROOT, "%02d", rnd.nextInt(SharedMixedLoad.POOL_KEYS));
        int pick = rnd.nextInt(100);
        String op = "?";
        try {
            if (pick < 20) {
                op = "putMesh";
                long v = cl.put(key, meshes[rnd.nextInt(meshes.length)]).version();
                t.did(op);
                t.wrote(v);
            } else if (pick < 35) {
                op = "putBytes";
                long v = cl.putBytes(key, blobs[rnd.nextInt(blobs.length)]).version();
                t.did(op);
                t.wrote(v);
            } else if (pick < 55) {
                long current;
                op = "get";
                try {
                    current = cl.get(key).version();
                    t.did(op);
                } catch (MeshportClientException e) {
                    if (!"NOT_FOUND".equals(e.wireCode())) {
                        throw e;
                    }
                    t.failed(op, e);
                    current = 0; // absent: the put must create it
                }
                op = "cput";
                long v = rnd.nextBoolean() ? cl.put(key, meshes[rnd.nextInt(meshes.length)], current).version()
                        : cl.put(key, "bytes", blobs[rnd.nextInt(blobs.length)], current).version();
                t.did(op);
                t.wrote(v);
            } else if (pick < 65) {
                op = "delete";
                long v = cl.delete(key);
                t.did(op);
                t.wrote(v);
            } else if (pick < 92) {
                op = "get";
                cl.get(key);
                t.did(op);
            } else {
                op = "list";
                cl.list(prefix);
                t.did(op);
            }
        } catch (RuntimeException e) {
            t.failed(op, e);
        }
    }
}
