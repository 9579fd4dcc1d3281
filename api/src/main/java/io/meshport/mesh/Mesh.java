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
import org.joml.Matrix3f;
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

    private Mesh(Builder b, float[] bounds) {
        this.positions = b.positions;
        this.indices = b.indices;
        this.faceCounts = b.faceCounts;
        this.faceCount = b.faceCounts != null ? b.faceCounts.length : b.indices == null ? 0 : b.indices.length / 3;
        this.attributes = Collections.unmodifiableMap(new LinkedHashMap<>(b.attributes));
        this.name = b.name;
        this.meta = b.meta;
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
        b.positions = positions;
        b.indices = indices;
        b.faceCounts = faceCounts;
        b.attributes.putAll(attributes);
        b.name = name;
        b.meta = meta;
        b.trustedIndices = indices;
        b.trustedPointCount = pointCount();
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
        float[] out = new float[positions.length];
        Vector3f v = new Vector3f();
        for (int i = 0; i < out.length; i += 3) {
            matrix.transformPosition(v.set(positions[i], positions[i + 1], positions[i + 2]));
            out[i] = v.x;
            out[i + 1] = v.y;
            out[i + 2] = v.z;
        }
        Builder b = toBuilder().positions(out);
        Attribute n = attributes.get("N");
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
        private float[] positions;
        private int[] indices;
        private int[] faceCounts;
        private final Map<String, Attribute> attributes = new LinkedHashMap<>();
        private String name;
        private byte[] meta;
        // Indices already checked against this point count (set by toBuilder and copyIndices), so an
        // update of positions only does not scan millions of indices again.
        private int[] trustedIndices;
        private int trustedPointCount = -1;
        // Positions made by copyPositions, all finite, and their bounds.
        private float[] checkedPositions;
        private float[] checkedBounds;

        Builder() {
        }

        /**
         * @param xyz {@code x y z} per point; adopted
         * @return this
         */
        public Builder positions(float[] xyz) {
            this.positions = xyz;
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
            int n = xyz.remaining();
            float[] out = new float[n];
            float[] acc = null;
            if (n % 3 == 0) {
                int base = xyz.position();
                float[][] halves = {MeshChecks.newBounds(), MeshChecks.newBounds()};
                MeshChecks.inHalves(n, 3, ready != null, (start, end, half) -> {
                    for (int from = start; from < end; from += MeshChecks.COPY_BLOCK) {
                        int to = Math.min(end, from + MeshChecks.COPY_BLOCK);
                        if (ready != null) {
                            ready.accept(to);
                        }
                        xyz.get(base + from, out, from, to - from);
                        MeshChecks.accumulate(out, from, to, halves[half]);
                    }
                });
                xyz.position(xyz.limit());
                acc = halves[0];
                float[] b = halves[1];
                for (int k = 0; k < 3; k++) {
                    acc[k] = Math.min(acc[k], b[k]);
                    acc[k + 3] = Math.max(acc[k + 3], b[k + 3]);
                }
                acc[6] += b[6]; // NaN when either half held a value that is not finite
            } else {
                if (ready != null) {
                    ready.accept(n);
                }
                xyz.get(out); // build() reports the length
            }
            this.positions = out;
            boolean finite = acc != null && !Float.isNaN(acc[6]);
            this.checkedPositions = finite ? out : null;
            this.checkedBounds = !finite ? null : n == 0 ? new float[6] : Arrays.copyOf(acc, 6);
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
            int n = vertexList.remaining();
            int[] out = new int[n];
            int points = positions == null || positions.length % 3 != 0 ? -1 : positions.length / 3;
            int last = points - 1;
            int base = vertexList.position();
            int[] badHalves = new int[2];
            MeshChecks.inHalves(n, 1, ready != null, (start, end, half) -> {
                int bad = 0;
                for (int from = start; from < end; from += MeshChecks.COPY_BLOCK) {
                    int to = Math.min(end, from + MeshChecks.COPY_BLOCK);
                    if (ready != null) {
                        ready.accept(to);
                    }
                    vertexList.get(base + from, out, from, to - from);
                    for (int i = from; i < to; i++) {
                        int v = out[i];
                        bad |= (last - v) | v;
                    }
                }
                badHalves[half] = bad;
            });
            vertexList.position(vertexList.limit());
            int bad = badHalves[0] | badHalves[1];
            this.indices = out;
            if (points >= 0 && bad >= 0) {
                trustedIndices = out;
                trustedPointCount = points;
            }
            return this;
        }

        /**
         * @param vertexList the point of each vertex; null for a point cloud; adopted
         * @return this
         */
        public Builder indices(int[] vertexList) {
            this.indices = vertexList;
            return this;
        }

        /**
         * @param counts vertices per face; null when every face is a triangle; adopted
         * @return this
         */
        public Builder faceCounts(int[] counts) {
            this.faceCounts = counts;
            return this;
        }

        /**
         * Adds an attribute, replacing one of the same name.
         *
         * @param attribute the attribute
         * @return this
         */
        public Builder attribute(Attribute attribute) {
            attributes.put(attribute.name(), attribute);
            return this;
        }

        /**
         * @param attributeName the attribute to remove, if present
         * @return this
         */
        public Builder removeAttribute(String attributeName) {
            attributes.remove(attributeName);
            return this;
        }

        /**
         * @param meshName the mesh's name, or null
         * @return this
         */
        public Builder name(String meshName) {
            this.name = meshName;
            return this;
        }

        /**
         * @param encodedMap the {@code meta} map as one encoded CBOR map, or null; adopted. The builder
         *        does not parse it: readers check it is a map.
         * @return this
         */
        public Builder meta(byte[] encodedMap) {
            this.meta = encodedMap;
            return this;
        }

        /**
         * Checks every rule and builds the mesh.
         *
         * @return the mesh
         * @throws InvalidMeshException naming the field and the first bad element
         */
        public Mesh build() {
            if (positions == null) {
                throw new InvalidMeshException("positions is missing");
            }
            if (positions.length % 3 != 0) {
                throw new InvalidMeshException("positions has " + positions.length
                        + " numbers, not a multiple of 3 (x y z per point)");
            }
            float[] bounds = positions == checkedPositions ? checkedBounds : MeshChecks.checkPositions(positions);
            int points = positions.length / 3;
            int faces;
            if (indices == null) {
                if (faceCounts != null) {
                    throw new InvalidMeshException("faceCounts is given without indices (a point cloud has no faces)");
                }
                faces = 0;
            } else {
                if (indices != trustedIndices || points != trustedPointCount) {
                    MeshChecks.checkIndices(indices, points);
                }
                if (faceCounts == null) {
                    if (indices.length % 3 != 0) {
                        throw new InvalidMeshException("indices has " + indices.length
                                + " entries, not a multiple of 3 (without faceCounts every face is a triangle)");
                    }
                    faces = indices.length / 3;
                } else {
                    MeshChecks.checkFaceCounts(faceCounts, indices.length);
                    faces = faceCounts.length;
                    if (MeshChecks.allTriangles(faceCounts)) {
                        faceCounts = null;
                    }
                }
            }
            int vertices = indices == null ? 0 : indices.length;
            for (Attribute a : attributes.values()) {
                int count;
                String unit;
                switch (a.owner()) {
                    case POINT: count = points; unit = "points"; break;
                    case VERTEX: count = vertices; unit = "vertices"; break;
                    case FACE: count = faces; unit = "faces"; break;
                    default: count = 1; unit = "detail"; break;
                }
                long expected = (long) count * a.size();
                if (a.elementCount() != expected) {
                    throw new InvalidMeshException("attributes." + a.name() + ".data has " + a.elementCount()
                            + " elements, expected " + expected + " (" + count + " " + unit + " x size " + a.size()
                            + ")");
                }
            }
            return new Mesh(this, bounds);
        }
    }
}
