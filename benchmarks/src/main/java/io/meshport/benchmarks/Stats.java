package io.meshport.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.Arrays;

/** Small helpers: order statistics of timings, and a settled heap. */
final class Stats {
    private Stats() {
    }

    static double best(double[] v) {
        return Arrays.stream(v).min().orElse(Double.NaN);
    }

    static double median(double[] v) {
        return percentile(v, 50);
    }

    /** @return the p-th percentile by the nearest-rank method */
    static double percentile(double[] v, double p) {
        if (v.length == 0) {
            return Double.NaN;
        }
        double[] s = v.clone();
        Arrays.sort(s);
        int rank = (int) Math.ceil(p / 100.0 * s.length);
        return s[Math.max(0, Math.min(s.length - 1, rank - 1))];
    }

    static double max(double[] v) {
        return Arrays.stream(v).max().orElse(Double.NaN);
    }

    static double min(double[] v) {
        return Arrays.stream(v).min().orElse(Double.NaN);
    }

    static double millis(long nanos) {
        return nanos / 1e6;
    }

    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

    /** @return collections so far and the milliseconds they took, all collectors together */
    static long[] gcCountAndMillis() {
        long n = 0;
        long ms = 0;
        for (java.lang.management.GarbageCollectorMXBean g : ManagementFactory.getGarbageCollectorMXBeans()) {
            n += Math.max(0, g.getCollectionCount());
            ms += Math.max(0, g.getCollectionTime());
        }
        return new long[] {n, ms};
    }

    /**
     * CPU time so far, from Linux's /proc: {all CPUs busy, this process and its waited-for children},
     * in clock ticks; null where there is no /proc. Their difference over a benchmark is what other
     * processes on the machine took meanwhile.
     */
    static long[] cpuTicks() {
        try {
            String[] all = java.nio.file.Files.readAllLines(java.nio.file.Paths.get("/proc/stat")).get(0).trim().split("\\s+");
            long busy = 0;
            for (int i = 1; i < all.length && i <= 8; i++) {
                if (i != 4 && i != 5) { // not idle, not iowait
                    busy += Long.parseLong(all[i]);
                }
            }
            String self = java.nio.file.Files.readString(java.nio.file.Paths.get("/proc/self/stat"));
            String[] f = self.substring(self.lastIndexOf(')') + 2).trim().split("\\s+");
            long own = Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
            return new long[] {busy, own};
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    /** @return the CPU time the hypervisor gave to other machines so far (steal, all CPUs), in clock ticks; -1 where there is no /proc */
    static long stolenTicks() {
        try {
            String[] all = java.nio.file.Files.readAllLines(java.nio.file.Paths.get("/proc/stat")).get(0).trim().split("\\s+");
            return all.length > 8 ? Long.parseLong(all[8]) : -1;
        } catch (java.io.IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * @return the share of the machine's CPU (all cores) that other processes used between the two
     *         readings of {@link #cpuTicks()}, in percent; -1 when unknown
     */
    static double othersCpuPercent(long[] before, long[] after, double seconds) {
        if (before == null || after == null || seconds <= 0) {
            return -1;
        }
        double ticksPerSecond = 100; // USER_HZ on Linux
        double others = (after[0] - before[0]) - (after[1] - before[1]);
        return Math.max(0, 100 * others / (seconds * ticksPerSecond * Runtime.getRuntime().availableProcessors()));
    }

    /** @return heap used now, bytes */
    static long heapUsed() {
        return MEMORY.getHeapMemoryUsage().getUsed();
    }

    /** @return heap committed now, bytes */
    static long heapCommitted() {
        return MEMORY.getHeapMemoryUsage().getCommitted();
    }

    /**
     * Lets what is in flight finish, then collects until the used heap stops shrinking (full GCs).
     *
     * @return the used heap afterwards, bytes
     */
    static long settledHeap() throws InterruptedException {
        Thread.sleep(200);
        long last = Long.MAX_VALUE;
        for (int i = 0; i < 8; i++) {
            System.gc();
            Thread.sleep(50);
            long used = heapUsed();
            if (used >= last - 64 * 1024) {
                return Math.min(used, last);
            }
            last = used;
        }
        return last;
    }
}
