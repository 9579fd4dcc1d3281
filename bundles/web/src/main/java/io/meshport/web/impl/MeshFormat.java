package io.meshport.web.impl;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.joml.primitives.AABBf;

import io.meshport.mesh.Attribute;
import io.meshport.mesh.AttributeStorage;
import io.meshport.mesh.Mesh;
import io.meshport.wire.WireArray;

/**
 * The page's geometry format: a small header, then the mesh's arrays as they are stored, as
 * little-endian float32 and int32 blocks, each starting at a multiple of 4 bytes so that the page
 * views them in place ({@code new Float32Array(buffer, offset, count)}) without copying.
 *
 * <pre>
 * offset  type       field
 * 0       char[4]    "MPMS"
 * 4       u32        format version (1)
 * 8       u32        header bytes: the first block starts here (a multiple of 4)
 * 12      u32        points
 * 16      u32        vertices (entries of the vertex list; 0 for a point cloud)
 * 20      u32        faces
 * 24      u32        blocks
 * 28      f32[6]     bounds: min x y z, max x y z
 * 52      f64        the entry's session version
 * 60      per block: u8 role (0 positions, 1 vertex list, 2 face counts, 3 attribute),
 *                    u8 type (0 float32, 1 int32), u8 owner (0 point, 1 vertex, 2 face, 3 detail),
 *                    u8 components per tuple, u32 elements, u16 name bytes, the UTF-8 name,
 *                    zero padding to a multiple of 4
 * header  the blocks in the order described, 4 bytes per element
 * </pre>
 *
 * Face counts are sent only when some face is not a triangle. Text attributes are not sent.
 *
 * <p>The blocks are streamed from the mesh's read-only buffer views through one small buffer per
 * response: the host never holds a second copy of a mesh for a viewer, whatever its size.
 */
final class MeshFormat {
    static final int VERSION = 1;
    static final int FIXED_HEADER = 60;
    static final int ROLE_POSITIONS = 0;
    static final int ROLE_INDICES = 1;
    static final int ROLE_FACE_COUNTS = 2;
    static final int ROLE_ATTRIBUTE = 3;
    /** Elements converted per write: 16K elements, a 64 KiB buffer per response. */
    private static final int CHUNK = 16 * 1024;

    /** One block: what it is and where its elements come from. */
    private record Block(int role, boolean floats, int owner, int size, String name, Buffer data) {
        int count() {
            return data.remaining();
        }
    }

    private final Mesh mesh;
    private final long version;
    private final List<Block> blocks = new ArrayList<>();
    private final byte[] header;

    /**
     * @param mesh the mesh
     * @param version its session version
     * @param attributeNames the attributes to send, when the mesh has them as floats or ints; null for all
     */
    MeshFormat(Mesh mesh, long version, Collection<String> attributeNames) {
        this.mesh = mesh;
        this.version = version;
        blocks.add(new Block(ROLE_POSITIONS, true, 0, 3, "P", mesh.positions()));
        if (!mesh.isPointCloud()) {
            blocks.add(new Block(ROLE_INDICES, false, 1, 1, "", mesh.indices()));
            if (!mesh.isTriangles()) {
                blocks.add(new Block(ROLE_FACE_COUNTS, false, 2, 1, "", mesh.faceCounts()));
            }
        }
        for (Attribute a : mesh.attributes().values()) {
            if (attributeNames != null && !attributeNames.contains(a.name())) {
                continue;
            }
            if (a.storage() == AttributeStorage.FLOAT) {
                blocks.add(new Block(ROLE_ATTRIBUTE, true, a.owner().ordinal(), a.size(), a.name(), a.floats()));
            } else if (a.storage() == AttributeStorage.INT) {
                blocks.add(new Block(ROLE_ATTRIBUTE, false, a.owner().ordinal(), a.size(), a.name(), a.ints()));
            }
        }
        this.header = header();
    }

    private byte[] header() {
        int size = FIXED_HEADER;
        List<byte[]> names = new ArrayList<>();
        for (Block b : blocks) {
            byte[] n = b.name().getBytes(StandardCharsets.UTF_8);
            names.add(n);
            size += pad4(10 + n.length);
        }
        ByteBuffer h = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        h.put("MPMS".getBytes(StandardCharsets.US_ASCII));
        h.putInt(VERSION).putInt(size).putInt(mesh.pointCount()).putInt(mesh.vertexCount()).putInt(mesh.faceCount())
                .putInt(blocks.size());
        AABBf b = mesh.bounds(new AABBf());
        h.putFloat(b.minX).putFloat(b.minY).putFloat(b.minZ).putFloat(b.maxX).putFloat(b.maxY).putFloat(b.maxZ);
        h.putDouble(version);
        for (int i = 0; i < blocks.size(); i++) {
            Block k = blocks.get(i);
            byte[] n = names.get(i);
            int start = h.position();
            h.put((byte) k.role()).put((byte) (k.floats() ? 0 : 1)).put((byte) k.owner()).put((byte) k.size());
            h.putInt(k.count()).putShort((short) n.length).put(n);
            h.position(start + pad4(10 + n.length));
        }
        return h.array();
    }

    private static int pad4(int n) {
        return (n + 3) & ~3;
    }

    /** @return the response's length in bytes */
    long length() {
        long n = header.length;
        for (Block b : blocks) {
            n += 4L * b.count();
        }
        return n;
    }

    /** Writes the header and the blocks. */
    void writeTo(OutputStream out) throws IOException {
        out.write(header);
        byte[] chunk = new byte[4 * CHUNK];
        for (Block b : blocks) {
            WireArray values = b.floats() ? WireArray.of((FloatBuffer) b.data()) : WireArray.of((IntBuffer) b.data());
            values.writeTo(out, chunk);
        }
    }
}
