package io.meshport.benchmarks;

import static io.meshport.benchmarks.Report.mb;
import static io.meshport.benchmarks.Report.mbps;
import static io.meshport.benchmarks.Report.ms;
import static io.meshport.benchmarks.Report.ratio;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.meshport.client.ClientOptions;
import io.meshport.client.MeshportClient;
import io.meshport.mesh.Mesh;

/**
 * The durable session against the session in memory, in the same run: puts of large meshes to
 * distinct keys (every one must reach the disk) and a 500 updates/s stream of positions, each against
 * a host with {@code --session memory}, runs interleaved (the stream with a second such host as a
 * control); then the recovery of a host killed with
 * SIGKILL holding about 1 GB, against the start of a host with an empty session.
 */
final class DurableBench implements Benchmark {
    private static final Pattern RESTORED = Pattern.compile("restored session \\S+ from \\S+: (\\d+) keys \\(([0-9.]+) MB\\) in (\\d+) ms");

    @Override
    public String name() {
        return "durable";
    }

    @Override
    public String description() {
        return "the session kept on disk vs in memory: ingest throughput, streaming p99, recovery of 1 GB after kill -9";
    }

    @Override
    public void run(Context c, Report.Section s) throws Exception {
        ingest(c, s);
        streaming(c, s);
        syncCost(c, s);
        recovery(c, s);
    }

    /**
     * Two host processes, each with a fixed heap touched in advance (in one process, one host's garbage
     * paused the other's rounds). Rounds of puts in blocks, one host at a time, in turns: a block's later
     * rounds meet the disk writer still writing the rounds before (as a client ingesting without pause
     * would), and a pause after each block lets the writer finish its last round (at most
     * {@code MAX_PAUSE_MILLIS} and a round's writing later), so that the next block does not pay for it.
     * The pauses are short enough that the disk host is never idle for the 5 s after which it compacts
     * its file: compaction would run during the memory host's block.
     */
    private static void ingest(Context c, Report.Section s) throws Exception {
        int points = c.quick ? 100_000 : 1_000_000;
        int keys = c.quick ? 4 : 8;
        int blocks = c.quick ? 2 : 4;
        int perBlock = c.quick ? 2 : 3;
        long pauseMillis = c.quick ? 500 : 1_500;
        // Two meshes alike in size and different in every array's bytes, in turns: each put to a key must
        // be written whole (the store writes again only the arrays that differ from the key's value before).
        Mesh[] meshes = {Meshes.sheet(points, 2 * points), null};
        meshes[1] = otherBytes(meshes[0]);
        long bytesPerRun = (long) keys * Meshes.typedPayload(meshes[0]).length;
        int runs = blocks * perBlock;
        double[] file = new double[runs];
        double[] memory = new double[runs];
        List<String> heap = List.of("-Xms4g", "-Xmx4g", "-XX:+AlwaysPreTouch");
        try (SeparateHost onDisk = new SeparateHost(c.folder("durable-file"), heap);
                SeparateHost inMemory = new SeparateHost(c.folder("durable-memory"), heap, "--session", "memory");
                MeshportClient d = MeshportClient.connect(ClientOptions.of("127.0.0.1", onDisk.port).withClientName("bench durable"));
                MeshportClient m = MeshportClient.connect(ClientOptions.of("127.0.0.1", inMemory.port).withClientName("bench memory"))) {
            putAll(d, meshes[1], keys); // warm-up, and the keys exist from here
            putAll(m, meshes[1], keys);
            Thread.sleep(pauseMillis);
            int fi = 0;
            int mi = 0;
            for (int b = 0; b < 2 * blocks; b++) {
                boolean disk = b % 2 == 0;
                for (int i = 0; i < perBlock; i++) {
                    if (disk) {
                        file[fi] = putAll(d, meshes[fi % 2], keys);
                        fi++;
                    } else {
                        memory[mi] = putAll(m, meshes[mi % 2], keys);
                        mi++;
                    }
                }
                Thread.sleep(pauseMillis);
            }
        }
        double f = Stats.median(file);
        double mm = Stats.median(memory);
        double r = mm / f;
        s.put("ingestPoints", points);
        s.put("ingestKeys", keys);
        s.put("ingestFileMedianMs", f);
        s.put("ingestMemoryMedianMs", mm);
        s.put("ingestRatio", r);
        c.say("  ingest of %d meshes of %,d points (%s): on disk median %s, in memory %s; %s of the throughput", keys, points,
                mb(bytesPerRun), ms(f), ms(mm), ratio(r));
        s.row(String.format(Locale.ROOT, "durable 1. %d puts of %,d-point meshes to distinct keys (%s a round; two meshes in turns, different in every array), Java client, host processes, on disk (async); median of %d rounds in %d blocks of %d back to back",
                keys, points, mb(bytesPerRun), runs, blocks, perBlock), ms(f) + " = " + mbps(bytesPerRun / 1e3 / f),
                "the same with --session memory, blocks interleaved: " + ms(mm) + " = " + mbps(bytesPerRun / 1e3 / mm),
                ratio(r) + " of the throughput", "≥ 0.9: " + s.verdict(r >= 0.9));
    }

    /** @return the mesh with other bytes in each of its arrays (positions moved, each triangle's corners rotated) */
    private static Mesh otherBytes(Mesh mesh) {
        int[] idx = new int[mesh.indices().remaining()];
        mesh.indices().get(idx);
        for (int t = 0; t + 2 < idx.length; t += 3) {
            int first = idx[t];
            idx[t] = idx[t + 1];
            idx[t + 1] = idx[t + 2];
            idx[t + 2] = first;
        }
        return mesh.toBuilder().positions(Meshes.moved(mesh, 1f)).indices(idx).build();
    }

    /** Puts the mesh under {@code keys} keys, one after another; returns the milliseconds until the last reply. */
    private static double putAll(MeshportClient client, Mesh mesh, int keys) {
        long t0 = System.nanoTime();
        for (int k = 0; k < keys; k++) {
            client.put("durable/" + k, mesh);
        }
        return Stats.millis(System.nanoTime() - t0);
    }

    /** The orders in which the three hosts take their turns, all six in rotation: none follows another more often. */
    private static final int[][] ORDERS = {{0, 1, 2}, {1, 2, 0}, {2, 0, 1}, {0, 2, 1}, {2, 1, 0}, {1, 0, 2}};

    /**
     * Three host processes: on disk, in memory, and a second in memory as a control (what the same
     * measurement gives two alike hosts). Blocks of 2 s of updates at 500/s go to each in turn, in
     * rotating orders, so that the machine's own spells of slowness fall on all three alike; each host's
     * p99 is that of all its blocks' updates together. After each block the next waits until the disk
     * writer's last round (at most {@code MAX_PAUSE_MILLIS} later) is over, so that it is not charged to
     * another host. Each host has a fixed heap, touched in advance: a growing heap faults in fresh memory
     * in the middle of a block, alike in both modes, which on this VM moved one host's p99 several-fold.
     */
    private static void streaming(Context c, Report.Section s) throws Exception {
        int points = c.quick ? 10_000 : 100_000;
        int blocks = c.quick ? 3 : 24;
        int perBlock = c.quick ? 250 : 1_000;
        long gapMillis = 800;
        List<String> heap = List.of("-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch");
        Mesh mesh = Meshes.sheet(points, 2 * points);
        float[][] positions = {Meshes.moved(mesh, 0.5f), Meshes.moved(mesh, 1.5f)};
        StreamingBench.Mode paced = StreamingBench.MODES.stream().filter(x -> x.rate() > 0).findFirst().orElseThrow();
        String[] names = {"on disk", "in memory", "in memory (control)"};
        double[][] pooled = new double[3][blocks * perBlock];
        double[][] blockP99 = new double[3][blocks];
        int errors = 0;
        long stolen;
        double seconds;
        try (SeparateHost onDisk = new SeparateHost(c.folder("durable-stream-file"), heap);
                SeparateHost inMemory = new SeparateHost(c.folder("durable-stream-memory"), heap, "--session", "memory");
                SeparateHost control = new SeparateHost(c.folder("durable-stream-control"), heap, "--session", "memory")) {
            SeparateHost[] hosts = {onDisk, inMemory, control};
            MeshportClient[] clients = new MeshportClient[3];
            long[] versions = new long[3];
            try {
                for (int h = 0; h < 3; h++) {
                    clients[h] = MeshportClient.connect(ClientOptions.of("127.0.0.1", hosts[h].port).withClientName("bench durable " + names[h]));
                    versions[h] = clients[h].put("bench/stream", mesh).version();
                }
                for (int warm = 0; warm < 3; warm++) {
                    for (int h = 0; h < 3; h++) {
                        StreamingBench.meshport(clients[h], versions[h], positions, perBlock, paced);
                        versions[h] += perBlock;
                    }
                }
                Thread.sleep(gapMillis);
                long stolen0 = Stats.stolenTicks();
                long t0 = System.nanoTime();
                for (int b = 0; b < blocks; b++) {
                    for (int h : ORDERS[b % ORDERS.length]) {
                        StreamingBench.Series series = StreamingBench.meshport(clients[h], versions[h], positions, perBlock, paced);
                        versions[h] += perBlock;
                        System.arraycopy(series.latencyMs(), 0, pooled[h], b * perBlock, perBlock);
                        blockP99[h][b] = Stats.percentile(series.latencyMs(), 99);
                        errors += series.errors();
                        Thread.sleep(gapMillis);
                    }
                }
                seconds = (System.nanoTime() - t0) / 1e9;
                stolen = stolen0 < 0 ? -1 : Stats.stolenTicks() - stolen0;
            } finally {
                for (MeshportClient client : clients) {
                    if (client != null) {
                        client.close();
                    }
                }
            }
        }
        double f = Stats.percentile(pooled[0], 99);
        double mm = Stats.percentile(pooled[1], 99);
        double ctl = Stats.percentile(pooled[2], 99);
        double r = f / mm;
        // Each round of three blocks compares the hosts under the same minute of the machine: the median of
        // those ratios is not moved by a few blocks that met a stall of the VM, whichever host they were.
        double[] paired = new double[blocks];
        double[] pairedControl = new double[blocks];
        for (int b = 0; b < blocks; b++) {
            paired[b] = blockP99[0][b] / blockP99[1][b];
            pairedControl[b] = blockP99[2][b] / blockP99[1][b];
        }
        double pr = Stats.median(paired);
        double prc = Stats.median(pairedControl);
        double stolenPercent = stolen < 0 ? -1 : 100.0 * stolen / (seconds * 100 * Runtime.getRuntime().availableProcessors());
        s.put("streamPoints", points);
        s.put("streamUpdates", blocks * perBlock);
        s.put("streamFileP99Ms", f);
        s.put("streamMemoryP99Ms", mm);
        s.put("streamControlP99Ms", ctl);
        s.put("streamFileP50Ms", Stats.percentile(pooled[0], 50));
        s.put("streamMemoryP50Ms", Stats.percentile(pooled[1], 50));
        s.put("streamRatioP99", r);
        s.put("streamControlRatioP99", ctl / mm);
        s.put("streamPairedRatioP99", pr);
        s.put("streamPairedControlRatioP99", prc);
        for (int h = 0; h < 3; h++) {
            s.put("streamBlockP99Ms" + new String[] {"File", "Memory", "Control"}[h], Arrays.stream(blockP99[h])
                    .mapToObj(v -> String.format(Locale.ROOT, "%.2f", v)).collect(Collectors.joining(" ")));
        }
        s.put("streamStolenPercent", stolenPercent);
        s.put("streamErrors", errors);
        for (int h = 0; h < 3; h++) {
            c.say("  streaming %s: p50 %s, p99 %s, max %s; p99 of its %d blocks %s to %s", names[h], ms(Stats.percentile(pooled[h], 50)),
                    ms(Stats.percentile(pooled[h], 99)), ms(Stats.max(pooled[h])), blocks, ms(Stats.min(blockP99[h])), ms(Stats.max(blockP99[h])));
        }
        c.say("  streaming %,d-point updates at 500/s: p99 on disk %s, in memory %s (%s); the control %s (%s); %d errors; CPU stolen by the hypervisor %.1f %%",
                points, ms(f), ms(mm), ratio(r), ms(ctl), ratio(ctl / mm), errors, stolenPercent);
        c.say("  per round of three blocks, the median of the p99 ratios: on disk %s× memory's, the control %s× (rounds from %s× to %s×, the control %s× to %s×)",
                ratio(pr), ratio(prc), ratio(Stats.min(paired)), ratio(Stats.max(paired)), ratio(Stats.min(pairedControl)), ratio(Stats.max(pairedControl)));
        s.row(String.format(Locale.ROOT, "durable 2. a %,d-point mesh updated with base at 500/s, on disk (async), host processes; %d rounds of three blocks of %,d"
                + " updates (one per host, interleaved): median of the rounds' p99 ratios; the p99 of all %,d updates", points, blocks, perBlock, blocks * perBlock),
                ratio(pr) + "× memory's; all updates: " + ms(f) + (errors > 0 ? ", " + errors + " ERRORS" : ""),
                "the same with --session memory: all updates " + ms(mm) + "; a second such host (the measurement's own spread): " + ratio(prc)
                        + "× memory's per round, all updates " + ms(ctl) + " = " + ratio(ctl / mm) + "×",
                ratio(pr) + "× (all updates " + ratio(r) + "×)", "≤ 1.2×: " + s.verdict(pr <= 1.2 && errors == 0));
    }

    /** What durability=sync costs a writer: small puts one at a time, each waiting for its reply. */
    private static void syncCost(Context c, Report.Section s) throws Exception {
        int n = c.quick ? 100 : 500;
        byte[] small = new byte[1024];
        double[] sync = new double[n];
        double[] async = new double[n];
        double[] memory = new double[n];
        try (Host hs = c.host("durable-sync", o -> o.durability("sync"));
                Host ha = c.host("durable-async");
                Host hm = c.host("durable-sync-memory", o -> o.session("memory"));
                MeshportClient cs = MeshportClient.connect(ClientOptions.of("127.0.0.1", hs.port()).withClientName("bench sync"));
                MeshportClient ca = MeshportClient.connect(ClientOptions.of("127.0.0.1", ha.port()).withClientName("bench async"));
                MeshportClient cm = MeshportClient.connect(ClientOptions.of("127.0.0.1", hm.port()).withClientName("bench memory"))) {
            for (int i = 0; i < 20; i++) { // warm-up
                cs.putBytes("small", small);
                ca.putBytes("small", small);
                cm.putBytes("small", small);
            }
            for (int i = 0; i < n; i++) {
                long t0 = System.nanoTime();
                cs.putBytes("small/" + i, small);
                long t1 = System.nanoTime();
                ca.putBytes("small/" + i, small);
                long t2 = System.nanoTime();
                cm.putBytes("small/" + i, small);
                long t3 = System.nanoTime();
                sync[i] = Stats.millis(t1 - t0);
                async[i] = Stats.millis(t2 - t1);
                memory[i] = Stats.millis(t3 - t2);
            }
        }
        s.put("syncP50Ms", Stats.percentile(sync, 50));
        s.put("syncP99Ms", Stats.percentile(sync, 99));
        s.put("asyncP50Ms", Stats.percentile(async, 50));
        s.put("memoryP50Ms", Stats.percentile(memory, 50));
        c.say("  1 KB puts one at a time: durability=sync p50 %s (p99 %s), async p50 %s, memory p50 %s", ms(s.number("syncP50Ms")),
                ms(s.number("syncP99Ms")), ms(s.number("asyncP50Ms")), ms(s.number("memoryP50Ms")));
        s.row(String.format(Locale.ROOT, "durable 4. %d puts of 1 KB one at a time with durability=sync, until each reply; p50 / p99", n),
                ms(s.number("syncP50Ms")) + " / " + ms(s.number("syncP99Ms")),
                "async: p50 " + ms(s.number("asyncP50Ms")) + "; --session memory: p50 " + ms(s.number("memoryP50Ms")),
                ratio(s.number("syncP50Ms") / s.number("memoryP50Ms")) + "× of memory's p50", "the cost of sync, measured");
    }

    /** @return seconds from now until a new client's {@code hello} is answered (the client's connect includes it) */
    private static double helloSeconds(SeparateHost p) {
        long t0 = System.nanoTime();
        try (MeshportClient client = MeshportClient.connect(ClientOptions.of("127.0.0.1", p.port).withClientName("bench hello"))) {
            return (System.nanoTime() - t0) / 1e9;
        }
    }

    private static void recovery(Context c, Report.Section s) throws Exception {
        int points = 1_000_000;
        int keys = c.quick ? 3 : 28; // each mesh is 36 MB of arrays: 28 make about 1 GB
        Mesh mesh = Meshes.sheet(points, 2 * points);
        Path data = c.folder("durable-recovery");
        try (SeparateHost p = new SeparateHost(data);
                MeshportClient client = MeshportClient.connect(ClientOptions.of("127.0.0.1", p.port).withClientName("bench durable"))) {
            for (int k = 0; k < keys; k++) {
                client.put("big/" + k, mesh);
            }
            p.awaitFileSettled(data.resolve("session").resolve("session.mv.db"));
            p.kill();
        }
        long fileBytes = Files.size(data.resolve("session").resolve("session.mv.db"));
        // Start-up times, each host alternating with one on an empty session: the earlier ones killed again
        // while they read, the last one left to read every value. Both restart on a data folder of their own
        // (the framework's cache kept, as a restarted host has it: a first start installs every bundle), and
        // both are killed.
        int starts = c.quick ? 1 : 7;
        Path empty = c.folder("durable-empty");
        try (SeparateHost p = new SeparateHost(empty)) {
            p.kill();
        }
        double[] emptyUps = new double[starts];
        double[] ups = new double[starts];
        double[] emptyHellos = new double[starts];
        double[] hellos = new double[starts];
        for (int i = 0; i < starts; i++) {
            try (SeparateHost p = new SeparateHost(empty)) {
                emptyUps[i] = p.upSeconds;
                emptyHellos[i] = p.upSeconds + helloSeconds(p);
                p.kill();
            }
            if (i == starts - 1) {
                break;
            }
            try (SeparateHost p = new SeparateHost(data)) {
                ups[i] = p.upSeconds;
                hellos[i] = p.upSeconds + helloSeconds(p);
                p.kill();
            }
        }
        double loadMs;
        double loadedMb;
        int loadedKeys;
        try (SeparateHost p = new SeparateHost(data)) {
            ups[starts - 1] = p.upSeconds;
            hellos[starts - 1] = p.upSeconds + helloSeconds(p);
            Matcher m = p.await(RESTORED, 300); // the values are read while the host already serves
            if (m == null) {
                throw new IllegalStateException("the host did not say what it restored within 300 s:\n" + p.log());
            }
            loadedKeys = Integer.parseInt(m.group(1));
            loadedMb = Double.parseDouble(m.group(2));
            loadMs = Double.parseDouble(m.group(3));
            if (loadedKeys != keys) {
                throw new IllegalStateException("restored " + loadedKeys + " keys of " + keys + ":\n" + p.log());
            }
        }
        double up = Stats.median(ups);
        double emptyUp = Stats.median(emptyUps);
        double hello = Stats.median(hellos);
        double emptyHello = Stats.median(emptyHellos);
        double rate = loadedMb / (loadMs / 1000);
        s.put("recoveryKeys", loadedKeys);
        s.put("recoveryMB", loadedMb);
        s.put("recoveryFileBytes", fileBytes);
        s.put("recoveryLoadMs", loadMs);
        s.put("recoveryLoadMBps", rate);
        s.put("recoveryUpSeconds", up);
        s.put("emptyUpSeconds", emptyUp);
        s.put("recoveryHelloSeconds", hello);
        s.put("emptyHelloSeconds", emptyHello);
        c.say("  recovery after kill -9: %d keys, %s MB read in %s (%s), host up in %.2f s; an empty host is up in %.2f s", loadedKeys,
                String.format(Locale.ROOT, "%.0f", loadedMb), ms(loadMs), mbps(rate), up, emptyUp);
        c.say("  up in (s): %s; an empty host: %s", java.util.Arrays.toString(ups), java.util.Arrays.toString(emptyUps));
        c.say("  first hello answered after (s): %s; an empty host: %s", java.util.Arrays.toString(hellos),
                java.util.Arrays.toString(emptyHellos));
        s.row(String.format(Locale.ROOT, "durable 3. restart after kill -9 holding %d meshes of %,d points (%.0f MB of values, a %s file): all values read (while serving); host accepting (median of %d starts)",
                keys, points, loadedMb, mb(fileBytes), starts), ms(loadMs) + " = " + mbps(rate) + "; up in " + String.format(Locale.ROOT, "%.2f s", up)
                        + String.format(Locale.ROOT, ", first hello answered at %.2f s", hello),
                String.format(Locale.ROOT, "a host with an empty session up in %.2f s, first hello at %.2f s (median of %d, alternating)",
                        emptyUp, emptyHello, starts),
                String.format(Locale.ROOT, "%+.2f s up, %+.2f s to the first hello", up - emptyUp, hello - emptyHello),
                "≥ 1 GB/s, or answering hello as soon as an empty host (within 10 %): " + s.verdict(rate >= 1000 || hello <= emptyHello * 1.1));
    }
}
