package io.meshport.samples.scatter;

import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.Objects;

import io.meshport.mesh.Mesh;

/**
 * The part of surface sampling that depends only on the source mesh: its fan triangulation and a
 * cumulative area table. Building it is a full pass over the mesh; sampling then only walks the table,
 * so a caller that scatters repeatedly on the same geometry (a node re-cooking with another seed or
 * count) builds it once and keeps it, keyed by the session version the mesh came from.
 *
 * <p>Immutable and safe to share between threads once {@link #of(Mesh)} returns.
 *
 * <p>For a mesh whose faces are all triangles, triangle {@code t} is face {@code t} with vertices
 * {@code 3t, 3t+1, 3t+2}, so nothing per triangle is stored beyond the area table: the mesh's own
 * vertex list is read when sampling, never copied. Polygon meshes store each fan triangle's face and
 * three vertex numbers (positions in the vertex list), because a fan triangle's place in the vertex
 * list cannot be found from its number without a search.
 */
public final class SurfaceTable {
    private final int pointCount;
    private final int vertexCount;
    private final int faceCount;
    private final int triangleCount;
    /** Inclusive running sum of triangle areas: {@code cumulative[t]} is the area of triangles 0..t. */
    private final double[] cumulative;
    private final double totalArea;
    /** The last triangle with a positive area, or -1; rounding can never select a triangle after it. */
    private final int lastPositive;
    /** Face of each fan triangle; null when every face is a triangle. */
    private final int[] triangleFace;
    /** Three vertex numbers per fan triangle, in fan order; null when every face is a triangle. */
    private final int[] triangleCorners;

    private SurfaceTable(Mesh source, double[] cumulative, int lastPositive, int[] triangleFace,
            int[] triangleCorners) {
        this.pointCount = source.pointCount();
        this.vertexCount = source.vertexCount();
        this.faceCount = source.faceCount();
        this.triangleCount = cumulative.length;
        this.cumulative = cumulative;
        this.totalArea = cumulative.length == 0 ? 0 : cumulative[cumulative.length - 1];
        this.lastPositive = lastPositive;
        this.triangleFace = triangleFace;
        this.triangleCorners = triangleCorners;
    }

    /**
     * Builds the table of a mesh. It succeeds for any valid mesh, also a point cloud or a mesh whose
     * faces all have zero area, so that a node can build it before knowing what will be asked; it is
     * sampling such a table that fails.
     *
     * @param source the mesh to sample later
     * @return the table
     */
    public static SurfaceTable of(Mesh source) {
        Objects.requireNonNull(source, "source");
        int triangles = source.triangleCount();
        double[] cumulative = new double[triangles];
        FloatBuffer p = source.positions();
        IntBuffer idx = source.indices();
        double sum = 0;
        int lastPositive = -1;
        if (source.isTriangles()) {
            for (int t = 0, v = 0; t < triangles; t++, v += 3) {
                double a = area(p, idx.get(v), idx.get(v + 1), idx.get(v + 2));
                if (a > 0) {
                    sum += a;
                    lastPositive = t;
                }
                cumulative[t] = sum;
            }
            return new SurfaceTable(source, cumulative, lastPositive, null, null);
        }
        int[] faceOf = new int[triangles];
        int[] corners = new int[3 * triangles];
        IntBuffer counts = source.faceCounts();
        int faces = source.faceCount();
        for (int f = 0, start = 0, t = 0; f < faces; start += counts.get(f), f++) {
            int n = counts.get(f);
            int p0 = idx.get(start);
            for (int k = 1; k < n - 1; k++, t++) {
                double a = area(p, p0, idx.get(start + k), idx.get(start + k + 1));
                if (a > 0) {
                    sum += a;
                    lastPositive = t;
                }
                cumulative[t] = sum;
                faceOf[t] = f;
                corners[3 * t] = start;
                corners[3 * t + 1] = start + k;
                corners[3 * t + 2] = start + k + 1;
            }
        }
        return new SurfaceTable(source, cumulative, lastPositive, faceOf, corners);
    }

    /** Area in double precision: a 2,000,000-triangle running sum in float would lose small triangles. */
    private static double area(FloatBuffer p, int a, int b, int c) {
        int i = 3 * a, j = 3 * b, k = 3 * c;
        double x0 = p.get(i), y0 = p.get(i + 1), z0 = p.get(i + 2);
        double e1x = p.get(j) - x0, e1y = p.get(j + 1) - y0, e1z = p.get(j + 2) - z0;
        double e2x = p.get(k) - x0, e2y = p.get(k + 1) - y0, e2z = p.get(k + 2) - z0;
        double cx = e1y * e2z - e1z * e2y;
        double cy = e1z * e2x - e1x * e2z;
        double cz = e1x * e2y - e1y * e2x;
        return 0.5 * Math.sqrt(cx * cx + cy * cy + cz * cz);
    }

    /** @return the number of fan triangles (zero-area ones included) */
    public int triangleCount() {
        return triangleCount;
    }

    /** @return the surface area, the sum of the triangle areas; 0 for a point cloud */
    public double totalArea() {
        return totalArea;
    }

    /** @return an estimate of the heap this table holds, in bytes */
    public long retainedBytes() {
        long b = 64 + 16 + 8L * cumulative.length;
        if (triangleFace != null) {
            b += 16 + 4L * triangleFace.length + 16 + 4L * triangleCorners.length;
        }
        return b;
    }

    /**
     * Refuses a mesh this table was not built from. Only the counts can be compared cheaply; a mesh
     * with the same topology but moved points passes, and would be sampled with stale areas.
     */
    void checkBuiltFrom(Mesh source) {
        if (source.pointCount() != pointCount || source.vertexCount() != vertexCount
                || source.faceCount() != faceCount) {
            throw new IllegalArgumentException("the surface table was built for a mesh of " + pointCount
                    + " points, " + vertexCount + " vertices and " + faceCount + " faces, not for this one ("
                    + source.pointCount() + " points, " + source.vertexCount() + " vertices, "
                    + source.faceCount() + " faces)");
        }
    }

    /** Throws the message a node shows when its input cannot be sampled. */
    void checkSampleable() {
        if (triangleCount == 0) {
            throw new IllegalArgumentException("the source has no faces (a point cloud or an empty mesh cannot "
                    + "be sampled)");
        }
        if (!(totalArea > 0)) {
            throw new IllegalArgumentException("the source's faces all have zero area");
        }
    }

    double[] cumulative() {
        return cumulative;
    }

    int lastPositive() {
        return lastPositive;
    }

    /** @return the face of each fan triangle, or null when triangle t is face t */
    int[] triangleFace() {
        return triangleFace;
    }

    /** @return three vertex numbers per fan triangle, or null when they are 3t, 3t+1, 3t+2 */
    int[] triangleCorners() {
        return triangleCorners;
    }
}
