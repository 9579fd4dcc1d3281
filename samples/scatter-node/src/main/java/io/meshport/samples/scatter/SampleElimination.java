package io.meshport.samples.scatter;

import java.util.Arrays;

/**
 * Weighted sample elimination (Cem Yuksel, "Sample Elimination for Generating Poisson Disk Sample
 * Sets", Eurographics 2015): from many random candidates, repeatedly remove the one most crowded by
 * its neighbours until the requested number remain. Unlike dart throwing it returns exactly the
 * number asked for and needs no radius from the user.
 *
 * <p>Everything is flat arrays: neighbour lists in compressed-row form (offsets, ids, weights), and an
 * indexed 4-ary max-heap of longs that pack each weight with its point. Work happens in the
 * {@link PointGrid}'s bucket order, in which neighbours are near each other in memory. The elimination
 * itself is inherently sequential (each removal changes the next choice), so it is single-threaded;
 * its cost is mostly cache misses in the heap, one or two per neighbour of each removed point.
 */
final class SampleElimination {
    /** Weight limiting parameters of the paper (section 3.2): beta and gamma. */
    static final double BETA = 0.65;
    static final double GAMMA = 1.5;

    private SampleElimination() {
    }

    /**
     * The paper's {@code r_max} for a two-dimensional domain (a surface) of area {@code area}: the
     * disk radius of {@code count} points in the densest (hexagonal) packing.
     */
    static double maxRadius(double area, int count) {
        return Math.sqrt(area / (2 * Math.sqrt(3) * count));
    }

    /**
     * The paper's weight-limiting radius: neighbours closer than {@code 2 r_min} all weigh as if they
     * were at {@code 2 r_min}, so that the elimination does not fixate on removing one of the very
     * closest pairs of a dense candidate set while leaving moderately close ones.
     */
    static double minRadius(double maxRadius, int count, int candidates) {
        return maxRadius * (1 - Math.pow((double) count / candidates, GAMMA)) * BETA;
    }

    /**
     * Chooses which candidates to keep.
     *
     * @param points candidate positions, {@code x y z} each
     * @param candidates how many candidates
     * @param keep how many to keep, {@code 0 < keep < candidates}
     * @param dMax the neighbourhood diameter {@code 2 r_max}: farther pairs do not interact
     * @param dMin the weight limit {@code 2 r_min}
     * @return the indices of the kept candidates, ascending
     * @throws IllegalArgumentException when the neighbour lists would not fit in Java arrays
     */
    static int[] eliminate(float[] points, int candidates, int keep, double dMax, double dMin) {
        PointGrid grid = PointGrid.build(points, candidates, dMax);
        float[] p = grid.xyz;
        int[] start = grid.start;
        double dMax2 = dMax * dMax;

        // One search: each pair is found from both ends, and kept (with its weight) only from the end
        // with the smaller sorted index, which halves the distance tests.
        int capacity = (int) Math.min(Integer.MAX_VALUE - 16, 10L * candidates);
        int[] upper = new int[capacity];
        float[] upperWeight = new float[capacity];
        int[] upperEnd = new int[candidates];
        int[] offsets = new int[candidates + 1];
        int pairs = 0;
        for (int s = 0; s < candidates; s++) {
            double x = p[3 * s], y = p[3 * s + 1], z = p[3 * s + 2];
            int[] buckets = grid.neighbourBuckets(s);
            for (int k = 0; k < 27; k++) {
                int b = buckets[k];
                for (int j = Math.max(start[b], s + 1), end = start[b + 1]; j < end; j++) {
                    double dx = p[3 * j] - x, dy = p[3 * j + 1] - y, dz = p[3 * j + 2] - z;
                    double d2 = dx * dx + dy * dy + dz * dz;
                    if (d2 < dMax2) {
                        if (pairs == upper.length) {
                            if (pairs >= (Integer.MAX_VALUE - 16) / 2) {
                                throw tooMany(candidates);
                            }
                            int grown = (int) Math.min(Integer.MAX_VALUE - 16, pairs + (long) pairs / 2);
                            upper = Arrays.copyOf(upper, grown);
                            upperWeight = Arrays.copyOf(upperWeight, grown);
                        }
                        upper[pairs] = j;
                        upperWeight[pairs++] = (float) weight(Math.sqrt(d2), dMax, dMin);
                        offsets[s + 1]++;
                        offsets[j + 1]++;
                    }
                }
            }
            upperEnd[s] = pairs;
        }
        long total = 2L * pairs;
        if (total > Integer.MAX_VALUE - 16) {
            throw tooMany(candidates);
        }
        for (int s = 0; s < candidates; s++) {
            offsets[s + 1] += offsets[s];
        }

        // Both ends of every pair into the neighbour lists.
        int[] neighbour = new int[(int) total];
        float[] weight = new float[(int) total];
        int[] cursor = new int[candidates];
        System.arraycopy(offsets, 0, cursor, 0, candidates);
        double[] sum = new double[candidates];
        for (int s = 0, e = 0; s < candidates; s++) {
            for (int end = upperEnd[s]; e < end; e++) {
                int j = upper[e];
                float fw = upperWeight[e];
                neighbour[cursor[s]] = j;
                weight[cursor[s]++] = fw;
                neighbour[cursor[j]] = s;
                weight[cursor[j]++] = fw;
                sum[s] += fw;
                sum[j] += fw;
            }
        }
        upper = null;
        upperWeight = null;
        cursor = null;

        // Indexed max-heap. Entry heap[h] packs a point's weight (as float bits, which order like the
        // floats for non-negative values) above its sorted index, so one long holds both, a sift reads
        // one array, and equal weights fall to the higher index: a fixed order, so a fixed result.
        // slot[point] is the point's heap position, -1 once eliminated; sum[point] keeps its exact
        // weight, of which the heap holds the float rounding.
        long[] heap = new long[candidates];
        int[] slot = new int[candidates];
        for (int s = 0; s < candidates; s++) {
            heap[s] = entry(sum[s], s);
            slot[s] = s;
        }
        int size = candidates;
        for (int h = (size - 2) / 4; h >= 0; h--) {
            siftDown(heap, slot, size, h);
        }
        while (size > keep) {
            int top = (int) heap[0];
            slot[top] = -1;
            size--;
            if (size > 0) {
                heap[0] = heap[size];
                slot[(int) heap[0]] = 0;
                siftDown(heap, slot, size, 0);
            }
            for (int e = offsets[top], end = offsets[top + 1]; e < end; e++) {
                int j = neighbour[e];
                int h = slot[j];
                if (h >= 0) {
                    sum[j] -= weight[e];
                    heap[h] = entry(sum[j], j);
                    siftDown(heap, slot, size, h);
                }
            }
        }
        boolean[] kept = new boolean[candidates];
        for (int h = 0; h < size; h++) {
            kept[grid.order[(int) heap[h]]] = true;
        }
        int[] result = new int[size];
        for (int i = 0, r = 0; i < candidates; i++) {
            if (kept[i]) {
                result[r++] = i;
            }
        }
        return result;
    }

    /**
     * The paper's weight {@code (1 - d̂ / d_max)^alpha} with its recommended {@code alpha = 8} and
     * {@code d̂ = max(d, d_min)}; 0 at and beyond {@code d_max}.
     */
    static double weight(double d, double dMax, double dMin) {
        double t = 1 - Math.max(d, dMin) / dMax;
        if (t <= 0) {
            return 0;
        }
        double t2 = t * t;
        double t4 = t2 * t2;
        return t4 * t4;
    }

    private static IllegalArgumentException tooMany(int candidates) {
        return new IllegalArgumentException("poisson: " + candidates + " candidates have more than "
                + (Integer.MAX_VALUE - 16) + " neighbour entries, more than one Java array holds; ask for fewer "
                + "points");
    }

    /** A heap entry: the weight's float bits (clamped at 0, so that they order as the weights) and the point. */
    private static long entry(double weight, int point) {
        return (long) Float.floatToRawIntBits((float) Math.max(weight, 0)) << 32 | point;
    }

    /**
     * Restores the heap below {@code h} after its key decreased (or a new entry was put there). The
     * heap is 4-ary: half the depth of a binary heap, and the four children share a cache line or two,
     * which matters because almost every step in a large heap is a cache miss.
     */
    private static void siftDown(long[] heap, int[] slot, int size, int h) {
        long item = heap[h];
        while (true) {
            int first = 4 * h + 1;
            if (first >= size) {
                break;
            }
            int c = first;
            long max = heap[first];
            for (int i = first + 1, end = Math.min(first + 4, size); i < end; i++) {
                if (heap[i] > max) {
                    c = i;
                    max = heap[i];
                }
            }
            if (max <= item) {
                break;
            }
            heap[h] = max;
            slot[(int) max] = h;
            h = c;
        }
        heap[h] = item;
        slot[(int) item] = h;
    }
}
