package io.meshport.mesh;

/**
 * Receives the triangles of a mesh, polygons fan-triangulated. The three arguments after the face
 * are <em>vertex</em> numbers (positions in the vertex list), so that vertex attributes can be read;
 * {@link Mesh#point(int)} gives the point each one refers to.
 */
@FunctionalInterface
@org.osgi.annotation.versioning.ConsumerType
public interface TriangleConsumer {
    /**
     * @param face the face this triangle belongs to
     * @param v0 the face's first vertex (shared by every triangle of the fan)
     * @param v1 the triangle's second vertex
     * @param v2 the triangle's third vertex
     */
    void triangle(int face, int v0, int v1, int v2);
}
