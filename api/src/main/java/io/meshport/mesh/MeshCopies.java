package io.meshport.mesh;

import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.Arrays;
import java.util.function.IntConsumer;

/**
 * The copies a {@link Mesh.Builder} makes out of buffers: positions and vertex lists copied block by
 * block and checked while each block is in the cache, as their values arrive, large arrays in two
 * halves on two cores.
 */
final class MeshCopies {
    /** Elements copied and checked at a time: 24 KiB of floats, in the cache. */
    static final int COPY_BLOCK = 3 * 2048;
    /** From this many elements on, a copy is split in two halves, the second on another thread. */
    static final int PARALLEL_MIN = 3 << 18;

    private MeshCopies() {
    }

    /**
     * Copies positions out of a buffer, folding them into their bounds block by block.
     *
     * @param xyz the positions, from its position to its limit; its position is moved to its limit
     * @param ready {@code accept(k)} returns once the first {@code k} values can be read; null when they all can
     * @param out receives the positions: {@code xyz.remaining()} floats
     * @return the bounds (min x y z, max x y z; all 0 for no points) when the values are whole points and
     *         all finite, else null (then {@link MeshChecks#checkPositions} finds the offender when the mesh is built)
     */
    static float[] positions(FloatBuffer xyz, IntConsumer ready, float[] out) {
        int n = out.length;
        if (n % 3 != 0) {
            if (ready != null) {
                ready.accept(n);
            }
            xyz.get(out); // build() reports the length
            return null;
        }
        int base = xyz.position();
        float[][] halves = {MeshChecks.newBounds(), MeshChecks.newBounds()};
        inHalves(n, 3, ready != null, (start, end, half) -> {
            for (int from = start; from < end; from += COPY_BLOCK) {
                int to = Math.min(end, from + COPY_BLOCK);
                if (ready != null) {
                    ready.accept(to);
                }
                xyz.get(base + from, out, from, to - from);
                MeshChecks.accumulate(out, from, to, halves[half]);
            }
        });
        xyz.position(xyz.limit());
        float[] acc = halves[0];
        float[] b = halves[1];
        for (int k = 0; k < 3; k++) {
            acc[k] = Math.min(acc[k], b[k]);
            acc[k + 3] = Math.max(acc[k + 3], b[k + 3]);
        }
        acc[6] += b[6]; // NaN when either half held a value that is not finite
        if (Float.isNaN(acc[6])) {
            return null;
        }
        return n == 0 ? new float[6] : Arrays.copyOf(acc, 6);
    }

    /**
     * Copies a vertex list out of a buffer, checking its indices against a point count block by block.
     *
     * @param vertexList the point of each vertex, from its position to its limit; its position is moved to its limit
     * @param ready {@code accept(k)} returns once the first {@code k} values can be read; null when they all can
     * @param out receives the vertex list: {@code vertexList.remaining()} ints
     * @param points the point count to check against, or -1 when it is not known yet
     * @return true when the point count is known and every index is in {@code [0, points)}
     */
    static boolean indices(IntBuffer vertexList, IntConsumer ready, int[] out, int points) {
        int n = out.length;
        int last = points - 1;
        int base = vertexList.position();
        int[] badHalves = new int[2];
        inHalves(n, 1, ready != null, (start, end, half) -> {
            int bad = 0;
            for (int from = start; from < end; from += COPY_BLOCK) {
                int to = Math.min(end, from + COPY_BLOCK);
                if (ready != null) {
                    ready.accept(to);
                }
                vertexList.get(base + from, out, from, to - from);
                for (int i = from; i < to; i++) {
                    int v = out[i];
                    bad |= (last - v) | v; // negative for an index below 0 or above last
                }
            }
            badHalves[half] = bad;
        });
        vertexList.position(vertexList.limit());
        int bad = badHalves[0] | badHalves[1];
        return points >= 0 && bad >= 0;
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
}
