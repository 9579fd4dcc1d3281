package io.meshport.mesh;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import org.joml.primitives.AABBf;
import org.joml.Matrix4fc;
import org.joml.Vector3f;

/**
 * Polygon mesh or point cloud geometry: points, a vertex list referring to points, faces as runs of
 * the vertex list, and named attributes. Everything is held in flat primitive arrays (three floats
 * per point, one int per vertex), so a mesh of a million points is a handful of objects.
 *
 * <p>A mesh is immutable once built and safe to share between threads. Arrays handed to the
 * {@link Builder} are adopted, not copied; readers get values, read-only buffers or copies.
 * {@link #toBuilder()} and {@link #transform(Matrix4fc)} share every array they do not change.
 *
 * <p>Conventions follow JOML: results go into a caller-supplied {@code dest}, which is returned.
 */
public final class Mesh {
    private final float[] positions;
    private final int[] indices;      // null: a point cloud
    private final int[] faceCounts;   // null: every face is a triangle (or a point cloud)
    private final int faceCount;
    private final Map<String, Attribute> attributes;
    private final String name;
    private final byte[] meta;        // one encoded CBOR map, or null
    private final float minX, minY, minZ, maxX, maxY, maxZ;
    private volatile int[] faceStarts; // computed on first random access to a polygon face

    private Mesh(MeshDraft d, float[] bounds) {
        this.positions = d.positions;
        this.indices = d.indices;
        this.faceCounts = d.faceCounts;
        this.faceCount = d.faceCounts != null ? d.faceCounts.length : d.indices == null ? 0 : d.indices.length / 3;
        this.attributes = Collections.unmodifiableMap(new LinkedHashMap<>(d.attributes));
        this.name = d.name;
        this.meta = d.meta;
        this.minX = bounds[0];
        this.minY = bounds[1];
        this.minZ = bounds[2];
        this.maxX = bounds[3];
        this.maxY = bounds[4];
        this.maxZ = bounds[5];
    }

    /** @return a builder for a new mesh */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder holding this mesh's arrays (shared, not copied), to make a changed copy.
     *
     * @return the builder
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        MeshDraft d = b.draft;
        d.positions = positions;
        d.indices = indices;
        d.faceCounts = faceCounts;
        d.attributes.putAll(attributes);
        d.name = name;
        d.meta = meta;
        d.trustedIndices = indices;
        d.trustedPointCount = pointCount();
        return b;
    }

    /** @return the number of points */
    public int pointCount() {
        return positions.length / 3;
    }

    /** @return the number of vertices (length of the vertex list); 0 for a point cloud */
    public int vertexCount() {
        return indices == null ? 0 : indices.length;
    }

    /** @return the number of faces; 0 for a point cloud */
    public int faceCount() {
        return faceCount;
    }

    /** @return the number of triangles when polygons are fan-triangulated */
    public int triangleCount() {
        return faceCounts == null ? faceCount : vertexCount() - 2 * faceCount;
    }

    /** @return true when the mesh has no vertex list (points only) */
    public boolean isPointCloud() {
        return indices == null;
    }

    /** @return true when every face is a triangle (also true for a point cloud) */
    public boolean isTriangles() {
        return faceCounts == null;
    }

    /**
     * Stores the position of a point in {@code dest}.
     *
     * @param point the point number
     * @param dest will hold the result
     * @return dest
     */
    public Vector3f position(int point, Vector3f dest) {
        int i = point * 3;
        return dest.set(positions[i], positions[i + 1], positions[i + 2]);
    }

    /** @return a read-only view of the positions, {@code x y z} per point, position 0 */
    public FloatBuffer positions() {
        return FloatBuffer.wrap(positions).asReadOnlyBuffer();
    }

    /**
     * Copies the positions into {@code dest}.
     *
     * @param dest an array of at least {@code 3 * pointCount()} floats
     * @return dest
     */
    public float[] positions(float[] dest) {
        System.arraycopy(positions, 0, dest, 0, positions.length);
        return dest;
    }

    /**
     * @param vertex a vertex number
     * @return the point it refers to
     */
    public int point(int vertex) {
        return indices[vertex];
    }

    /** @return a read-only view of the vertex list (empty for a point cloud), position 0 */
    public IntBuffer indices() {
        return IntBuffer.wrap(indices == null ? new int[0] : indices).asReadOnlyBuffer();
    }

    /**
     * @return a read-only view of the vertices per face, or null when every face is a triangle; a list
     *         of all 3 is never kept (the builder drops it)
     */
    public IntBuffer faceCounts() {
        return faceCounts == null ? null : IntBuffer.wrap(faceCounts).asReadOnlyBuffer();
    }

    /**
     * @param face a face number
     * @return the number of vertices of that face
     */
    public int faceVertexCount(int face) {
        if (face < 0 || face >= faceCount) {
            throw new IndexOutOfBoundsException("face " + face + " of " + faceCount);
        }
        return faceCounts == null ? 3 : faceCounts[face];
    }

    /**
     * @param face a face number
     * @return the number of that face's first vertex in the vertex list
     */
    public int faceStart(int face) {
        if (face < 0 || face >= faceCount) {
            throw new IndexOutOfBoundsException("face " + face + " of " + faceCount);
        }
        if (faceCounts == null) {
            return face * 3;
        }
        int[] starts = faceStarts;
        if (starts == null) {
            starts = new int[faceCount];
            for (int f = 0, s = 0; f < faceCount; s += faceCounts[f], f++) {
                starts[f] = s;
            }
            faceStarts = starts;
        }
        return starts[face];
    }

    /**
     * Calls {@code consumer} for each triangle, faces in order; a face of {@code n} vertices gives
     * {@code n - 2} triangles fanned from its first vertex.
     *
     * @param consumer receives the triangles
     */
    public void forEachTriangle(TriangleConsumer consumer) {
        if (indices == null) {
            return;
        }
        if (faceCounts == null) {
            for (int f = 0, v = 0; f < faceCount; f++, v += 3) {
                consumer.triangle(f, v, v + 1, v + 2);
            }
            return;
        }
        for (int f = 0, start = 0; f < faceCount; start += faceCounts[f], f++) {
            int n = faceCounts[f];
            for (int k = 1; k < n - 1; k++) {
                consumer.triangle(f, start, start + k, start + k + 1);
            }
        }
    }

    /** @return the attributes by name, in the order they were added; unmodifiable */
    public Map<String, Attribute> attributes() {
        return attributes;
    }

    /**
     * @param attributeName an attribute name
     * @return that attribute, or null if the mesh has none by that name
     */
    public Attribute attribute(String attributeName) {
        return attributes.get(attributeName);
    }

    /** @return the mesh's name, or null */
    public String name() {
        return name;
    }

    /** @return the {@code meta} map as one encoded CBOR item (read-only), or null when there is none */
    public ByteBuffer meta() {
        return meta == null ? null : ByteBuffer.wrap(meta).asReadOnlyBuffer();
    }

    /**
     * Stores the axis-aligned bounds of the points in {@code dest}; all zero for a mesh without points.
     *
     * @param dest will hold the result
     * @return dest
     */
    public AABBf bounds(AABBf dest) {
        return dest.setMin(minX, minY, minZ).setMax(maxX, maxY, maxZ);
    }

    /**
     * A copy with every position transformed by {@code matrix}; float attributes named {@code N} with
     * three components are transformed as normals (by the inverse transpose, then normalized).
     * Everything else is shared with this mesh.
     *
     * @param matrix the transformation
     * @return the transformed mesh
     */
    public Mesh transform(Matrix4fc matrix) {
        return MeshTransform.apply(this, positions, matrix);
    }

    /** @return an estimate of the heap this mesh holds, in bytes (arrays plus small overhead) */
    public long retainedBytes() {
        long b = 128 + 16 + 4L * positions.length;
        if (indices != null) {
            b += 16 + 4L * indices.length;
        }
        if (faceCounts != null) {
            b += 2 * (16 + 4L * faceCounts.length); // counts plus the lazily built starts
        }
        if (meta != null) {
            b += 16 + meta.length;
        }
        for (Attribute a : attributes.values()) {
            b += a.retainedBytes();
        }
        return b;
    }

    /**
     * Meshes are equal when their arrays, attributes, name and meta hold the same values.
     */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Mesh)) {
            return false;
        }
        Mesh m = (Mesh) o;
        return Arrays.equals(positions, m.positions) && Arrays.equals(indices, m.indices)
                && Arrays.equals(faceCounts, m.faceCounts) && attributes.equals(m.attributes)
                && Objects.equals(name, m.name) && Arrays.equals(meta, m.meta);
    }

    @Override
    public int hashCode() {
        return Objects.hash(pointCount(), vertexCount(), faceCount, name, attributes.keySet());
    }

    @Override
    public String toString() {
        return "Mesh[" + (name == null ? "" : name + ", ") + pointCount() + " points, " + vertexCount()
                + " vertices, " + faceCount + " faces, attributes " + attributes.keySet() + "]";
    }

    /**
     * Builds a {@link Mesh} and checks every rule of the mesh model (docs/protocol.md section 6). Arrays are
     * adopted, not copied: do not change an array after handing it to the builder.
     */
    public static final class Builder {
        private final MeshDraft draft = new MeshDraft(); // what it is given, and the checks of build()

        Builder() {
        }

        /**
         * @param xyz {@code x y z} per point; adopted
         * @return this
         */
        public Builder positions(float[] xyz) {
            draft.positions = xyz;
            return this;
        }

        /**
         * Copies {@code x y z} per point out of a buffer (for example a little-endian view of bytes
         * received) into a new array, checking them block by block while they are in the cache. For
         * data that has to be copied anyway this is faster than {@link #positions(float[])}, whose
         * array {@link #build()} must read once more. The same rules apply.
         *
         * @param xyz the positions, from its position to its limit; the buffer's position is moved to
         *        its limit
         * @return this
         * @since 1.1
         */
        public Builder copyPositions(FloatBuffer xyz) {
            return copyPositions(xyz, null);
        }

        /**
         * Copies positions as {@link #copyPositions(FloatBuffer)} does, from a buffer whose values may
         * still be arriving (a payload being received): block by block, each once {@code ready} says
         * it is there, so that the copy and its checks overlap the transfer.
         *
         * @param xyz the positions, from its position to its limit; the buffer's position is moved to
         *        its limit
         * @param ready {@code accept(k)} returns once the first {@code k} values from the buffer's
         *        position can be read (what it throws propagates); null when they all can
         * @return this
         * @since 1.2
         */
        public Builder copyPositions(FloatBuffer xyz, java.util.function.IntConsumer ready) {
            draft.copyPositions(xyz, ready);
            return this;
        }

        /**
         * Copies the vertex list out of a buffer (for example a little-endian view of bytes received)
         * into a new array. When positions were given first, the indices are checked against their
         * point count block by block while they are in the cache, so that {@link #build()} does not
         * read them all again. The same rules apply.
         *
         * @param vertexList the point of each vertex, from its position to its limit; the buffer's
         *        position is moved to its limit
         * @return this
         * @since 1.1
         */
        public Builder copyIndices(IntBuffer vertexList) {
            return copyIndices(vertexList, null);
        }

        /**
         * Copies the vertex list as {@link #copyIndices(IntBuffer)} does, from a buffer whose values may
         * still be arriving: block by block, each once {@code ready} says it is there.
         *
         * @param vertexList the point of each vertex, from its position to its limit; the buffer's
         *        position is moved to its limit
         * @param ready {@code accept(k)} returns once the first {@code k} values from the buffer's
         *        position can be read (what it throws propagates); null when they all can
         * @return this
         * @since 1.2
         */
        public Builder copyIndices(IntBuffer vertexList, java.util.function.IntConsumer ready) {
            draft.copyIndices(vertexList, ready);
            return this;
        }

        /**
         * @param vertexList the point of each vertex; null for a point cloud; adopted
         * @return this
         */
        public Builder indices(int[] vertexList) {
            draft.indices = vertexList;
            return this;
        }

        /**
         * @param counts vertices per face; null when every face is a triangle; adopted
         * @return this
         */
        public Builder faceCounts(int[] counts) {
            draft.faceCounts = counts;
            return this;
        }

        /**
         * Adds an attribute, replacing one of the same name.
         *
         * @param attribute the attribute
         * @return this
         */
        public Builder attribute(Attribute attribute) {
            draft.attributes.put(attribute.name(), attribute);
            return this;
        }

        /**
         * @param attributeName the attribute to remove, if present
         * @return this
         */
        public Builder removeAttribute(String attributeName) {
            draft.attributes.remove(attributeName);
            return this;
        }

        /**
         * @param meshName the mesh's name, or null
         * @return this
         */
        public Builder name(String meshName) {
            draft.name = meshName;
            return this;
        }

        /**
         * @param encodedMap the {@code meta} map as one encoded CBOR map, or null; adopted. The builder
         *        does not parse it: readers check it is a map.
         * @return this
         */
        public Builder meta(byte[] encodedMap) {
            draft.meta = encodedMap;
            return this;
        }

        /**
         * Checks every rule and builds the mesh.
         *
         * @return the mesh
         * @throws InvalidMeshException naming the field and the first bad element
         */
        public Mesh build() {
            float[] bounds = draft.check();
            return new Mesh(draft, bounds);
        }
    }
}
