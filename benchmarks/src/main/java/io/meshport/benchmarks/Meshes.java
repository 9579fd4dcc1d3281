package io.meshport.benchmarks;

import java.nio.ByteBuffer;
import java.util.List;

import io.meshport.mesh.Mesh;
import io.meshport.wire.CborWriter;
import io.meshport.wire.mesh.MeshCborWriter;

/** The meshes the benchmarks send, and their encodings. */
final class Meshes {
    private Meshes() {
    }

    /**
     * A wavy sheet of exactly {@code points} points and {@code triangles} triangles: the points on a
     * grid {@code side} wide, two triangles per cell, the cells wrapping around at the end so that any
     * count works. Deterministic.
     */
    static Mesh sheet(int points, int triangles) {
        int side = Math.max(2, (int) Math.round(Math.sqrt(points)));
        float[] p = new float[3 * points];
        for (int i = 0; i < points; i++) {
            float x = (float) (i % side) / side;
            float y = (float) (i / side) / side;
            p[3 * i] = x;
            p[3 * i + 1] = y;
            p[3 * i + 2] = (float) (0.05 * Math.sin(7 * x) * Math.cos(5 * y));
        }
        int[] idx = new int[3 * triangles];
        for (int t = 0; t < triangles; t++) {
            int c = (t >> 1) % points;
            int a = c;
            int b = (c + 1) % points;
            int d = (c + side) % points;
            int e = (c + side + 1) % points;
            idx[3 * t] = a;
            idx[3 * t + 1] = (t & 1) == 0 ? b : e;
            idx[3 * t + 2] = (t & 1) == 0 ? e : d;
        }
        return Mesh.builder().positions(p).indices(idx).build();
    }

    /** @return positions moved by a small wave of phase {@code phase} */
    static float[] moved(Mesh mesh, float phase) {
        float[] p = mesh.positions(new float[3 * mesh.pointCount()]);
        for (int i = 2; i < p.length; i += 3) {
            p[i] += 0.01f * (float) Math.sin(phase + p[i - 2] * 6);
        }
        return p;
    }

    /** @return the mesh codec's payload as the Java client sends it (typed arrays), in one array */
    static byte[] typedPayload(Mesh mesh) {
        return concat(MeshCborWriter.encode(mesh));
    }

    /** @return the positions-only update with {@code base} as the Java client sends it, in one array */
    static byte[] updatePayload(long base, float[] positions) {
        return concat(MeshCborWriter.encodePositionsUpdate(base, java.nio.FloatBuffer.wrap(positions)));
    }

    /**
     * The same mesh as a naive client sends it: plain CBOR arrays of numbers, each float a CBOR
     * float32 (or float64, as Python's cbor2 writes floats by default), each index the shortest
     * unsigned integer.
     */
    static byte[] plainPayload(Mesh mesh, boolean float64) {
        float[] p = mesh.positions(new float[3 * mesh.pointCount()]);
        int[] idx = new int[mesh.vertexCount()];
        mesh.indices().get(idx);
        CborWriter w = new CborWriter(p.length * (float64 ? 9 : 5) + idx.length * 5 + 64);
        w.mapHeader(2).text("positions").arrayHeader(p.length);
        for (float f : p) {
            if (float64) {
                w.float64(f);
            } else {
                w.float32(f);
            }
        }
        w.text("indices").arrayHeader(idx.length);
        for (int i : idx) {
            w.uint(i);
        }
        return w.toByteArray();
    }

    /**
     * A whole put frame: length prefix, then {@code {op: put, id, key, codec: mesh, body: payload}},
     * the payload inline (a CBOR item), exactly as the Java client lays it out.
     */
    static byte[] putFrame(String key, byte[] payload) {
        CborWriter w = new CborWriter(64 + key.length());
        w.mapHeader(5).text("op").text("put").text("id").uint(1).text("key").text(key).text("codec").text("mesh").text("body");
        byte[] env = w.toByteArray();
        ByteBuffer f = ByteBuffer.allocate(4 + env.length + payload.length);
        f.putInt(env.length + payload.length).put(env).put(payload);
        return f.array();
    }

    static byte[] concat(List<ByteBuffer> parts) {
        ByteBuffer all = ByteBuffer.allocate((int) MeshCborWriter.length(parts));
        for (ByteBuffer b : parts) {
            all.put(b.duplicate());
        }
        return all.array();
    }

    /** @return the bytes of the mesh's arrays as the host holds them (float32 and int32) */
    static long rawArrayBytes(Mesh mesh) {
        return 4L * (3L * mesh.pointCount() + mesh.vertexCount() + (mesh.isTriangles() ? 0 : mesh.faceCount()));
    }
}
