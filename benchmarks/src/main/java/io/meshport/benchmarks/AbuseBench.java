package io.meshport.benchmarks;

import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import io.meshport.benchmarks.AbuseFlood.Kind;
import io.meshport.benchmarks.AbuseLegit.Tally;
import io.meshport.client.ClientOptions;
import io.meshport.client.MeshportClient;
import io.meshport.client.MeshportClientException;
import io.meshport.launcher.EmbeddedHost;
import io.meshport.mesh.Mesh;

/**
 * Soak under abuse (issue 17): a host with a token serves a few legitimate clients (the Java client,
 * with the token, each doing put and get of a small mesh 100 times a second, and a new connection now
 * and then; {@link AbuseLegit}) while, for a bounded time, other sockets abuse it at once: a flood of
 * connections opened and left idle (more than {@code maxConnections}), sockets that send only a length
 * header, sockets that send garbage, half frames (a large length, then a byte now and then; some after
 * a correct hello, so that the host reserves room for them) ({@link AbuseFlood}), unauthenticated large
 * frames ({@link AbuseBigFrames}), and clients putting large meshes until the session's memory budget
 * is full ({@link AbusePressure}). The abusers connect from 127.0.0.2 to 127.0.0.9, the legitimate
 * clients from 127.0.0.1. Measured: the legitimate clients' requests done, errors by code and latency,
 * against the same clients alone in the same run (the baseline); whether the host serves again once the
 * abuse stops and how soon; threads, open files and heap before and after ({@link AbuseHostState}); and
 * what the host did to each kind of abuser ({@link AbuseOutcomes}). {@link AbuseReport} reports it.
 *
 * <p>Every socket, loop and wait is bounded in time: the benchmark reports what it saw, however the
 * host fares, and never hangs.
 */
final class AbuseBench implements Benchmark {
    /** The name of every thread of the benchmark's own, so that they are not counted as the host's. */
    static final String PREFIX = "bench-abuse";
    /**
     * The abusers connect from these loopback addresses (Linux routes all of 127/8 to loopback), the
     * legitimate clients from 127.0.0.1: as on a real network, a limit per client address then falls
     * on the abusers, not on everyone.
     */
    static final int ABUSER_ADDRESSES = 8;

    /** @return the local address of an abuser's n-th socket */
    static InetSocketAddress abuserAddress(int n) {
        try {
            return new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) (2 + Math.floorMod(n, ABUSER_ADDRESSES))}), 0);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return how a client's failure is counted: its error code, TIMEOUT, CONNECTION or the exception's name */
    static String code(RuntimeException e) {
        if (e instanceof MeshportClientException) {
            return ((MeshportClientException) e).wireCode();
        }
        if (e instanceof UncheckedIOException) {
            return e.getCause() instanceof SocketTimeoutException ? "TIMEOUT" : "CONNECTION";
        }
        return e.getClass().getSimpleName();
    }

    static void sleepNanos(long ns) {
        try {
            Thread.sleep(ns / 1_000_000, (int) (ns % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String name() {
        return "abuse";
    }

    @Override
    public String description() {
        return "legitimate clients' errors and latency while floods, half frames, garbage and memory pressure hit the host";
    }

    /** The sizes of one run. */
    record Plan(double seconds, double afterSeconds, int legit, int idle, int headerOnly, int halfUnauth, int halfAuth,
            long halfAuthBytes, int garbage, int bigUnauth, int bigUnauthBytes, int pressure, int pressureKeys, long budgetBytes,
            int pressurePoints, int pressureTriangles) {
    }

    private static Plan plan(boolean quick) {
        return quick
                ? new Plan(5, 2, 2, 300, 20, 20, 6, 48L << 20, 10, 1, 32 << 20, 2, 12, 160L << 20, 450_000, 300_000)
                : new Plan(20, 5, 4, 1100, 50, 50, 24, 48L << 20, 30, 2, 32 << 20, 4, 16, 512L << 20, 450_000, 300_000);
    }

    @Override
    public void run(Context c, Report.Section s) throws Exception {
        Plan p = plan(c.quick);
        byte[] secret = new byte[24];
        new SecureRandom().nextBytes(secret);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        Path data = c.folder("abuse");
        Files.createDirectories(data.resolve("conf"));
        Files.writeString(data.resolve("conf").resolve("io.meshport.session.cfg"), "memoryBudgetBytes = " + p.budgetBytes + "\n");
        s.put("seconds", p.seconds);
        s.put("legitimateClients", p.legit);
        s.put("budgetBytes", p.budgetBytes);
        EmbeddedHost host = EmbeddedHost.start(new EmbeddedHost.Options().data(data).port(0).web(false).listener("token", token));
        try {
            InetSocketAddress a = host.awaitListener(30_000);
            if (a == null) {
                throw new IllegalStateException("the benchmark host stopped before it listened");
            }
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), a.getPort());
            long budget = AbuseHostState.awaitBudget(host, p.budgetBytes);
            s.put("storeBudgetBytes", budget);
            measure(c, s, p, address, token, budget).write(c, s);
        } finally {
            host.close();
        }
    }

    /** The run: the clients alone, then under abuse, then alone again; @return what it measured */
    private AbuseReport measure(Context c, Report.Section s, Plan p, InetSocketAddress address, String token, long budget) throws Exception {
        AbuseReport r = new AbuseReport(p, budget);
        ClientOptions legitOptions = ClientOptions.of("127.0.0.1", address.getPort()).withToken(token).withConnectTimeout(Duration.ofSeconds(5))
                .withRequestTimeout(Duration.ofSeconds(5)).withReconnect(Duration.ofSeconds(5));
        Mesh small = Meshes.sheet(60, 100);
        List<AbuseLegit> legit = new ArrayList<>();
        for (int i = 0; i < p.legit; i++) {
            legit.add(new AbuseLegit(legitOptions.withClientName("bench legit " + i), small, i));
        }
        Tally warm = new Tally();
        for (AbuseLegit l : legit) {
            l.tally = warm;
            l.start();
        }
        AbuseFlood flood;
        List<AbuseBigFrames> big = new ArrayList<>();
        List<AbusePressure> pressure = new ArrayList<>();
        Mesh large;
        AbuseOutcomes bigOutcomes = new AbuseOutcomes("unauthenticated " + p.bigUnauthBytes / (1 << 20) + " MiB frames");
        try {
            Thread.sleep(c.quick ? 500 : 1500); // warm-up
            r.base = AbuseLegit.phase(legit, p.seconds);
            r.threadsBefore = AbuseHostState.hostAndClientThreads();
            r.fdsBefore = AbuseHostState.openFiles();
            r.heapBefore = Stats.settledHeap();
            c.say("  alone: %d legitimate clients, %,d put+get in %.1f s, errors %s; p50 %.2f ms, p99 %.2f ms, max %.1f ms",
                    p.legit, r.base.roundTrips.size(), r.base.seconds, r.base.errorsText(), Stats.median(r.base.trips()),
                    Stats.percentile(r.base.trips(), 99), Stats.max(r.base.trips()));

            // The abuse, all at once, for a bounded time.
            Map<Kind, Integer> targets = new EnumMap<>(Kind.class);
            targets.put(Kind.IDLE, p.idle);
            targets.put(Kind.HEADER_ONLY, p.headerOnly);
            targets.put(Kind.HALF_UNAUTH, p.halfUnauth);
            targets.put(Kind.HALF_AUTH, p.halfAuth);
            targets.put(Kind.GARBAGE, p.garbage);
            flood = new AbuseFlood(address, targets, token, p.halfAuthBytes);
            large = Meshes.sheet(p.pressurePoints, p.pressureTriangles);
            ClientOptions pressureOptions = ClientOptions.of("127.0.0.1", address.getPort()).withToken(token)
                    .withConnectTimeout(Duration.ofSeconds(5)).withRequestTimeout(Duration.ofSeconds(30)).withReconnect(Duration.ofSeconds(5));
            for (int i = 0; i < p.pressure; i++) {
                pressure.add(new AbusePressure(pressureOptions.withClientName("bench pressure " + i), large, p.pressureKeys, i));
            }
            for (int i = 0; i < p.bigUnauth; i++) {
                big.add(new AbuseBigFrames(address, p.bigUnauthBytes, bigOutcomes, i));
            }
            flood.start();
            pressure.forEach(Thread::start);
            big.forEach(Thread::start);
            HeapSampler peak = new HeapSampler(20, PREFIX + "-heap");
            try {
                r.abused = AbuseLegit.phase(legit, p.seconds);
            } finally {
                long stop0 = System.nanoTime();
                flood.finish();
                for (AbuseBigFrames b : big) {
                    b.finish();
                }
                for (AbusePressure pr : pressure) {
                    pr.finish();
                }
                peak.close();
                s.put("stopAbuseMs", Stats.millis(System.nanoTime() - stop0));
            }
            s.put("heapPeakDuringAbuseMB", peak.peakUsed() / 1e6);
            for (AbusePressure pr : pressure) {
                pr.results.forEach((k, v) -> r.pressureResults.merge(k, v.get(), Long::sum));
                pr.firstMessages.forEach(r.pressureMessages::putIfAbsent);
            }
            // The abusers' own buffers (32 MiB frames, the 9 MB mesh) go, so that the heap after is the host's.
            pressure.clear();
            big.clear();
            large = null;
            // Served again? A fresh client, as soon as the abusers are gone, then the same clients as before.
            r.recoverMs = AbuseHostState.recover(legitOptions);
            r.after = AbuseLegit.phase(legit, p.afterSeconds);
        } finally {
            for (AbuseLegit l : legit) {
                l.stop = true;
            }
            for (AbuseLegit l : legit) {
                l.join(15_000);
            }
        }
        // What the pressure put in the session goes, so that the heap is compared like for like.
        try (MeshportClient cleaner = MeshportClient.connect(legitOptions)) {
            for (io.meshport.client.EntryInfo e : cleaner.list("bench/abuse/mem/")) {
                cleaner.delete(e.key());
            }
        } catch (RuntimeException e) {
            c.say("  could not delete the pressure's keys: %s", e);
        }
        // The listener keeps arrays of large frames for reuse until they have gone 10 s unused
        // (docs/architecture.md, FramePool): the heap after is measured once those have gone.
        Thread.sleep(c.quick ? 500 : 11_000);
        r.threadsAfter = AbuseHostState.hostAndClientThreads();
        r.fdsAfter = AbuseHostState.openFiles();
        r.heapAfter = Stats.settledHeap();

        r.abusers = flood.outcomesByKind();
        r.abusers.add(bigOutcomes);
        for (AbuseLegit l : legit) {
            r.firstError = r.firstError == null ? l.firstError : r.firstError;
        }
        return r;
    }
}
