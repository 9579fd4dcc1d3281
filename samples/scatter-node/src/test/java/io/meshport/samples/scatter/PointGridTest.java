package io.meshport.samples.scatter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class PointGridTest {

    @Test
    void minDistanceMatchesBruteForce() {
        SplittableRandom r = new SplittableRandom(3);
        for (int round = 0; round < 40; round++) {
            int n = 2 + r.nextInt(600);
            float[] p = new float[3 * n];
            double scale = Math.pow(10, r.nextInt(-3, 4));
            for (int i = 0; i < p.length; i++) {
                p[i] = (float) ((r.nextDouble() - 0.5) * scale);
            }
            if (round % 4 == 1) {
                for (int i = 0; i < n; i++) {
                    p[3 * i + 2] = 0; // a plane
                }
            }
            if (round % 4 == 2) {
                for (int i = 0; i < n; i++) {
                    p[3 * i + 1] = 0; // a line
                    p[3 * i + 2] = 0;
                }
            }
            // any first cell size gives the exact answer: far too small, about right, far too large
            double hint = new double[] {1e-7, 0.05, 50}[round % 3] * scale;
            double expected = TestMeshes.bruteMinDistance(p, n);
            assertEquals(expected, PointGrid.minDistance(p, n, hint), 0, "round " + round + ", " + n + " points");
        }
    }

    @Test
    void specialCases() {
        assertTrue(Double.isNaN(PointGrid.minDistance(new float[] {1, 2, 3}, 1, 1)));
        assertTrue(Double.isNaN(PointGrid.minDistance(new float[0], 0, 1)));
        assertEquals(0, PointGrid.minDistance(new float[] {1, 2, 3, 1, 2, 3}, 2, 1));
        assertEquals(0, PointGrid.minDistance(new float[] {1, 2, 3, 5, 5, 5, 1, 2, 3}, 3, 0.1));
        assertEquals(Math.sqrt(3) * 1000, PointGrid.minDistance(new float[] {0, 0, 0, 1000, 1000, 1000}, 2, 1e-3),
                1e-9);
    }

    /**
     * Points spread over far more cells than there are buckets, so that cells share buckets: the 27
     * buckets around a point must still be distinct, and hold every point closer than a cell.
     */
    @Test
    void neighbourBucketsAreDistinctAndCoverTheNeighbourhood() {
        SplittableRandom r = new SplittableRandom(8);
        int n = 3000;
        float[] p = new float[3 * n];
        for (int i = 0; i < p.length; i++) {
            p[i] = (float) (r.nextDouble() * 40);
        }
        double cell = 1;
        PointGrid g = PointGrid.build(p, n, cell);
        for (int s = 0; s < n; s++) {
            int[] buckets = g.neighbourBuckets(s);
            int count = buckets.length;
            assertEquals(27, count);
            java.util.Set<Integer> set = new java.util.HashSet<>();
            for (int k = 0; k < count; k++) {
                assertTrue(set.add(buckets[k]), "bucket listed twice");
            }
            int near = 0;
            for (int k = 0; k < count; k++) {
                for (int j = g.start[buckets[k]]; j < g.start[buckets[k] + 1]; j++) {
                    if (j != s && dist(g.xyz, s, j) < cell) {
                        near++;
                    }
                }
            }
            int expected = 0;
            for (int j = 0; j < n; j++) {
                if (j != s && dist(g.xyz, s, j) < cell) {
                    expected++;
                }
            }
            assertEquals(expected, near, "neighbours of point " + s);
        }
    }

    private static double dist(float[] p, int a, int b) {
        double dx = p[3 * a] - p[3 * b], dy = p[3 * a + 1] - p[3 * b + 1], dz = p[3 * a + 2] - p[3 * b + 2];
        return Math.sqrt(dx * dx + dy * dy + dz * dz);
    }
}
