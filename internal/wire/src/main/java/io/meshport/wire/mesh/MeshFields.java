package io.meshport.wire.mesh;

import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.ArrayList;
import java.util.List;

import io.meshport.mesh.Attribute;
import io.meshport.mesh.InvalidMeshException;
import io.meshport.mesh.Mesh;
import io.meshport.mesh.MeshReader.BaseResolver;

/** What the fields of a mesh map said, and the mesh they describe. */
final class MeshFields {
    float[] positions;
    /** Instead of {@link #positions}: float32 elements still in the payload. */
    FloatBuffer positionsView;
    int[] indices;
    /** Instead of {@link #indices}: int32 elements still in the payload. */
    IntBuffer indicesView;
    /** The uint32 elements of typed indices, as they were sent (signed, when null). */
    IntBuffer indicesUnsigned;
    int[] faceCounts;
    boolean hasIndices;
    boolean hasFaceCounts;
    String name;
    byte[] meta;
    long base = -1;
    /** A payload still arriving: the builder its arrays were copied into as they came. */
    Mesh.Builder builder;
    /** {@link #builder} was made on the base mesh. */
    boolean builderOnBase;
    boolean positionsCopied;
    boolean indicesCopied;
    final List<Attribute> attributes = new ArrayList<>();
    final List<String> seen = new ArrayList<>(8);

    /** Builds the mesh the fields describe (on the base mesh for an update with {@code base}). */
    Mesh assemble(BaseResolver resolver) {
        Mesh.Builder b;
        if (base >= 0) {
            if (hasIndices || hasFaceCounts) {
                throw new InvalidMeshException((hasIndices ? "indices" : "faceCounts")
                        + " must be absent in an update with base (the base mesh's are reused)");
            }
            if (positionsCopied && !builderOnBase) {
                // Copied as they came, before base said what they update: take them from a point cloud.
                positionsView = builder.build().positions();
                positionsCopied = false;
            }
            if (positionsCopied) {
                b = builder;
            } else {
                Mesh old = resolver.resolve(base);
                int count = positionsView != null ? positionsView.remaining() : positions != null ? positions.length : -1;
                if (count >= 0 && count != 3 * old.pointCount()) {
                    throw new InvalidMeshException("positions has " + count / 3.0 + " points, but the base mesh (version "
                            + base + ") has " + old.pointCount() + "; an update with base keeps the point count");
                }
                b = old.toBuilder();
                if (positionsView != null) {
                    b.copyPositions(positionsView);
                } else if (positions != null) {
                    b.positions(positions);
                }
            }
            if (seen.contains("name")) {
                b.name(name);
            }
            if (seen.contains("meta")) {
                b.meta(meta);
            }
        } else {
            b = builder != null ? builder : Mesh.builder();
            if (positionsCopied) {
                // copied as they arrived
            } else if (positionsView != null) {
                b.copyPositions(positionsView); // first, so that the indices are checked as they are copied
            } else {
                b.positions(positions);
            }
            if (indicesCopied) {
                // copied as they arrived
            } else if (indicesView != null) {
                b.copyIndices(indicesView);
            } else {
                b.indices(indices);
            }
            b.faceCounts(faceCounts).name(name).meta(meta);
        }
        for (Attribute a : attributes) {
            b.attribute(a);
        }
        try {
            return b.build();
        } catch (InvalidMeshException e) {
            throw uint32Problem(e);
        }
    }

    /**
     * @return for uint32 indices with an element above 2^31 - 1, the error naming the first such
     *         element as it was sent; else {@code e}
     */
    private InvalidMeshException uint32Problem(InvalidMeshException e) {
        if (indicesUnsigned != null) {
            for (int i = indicesUnsigned.position(); i < indicesUnsigned.limit(); i++) {
                int v = indicesUnsigned.get(i);
                if (v < 0) {
                    return new InvalidMeshException("indices[" + (i - indicesUnsigned.position()) + "] = "
                            + Integer.toUnsignedString(v) + " does not fit in int32");
                }
            }
        }
        return e;
    }
}
