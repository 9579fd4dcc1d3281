package io.meshport.samples.scatter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.meshport.mesh.Mesh;

class SurfaceTableTest {

    @Test
    void trianglesAndAreaOfATriangleMesh() {
        Mesh square = TestMeshes.unitSquare(5);
        SurfaceTable t = SurfaceTable.of(square);
        assertEquals(32, t.triangleCount());
        assertEquals(1.0, t.totalArea(), 1e-6);
    }

    @Test
    void polygonsAreFanTriangulated() {
        // a planar pentagon (a unit square with an extra point pushed out below) and a quad
        float[] p = {0, 0, 0, 0.5f, -0.5f, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0, 2, 0, 0, 2, 1, 0};
        Mesh m = Mesh.builder().positions(p).indices(new int[] {0, 1, 2, 3, 4, 2, 5, 6, 3})
                .faceCounts(new int[] {5, 4}).build();
        SurfaceTable t = SurfaceTable.of(m);
        assertEquals(5, t.triangleCount());
        assertEquals(m.triangleCount(), t.triangleCount());
        assertEquals(1.25 + 1, t.totalArea(), 1e-6);
    }

    /**
     * An all-triangle table keeps only its running areas (8 bytes a triangle); a polygon table also keeps
     * each fan triangle's face and corners.
     */
    @Test
    void allTriangleTablesStoreNothingPerTriangleButTheArea() {
        Mesh triangles = TestMeshes.perturbedTriangles(40, 40, 1).build();
        SurfaceTable t = SurfaceTable.of(triangles);
        assertTrue(t.retainedBytes() >= 8L * t.triangleCount());
        assertTrue(t.retainedBytes() < 8L * t.triangleCount() + 256, "retains " + t.retainedBytes());
        Mesh polygons = TestMeshes.perturbedPolygons(40, 40, 1).build();
        SurfaceTable p = SurfaceTable.of(polygons);
        assertTrue(p.retainedBytes() >= 24L * p.triangleCount(), "retains " + p.retainedBytes());
    }

    @Test
    void tablesOfUnsampleableMeshesCanBeBuilt() {
        Mesh cloud = Mesh.builder().positions(new float[] {0, 0, 0, 1, 1, 1}).build();
        assertEquals(0, SurfaceTable.of(cloud).triangleCount());
        assertEquals(0, SurfaceTable.of(cloud).totalArea());
        Mesh flat = Mesh.builder().positions(new float[] {0, 0, 0, 1, 1, 1, 2, 2, 2})
                .indices(new int[] {0, 1, 2, 2, 1, 0}).build();
        assertEquals(2, SurfaceTable.of(flat).triangleCount());
        assertEquals(0, SurfaceTable.of(flat).totalArea());
    }
}
