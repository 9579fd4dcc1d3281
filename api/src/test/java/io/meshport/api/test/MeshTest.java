package io.meshport.api.test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.ReadOnlyBufferException;
import java.util.List;

import org.joml.Matrix4f;
import org.joml.Vector3f;
import org.joml.primitives.AABBf;
import org.junit.jupiter.api.Test;

import io.meshport.mesh.Attribute;
import io.meshport.mesh.AttributeOwner;
import io.meshport.mesh.InvalidMeshException;
import io.meshport.mesh.Mesh;

/** Reading a mesh, bounds, adoption of arrays, transform, equality and {@link Mesh#toBuilder()}. */
class MeshTest {
    private static final float EPS = 1e-6f;

    private static float[] quadPositions() {
        return new float[] {-1, -2, -3, 4, -2, 0, 4, 5, 0, -1, 5, 6};
    }

    private static Mesh quad() {
        return Mesh.builder().positions(quadPositions()).indices(new int[] {0, 1, 2, 3}).faceCounts(new int[] {4})
                .name("quad").build();
    }

    private static float[] floats(FloatBuffer b) {
        float[] a = new float[b.remaining()];
        b.duplicate().get(a);
        return a;
    }

    private static int[] ints(IntBuffer b) {
        int[] a = new int[b.remaining()];
        b.duplicate().get(a);
        return a;
    }

    private static void assertVector(float x, float y, float z, Vector3f v) {
        assertEquals(x, v.x, EPS, "x of " + v);
        assertEquals(y, v.y, EPS, "y of " + v);
        assertEquals(z, v.z, EPS, "z of " + v);
    }

    // --- reading -----------------------------------------------------------------------------

    @Test
    void positionReturnsDest() {
        Mesh m = quad();
        Vector3f dest = new Vector3f(9, 9, 9);
        assertSame(dest, m.position(2, dest));
        assertEquals(new Vector3f(4, 5, 0), dest);
        assertEquals(new Vector3f(-1, -2, -3), m.position(0, dest));
        assertEquals(new Vector3f(-1, 5, 6), m.position(3, new Vector3f()));
    }

    @Test
    void positionOutOfRangeThrows() {
        Mesh m = quad();
        assertThrows(IndexOutOfBoundsException.class, () -> m.position(4, new Vector3f()));
        assertThrows(IndexOutOfBoundsException.class, () -> m.position(-1, new Vector3f()));
    }

    @Test
    void boundsReturnsDest() {
        Mesh m = quad();
        AABBf dest = new AABBf();
        assertSame(dest, m.bounds(dest));
        assertEquals(-1f, dest.minX);
        assertEquals(-2f, dest.minY);
        assertEquals(-3f, dest.minZ);
        assertEquals(4f, dest.maxX);
        assertEquals(5f, dest.maxY);
        assertEquals(6f, dest.maxZ);
    }

    @Test
    void boundsOfASinglePoint() {
        Mesh m = Mesh.builder().positions(new float[] {1.5f, -2.5f, 3}).build();
        AABBf b = m.bounds(new AABBf());
        assertEquals(new AABBf(1.5f, -2.5f, 3, 1.5f, -2.5f, 3), b);
    }

    @Test
    void boundsOfNoPointsAreAllZero() {
        Mesh m = Mesh.builder().positions(new float[0]).build();
        assertEquals(0, m.pointCount());
        AABBf b = m.bounds(new AABBf(7, 7, 7, 8, 8, 8));
        assertEquals(0f, b.minX);
        assertEquals(0f, b.minY);
        assertEquals(0f, b.minZ);
        assertEquals(0f, b.maxX);
        assertEquals(0f, b.maxY);
        assertEquals(0f, b.maxZ);
        assertEquals(0, m.positions().remaining());
    }

    @Test
    void positionsIsAReadOnlyView() {
        Mesh m = quad();
        FloatBuffer p = m.positions();
        assertTrue(p.isReadOnly());
        assertEquals(0, p.position());
        assertEquals(12, p.remaining());
        assertArrayEquals(quadPositions(), floats(p));
        assertThrows(ReadOnlyBufferException.class, () -> p.put(0, 1f));
        assertThrows(ReadOnlyBufferException.class, () -> p.array());
        p.position(6);
        assertEquals(0, m.positions().position());
    }

    @Test
    void positionsCopyReturnsDest() {
        Mesh m = quad();
        float[] dest = new float[14];
        dest[13] = 42;
        assertSame(dest, m.positions(dest));
        float[] expected = new float[14];
        System.arraycopy(quadPositions(), 0, expected, 0, 12);
        expected[13] = 42;
        assertArrayEquals(expected, dest);
        dest[0] = 100;
        assertEquals(-1f, m.position(0, new Vector3f()).x);
    }

    @Test
    void nameMetaAndAttributesMap() {
        byte[] meta = {(byte) 0xa1, 0x61, 0x6b, 0x01}; // {"k": 1}
        Mesh m = Mesh.builder().positions(new float[3]).name("n").meta(meta)
                .attribute(Attribute.ofFloats("b", AttributeOwner.POINT, 1, new float[1]))
                .attribute(Attribute.ofFloats("a", AttributeOwner.POINT, 1, new float[1])).build();
        assertEquals("n", m.name());
        ByteBuffer mb = m.meta();
        assertTrue(mb.isReadOnly());
        byte[] got = new byte[mb.remaining()];
        mb.get(got);
        assertArrayEquals(meta, got);
        assertEquals(List.of("b", "a"), List.copyOf(m.attributes().keySet()));
        assertThrows(UnsupportedOperationException.class,
                () -> m.attributes().put("c", Attribute.ofFloats("c", AttributeOwner.POINT, 1, new float[1])));
        assertThrows(UnsupportedOperationException.class, () -> m.attributes().remove("a"));
        assertNull(m.attribute("c"));

        Mesh bare = Mesh.builder().positions(new float[3]).build();
        assertNull(bare.name());
        assertNull(bare.meta());
        assertTrue(bare.attributes().isEmpty());
    }

    // --- adoption ----------------------------------------------------------------------------

    @Test
    void builderAdoptsArrays() {
        float[] p = quadPositions();
        int[] idx = {0, 1, 2, 3};
        Mesh m = Mesh.builder().positions(p).indices(idx).faceCounts(new int[] {4}).build();
        // documented: arrays are adopted, not copied, so a change shows through (never do this)
        p[0] = 42;
        idx[3] = 1;
        assertEquals(42f, m.position(0, new Vector3f()).x);
        assertEquals(1, m.point(3));
    }

    @Test
    void toBuilderSharesArrays() {
        float[] p = quadPositions();
        int[] idx = {0, 1, 2, 3};
        float[] cd = new float[12];
        Mesh m = Mesh.builder().positions(p).indices(idx).faceCounts(new int[] {4})
                .attribute(Attribute.ofFloats("Cd", AttributeOwner.POINT, 3, cd)).build();
        Mesh copy = m.toBuilder().name("copy").build();
        assertEquals("copy", copy.name());
        assertSame(m.attribute("Cd"), copy.attribute("Cd"));
        p[1] = 77;
        idx[0] = 3;
        cd[0] = 0.5f;
        assertEquals(77f, copy.position(0, new Vector3f()).y);
        assertEquals(3, copy.point(0));
        assertEquals(0.5f, copy.attribute("Cd").getFloat(0, 0));
        assertEquals(77f, m.position(0, new Vector3f()).y);
    }

    // --- transform ---------------------------------------------------------------------------

    @Test
    void transformMovesPositions() {
        Mesh m = quad();
        Mesh t = m.transform(new Matrix4f().translation(1, 2, 3).scale(2, 1, 1));
        // (2x + 1, y + 2, z + 3)
        assertArrayEquals(new float[] {-1, 0, 0, 9, 0, 3, 9, 7, 3, -1, 7, 9}, floats(t.positions()), EPS);
        assertEquals(new AABBf(-1, 0, 0, 9, 7, 9), t.bounds(new AABBf()));
        assertEquals("quad", t.name());
        assertArrayEquals(new int[] {0, 1, 2, 3}, ints(t.indices()));
        assertArrayEquals(new int[] {4}, ints(t.faceCounts()));
        // the original is unchanged
        assertArrayEquals(quadPositions(), floats(m.positions()));
        assertEquals(new AABBf(-1, -2, -3, 4, 5, 6), m.bounds(new AABBf()));
    }

    @Test
    void transformRenormalizesNormalsByTheInverseTranspose() {
        // two points on the 45-degree plane x + y = 1 (plus one off it, unused by the normal)
        float[] p = {1, 0, 0, 0, 1, 0, 0, 1, 1};
        float s = (float) Math.sqrt(0.5);
        float[] n = {s, s, 0, s, s, 0, s, s, 0};
        float[] cd = {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f, 0.9f};
        Mesh m = Mesh.builder().positions(p).indices(new int[] {0, 1, 2})
                .attribute(Attribute.ofFloats("Cd", AttributeOwner.POINT, 3, cd))
                .attribute(Attribute.ofFloats("N", AttributeOwner.POINT, 3, n))
                .attribute(Attribute.ofFloats("uv", AttributeOwner.POINT, 2, new float[] {1, 1, 2, 2, 3, 3})).build();

        Mesh t = m.transform(new Matrix4f().scaling(2, 1, 1));

        // the plane becomes x/2 + y = 1, whose unit normal is (1, 2, 0)/sqrt(5), not (2, 1, 0)/sqrt(5)
        float a = (float) (1 / Math.sqrt(5)), b = (float) (2 / Math.sqrt(5));
        Attribute tn = t.attribute("N");
        assertEquals(AttributeOwner.POINT, tn.owner());
        assertEquals(3, tn.size());
        for (int i = 0; i < 3; i++) {
            Vector3f v = tn.get(i, new Vector3f());
            assertVector(a, b, 0, v);
            assertEquals(1f, v.length(), EPS);
        }
        // still perpendicular to the transformed plane's edge from point 0 to point 1
        Vector3f edge = t.position(1, new Vector3f()).sub(t.position(0, new Vector3f()));
        assertVector(-2, 1, 0, edge);
        assertEquals(0f, edge.dot(tn.get(0, new Vector3f())), EPS);

        // other attributes shared and untouched, order kept
        assertSame(m.attribute("Cd"), t.attribute("Cd"));
        assertSame(m.attribute("uv"), t.attribute("uv"));
        assertEquals(List.of("Cd", "N", "uv"), List.copyOf(t.attributes().keySet()));

        // the original keeps its normals and positions
        assertArrayEquals(new float[] {s, s, 0, s, s, 0, s, s, 0}, floats(m.attribute("N").floats()));
        assertArrayEquals(new float[] {1, 0, 0, 0, 1, 0, 0, 1, 1}, floats(m.positions()));
    }

    @Test
    void transformRenormalizesUnderUniformScale() {
        Mesh m = Mesh.builder().positions(new float[] {0, 0, 0})
                .attribute(Attribute.ofFloats("N", AttributeOwner.POINT, 3, new float[] {0, 0, 1})).build();
        Mesh t = m.transform(new Matrix4f().scaling(5).rotateX((float) Math.PI / 2));
        assertVector(0, -1, 0, t.attribute("N").get(0, new Vector3f()));
    }

    @Test
    void transformNormalsOwnedByVertices() {
        Mesh m = Mesh.builder().positions(new float[] {0, 0, 0, 1, 0, 0, 0, 1, 0}).indices(new int[] {0, 1, 2})
                .attribute(Attribute.ofFloats("N", AttributeOwner.VERTEX, 3, new float[] {1, 0, 0, 0, 1, 0, 0, 0, 1}))
                .build();
        Mesh t = m.transform(new Matrix4f().scaling(1, 4, 1));
        Attribute n = t.attribute("N");
        assertEquals(AttributeOwner.VERTEX, n.owner());
        assertVector(1, 0, 0, n.get(0, new Vector3f()));
        assertVector(0, 1, 0, n.get(1, new Vector3f()));
        assertVector(0, 0, 1, n.get(2, new Vector3f()));
    }

    @Test
    void transformLeavesOtherNAttributesAlone() {
        Attribute n2 = Attribute.ofFloats("N", AttributeOwner.POINT, 2, new float[] {1, 0});
        Mesh m = Mesh.builder().positions(new float[] {1, 1, 1}).attribute(n2).build();
        Mesh t = m.transform(new Matrix4f().scaling(3));
        assertSame(n2, t.attribute("N"));
        assertEquals(new Vector3f(3, 3, 3), t.position(0, new Vector3f()));

        Attribute ni = Attribute.ofInts("N", AttributeOwner.POINT, 3, new int[] {1, 0, 0});
        Mesh mi = Mesh.builder().positions(new float[] {1, 1, 1}).attribute(ni).build();
        assertSame(ni, mi.transform(new Matrix4f().scaling(1, 2, 3)).attribute("N"));
    }

    @Test
    void transformOfAPointCloudAndOfNoPoints() {
        Mesh cloud = Mesh.builder().positions(new float[] {1, 2, 3}).build();
        Mesh t = cloud.transform(new Matrix4f().translation(1, 1, 1));
        assertTrue(t.isPointCloud());
        assertEquals(new Vector3f(2, 3, 4), t.position(0, new Vector3f()));
        Mesh empty = Mesh.builder().positions(new float[0]).build();
        assertEquals(empty, empty.transform(new Matrix4f().translation(1, 1, 1)));
    }

    // --- equality ------------------------------------------------------------------------------

    @Test
    void equalsAndHashCodeByContent() {
        Mesh a = quad();
        Mesh b = quad();
        assertEquals(a, b);
        assertEquals(b, a);
        assertEquals(a.hashCode(), b.hashCode());
        assertEquals(a, a);
        assertNotEquals(a, null);
        assertNotEquals(a, "quad");

        assertNotEquals(a, a.toBuilder().name("other").build());
        assertNotEquals(a, a.toBuilder().name(null).build());
        assertNotEquals(a, a.toBuilder().positions(new float[] {-1, -2, -3, 4, -2, 0, 4, 5, 0, -1, 5, 7}).build());
        assertNotEquals(a, a.toBuilder().indices(new int[] {0, 1, 3, 2}).build());
        assertNotEquals(a, a.toBuilder().meta(new byte[] {(byte) 0xa0}).build());
        assertNotEquals(a, a.toBuilder().attribute(Attribute.ofInts("id", AttributeOwner.FACE, 1, new int[] {1})).build());
        assertNotEquals(a.toBuilder().attribute(Attribute.ofInts("id", AttributeOwner.FACE, 1, new int[] {1})).build(),
                a.toBuilder().attribute(Attribute.ofInts("id", AttributeOwner.FACE, 1, new int[] {2})).build());
        assertEquals(a.toBuilder().meta(new byte[] {(byte) 0xa0}).build(),
                quad().toBuilder().meta(new byte[] {(byte) 0xa0}).build());
    }

    @Test
    void triangleFaceCountsAreNotPartOfEquality() {
        float[] p = {0, 0, 0, 1, 0, 0, 0, 1, 0};
        Mesh with = Mesh.builder().positions(p.clone()).indices(new int[] {0, 1, 2}).faceCounts(new int[] {3}).build();
        Mesh without = Mesh.builder().positions(p.clone()).indices(new int[] {0, 1, 2}).build();
        assertEquals(with, without);
        assertEquals(with.hashCode(), without.hashCode());
        // a point cloud differs from a mesh with an empty vertex list
        Mesh cloud = Mesh.builder().positions(p.clone()).build();
        Mesh noFaces = Mesh.builder().positions(p.clone()).indices(new int[0]).build();
        assertNotEquals(cloud, noFaces);
    }

    @Test
    void toStringNamesCounts() {
        assertEquals("Mesh[quad, 4 points, 4 vertices, 1 faces, attributes []]", quad().toString());
    }

    // --- toBuilder ---------------------------------------------------------------------------

    @Test
    void toBuilderWithSamePointCountBuilds() {
        Mesh m = quad();
        Mesh moved = m.toBuilder().positions(new float[] {0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0}).build();
        assertEquals(4, moved.pointCount());
        assertArrayEquals(new int[] {0, 1, 2, 3}, ints(moved.indices()));
        assertArrayEquals(new int[] {4}, ints(moved.faceCounts()));
        assertEquals(new AABBf(0, 0, 0, 1, 1, 0), moved.bounds(new AABBf()));
        assertEquals("quad", moved.name());
    }

    @Test
    void toBuilderStillValidatesPositions() {
        float[] bad = new float[12];
        bad[7] = Float.NaN;
        InvalidMeshException e = assertThrows(InvalidMeshException.class,
                () -> quad().toBuilder().positions(bad).build());
        assertEquals("positions[7] is NaN (point 2); positions must be finite", e.getMessage());
    }

    @Test
    void toBuilderWithFewerPointsValidatesIndices() {
        Mesh m = quad();
        InvalidMeshException e = assertThrows(InvalidMeshException.class,
                () -> m.toBuilder().positions(new float[9]).build());
        assertEquals("indices[3] = 3 is out of range [0, 3)", e.getMessage());
    }

    @Test
    void toBuilderWithMorePointsBuilds() {
        Mesh m = quad().toBuilder().positions(new float[15]).build();
        assertEquals(5, m.pointCount());
        assertEquals(4, m.vertexCount());
    }

    @Test
    void toBuilderValidatesNewIndices() {
        Mesh m = quad();
        InvalidMeshException e = assertThrows(InvalidMeshException.class,
                () -> m.toBuilder().indices(new int[] {0, 1, 2, 4}).build());
        assertEquals("indices[3] = 4 is out of range [0, 4)", e.getMessage());
        e = assertThrows(InvalidMeshException.class,
                () -> m.toBuilder().positions(new float[12]).indices(new int[] {0, -1, 2, 3}).build());
        assertEquals("indices[1] = -1 is out of range [0, 4)", e.getMessage());
    }

    @Test
    void toBuilderValidatesNewFaceCountsAndAttributes() {
        Mesh m = quad();
        InvalidMeshException e = assertThrows(InvalidMeshException.class,
                () -> m.toBuilder().faceCounts(new int[] {3}).build());
        assertEquals("faceCounts sum to 3, but indices has 4 entries", e.getMessage());
        e = assertThrows(InvalidMeshException.class, () -> m.toBuilder().faceCounts(null).build());
        assertEquals("indices has 4 entries, not a multiple of 3 (without faceCounts every face is a triangle)",
                e.getMessage());
        e = assertThrows(InvalidMeshException.class,
                () -> m.toBuilder().indices(null).build());
        assertEquals("faceCounts is given without indices (a point cloud has no faces)", e.getMessage());
        Mesh withCd = m.toBuilder().attribute(Attribute.ofFloats("Cd", AttributeOwner.POINT, 3, new float[12])).build();
        e = assertThrows(InvalidMeshException.class,
                () -> withCd.toBuilder().positions(new float[15]).build());
        assertEquals("attributes.Cd.data has 12 elements, expected 15 (5 points x size 3)", e.getMessage());
    }

    @Test
    void toBuilderTrustsItsOwnIndicesForTheSamePointCount() {
        // documents the optimisation: indices taken over by toBuilder() are not scanned again while the
        // point count stays; they were checked when the mesh was built (arrays must not change after)
        int[] idx = {0, 1, 2, 3};
        Mesh m = Mesh.builder().positions(quadPositions()).indices(idx).faceCounts(new int[] {4}).build();
        idx[3] = 99; // breaks the contract on purpose
        Mesh trusted = m.toBuilder().positions(new float[12]).build();
        assertEquals(99, trusted.point(3));
        // a different point count scans them again
        InvalidMeshException e = assertThrows(InvalidMeshException.class,
                () -> m.toBuilder().positions(new float[15]).build());
        assertEquals("indices[3] = 99 is out of range [0, 5)", e.getMessage());
    }
}
