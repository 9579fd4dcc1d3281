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
}
