package io.meshport.web.impl;

import java.nio.FloatBuffer;
import java.nio.IntBuffer;

import io.meshport.mesh.Attribute;
import io.meshport.mesh.AttributeOwner;
import io.meshport.mesh.AttributeStorage;
import io.meshport.mesh.Mesh;

/**
 * A mesh too large for a browser to draw, thinned for the page: every k-th point as a point cloud, with
 * its point attributes, so that at most a given number of points is sent. Faces are not drawn in a
 * preview (their corners alone could be tens of millions).
 */
final class MeshPreview {
    private MeshPreview() {
    }

    /** @return whether the mesh is too large to draw whole under this limit of points (its corners count three to a point) */
    static boolean needed(Mesh mesh, int maxPoints) {
        return mesh.pointCount() > maxPoints || (long) mesh.vertexCount() > 3L * maxPoints;
    }

    /** @return the step between the points kept */
    static int stride(Mesh mesh, int maxPoints) {
        return (int) Math.max(1, (mesh.pointCount() + (long) maxPoints - 1) / maxPoints);
    }

    /** @return every {@code stride}-th point of the mesh, as a point cloud with its point attributes */
    static Mesh of(Mesh mesh, int stride) {
        int n = (mesh.pointCount() + stride - 1) / stride;
        Mesh.Builder b = Mesh.builder().positions(take(mesh.positions(), 3, stride, n));
        for (Attribute a : mesh.attributes().values()) {
            if (a.owner() != AttributeOwner.POINT) {
                continue;
            }
            if (a.storage() == AttributeStorage.FLOAT) {
                b.attribute(Attribute.ofFloats(a.name(), AttributeOwner.POINT, a.size(), take(a.floats(), a.size(), stride, n)));
            } else if (a.storage() == AttributeStorage.INT) {
                b.attribute(Attribute.ofInts(a.name(), AttributeOwner.POINT, a.size(), take(a.ints(), a.size(), stride, n)));
            }
        }
        return b.build();
    }

    private static float[] take(FloatBuffer from, int size, int stride, int n) {
        float[] out = new float[n * size];
        for (int i = 0; i < n; i++) {
            from.get(i * stride * size, out, i * size, size);
        }
        return out;
    }

    private static int[] take(IntBuffer from, int size, int stride, int n) {
        int[] out = new int[n * size];
        for (int i = 0; i < n; i++) {
            from.get(i * stride * size, out, i * size, size);
        }
        return out;
    }
}
