package io.meshport.benchmarks;

import static io.meshport.benchmarks.Report.count;
import static io.meshport.benchmarks.Report.mb;
import static io.meshport.benchmarks.Report.ms;
import static io.meshport.benchmarks.Report.ratio;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.atomic.AtomicReference;

import io.meshport.client.ClientOptions;
import io.meshport.client.MeshportClient;
import io.meshport.client.PutResult;
import io.meshport.mesh.Mesh;

/**
 * 3. Streaming: a 100,000-point mesh updated 2,000 times with {@code base} (positions only) through
 * {@link MeshportClient#updatePositionsAsync}, pipelined; updates per second and the latency of each
 * from its send to its reply. Three ways of sending, each against the plain loopback server given the
 * same frames the same way:
 * <ul>
 * <li>as fast as possible with at most 8 updates in flight: the most updates per second; the latency
 * then includes waiting behind the 7 before (Little's law), so it is no service time;</li>
 * <li>paced at 500 updates per second (the target rate), each sent on schedule without waiting for
 * replies (at most 64 in flight): the latency at that rate, counted from when each update was due,
 * so that a send held back by a slow host counts its wait too;</li>
 * <li>one at a time: the round trip of a single update.</li>
 * </ul>
 */
final class StreamingBench implements Benchmark {
    /** How updates are sent: at most {@code window} in flight, and {@code rate} per second (0: as fast as possible). */
    record Mode(String key, int window, double rate, String label) {
    }

    static final List<Mode> MODES = List.of(
            new Mode("fast", 8, 0, "pipelined as fast as possible, at most 8 in flight"),
            new Mode("paced", 64, 500, "pipelined at a steady 500 updates/s (each sent when due, not waiting for replies)"),
            new Mode("serial", 1, 0, "one at a time (no pipelining)"));

    @Override
    public String name() {
        return "streaming";
    }

    @Override
    public String description() {
        return "a 100,000-point mesh updated 2,000 times with base (positions only), pipelined: updates/s, p50/p99 latency";
    }

    /** Send and reply times of one series. */
    record Series(double seconds, double[] latencyMs, int errors) {
        double perSecond() {
            return latencyMs.length / seconds;
        }
    }

    @Override
    public void run(Context c, Report.Section s) throws Exception {
        int points = c.quick ? 10_000 : 100_000;
        int updates = c.quick ? 200 : 2_000;
        int warmups = c.quick ? 100 : 1_000;
        Mesh mesh = Meshes.sheet(points, 2 * points);
        float[][] positions = {Meshes.moved(mesh, 0.5f), Meshes.moved(mesh, 1.5f)};
        byte[] frame = Meshes.putFrame("bench/stream", Meshes.updatePayload(1, positions[0]));
        s.put("points", points);
        s.put("updates", updates);
        s.put("updateFrameBytes", frame.length);
        c.say("  mesh: %,d points, %,d triangles; each update a frame of %s", points, 2 * points, mb(frame.length));
        try (Host h = c.host("streaming");
                Loopback plain = new Loopback();
                MeshportClient client = MeshportClient.connect(ClientOptions.of("127.0.0.1", h.port()).withClientName("bench streaming"))) {
            long version = client.put("bench/stream", mesh).version();
            boolean first = true;
            for (Mode mode : MODES) {
                String p = mode.key();
                Series warm = meshport(client, version, positions, warmups, mode);
                version += warmups;
                try (Loopback.Conn conn = new Loopback.Conn(plain.port())) {
                    plain(conn, frame, warmups, mode);
                    Series base = plain(conn, frame, updates, mode);
                    Series m = meshport(client, version, positions, updates, mode);
                    version += updates;
                    if (warm.errors > 0 || m.errors > 0) {
                        c.say("  %s: %d errors", p, warm.errors + m.errors);
                    }
                    s.put(p + "Window", mode.window());
                    s.put(p + "OfferedPerSecond", mode.rate());
                    s.put(p + "UpdatesPerSecond", m.perSecond());
                    s.put(p + "P50Ms", Stats.percentile(m.latencyMs, 50));
                    s.put(p + "P99Ms", Stats.percentile(m.latencyMs, 99));
                    s.put(p + "MaxMs", Stats.max(m.latencyMs));
                    s.put(p + "Errors", m.errors);
                    s.put(p + "SocketPerSecond", base.perSecond());
                    s.put(p + "SocketP50Ms", Stats.percentile(base.latencyMs, 50));
                    s.put(p + "SocketP99Ms", Stats.percentile(base.latencyMs, 99));
                    s.put(p + "RatioPerSecond", m.perSecond() / base.perSecond());
                    s.put(p + "RatioP99", Stats.percentile(m.latencyMs, 99) / Stats.percentile(base.latencyMs, 99));
                    c.say("  %s: %,.0f updates/s, p50 %s, p99 %s, max %s, %d errors; plain socket: %,.0f/s, p50 %s, p99 %s", p,
                            m.perSecond(), ms(s.number(p + "P50Ms")), ms(s.number(p + "P99Ms")), ms(s.number(p + "MaxMs")), m.errors,
                            base.perSecond(), ms(s.number(p + "SocketP50Ms")), ms(s.number(p + "SocketP99Ms")));
                    double rate = m.perSecond();
                    double p99 = s.number(p + "P99Ms");
                    String target = mode.rate() > 0 ? "≥ 500/s and p99 < 5 ms: " + s.verdict(rate >= 500 && p99 < 5 && m.errors == 0)
                            : mode.window() > 1 ? "≥ 500/s: " + s.verdict(rate >= 500 && m.errors == 0) : "";
                    s.row(String.format(Locale.ROOT, "%s %,d-point mesh updated %,d times with base (positions only, %s frames), %s; updates/s, latency p50 / p99 (max)",
                            first ? "3. streaming:" : "3" + (char) ('a' + MODES.indexOf(mode)) + ". the same,", points, updates, mb(frame.length),
                            mode.label()),
                            count(rate) + "/s, " + ms(s.number(p + "P50Ms")) + " / " + ms(p99) + " (" + ms(s.number(p + "MaxMs")) + ")"
                                    + (m.errors > 0 ? ", " + m.errors + " ERRORS" : ""),
                            "plain socket, the same frames sent the same way: " + count(base.perSecond()) + "/s, "
                                    + ms(s.number(p + "SocketP50Ms")) + " / " + ms(s.number(p + "SocketP99Ms")),
                            ratio(s.number(p + "RatioPerSecond")) + " of the rate; p99 " + ratio(s.number(p + "RatioP99")) + "×",
                            target);
                    first = false;
                }
            }
        }
    }

    /** Waits until {@code due} ({@link System#nanoTime()}), when there is a schedule. */
    private static void awaitDue(long due) {
        long left;
        while ((left = due - System.nanoTime()) > 0) {
            if (left > 200_000) {
                LockSupport.parkNanos(left - 100_000);
            } else {
                Thread.onSpinWait();
            }
        }
    }

    /**
     * Sends {@code n} updates as the mode says; each bases on the one before. Latency counts from
     * when each was due (paced) or sent.
     */
    static Series meshport(MeshportClient client, long version, float[][] positions, int n, Mode mode) throws Exception {
        long[] sent = new long[n];
        long[] replied = new long[n];
        Semaphore inFlight = new Semaphore(mode.window());
        CountDownLatch done = new CountDownLatch(n);
        AtomicInteger errors = new AtomicInteger();
        AtomicReference<Throwable> firstError = new AtomicReference<>();
        long start = System.nanoTime();
        long interval = mode.rate() > 0 ? (long) (1e9 / mode.rate()) : 0;
        for (int i = 0; i < n; i++) {
            int k = i;
            if (interval > 0) {
                sent[k] = start + k * interval;
                awaitDue(sent[k]);
            }
            if (!inFlight.tryAcquire(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("no reply for 60 s");
            }
            if (interval == 0) {
                sent[k] = System.nanoTime();
            }
            CompletableFuture<PutResult> f = client.updatePositionsAsync("bench/stream", version + k, positions[k & 1]);
            f.whenComplete((r, e) -> {
                replied[k] = System.nanoTime();
                if (e != null) {
                    errors.incrementAndGet();
                    firstError.compareAndSet(null, e);
                }
                inFlight.release();
                done.countDown();
            });
        }
        if (!done.await(120, TimeUnit.SECONDS)) {
            throw new IllegalStateException("updates still unanswered after 120 s");
        }
        if (errors.get() == n) {
            throw new IllegalStateException("every update failed; the first: " + firstError.get(), firstError.get());
        }
        return series(sent, replied, errors.get());
    }

    /** The baseline: the same frames to the plain server, sent the same way. */
    private static Series plain(Loopback.Conn conn, byte[] frame, int n, Mode mode) throws Exception {
        long[] sent = new long[n];
        long[] replied = new long[n];
        Semaphore inFlight = new Semaphore(mode.window());
        AtomicReference<Exception> failed = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            try {
                for (int i = 0; i < n; i++) {
                    conn.reply();
                    replied[i] = System.nanoTime();
                    inFlight.release();
                }
            } catch (IOException e) {
                failed.set(e);
                inFlight.release(n);
            }
        }, "plain-stream-reader");
        reader.start();
        long start = System.nanoTime();
        long interval = mode.rate() > 0 ? (long) (1e9 / mode.rate()) : 0;
        for (int i = 0; i < n && failed.get() == null; i++) {
            if (interval > 0) {
                sent[i] = start + i * interval;
                awaitDue(sent[i]);
            }
            if (!inFlight.tryAcquire(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the plain server did not answer for 60 s");
            }
            if (interval == 0) {
                sent[i] = System.nanoTime();
            }
            conn.send(frame);
        }
        reader.join(120_000);
        if (failed.get() != null) {
            throw failed.get();
        }
        return series(sent, replied, 0);
    }

    private static Series series(long[] sent, long[] replied, int errors) {
        double[] lat = new double[sent.length];
        long last = 0;
        for (int i = 0; i < sent.length; i++) {
            lat[i] = Stats.millis(replied[i] - sent[i]);
            last = Math.max(last, replied[i]);
        }
        return new Series((last - sent[0]) / 1e9, lat, errors);
    }
}
