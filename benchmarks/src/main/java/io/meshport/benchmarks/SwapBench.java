package io.meshport.benchmarks;

import static io.meshport.benchmarks.Report.count;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.SynchronousBundleListener;

import io.meshport.client.ClientOptions;
import io.meshport.client.EntryInfo;
import io.meshport.client.MeshportClient;
import io.meshport.mesh.Mesh;

/**
 * Hot swap under load (issue 5): while 8 clients stream puts, the listener bundle is updated 20 times.
 * Counted: connection attempts refused (a knocker connects every 2 ms), acknowledged puts missing
 * afterwards, the longest gap between two acknowledged puts during each update (against the longest
 * gap in a stretch of the same length without updates, measured first: the baseline), and threads,
 * file descriptors and settled heap before and after.
 */
final class SwapBench implements Benchmark {
    /** How many request tokens the session store remembers at most. */
    private static final int REMEMBERED_WRITES = 100_000;

    @Override
    public String name() {
        return "swap";
    }

    @Override
    public String description() {
        return "8 clients streaming puts while the listener bundle is updated 20 times: refusals, lost puts, gaps, leaks";
    }

    /** Puts in a loop, recording what was acknowledged and when. */
    private static final class Streamer extends Thread {
        final MeshportClient client;
        final String prefix;
        final Mesh mesh;
        final AtomicBoolean stop;
        final AtomicLong lastAck;
        final Map<String, Long> acked = new ConcurrentHashMap<>();
        final AtomicInteger errors = new AtomicInteger();
        final AtomicLong puts = new AtomicLong();
        volatile String firstError;

        Streamer(MeshportClient client, String prefix, Mesh mesh, AtomicBoolean stop, AtomicLong lastAck) {
            super("bench-swap-streamer");
            this.client = client;
            this.prefix = prefix;
            this.mesh = mesh;
            this.stop = stop;
            this.lastAck = lastAck;
            setDaemon(true);
        }

        @Override
        public void run() {
            for (long i = 0; i < Long.MAX_VALUE && !stop.get(); i++) {
                String key = prefix + (i % 32);
                try {
                    long v = client.put(key, mesh).version();
                    acked.put(key, v);
                    puts.incrementAndGet();
                    lastAck.set(System.nanoTime());
                } catch (RuntimeException e) {
                    errors.incrementAndGet();
                    if (firstError == null) {
                        firstError = e.toString();
                    }
                }
            }
        }
    }

    /** Records the longest silence between acknowledgements while it watches. */
    private static final class GapWatch extends Thread {
        final AtomicLong lastAck;
        volatile boolean running = true;
        volatile long longest;
        /** After {@link #mark}: when the first acknowledgement after that time came (0 until one does). */
        volatile long mark = Long.MAX_VALUE;
        volatile long firstAfterMark;

        GapWatch(AtomicLong lastAck) {
            super("bench-swap-gaps");
            this.lastAck = lastAck;
            setDaemon(true);
        }

        void reset() {
            longest = 0;
        }

        @Override
        public void run() {
            while (running) {
                long last = lastAck.get();
                if (firstAfterMark == 0 && last > mark) {
                    firstAfterMark = last;
                }
                long silence = System.nanoTime() - last;
                if (silence > longest) {
                    longest = silence;
                }
                try {
                    Thread.sleep(0, 200_000);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    @Override
    public void run(Context c, Report.Section s) throws Exception {
        int clients = c.quick ? 2 : 8;
        int updates = c.quick ? 3 : 20;
        Mesh mesh = Meshes.sheet(200, 300);
        s.put("clients", clients);
        s.put("updates", updates);
        try (Host h = c.host("swap")) {
            Bundle listener = bundle(h, "io.meshport.listener");
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong lastAck = new AtomicLong(System.nanoTime());
            List<Streamer> streamers = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                streamers.add(new Streamer(MeshportClient.connect(ClientOptions.of("127.0.0.1", h.port()).withClientName("bench swap " + i)),
                        "bench/swap/" + i + "/", mesh, stop, lastAck));
            }
            AtomicInteger refused = new AtomicInteger();
            AtomicInteger accepted = new AtomicInteger();
            Thread knocker = new Thread(() -> {
                while (!stop.get()) {
                    try (Socket sock = new Socket(InetAddress.getLoopbackAddress(), h.port())) {
                        accepted.incrementAndGet();
                    } catch (ConnectException e) {
                        refused.incrementAndGet();
                    } catch (IOException e) {
                        refused.incrementAndGet();
                    }
                    try {
                        Thread.sleep(2);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "bench-swap-knocker");
            knocker.setDaemon(true);
            GapWatch gaps = new GapWatch(lastAck);
            streamers.forEach(Thread::start);
            gaps.start();
            knocker.start();
            double[] updateGaps = new double[updates];
            double[] updateMillis = new double[updates];
            // Where each update's gap went: the last ack before it to the update call, stopping the old revision
            // (its deactivation says bye to the clients), replacing and resolving the new one, starting it (SCR
            // activates the listener within the start), and the update's end to the next ack (clients reconnect
            // and resend).
            double[][] phases = new double[5][updates];
            long[] events = new long[3];
            SynchronousBundleListener phaseClock = e -> {
                if (e.getBundle() == listener) {
                    switch (e.getType()) {
                        case BundleEvent.STOPPED -> events[0] = System.nanoTime();
                        case BundleEvent.STARTING -> events[1] = System.nanoTime();
                        default -> { }
                    }
                }
            };
            h.host().framework().getBundleContext().addBundleListener(phaseClock);
            double baselineGap;
            long threadsBefore;
            long fdsBefore;
            long heapBefore;
            try {
                // Warm up until the store remembers as many request tokens as it ever will (docs/protocol.md:
                // the most recent 100,000 writes): that bounded window filling up is not growth.
                long warmEnd = System.nanoTime() + (c.quick ? 300 : 60_000) * 1_000_000L;
                while (System.nanoTime() < warmEnd && (c.quick || ackedPuts(streamers) < REMEMBERED_WRITES + 10_000)) {
                    Thread.sleep(50);
                }
                s.put("warmUpPuts", ackedPuts(streamers));
                threadsBefore = hostAndClientThreads();
                fdsBefore = openFiles();
                heapBefore = Stats.settledHeap();
                long stretch = c.quick ? 300 : 1500;
                gaps.reset();
                Thread.sleep(stretch); // the baseline: streaming, no update
                baselineGap = gaps.longest / 1e6;
                for (int u = 0; u < updates; u++) {
                    gaps.reset();
                    long t0 = System.nanoTime();
                    long ackBefore = lastAck.get();
                    listener.update();
                    while (listener.getState() != Bundle.ACTIVE && System.nanoTime() - t0 < 30_000_000_000L) {
                        Thread.sleep(1);
                    }
                    long t1 = System.nanoTime();
                    gaps.firstAfterMark = 0;
                    gaps.mark = t1;
                    updateMillis[u] = Stats.millis(t1 - t0);
                    Thread.sleep(stretch); // the gap it caused shows within this
                    updateGaps[u] = gaps.longest / 1e6;
                    long ackAfter = gaps.firstAfterMark;
                    phases[0][u] = Stats.millis(t0 - ackBefore);
                    phases[1][u] = Stats.millis(events[0] - t0);
                    phases[2][u] = Stats.millis(events[1] - events[0]);
                    phases[3][u] = Stats.millis(t1 - events[1]);
                    phases[4][u] = ackAfter == 0 ? Double.NaN : Stats.millis(ackAfter - t1);
                }
            } finally {
                stop.set(true);
                for (Streamer st : streamers) {
                    st.join(30_000);
                }
                knocker.join(5_000);
                gaps.running = false;
                gaps.join(1_000);
                h.host().framework().getBundleContext().removeBundleListener(phaseClock);
            }
            // After the last update, with the same clients connected (idle now) as before the first.
            Thread.sleep(c.quick ? 200 : 1000);
            long threadsAfter = hostAndClientThreads();
            long fdsAfter = openFiles();
            long heapAfter = Stats.settledHeap();
            long missing = 0;
            long checked = 0;
            int errors = 0;
            long puts = 0;
            String firstError = null;
            try (MeshportClient check = MeshportClient.connect(ClientOptions.of("127.0.0.1", h.port()))) {
                Map<String, Long> stored = new java.util.HashMap<>();
                for (EntryInfo e : check.list("bench/swap/")) {
                    stored.put(e.key(), e.version());
                }
                for (Streamer st : streamers) {
                    errors += st.errors.get();
                    puts += st.puts.get();
                    firstError = firstError == null ? st.firstError : firstError;
                    for (Map.Entry<String, Long> a : st.acked.entrySet()) {
                        checked++;
                        Long v = stored.get(a.getKey());
                        if (v == null || v < a.getValue()) {
                            missing++;
                        }
                    }
                }
            }
            for (Streamer st : streamers) {
                st.client.close();
            }
            s.put("refused", refused.get());
            s.put("accepted", accepted.get());
            s.put("ackedPuts", puts);
            s.put("keysChecked", checked);
            s.put("ackedMissing", missing);
            s.put("clientErrors", errors);
            s.put("longestGapMs", Stats.max(updateGaps));
            s.put("medianGapMs", Stats.median(updateGaps));
            s.put("baselineGapMs", baselineGap);
            s.put("updateMedianMs", Stats.median(updateMillis));
            // Each update's figures, in order: an outlier shows where it came, and how alone it is.
            s.put("gapPerUpdateMs", join(updateGaps));
            s.put("updateMsEach", join(updateMillis));
            String[] phaseNames = {"lastAckToUpdate", "stop", "replace", "start", "updateEndToAck"};
            for (int p = 0; p < phaseNames.length; p++) {
                s.put(phaseNames[p] + "MsEach", join(phases[p]));
            }
            s.put("threadsBefore", threadsBefore);
            s.put("threadsAfter", threadsAfter);
            s.put("fdsBefore", fdsBefore);
            s.put("fdsAfter", fdsAfter);
            s.put("heapBeforeMB", heapBefore / 1e6);
            s.put("heapAfterMB", heapAfter / 1e6);
            if (firstError != null) {
                c.say("  first client error: %s", firstError);
            }
            c.say("  %d updates of the listener under %d streaming clients: %d connection attempts refused (%d accepted);"
                    + " %,d puts acknowledged, %d of the %d keys' last acknowledged versions missing afterwards; %d client errors",
                    updates, clients, refused.get(), accepted.get(), puts, missing, checked, errors);
            c.say("  longest gap between acknowledged puts per update: max %.1f ms, median %.1f ms (no update: %.1f ms); an update"
                    + " takes %.1f ms (median)", Stats.max(updateGaps), Stats.median(updateGaps), baselineGap, Stats.median(updateMillis));
            c.say("  gap per update, in order (ms): %s", join(updateGaps));
            int worst = 0;
            for (int u = 1; u < updates; u++) {
                worst = updateGaps[u] > updateGaps[worst] ? u : worst;
            }
            c.say("  where the gap goes, median (longest gap's update): last ack to update call %.1f (%.1f), stopping the old revision"
                    + " %.1f (%.1f), replacing it %.1f (%.1f), starting the new one %.1f (%.1f), update's end to next ack %.1f (%.1f) ms",
                    Stats.median(phases[0]), phases[0][worst], Stats.median(phases[1]), phases[1][worst], Stats.median(phases[2]),
                    phases[2][worst], Stats.median(phases[3]), phases[3][worst], Stats.median(phases[4]), phases[4][worst]);
            c.say("  before the first update and after the last (host and the %d clients in this process): threads %d -> %d,"
                    + " open files %d -> %d, settled heap %.0f -> %.0f MB", clients, threadsBefore, threadsAfter, fdsBefore, fdsAfter,
                    heapBefore / 1e6, heapAfter / 1e6);
            // "No growth" for the heap allows what a settled heap varies by anyway (a few MB).
            boolean noGrowth = threadsAfter <= threadsBefore && fdsAfter <= fdsBefore && heapAfter <= heapBefore + Math.max(8_000_000, heapBefore / 10);
            boolean met = refused.get() == 0 && missing == 0 && errors == 0 && Stats.max(updateGaps) < 100 && noGrowth;
            s.row(String.format(Locale.ROOT, "hot swap: %d updates of the listener bundle while %d clients stream puts", updates, clients),
                    String.format(Locale.ROOT, "%d refused, %d lost of %s acked puts, %d client errors; longest gap %.0f ms (median %.0f);"
                            + " threads %d -> %d, files %d -> %d, heap %.0f -> %.0f MB", refused.get(), missing, count(puts), errors,
                            Stats.max(updateGaps), Stats.median(updateGaps), threadsBefore, threadsAfter, fdsBefore, fdsAfter,
                            heapBefore / 1e6, heapAfter / 1e6),
                    String.format(Locale.ROOT, "no update: longest gap %.1f ms", baselineGap),
                    String.format(Locale.ROOT, "gap %.1f×", Stats.max(updateGaps) / Math.max(baselineGap, 0.001)),
                    "0 refused, 0 lost, gap < 100 ms, no growth: " + s.verdict(met));
        }
    }

    private static long ackedPuts(List<Streamer> streamers) {
        return streamers.stream().mapToLong(st -> st.puts.get()).sum();
    }

    private static Bundle bundle(Host h, String bsn) {
        for (Bundle b : h.host().framework().getBundleContext().getBundles()) {
            if (bsn.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new IllegalStateException("no bundle " + bsn + " in the host");
    }

    private static String join(double[] values) {
        StringBuilder sb = new StringBuilder();
        for (double v : values) {
            sb.append(sb.length() == 0 ? "" : " ").append(Math.round(v));
        }
        return sb.toString();
    }

    /** @return the live threads of this process but the benchmark's own (streamers, knocker, gap watch) */
    private static long hostAndClientThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && !t.getName().startsWith("bench-swap")).count();
    }

    /** @return the number of file descriptors this process has open (Linux), or -1 */
    private static long openFiles() {
        Path fd = Paths.get("/proc/self/fd");
        if (!Files.isDirectory(fd)) {
            return -1;
        }
        try (Stream<Path> s = Files.list(fd)) {
            return s.count();
        } catch (IOException e) {
            return -1;
        }
    }
}
