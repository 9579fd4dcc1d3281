package io.meshport.samples.scatter;

import io.meshport.mesh.Mesh;

/**
 * What a scatter produced: the point cloud and the numbers a node shows next to it.
 *
 * <p>Immutable and thread safe. For {@link Scatter#random random} results the minimum spacing is
 * measured on first request only (a grid pass over all points, which a plain random scatter should
 * not pay for unless someone looks) and remembered; Poisson results always carry it.
 */
public final class ScatterResult {
    private final Mesh mesh;
    private final float[] positions; // the array the mesh adopted; never written after construction
    private final int count;
    private final double targetRadius;
    private final double totalArea;
    private volatile Double minSpacing;

    private ScatterResult(Mesh mesh, float[] positions, int count, Double minSpacing, double targetRadius,
            double totalArea) {
        this.mesh = mesh;
        this.positions = positions;
        this.count = count;
        this.minSpacing = minSpacing;
        this.targetRadius = targetRadius;
        this.totalArea = totalArea;
    }

    static ScatterResult random(Mesh mesh, float[] positions, int count, double totalArea) {
        return new ScatterResult(mesh, positions, count, null, Double.NaN, totalArea);
    }

    static ScatterResult poisson(Mesh mesh, float[] positions, int count, double minSpacing, double targetRadius,
            double totalArea) {
        return new ScatterResult(mesh, positions, count, minSpacing, targetRadius, totalArea);
    }

    /** @return the samples as a point cloud (no vertex list) with their point attributes */
    public Mesh mesh() {
        return mesh;
    }

    /** @return the number of points */
    public int count() {
        return count;
    }

    /**
     * The smallest distance between two of the points (straight-line, not along the surface). For a
     * random scatter the first call measures it, which takes a pass over the points.
     *
     * @return that distance; NaN for fewer than two points
     */
    public double minSpacing() {
        Double d = minSpacing;
        if (d == null) {
            // Racing callers compute the same value; whichever write lands is the same number.
            d = PointGrid.minDistance(positions, count,
                    count > 0 ? SampleElimination.maxRadius(totalArea, count) : 1);
            minSpacing = d;
        }
        return d;
    }

    /**
     * The Poisson disk radius aimed at, {@code r_max = sqrt(A / (2 sqrt(3) count))}: the radius of
     * {@code count} disks in a hexagonal packing of the area, whose centres are {@code 2 r_max} apart.
     * That is the best spacing possible; sample elimination reaches about {@code 1.39 r_max} (measured
     * on planes, spheres and curved meshes), while the same number of random points has pairs closer
     * than {@code 0.07 r_max}.
     *
     * @return r_max; NaN for a random scatter or no points
     */
    public double targetRadius() {
        return targetRadius;
    }

    /** @return the source's surface area */
    public double totalArea() {
        return totalArea;
    }

    @Override
    public String toString() {
        return "ScatterResult[" + count + " points, area " + totalArea + ", target radius " + targetRadius
                + ", min spacing " + (minSpacing == null ? "not measured" : minSpacing) + "]";
    }
}
