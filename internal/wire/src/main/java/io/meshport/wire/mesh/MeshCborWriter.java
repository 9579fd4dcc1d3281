package io.meshport.wire.mesh;

import io.meshport.wire.Cbor;
import io.meshport.wire.CborWriter;
import io.meshport.wire.WireArray;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.meshport.mesh.Attribute;
import io.meshport.mesh.Mesh;

/**
 * Encodes a {@link Mesh} as the {@code mesh} codec's map (docs/protocol.md section 6.7), arrays as
 * little-endian typed arrays: floats tag 85, indices and face counts tag 70, int attributes tag 78.
 * The result is a list of buffers: small CBOR pieces around one bulk-converted buffer per array, ready
 * for a gathering write after a frame header.
 */
public final class MeshCborWriter {
    private MeshCborWriter() {
    }

    /**
     * Encodes a whole mesh.
     *
     * @param mesh the mesh
     * @return buffers holding exactly one CBOR map
     */
    public static List<ByteBuffer> encode(Mesh mesh) {
        return encode(mesh, -1, true);
    }

    /**
     * Encodes a whole mesh with its arrays left to be converted while they are written.
     *
     * @param mesh the mesh
     * @return {@link ByteBuffer}s and {@link WireArray}s holding exactly one CBOR map, in order
     */
    public static List<Object> encodeLazily(Mesh mesh) {
        return parts(mesh, -1, true, true);
    }

    /**
     * Encodes a mesh, or an update of one.
     *
     * @param mesh the mesh
     * @param base for an update with {@code base}: the version it applies to; -1 for a whole mesh
     * @param withPositions whether to include positions (an attributes-only update leaves them out)
     * @return buffers holding exactly one CBOR map
     */
    public static List<ByteBuffer> encode(Mesh mesh, long base, boolean withPositions) {
        List<ByteBuffer> out = new ArrayList<>(16);
        for (Object part : parts(mesh, base, withPositions, false)) {
            out.add((ByteBuffer) part);
        }
        return out;
    }

    private static List<Object> parts(Mesh mesh, long base, boolean withPositions, boolean lazily) {
        List<Object> out = new ArrayList<>(16);
        CborWriter w = new CborWriter(256);
        boolean update = base >= 0;
        int fields = (withPositions ? 1 : 0)
                + (!update && !mesh.isPointCloud() ? 1 : 0)
                + (!update && !mesh.isTriangles() ? 1 : 0)
                + (mesh.attributes().isEmpty() ? 0 : 1)
                + (mesh.name() != null ? 1 : 0)
                + (mesh.meta() != null ? 1 : 0)
                + (update ? 1 : 0);
        w.mapHeader(fields);
        if (update) {
            w.text("base").uint(base);
        }
        if (withPositions) {
            w.text("positions");
            w = floats(out, w, mesh.positions(), lazily);
        }
        if (!update && !mesh.isPointCloud()) {
            w.text("indices");
            w = ints(out, w, mesh.indices(), TypedArray.TAG_UINT32_LE, lazily);
            if (!mesh.isTriangles()) {
                w.text("faceCounts");
                w = ints(out, w, mesh.faceCounts(), TypedArray.TAG_UINT32_LE, lazily);
            }
        }
        if (!mesh.attributes().isEmpty()) {
            w.text("attributes").mapHeader(mesh.attributes().size());
            for (Map.Entry<String, Attribute> e : mesh.attributes().entrySet()) {
                Attribute a = e.getValue();
                w.text(e.getKey()).mapHeader(4);
                w.text("owner").text(a.owner().wireName());
                w.text("size").uint(a.size());
                w.text("type").text(a.storage().wireName());
                w.text("data");
                switch (a.storage()) {
                    case FLOAT:
                        w = floats(out, w, a.floats(), lazily);
                        break;
                    case INT:
                        w = ints(out, w, a.ints(), TypedArray.TAG_SINT32_LE, lazily);
                        break;
                    default:
                        w.arrayHeader(a.elementCount());
                        for (String s : a.strings()) {
                            w.text(s);
                        }
                }
            }
        }
        if (mesh.name() != null) {
            w.text("name").text(mesh.name());
        }
        if (mesh.meta() != null) {
            w.text("meta");
            ByteBuffer meta = mesh.meta();
            out.add(w.toByteBuffer());
            out.add(meta);
            w = new CborWriter(64);
        }
        if (w.size() > 0) {
            out.add(w.toByteBuffer());
        }
        return out;
    }

    /**
     * Encodes an update of positions only: {@code {base, positions}}.
     *
     * @param base the version of the mesh being updated
     * @param positions {@code x y z} per point, as many points as the base mesh has
     * @return buffers holding exactly one CBOR map
     */
    public static List<ByteBuffer> encodePositionsUpdate(long base, FloatBuffer positions) {
        return encodePositionsUpdate(base, positions, null);
    }

    /**
     * Encodes an update of positions only, converting them into an array of the caller's.
     *
     * @param base the version of the mesh being updated
     * @param positions {@code x y z} per point
     * @param reuse an array of exactly {@code 4 * positions.remaining()} bytes to convert them into (its
     *        contents are overwritten), or null for a new one
     * @return buffers holding exactly one CBOR map; the last holds the positions, over an array
     */
    public static List<ByteBuffer> encodePositionsUpdate(long base, FloatBuffer positions, byte[] reuse) {
        List<ByteBuffer> out = new ArrayList<>(3);
        CborWriter w = new CborWriter(64);
        w.mapHeader(2).text("base").uint(base).text("positions");
        int n = positions.remaining();
        w.tag(TypedArray.TAG_FLOAT32_LE).header(Cbor.MAJOR_BYTES, 4L * n);
        out.add(w.toByteBuffer());
        out.add(WireArray.of(positions).toByteBuffer(reuse)); // converted now: the caller may reuse its array
        return out;
    }

    private static CborWriter floats(List<Object> out, CborWriter w, FloatBuffer src, boolean lazily) {
        return array(out, w, WireArray.of(src), TypedArray.TAG_FLOAT32_LE, lazily);
    }

    private static CborWriter ints(List<Object> out, CborWriter w, IntBuffer src, int tag, boolean lazily) {
        return array(out, w, WireArray.of(src), tag, lazily);
    }

    private static CborWriter array(List<Object> out, CborWriter w, WireArray data, int tag, boolean lazily) {
        w.tag(tag).header(Cbor.MAJOR_BYTES, data.byteLength());
        out.add(w.toByteBuffer());
        out.add(lazily ? data : data.toByteBuffer());
        return new CborWriter(128);
    }

    /**
     * @param parts buffers
     * @return their total remaining bytes
     */
    public static long length(List<ByteBuffer> parts) {
        long n = 0;
        for (ByteBuffer b : parts) {
            n += b.remaining();
        }
        return n;
    }
}
