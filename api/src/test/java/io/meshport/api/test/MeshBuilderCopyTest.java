package io.meshport.api.test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.Random;
import java.util.function.Supplier;

import org.joml.primitives.AABBf;
import org.junit.jupiter.api.Test;

import io.meshport.mesh.Mesh;

/**
 * {@link Mesh.Builder#copyPositions} and {@link Mesh.Builder#copyIndices} check while they copy; the
 * mesh, its bounds and every error must be exactly those of {@link Mesh.Builder#positions} and
 * {@link Mesh.Builder#indices} with the same values.
 */
class MeshBuilderCopyTest {

    private static Object outcome(Supplier<Mesh> build) {
        try {
            Mesh m = build.get();
            AABBf b = m.bounds(new AABBf());
            return m + " " + m.equals(m) + " bounds " + Float.floatToRawIntBits(b.minX) + "," + Float.floatToRawIntBits(b.minY) + ","
                    + Float.floatToRawIntBits(b.minZ) + "," + Float.floatToRawIntBits(b.maxX) + "," + Float.floatToRawIntBits(b.maxY) + ","
                    + Float.floatToRawIntBits(b.maxZ);
        } catch (RuntimeException e) {
            return e.getClass().getName() + ": " + e.getMessage();
        }
    }

    private static void assertSameAsArrays(float[] p, int[] idx, String what) {
        Object arrays = outcome(() -> Mesh.builder().positions(p.clone()).indices(idx == null ? null : idx.clone()).build());
        Object copied = outcome(() -> {
            Mesh.Builder b = Mesh.builder().copyPositions(FloatBuffer.wrap(p));
            return (idx == null ? b : b.copyIndices(IntBuffer.wrap(idx))).build();
        });
        assertEquals(arrays, copied, what);
        Object indicesFirst = outcome(() -> {
            Mesh.Builder b = Mesh.builder();
            if (idx != null) {
                b.copyIndices(IntBuffer.wrap(idx));
            }
            return b.copyPositions(FloatBuffer.wrap(p)).build();
        });
        assertEquals(arrays, indicesFirst, what + ", indices given first");
    }

    @Test
    void copiedArraysBuildExactlyTheSameMeshOrError() {
        Random r = new Random(7);
        for (int round = 0; round < 300; round++) {
            int points = r.nextInt(5000);
            float[] p = new float[3 * points + (round % 17 == 0 ? 1 : 0)];
            for (int i = 0; i < p.length; i++) {
                p[i] = r.nextInt(10) == 0 ? (r.nextBoolean() ? 0f : -0f) : (float) r.nextGaussian();
            }
            if (round % 5 == 0 && p.length > 0) {
                p[r.nextInt(p.length)] = new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}[r.nextInt(3)];
            }
            int[] idx = null;
            if (round % 3 != 0) {
                idx = new int[3 * r.nextInt(8000)];
                for (int i = 0; i < idx.length; i++) {
                    idx[i] = points == 0 ? 0 : r.nextInt(points);
                }
                if (round % 4 == 0 && idx.length > 0) {
                    idx[r.nextInt(idx.length)] = new int[] {-1, points, Integer.MIN_VALUE, Integer.MAX_VALUE}[r.nextInt(4)];
                }
            }
            assertSameAsArrays(p, idx, "round " + round);
        }
    }

    /**
     * From about 262,000 points the copies are split between two threads: the halves' bounds and
     * checks must add up to exactly the single-threaded result, wherever the bad value is.
     */
    @Test
    void largeArraysCopiedInTwoHalvesGiveTheSameMeshOrError() {
        Random r = new Random(11);
        int points = 400_001;
        float[] p = new float[3 * points];
        for (int i = 0; i < p.length; i++) {
            p[i] = (float) r.nextGaussian() * (i < p.length / 2 ? 1 : 3); // the extremes in the second half
        }
        int[] idx = new int[3 * 900_001];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = r.nextInt(points);
        }
        assertSameAsArrays(p, idx, "valid");
        for (int at : new int[] {0, p.length / 2 - 1, p.length / 2, p.length / 2 + 1, p.length - 1}) {
            float[] bad = p.clone();
            bad[at] = Float.NaN;
            assertSameAsArrays(bad, idx, "NaN at " + at);
        }
        for (int at : new int[] {1, idx.length / 2, idx.length - 2}) {
            int[] bad = idx.clone();
            bad[at] = points;
            assertSameAsArrays(p, bad, "index " + points + " at " + at);
        }
        // little-endian views of bytes from an offset, as the decoder hands them over
        java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate(8 + 4 * p.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        bytes.position(8);
        bytes.asFloatBuffer().put(p);
        FloatBuffer view = bytes.position(8).slice().order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        view.position(3).limit(p.length);
        Mesh m = Mesh.builder().copyPositions(view).build();
        assertEquals(p.length, view.position());
        assertArrayEquals(java.util.Arrays.copyOfRange(p, 3, p.length), m.positions(new float[p.length - 3]));
    }

    @Test
    void theBufferIsReadFromItsPositionToItsLimitAndLeftAtItsLimit() {
        FloatBuffer xyz = FloatBuffer.wrap(new float[] {9, 9, 0, 0, 0, 1, 0, 0, 0, 1, 0, 9});
        xyz.position(2).limit(11);
        IntBuffer idx = IntBuffer.wrap(new int[] {7, 0, 1, 2, 7});
        idx.position(1).limit(4);
        Mesh m = Mesh.builder().copyPositions(xyz).copyIndices(idx).build();
        assertArrayEquals(new float[] {0, 0, 0, 1, 0, 0, 0, 1, 0}, m.positions(new float[9]));
        assertEquals(11, xyz.position());
        assertEquals(4, idx.position());
        assertEquals(1, m.faceCount());
    }

    @Test
    void anUpdateOfPositionsOnlyChecksThePointCountAsBefore() {
        Mesh base = Mesh.builder().positions(new float[] {0, 0, 0, 1, 0, 0, 0, 1, 0}).indices(new int[] {0, 1, 2}).build();
        assertEquals(outcome(() -> base.toBuilder().positions(new float[] {0, 0, 0, 1, 0, 0}).build()),
                outcome(() -> base.toBuilder().copyPositions(FloatBuffer.wrap(new float[] {0, 0, 0, 1, 0, 0})).build()));
        assertEquals(outcome(() -> base.toBuilder().positions(new float[] {0, 0, 1, 1, 0, 1, 0, 1, 1}).build()),
                outcome(() -> base.toBuilder().copyPositions(FloatBuffer.wrap(new float[] {0, 0, 1, 1, 0, 1, 0, 1, 1})).build()));
    }
}
