package io.meshport.mesh;

import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * What a {@link Mesh.Builder} has been given, checked against every rule of the mesh model when it is
 * built. Arrays are adopted, not copied; it remembers which of them are already checked (copied in by
 * {@link MeshCopies}, or taken from a built mesh), so that building does not read them all again.
 */
final class MeshDraft {
    float[] positions;
    int[] indices;
    int[] faceCounts;
    final Map<String, Attribute> attributes = new LinkedHashMap<>();
    String name;
    byte[] meta;
    // Indices already checked against this point count (set by toBuilder and copyIndices), so an
    // update of positions only does not scan millions of indices again.
    int[] trustedIndices;
    int trustedPointCount = -1;
    // Positions made by copyPositions, all finite, and their bounds.
    private float[] checkedPositions;
    private float[] checkedBounds;

    /** @see Mesh.Builder#copyPositions(FloatBuffer, IntConsumer) */
    void copyPositions(FloatBuffer xyz, IntConsumer ready) {
        float[] out = new float[xyz.remaining()];
        float[] bounds = MeshCopies.positions(xyz, ready, out);
        this.positions = out;
        this.checkedPositions = bounds != null ? out : null;
        this.checkedBounds = bounds;
    }

    /** @see Mesh.Builder#copyIndices(IntBuffer, IntConsumer) */
    void copyIndices(IntBuffer vertexList, IntConsumer ready) {
        int[] out = new int[vertexList.remaining()];
        int points = positions == null || positions.length % 3 != 0 ? -1 : positions.length / 3;
        boolean inRange = MeshCopies.indices(vertexList, ready, out, points);
        this.indices = out;
        if (inRange) {
            trustedIndices = out;
            trustedPointCount = points;
        }
    }

    /**
     * Checks every rule (docs/protocol.md section 6), and drops a face count list that is all 3.
     *
     * @return the bounds of the positions: min x y z, max x y z
     * @throws InvalidMeshException naming the field and the first bad element
     */
    float[] check() {
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
        MeshChecks.checkAttributes(attributes.values(), points, indices == null ? 0 : indices.length, faces);
        return bounds;
    }
}
