package io.meshport.samples.ply;

import java.util.Arrays;

import io.meshport.protocol.ErrorCode;
import io.meshport.protocol.MeshportException;

/**
 * The faces read so far, in growing flat arrays: the vertex list (one point per corner), the vertices
 * per face, and optionally a {@code uv} pair per corner. The vertices per face are kept only from the
 * first face that is not a triangle on: a triangle mesh (the usual case) needs none, and ten million
 * triangles would otherwise fill 40 MB with 3s. Each growth is checked against the session's memory
 * before it is made.
 */
final class Polygons {
    private final long availableBytes;
    private final int expectedFaces;
    private int[] indices;
    private int size;
    /** Vertices per face, null while every face is a triangle. */
    private int[] counts;
    private int faces;
    private float[] uv;

    /**
     * @param expectedFaces how many faces to make room for at first
     * @param withUv whether a uv pair is kept per corner
     * @param availableBytes how much the session can still take
     */
    Polygons(int expectedFaces, boolean withUv, long availableBytes) {
        this.availableBytes = availableBytes;
        this.expectedFaces = expectedFaces;
        int capacity = (int) Math.min(3L * expectedFaces, Integer.MAX_VALUE - 16);
        this.indices = new int[capacity];
        this.uv = withUv ? new float[2 * capacity] : null;
    }

    /** Makes room for a face of {@code n} corners. */
    void ensure(int n) {
        long want = (long) size + n;
        if (want > indices.length) {
            long bytes = (uv == null ? 4L : 12L) * want + 4L * faces;
            if (bytes > availableBytes) {
                throw new MeshportException(ErrorCode.OVERLOADED, "ply: the faces need more than " + bytes
                        + " bytes of session memory, but the session can take " + availableBytes + " more");
            }
            long grown = Math.min(Math.max(want, indices.length + (indices.length >> 1) + 16L), Integer.MAX_VALUE - 16L);
            if (grown < want || (uv != null && 2 * grown > Integer.MAX_VALUE - 16L)) {
                throw new MeshportException(ErrorCode.OVERLOADED, "ply: more than " + indices.length + " face vertices");
            }
            indices = Arrays.copyOf(indices, (int) grown);
            if (uv != null) {
                uv = Arrays.copyOf(uv, (int) (2 * grown));
            }
        }
        if (counts != null && faces == counts.length) {
            counts = Arrays.copyOf(counts, (int) Math.min(Integer.MAX_VALUE - 16L, counts.length + (counts.length >> 1) + 16L));
        }
    }

    /** Adds a corner of the face being read (after {@link #ensure}). */
    void corner(int point) {
        indices[size++] = point;
    }

    /** Sets the uv of corner {@code corner} (a number in the vertex list), which was added already. */
    void uv(int corner, float u, float v) {
        uv[2 * corner] = u;
        uv[2 * corner + 1] = v;
    }

    /** @return how many corners (vertices) there are so far */
    int corners() {
        return size;
    }

    /** Ends the face whose {@code n} corners were added. */
    void endFace(int n) {
        if (counts == null) {
            if (n == 3) {
                faces++;
                return;
            }
            counts = new int[Math.max(expectedFaces, faces + 16)]; // the first face that is not a triangle
            Arrays.fill(counts, 0, faces, 3);
        }
        counts[faces++] = n;
    }

    /** Adds a triangle (after {@link #ensure}{@code (3)}). */
    void triangle(int a, int b, int c) {
        indices[size++] = a;
        indices[size++] = b;
        indices[size++] = c;
        endFace(3);
    }

    int faces() {
        return faces;
    }

    /** Drops what was added after the first {@code keepCorners} corners and {@code keepFaces} faces. */
    void truncate(int keepCorners, int keepFaces) {
        size = keepCorners;
        faces = keepFaces;
    }

    /** @return the vertex list, exactly as long as needed */
    int[] indices() {
        return size == indices.length ? indices : Arrays.copyOf(indices, size);
    }

    /** @return the vertices per face, exactly as long as needed; null when every face is a triangle */
    int[] counts() {
        return counts == null || faces == counts.length ? counts : Arrays.copyOf(counts, faces);
    }

    /** @return the uv pairs per corner, exactly as long as needed, or null when not kept */
    float[] uv() {
        return uv == null ? null : uv.length == 2 * size ? uv : Arrays.copyOf(uv, 2 * size);
    }
}
