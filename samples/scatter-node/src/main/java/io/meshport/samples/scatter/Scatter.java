package io.meshport.samples.scatter;

import java.util.Locale;
import java.util.Objects;

import io.meshport.mesh.Attribute;
import io.meshport.mesh.AttributeOwner;
import io.meshport.mesh.Mesh;

/**
 * Scatters points on the surface of a mesh: independent area-weighted samples ({@link #random}) or an
 * evenly spread blue-noise set ({@link #poisson}). Both are single-threaded and deterministic: the
 * same source, count, seed and method give the same arrays.
 *
 * <p>The output is a point cloud with point attributes:
 * <ul>
 * <li>{@code N} (3 floats, unit length): interpolated from the source's point or vertex {@code N},
 * else the normal of the triangle the sample lies on;</li>
 * <li>each source attribute the {@link AttributeSelection} picks: point and vertex floats interpolated
 * barycentrically, point and vertex ints and text from the corner with the largest barycentric weight,
 * face attributes from the sample's face, detail attributes as they are;</li>
 * <li>{@code sourceFace} (int), {@code sourceUV} (2 floats: {@code P = (1-u-v) P0 + u P1 + v P2} over
 * the corners of the fan triangle), and for sources with a face of more than three vertices
 * {@code sourceFan} (int {@code k}: the fan triangle with the face's corners 0, k+1, k+2);</li>
 * <li>for Poisson, a detail float {@code minSpacing}.</li>
 * </ul>
 * Source attributes named like these outputs are never carried.
 */
public final class Scatter {
    /** The most points one call produces. */
    public static final int MAX_COUNT = 50_000_000;
    /** Candidates drawn per requested point by {@link #poisson}, as the paper recommends. */
    public static final int POISSON_CANDIDATES_PER_POINT = 5;
    /** The output normal. */
    public static final String NORMAL = "N";
    /** The output attribute holding each point's source face. */
    public static final String SOURCE_FACE = "sourceFace";
    /** The output attribute holding each point's barycentric (u, v) in its fan triangle. */
    public static final String SOURCE_UV = "sourceUV";
    /** The output attribute holding each point's fan triangle within a polygon face. */
    public static final String SOURCE_FAN = "sourceFan";
    /** The Poisson output's detail attribute holding the measured minimum spacing. */
    public static final String MIN_SPACING = "minSpacing";

    // Lower bounds of the working memory per requested point (arrays that are certainly allocated),
    // used only to refuse at once a count that cannot fit in this JVM's heap, rather than fail with an
    // OutOfMemoryError part way.
    private static final long RANDOM_BYTES_PER_POINT = 44;     // xyz, N, face, uv, sorted targets
    // Per candidate: samples 24, grid 28, pair buffer 80, weights and offsets 16 (the neighbour lists,
    // about 145 more on a smooth surface, depend on the geometry and are left out of the bound).
    private static final long POISSON_BYTES_PER_POINT = POISSON_CANDIDATES_PER_POINT * 148L;

    private Scatter() {
    }

    /**
     * Independent uniform samples of the surface: each lies on a triangle chosen with probability
     * proportional to its area, uniformly within it. Output is ordered by source triangle.
     *
     * <p>The uniforms that pick triangles are drawn already sorted (normalised running sums of
     * {@code count + 1} exponential variates, which are exactly the order statistics of {@code count}
     * independent uniforms), so one forward sweep of the area table serves all samples instead of a
     * binary search each. The generator is {@link java.util.SplittableRandom} (SplitMix64) seeded with
     * {@code seed}: {@code count + 1} calls of {@code nextExponential()}, then two {@code nextDouble()}
     * per sample for its place in the triangle.
     *
     * @param source the mesh to sample
     * @param table its table, {@link SurfaceTable#of(Mesh) built} from this mesh
     * @param count the number of points; 0 or less gives an empty result
     * @param seed the random seed
     * @param carry which source attributes to carry onto the points
     * @return the samples
     * @throws IllegalArgumentException when count is above {@link #MAX_COUNT} or cannot fit in the heap,
     *         when the source has no faces or no area, or when the table was built for another mesh
     */
    public static ScatterResult random(Mesh source, SurfaceTable table, int count, long seed,
            AttributeSelection carry) {
        int n = prepare("random", source, table, count, carry, RANDOM_BYTES_PER_POINT);
        Samples s = Samples.draw(source, table, n, seed);
        Mesh mesh = SampleAttributes.build(source, table, s, carry, null);
        return ScatterResult.random(mesh, s.xyz, n, table.totalArea());
    }

    /**
     * Exactly {@code count} points spread like a Poisson disk set, by weighted sample elimination
     * (Yuksel 2015): {@value #POISSON_CANDIDATES_PER_POINT}{@code ·count} candidates are drawn by
     * {@link #random} with the same seed, and the most crowded candidate is removed repeatedly until
     * {@code count} remain. Crowding is the sum over neighbours closer than {@code d_max = 2 r_max} of
     * {@code (1 - max(d, 2 r_min) / d_max)^8}, with {@code r_max = sqrt(A / (2 sqrt(3) count))} and
     * {@code r_min = r_max (1 - (count / candidates)^1.5) 0.65}. Distances are straight-line in 3D, so
     * points across a thin gap of a folded surface repel each other too.
     *
     * <p>Memory: about 1.5 KB per requested point at the peak of the call (five candidates each, with
     * about 18 neighbour entries apiece on a smooth surface), all of it garbage when the call returns.
     *
     * @param source the mesh to sample
     * @param table its table, {@link SurfaceTable#of(Mesh) built} from this mesh
     * @param count the number of points; 0 or less gives an empty result
     * @param seed the random seed
     * @param carry which source attributes to carry onto the points
     * @return the points, with the measured minimum spacing
     * @throws IllegalArgumentException when count is above {@link #MAX_COUNT} or cannot fit in the heap,
     *         when the source has no faces or no area, or when the table was built for another mesh
     */
    public static ScatterResult poisson(Mesh source, SurfaceTable table, int count, long seed,
            AttributeSelection carry) {
        int n = prepare("poisson", source, table, count, carry, POISSON_BYTES_PER_POINT);
        double area = table.totalArea();
        if (n == 0) {
            Samples none = Samples.draw(source, table, 0, seed);
            Mesh mesh = SampleAttributes.build(source, table, none, carry, minSpacingAttribute(Double.NaN));
            return ScatterResult.poisson(mesh, none.xyz, 0, Double.NaN, Double.NaN, area);
        }
        int candidates = POISSON_CANDIDATES_PER_POINT * n;
        double rMax = SampleElimination.maxRadius(area, n);
        double rMin = SampleElimination.minRadius(rMax, n, candidates);
        Samples all = Samples.draw(source, table, candidates, seed);
        int[] kept = SampleElimination.eliminate(all.xyz, candidates, n, 2 * rMax, 2 * rMin);
        Samples s = all.select(kept);
        // A first cell of d_max: the spacing elimination reaches is below it (about 0.7 d_max)
        double spacing = PointGrid.minDistance(s.xyz, n, 2 * rMax);
        Mesh mesh = SampleAttributes.build(source, table, s, carry, minSpacingAttribute(spacing));
        return ScatterResult.poisson(mesh, s.xyz, n, spacing, rMax, area);
    }

    private static Attribute minSpacingAttribute(double spacing) {
        return Attribute.ofFloats(MIN_SPACING, AttributeOwner.DETAIL, 1, new float[] {(float) spacing});
    }

    /** Checks the arguments; returns the number of points to make. */
    private static int prepare(String method, Mesh source, SurfaceTable table, int count,
            AttributeSelection carry, long bytesPerPoint) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(carry, "carry");
        table.checkBuiltFrom(source);
        if (count > MAX_COUNT) {
            throw new IllegalArgumentException(method + ": count " + count + " is above the limit of "
                    + String.format(Locale.ROOT, "%,d", MAX_COUNT) + " points");
        }
        if (count <= 0) {
            return 0;
        }
        table.checkSampleable();
        long need = count * bytesPerPoint;
        long max = Runtime.getRuntime().maxMemory();
        if (max != Long.MAX_VALUE && need > max) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "%s: %,d points need at least %,d MB of "
                    + "heap, more than this JVM's maximum of %,d MB", method, count, need >> 20, max >> 20));
        }
        return count;
    }

    /** Names the output defines itself, so a source attribute of that name is never carried. */
    static boolean isReserved(String name) {
        return name.equals(NORMAL) || name.equals(SOURCE_FACE) || name.equals(SOURCE_UV) || name.equals(SOURCE_FAN)
                || name.equals(MIN_SPACING);
    }
}
