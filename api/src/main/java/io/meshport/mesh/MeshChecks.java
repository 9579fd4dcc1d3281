package io.meshport.mesh;

/**
 * The checks and the copies a {@link Mesh.Builder} makes: positions finite and their bounds, indices
 * in range, face counts, and the work on large arrays split in two halves for two cores.
 */
final class MeshChecks {
    /** Elements copied and checked at a time: 24 KiB of floats, in the cache. */
    static final int COPY_BLOCK = 3 * 2048;
    /** From this many elements on, a copy is split in two halves, the second on another thread. */
    static final int PARALLEL_MIN = 3 << 18;

    private MeshChecks() {
    }

    /**
     * Folds positions {@code [from, to)} (whole points) into {@code acc}: min x y z, max x y z,
     * and a sum that turns NaN at the first non-finite value.
     */
    static float[] newBounds() {
        return new float[] {Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, 0};
    }

    /** Work on the range {@code [start, end)} of an array, as half 0 or 1 of it. */
    @FunctionalInterface
    interface HalfWork {
        void run(int start, int end, int half);
    }

    /**
     * Runs {@code work} over {@code [0, n)}: as one half for short arrays; from
     * {@value #PARALLEL_MIN} elements on, the second half (starting at a multiple of {@code align})
     * on the common fork-join pool while the caller does the first, since copying and checking a
     * million points is memory work that two cores do faster than one. The caller never waits for
     * a half that has not started: it then does it itself, so a busy pool costs nothing.
     */
    static void inHalves(int n, int align, boolean inOrder, HalfWork work) {
        // In order when the values arrive in order: a second thread would only wait for its half.
        if (inOrder || n < PARALLEL_MIN || Runtime.getRuntime().availableProcessors() < 2) {
            work.run(0, n, 0);
            work.run(n, n, 1);
            return;
        }
        int mid = n / 2 / align * align;
        java.util.concurrent.atomic.AtomicBoolean taken = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        RuntimeException[] failed = new RuntimeException[1];
        java.util.concurrent.ForkJoinPool.commonPool().execute(() -> {
            if (taken.compareAndSet(false, true)) {
                try {
                    work.run(mid, n, 1);
                } catch (RuntimeException e) {
                    failed[0] = e;
                } finally {
                    done.countDown();
                }
            }
        });
        work.run(0, mid, 0);
        if (taken.compareAndSet(false, true)) {
            work.run(mid, n, 1);
            return;
        }
        boolean interrupted = false;
        while (true) {
            try {
                done.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // the half being copied finishes in moments: wait for it
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failed[0] != null) {
            throw failed[0];
        }
    }

    static void accumulate(float[] p, int from, int to, float[] acc) {
        // Branch-free: x - x is 0 for a finite x and NaN otherwise.
        float finite = acc[6];
        float minX = acc[0], minY = acc[1], minZ = acc[2];
        float maxX = acc[3], maxY = acc[4], maxZ = acc[5];
        for (int i = from; i < to; i += 3) {
            float x = p[i], y = p[i + 1], z = p[i + 2];
            finite += (x - x) + (y - y) + (z - z);
            minX = x < minX ? x : minX;
            minY = y < minY ? y : minY;
            minZ = z < minZ ? z : minZ;
            maxX = x > maxX ? x : maxX;
            maxY = y > maxY ? y : maxY;
            maxZ = z > maxZ ? z : maxZ;
        }
        acc[0] = minX;
        acc[1] = minY;
        acc[2] = minZ;
        acc[3] = maxX;
        acc[4] = maxY;
        acc[5] = maxZ;
        acc[6] = finite;
    }

    static float[] checkPositions(float[] p) {
        // One pass; the offender is looked for only when there is one.
        float[] acc = {Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, 0};
        accumulate(p, 0, p.length, acc);
        float finite = acc[6];
        float minX = acc[0], minY = acc[1], minZ = acc[2];
        float maxX = acc[3], maxY = acc[4], maxZ = acc[5];
        if (Float.isNaN(finite)) {
            for (int i = 0; i < p.length; i++) {
                if (!Float.isFinite(p[i])) {
                    throw new InvalidMeshException("positions[" + i + "] is " + p[i] + " (point " + (i / 3)
                            + "); positions must be finite");
                }
            }
        }
        if (p.length == 0) {
            return new float[6];
        }
        return new float[] {minX, minY, minZ, maxX, maxY, maxZ};
    }

    static void checkIndices(int[] idx, int points) {
        // Negative for an index below 0 or at or above points: OR-reduced without branches.
        int last = points - 1;
        int bad = 0;
        for (int i : idx) {
            bad |= (last - i) | i;
        }
        if (bad < 0) {
            for (int i = 0; i < idx.length; i++) {
                if (Integer.compareUnsigned(idx[i], points) >= 0) {
                    throw new InvalidMeshException("indices[" + i + "] = " + idx[i] + " is out of range [0, "
                            + points + ")");
                }
            }
        }
    }

    static void checkFaceCounts(int[] counts, int vertices) {
        long sum = 0;
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] < 3) {
                throw new InvalidMeshException("faceCounts[" + i + "] = " + counts[i]
                        + "; a face has at least 3 vertices");
            }
            sum += counts[i];
        }
        if (sum != vertices) {
            throw new InvalidMeshException("faceCounts sum to " + sum + ", but indices has " + vertices
                    + " entries");
        }
    }

    static boolean allTriangles(int[] counts) {
        for (int c : counts) {
            if (c != 3) {
                return false;
            }
        }
        return true;
    }
}
