package io.meshport.samples.scatter;

import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.SplittableRandom;

import io.meshport.mesh.Mesh;

/**
 * The geometric core of a set of surface samples, before any attribute is looked at: where each
 * sample is, on which fan triangle and with which barycentric coordinates. Poisson sampling draws
 * five times more candidates than it keeps, so attributes are computed only after this stage, for
 * the samples that survive ({@link #select(int[])}).
 */
final class Samples {
    final int count;
    /** Positions, {@code x y z} each. */
    final float[] xyz;
    /** Source face of each sample. */
    final int[] face;
    /** {@code u v} each: {@code P = (1-u-v) P0 + u P1 + v P2} over the fan triangle's corners. */
    final float[] uv;
    /** Fan triangle of each sample; the same array as {@link #face} when every face is a triangle. */
    final int[] triangle;

    private Samples(int count, float[] xyz, int[] face, float[] uv, int[] triangle) {
        this.count = count;
        this.xyz = xyz;
        this.face = face;
        this.uv = uv;
        this.triangle = triangle;
    }

    /**
     * Draws {@code n} independent samples, each on a triangle chosen with probability proportional to
     * its area and uniform within it, in one forward sweep of the area table.
     *
     * <p>A binary search per sample over millions of table entries would be a cache miss per step. So
     * the uniforms are drawn already sorted: with {@code E_1 .. E_{n+1}} independent exponential
     * variates and {@code S_k} their running sums, {@code S_1/S_{n+1} <= ... <= S_n/S_{n+1}} are
     * distributed exactly as the order statistics of {@code n} independent uniforms (not a stratified
     * or jittered approximation). Sorted targets let the table and the samples advance together;
     * a short gallop covers the gaps when samples are sparse. The output is ordered by triangle.
     *
     * <p>Random numbers come from {@link SplittableRandom} (SplitMix64) seeded with {@code seed}: first
     * {@code n + 1} draws of {@code nextExponential()} (the JDK's modified ziggurat), then two
     * {@code nextDouble()} per sample for the position in its triangle. The result is a pure function of
     * the arguments on a given JDK; the ziggurat's rare tail path uses {@code Math.exp}, so bit-for-bit
     * equality across JDK builds is likely but not promised by the JDK.
     */
    static Samples draw(Mesh source, SurfaceTable table, int n, long seed) {
        float[] xyz = new float[3 * n];
        int[] face = new int[n];
        float[] uv = new float[2 * n];
        int[] triangleFace = table.triangleFace();
        int[] corners = table.triangleCorners();
        int[] triangle = triangleFace == null ? face : new int[n];
        if (n == 0) {
            return new Samples(0, xyz, face, uv, triangle);
        }
        SplittableRandom rng = new SplittableRandom(seed);
        double[] sorted = new double[n];
        double sum = 0;
        for (int k = 0; k < n; k++) {
            sum += rng.nextExponential();
            sorted[k] = sum;
        }
        sum += rng.nextExponential();

        double[] cumulative = table.cumulative();
        double total = table.totalArea();
        int last = table.lastPositive();
        double scale = total / sum;
        FloatBuffer p = source.positions();
        IntBuffer idx = source.indices();
        int t = 0;
        for (int k = 0; k < n; k++) {
            // The first triangle whose running area exceeds the target: zero-area triangles repeat the
            // previous sum and so can never be it. Rounding may put a target at the total; the last
            // triangle with area takes it.
            double target = sorted[k] * scale;
            if (target >= total) {
                t = last;
            } else if (cumulative[t] <= target) {
                t = advance(cumulative, t, target);
            }
            int v0, v1, v2;
            if (corners == null) {
                face[k] = t;
                v0 = 3 * t;
                v1 = v0 + 1;
                v2 = v0 + 2;
            } else {
                face[k] = triangleFace[t];
                triangle[k] = t;
                v0 = corners[3 * t];
                v1 = corners[3 * t + 1];
                v2 = corners[3 * t + 2];
            }
            // r1 = sqrt(u1): barycentric (1 - r1, r1 (1 - u2), r1 u2) is uniform over the triangle.
            double r1 = Math.sqrt(rng.nextDouble());
            double u2 = rng.nextDouble();
            // Positions are computed from the float-rounded (u, v) that are stored, so that sourceUV
            // reproduces each point to float precision.
            float fu = (float) (r1 * (1 - u2));
            float fv = (float) (r1 * u2);
            double u = fu, v = fv, w = 1 - u - v;
            int i0 = 3 * idx.get(v0), i1 = 3 * idx.get(v1), i2 = 3 * idx.get(v2);
            xyz[3 * k] = (float) (w * p.get(i0) + u * p.get(i1) + v * p.get(i2));
            xyz[3 * k + 1] = (float) (w * p.get(i0 + 1) + u * p.get(i1 + 1) + v * p.get(i2 + 1));
            xyz[3 * k + 2] = (float) (w * p.get(i0 + 2) + u * p.get(i1 + 2) + v * p.get(i2 + 2));
            uv[2 * k] = fu;
            uv[2 * k + 1] = fv;
        }
        return new Samples(n, xyz, face, uv, triangle);
    }

    /**
     * The first triangle after {@code t} whose running area exceeds {@code target}: a gallop forward
     * (1, 2, 4, ... entries) then a binary search inside the last step, so a dense sweep costs a
     * comparison or two per sample and a sparse one a logarithm of the gap, never of the whole table.
     * Requires {@code cumulative[t] <= target < cumulative[cumulative.length - 1]}.
     */
    private static int advance(double[] cumulative, int t, double target) {
        int lo = t;
        int hi = t + 1;
        int step = 1;
        int end = cumulative.length - 1;
        while (cumulative[hi] <= target) {
            lo = hi;
            step <<= 1;
            hi = end - lo <= step ? end : lo + step;
        }
        while (hi - lo > 1) {
            int mid = (lo + hi) >>> 1;
            if (cumulative[mid] <= target) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return hi;
    }

    /**
     * @param keep indices of the samples to keep, ascending
     * @return those samples, in that order, in new arrays
     */
    Samples select(int[] keep) {
        int n = keep.length;
        float[] x = new float[3 * n];
        int[] f = new int[n];
        float[] w = new float[2 * n];
        int[] t = triangle == face ? f : new int[n];
        for (int k = 0; k < n; k++) {
            int i = keep[k];
            x[3 * k] = xyz[3 * i];
            x[3 * k + 1] = xyz[3 * i + 1];
            x[3 * k + 2] = xyz[3 * i + 2];
            f[k] = face[i];
            w[2 * k] = uv[2 * i];
            w[2 * k + 1] = uv[2 * i + 1];
            if (t != f) {
                t[k] = triangle[i];
            }
        }
        return new Samples(n, x, f, w, t);
    }
}
