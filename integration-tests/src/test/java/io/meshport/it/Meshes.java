package io.meshport.it;

import java.util.SplittableRandom;

import io.meshport.mesh.Attribute;
import io.meshport.mesh.AttributeOwner;
import io.meshport.mesh.Mesh;

/** Generated meshes for tests. */
final class Meshes {
    private Meshes() {
    }

    /**
     * @param points number of points
     * @param triangles number of triangles
     * @param seed random seed
     * @return a triangle soup of that size, with a float point attribute Cd and an int face attribute
     */
    static Mesh random(int points, int triangles, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] p = new float[3 * points];
        for (int i = 0; i < p.length; i++) {
            p[i] = (float) (r.nextDouble() * 200 - 100);
        }
        int[] idx = new int[3 * triangles];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = r.nextInt(points);
        }
        float[] cd = new float[3 * points];
        for (int i = 0; i < cd.length; i++) {
            cd[i] = (float) r.nextDouble();
        }
        int[] id = new int[triangles];
        for (int i = 0; i < id.length; i++) {
            id[i] = i;
        }
        return Mesh.builder().positions(p).indices(idx)
                .attribute(Attribute.ofFloats("Cd", AttributeOwner.POINT, 3, cd))
                .attribute(Attribute.ofInts("faceId", AttributeOwner.FACE, 1, id))
                .build();
    }

    /**
     * @param n quads along each side
     * @param height the z of every point
     * @return a flat n by n grid of quads (faceCounts 4) over [0, n] squared, with a point colour Cd
     */
    static Mesh grid(int n, float height) {
        int side = n + 1;
        float[] p = new float[3 * side * side];
        float[] cd = new float[3 * side * side];
        for (int y = 0, i = 0; y < side; y++) {
            for (int x = 0; x < side; x++, i += 3) {
                p[i] = x;
                p[i + 1] = y;
                p[i + 2] = height;
                cd[i] = (float) x / n;
                cd[i + 1] = (float) y / n;
                cd[i + 2] = 0.5f;
            }
        }
        int[] idx = new int[4 * n * n];
        int[] counts = new int[n * n];
        for (int y = 0, f = 0; y < n; y++) {
            for (int x = 0; x < n; x++, f++) {
                int a = y * side + x;
                idx[4 * f] = a;
                idx[4 * f + 1] = a + 1;
                idx[4 * f + 2] = a + side + 1;
                idx[4 * f + 3] = a + side;
                counts[f] = 4;
            }
        }
        return Mesh.builder().positions(p).indices(idx).faceCounts(counts)
                .attribute(Attribute.ofFloats("Cd", AttributeOwner.POINT, 3, cd)).build();
    }
}
