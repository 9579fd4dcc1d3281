package io.meshport.api.test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.IntBuffer;
import java.nio.ReadOnlyBufferException;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.meshport.mesh.Mesh;

/** Faces, vertices, fan triangulation and point clouds. */
class MeshTopologyTest {

    /** Six points around a circle-ish outline, enough for a pentagon. */
    private static float[] sixPoints() {
        return new float[] {0, 0, 0, 1, 0, 0, 2, 1, 0, 1, 2, 0, 0, 2, 0, -1, 1, 0};
    }

    /** A triangle, a quad and a pentagon: 3 faces, 12 vertices. */
    private static Mesh mixed() {
        return Mesh.builder().positions(sixPoints())
                .indices(new int[] {0, 1, 2, /**/ 0, 2, 3, 4, /**/ 0, 1, 2, 3, 5})
                .faceCounts(new int[] {3, 4, 5}).build();
    }

    private static List<List<Integer>> triangles(Mesh m) {
        List<List<Integer>> out = new ArrayList<>();
        m.forEachTriangle((face, v0, v1, v2) -> out.add(List.of(face, v0, v1, v2)));
        return out;
    }

    private static int[] toArray(IntBuffer b) {
        int[] a = new int[b.remaining()];
        b.duplicate().get(a);
        return a;
    }

    @Test
    void faceCountsOfAll3AreDropped() {
        Mesh m = Mesh.builder().positions(sixPoints()).indices(new int[] {0, 1, 2, 0, 2, 3})
                .faceCounts(new int[] {3, 3}).build();
        assertNull(m.faceCounts());
        assertTrue(m.isTriangles());
        assertFalse(m.isPointCloud());
        assertEquals(2, m.faceCount());
        assertEquals(6, m.vertexCount());
        assertEquals(2, m.triangleCount());
        assertEquals(3, m.faceVertexCount(1));
        assertEquals(3, m.faceStart(1));
    }

    @Test
    void emptyFaceCountsWithEmptyIndicesAreDropped() {
        Mesh m = Mesh.builder().positions(sixPoints()).indices(new int[0]).faceCounts(new int[0]).build();
        assertNull(m.faceCounts());
        assertFalse(m.isPointCloud());
        assertEquals(0, m.faceCount());
        assertEquals(0, m.vertexCount());
        assertEquals(0, m.triangleCount());
    }

    @Test
    void triangleMeshWithoutFaceCounts() {
        Mesh m = Mesh.builder().positions(sixPoints()).indices(new int[] {0, 1, 2, 0, 2, 3, 0, 3, 4}).build();
        assertNull(m.faceCounts());
        assertTrue(m.isTriangles());
        assertEquals(6, m.pointCount());
        assertEquals(9, m.vertexCount());
        assertEquals(3, m.faceCount());
        assertEquals(3, m.triangleCount());
    }

    @Test
    void polygonMeshKeepsItsFaceCounts() {
        Mesh m = mixed();
        IntBuffer fc = m.faceCounts();
        assertNotNull(fc);
        assertTrue(fc.isReadOnly());
        assertEquals(0, fc.position());
        assertArrayEquals(new int[] {3, 4, 5}, toArray(fc));
        assertThrows(ReadOnlyBufferException.class, () -> fc.put(0, 9));
        assertFalse(m.isTriangles());
        assertFalse(m.isPointCloud());
        assertEquals(6, m.pointCount());
        assertEquals(12, m.vertexCount());
        assertEquals(3, m.faceCount());
    }

    @Test
    void aSingleNonTriangleKeepsTheList() {
        Mesh m = Mesh.builder().positions(sixPoints()).indices(new int[] {0, 1, 2, 0, 1, 2, 3})
                .faceCounts(new int[] {3, 4}).build();
        assertArrayEquals(new int[] {3, 4}, toArray(m.faceCounts()));
        assertEquals(3, m.triangleCount());
    }

    @Test
    void pointCloudHasNoVerticesFacesOrTriangles() {
        Mesh m = Mesh.builder().positions(sixPoints()).build();
        assertTrue(m.isPointCloud());
        assertTrue(m.isTriangles());
        assertEquals(6, m.pointCount());
        assertEquals(0, m.vertexCount());
        assertEquals(0, m.faceCount());
        assertEquals(0, m.triangleCount());
        assertNull(m.faceCounts());
        IntBuffer idx = m.indices();
        assertEquals(0, idx.remaining());
        assertTrue(idx.isReadOnly());
        assertEquals(List.of(), triangles(m));
        assertThrows(IndexOutOfBoundsException.class, () -> m.faceStart(0));
        assertThrows(IndexOutOfBoundsException.class, () -> m.faceVertexCount(0));
    }

    @Test
    void fanTriangulationOfMixedPolygons() {
        Mesh m = mixed();
        assertEquals(List.of(
                List.of(0, 0, 1, 2),
                List.of(1, 3, 4, 5),
                List.of(1, 3, 5, 6),
                List.of(2, 7, 8, 9),
                List.of(2, 7, 9, 10),
                List.of(2, 7, 10, 11)), triangles(m));
        assertEquals(6, m.triangleCount());
        assertEquals(triangles(m).size(), m.triangleCount());
    }

    @Test
    void triangleVerticesMapToPoints() {
        Mesh m = mixed();
        List<List<Integer>> points = new ArrayList<>();
        m.forEachTriangle((f, a, b, c) -> points.add(List.of(m.point(a), m.point(b), m.point(c))));
        assertEquals(List.of(
                List.of(0, 1, 2),
                List.of(0, 2, 3), List.of(0, 3, 4),
                List.of(0, 1, 2), List.of(0, 2, 3), List.of(0, 3, 5)), points);
    }

    @Test
    void fanTriangulationOfATriangleMesh() {
        Mesh m = Mesh.builder().positions(sixPoints()).indices(new int[] {5, 4, 3, 2, 1, 0}).build();
        assertEquals(List.of(List.of(0, 0, 1, 2), List.of(1, 3, 4, 5)), triangles(m));
        assertEquals(2, m.triangleCount());
    }

    @Test
    void faceStartAndVertexCountOfPolygons() {
        Mesh m = mixed();
        assertEquals(0, m.faceStart(0));
        assertEquals(3, m.faceStart(1));
        assertEquals(7, m.faceStart(2));
        // asked again (served from the lazily built table) and out of order
        assertEquals(7, m.faceStart(2));
        assertEquals(0, m.faceStart(0));
        assertEquals(3, m.faceVertexCount(0));
        assertEquals(4, m.faceVertexCount(1));
        assertEquals(5, m.faceVertexCount(2));
    }

    @Test
    void faceStartAndVertexCountOfTriangles() {
        Mesh m = Mesh.builder().positions(sixPoints()).indices(new int[] {0, 1, 2, 0, 2, 3, 0, 3, 4}).build();
        for (int f = 0; f < 3; f++) {
            assertEquals(3 * f, m.faceStart(f));
            assertEquals(3, m.faceVertexCount(f));
        }
    }

    @Test
    void faceArgumentsOutOfRange() {
        Mesh polygons = mixed();
        Mesh triangles = Mesh.builder().positions(sixPoints()).indices(new int[] {0, 1, 2, 0, 2, 3}).build();
        assertEquals("face 3 of 3", assertThrows(IndexOutOfBoundsException.class, () -> polygons.faceStart(3)).getMessage());
        assertEquals("face -1 of 3", assertThrows(IndexOutOfBoundsException.class, () -> polygons.faceStart(-1)).getMessage());
        assertEquals("face 3 of 3",
                assertThrows(IndexOutOfBoundsException.class, () -> polygons.faceVertexCount(3)).getMessage());
        assertEquals("face -1 of 3",
                assertThrows(IndexOutOfBoundsException.class, () -> polygons.faceVertexCount(-1)).getMessage());
        assertEquals("face 2 of 2", assertThrows(IndexOutOfBoundsException.class, () -> triangles.faceStart(2)).getMessage());
        assertEquals("face -1 of 2",
                assertThrows(IndexOutOfBoundsException.class, () -> triangles.faceStart(-1)).getMessage());
        assertEquals("face 2 of 2",
                assertThrows(IndexOutOfBoundsException.class, () -> triangles.faceVertexCount(2)).getMessage());
        assertEquals("face " + Integer.MIN_VALUE + " of 2",
                assertThrows(IndexOutOfBoundsException.class, () -> triangles.faceVertexCount(Integer.MIN_VALUE))
                        .getMessage());
    }

    @Test
    void indicesAreAReadOnlyView() {
        Mesh m = mixed();
        IntBuffer idx = m.indices();
        assertTrue(idx.isReadOnly());
        assertEquals(0, idx.position());
        assertArrayEquals(new int[] {0, 1, 2, 0, 2, 3, 4, 0, 1, 2, 3, 5}, toArray(idx));
        assertThrows(ReadOnlyBufferException.class, () -> idx.put(0, 5));
        assertThrows(ReadOnlyBufferException.class, () -> idx.array());
        // consuming one view does not move the next
        idx.get();
        assertEquals(0, m.indices().position());
        assertEquals(5, m.point(11));
    }
}
