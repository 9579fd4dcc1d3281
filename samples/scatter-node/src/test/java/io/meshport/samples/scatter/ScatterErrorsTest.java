package io.meshport.samples.scatter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.meshport.mesh.Mesh;

class ScatterErrorsTest {
    private static final AttributeSelection NONE = AttributeSelection.none();

    @Test
    void aPointCloudCannotBeSampled() {
        Mesh cloud = Mesh.builder().positions(new float[] {0, 0, 0, 1, 0, 0, 0, 1, 0}).build();
        SurfaceTable t = SurfaceTable.of(cloud);
        for (boolean poisson : new boolean[] {false, true}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> scatter(poisson, cloud, t, 10));
            assertTrue(e.getMessage().contains("the source has no faces"), e.getMessage());
        }
    }

    @Test
    void aSourceWithoutAreaCannotBeSampled() {
        Mesh collinear = Mesh.builder().positions(new float[] {0, 0, 0, 1, 1, 1, 2, 2, 2, 0, 0, 0})
                .indices(new int[] {0, 1, 2, 3, 0, 1}).build();
        SurfaceTable t = SurfaceTable.of(collinear);
        for (boolean poisson : new boolean[] {false, true}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> scatter(poisson, collinear, t, 10));
            assertTrue(e.getMessage().contains("the source's faces all have zero area"), e.getMessage());
        }
    }

    @Test
    void countsAboveTheLimitAreRefused() {
        Mesh m = TestMeshes.unitSquare(3);
        SurfaceTable t = SurfaceTable.of(m);
        for (boolean poisson : new boolean[] {false, true}) {
            for (int count : new int[] {Scatter.MAX_COUNT + 1, Integer.MAX_VALUE}) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> scatter(poisson, m, t, count));
                assertTrue(e.getMessage().contains("50,000,000"), e.getMessage());
            }
        }
    }

    /** Counts below the hard limit that cannot fit in the heap fail at once, with a message, not an OOM. */
    @Test
    void countsThatCannotFitInTheHeapAreRefused() {
        long heapMb = Runtime.getRuntime().maxMemory() >> 20;
        // poisson needs at least 740 bytes per point: 50 million need 37 GB
        if (heapMb < 30_000) {
            Mesh m = TestMeshes.unitSquare(3);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Scatter.poisson(m, SurfaceTable.of(m), Scatter.MAX_COUNT, 1, NONE));
            assertTrue(e.getMessage().contains("MB of heap"), e.getMessage());
        }
    }

    @Test
    void negativeCountsGiveEmptyResults() {
        Mesh m = TestMeshes.unitSquare(3);
        SurfaceTable t = SurfaceTable.of(m);
        assertEquals(0, Scatter.random(m, t, -1, 1, NONE).count());
        assertEquals(0, Scatter.poisson(m, t, -1, 1, NONE).count());
        // nothing to sample: even an unsampleable source gives an empty result
        Mesh cloud = Mesh.builder().positions(new float[] {0, 0, 0}).build();
        assertEquals(0, Scatter.random(cloud, SurfaceTable.of(cloud), 0, 1, NONE).count());
    }

    @Test
    void aTableOfAnotherMeshIsRefused() {
        Mesh a = TestMeshes.unitSquare(3);
        Mesh b = TestMeshes.unitSquare(4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Scatter.random(b, SurfaceTable.of(a), 10, 1, NONE));
        assertTrue(e.getMessage().contains("surface table was built for"), e.getMessage());
    }

    @Test
    void aBadSelectionTokenIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AttributeSelection.parse("Cd 9lives"));
        assertTrue(e.getMessage().contains("'9lives'"), e.getMessage());
    }

    private static ScatterResult scatter(boolean poisson, Mesh m, SurfaceTable t, int count) {
        return poisson ? Scatter.poisson(m, t, count, 1, NONE) : Scatter.random(m, t, count, 1, NONE);
    }
}
