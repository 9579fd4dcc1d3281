package io.meshport.mesh;

import org.joml.Matrix3f;
import org.joml.Matrix4fc;
import org.joml.Vector3f;

/**
 * Transforms a mesh by a matrix ({@link Mesh#transform}): its positions, and its normals {@code N} by
 * the matrix's inverse transpose; every other array is shared with the mesh transformed.
 */
final class MeshTransform {
    private MeshTransform() {
    }

    /**
     * @param mesh the mesh
     * @param positions its positions, only read
     * @param matrix the transformation
     * @return the transformed mesh
     */
    static Mesh apply(Mesh mesh, float[] positions, Matrix4fc matrix) {
        float[] out = new float[positions.length];
        Vector3f v = new Vector3f();
        for (int i = 0; i < out.length; i += 3) {
            matrix.transformPosition(v.set(positions[i], positions[i + 1], positions[i + 2]));
            out[i] = v.x;
            out[i + 1] = v.y;
            out[i + 2] = v.z;
        }
        Mesh.Builder b = mesh.toBuilder().positions(out);
        Attribute n = mesh.attribute("N");
        if (n != null && n.storage() == AttributeStorage.FLOAT && n.size() == 3) {
            Matrix3f normal = matrix.normal(new Matrix3f());
            float[] nd = new float[n.elementCount()];
            for (int t = 0, i = 0; i < nd.length; t++, i += 3) {
                n.get(t, v);
                normal.transform(v);
                float len = v.length();
                if (len > 0) {
                    v.div(len);
                }
                nd[i] = v.x;
                nd[i + 1] = v.y;
                nd[i + 2] = v.z;
            }
            b.attribute(Attribute.ofFloats("N", n.owner(), 3, nd));
        }
        return b.build();
    }
}
