package io.meshport.samples.stl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import io.meshport.codec.DecodeContext;
import io.meshport.codec.Payload;
import io.meshport.mesh.Attribute;
import io.meshport.mesh.AttributeOwner;
import io.meshport.mesh.Mesh;
import io.meshport.protocol.ErrorCode;
import io.meshport.protocol.MeshportException;
import io.meshport.session.SessionEntry;
import io.meshport.session.SessionValue;

/** What the STL tests share: test files written here (cubes, random triangles), decoding, refusals. */
final class StlTesting {
    static final Pattern LOCATED = Pattern.compile("^stl: (byte \\d+|line \\d+ \\(byte \\d+\\)): .+", Pattern.DOTALL);

    private static final StlCodec CODEC = new StlCodec();

    private StlTesting() {
    }

    /** A triangle: normal, then three corners. */
    record Tri(float[] n, float[] a, float[] b, float[] c) {
        float[] corner(int k) {
            return k == 0 ? a : k == 1 ? b : c;
        }
    }

    static DecodeContext context(long available) {
        return new DecodeContext() {
            @Override
            public String key() {
                return "test/stl";
            }

            @Override
            public Optional<SessionEntry> current() {
                return Optional.empty();
            }

            @Override
            public long availableBytes() {
                return available;
            }

            @Override
            public void requireVersion(long version) {
            }
        };
    }

    static float[] v(float x, float y, float z) {
        return new float[] {x, y, z};
    }

    /** The unit cube: 12 triangles on 8 corners, outward normals. */
    static List<Tri> cube() {
        List<Tri> t = new ArrayList<>();
        float[][] p = {v(0, 0, 0), v(1, 0, 0), v(1, 1, 0), v(0, 1, 0), v(0, 0, 1), v(1, 0, 1), v(1, 1, 1), v(0, 1, 1)};
        int[][] quads = {{0, 3, 2, 1}, {4, 5, 6, 7}, {0, 1, 5, 4}, {2, 3, 7, 6}, {1, 2, 6, 5}, {3, 0, 4, 7}};
        float[][] normals = {v(0, 0, -1), v(0, 0, 1), v(0, -1, 0), v(0, 1, 0), v(1, 0, 0), v(-1, 0, 0)};
        for (int q = 0; q < 6; q++) {
            int[] f = quads[q];
            t.add(new Tri(normals[q], p[f[0]], p[f[1]], p[f[2]]));
            t.add(new Tri(normals[q], p[f[0]], p[f[2]], p[f[3]]));
        }
        return t;
    }

    /** Binary STL with zero attribute bytes. */
    static byte[] binary(List<Tri> tris, String header) {
        return binary(tris, header.getBytes(StandardCharsets.ISO_8859_1), new int[tris.size()]);
    }

    /** Binary STL with the given header bytes (padded to 80) and attribute word per triangle. */
    static byte[] binary(List<Tri> tris, byte[] header, int[] words) {
        ByteBuffer b = ByteBuffer.allocate(84 + 50 * tris.size()).order(ByteOrder.LITTLE_ENDIAN);
        b.put(Arrays.copyOf(header, 80)).putInt(tris.size());
        for (int i = 0; i < tris.size(); i++) {
            Tri t = tris.get(i);
            for (float[] f : new float[][] {t.n, t.a, t.b, t.c}) {
                b.putFloat(f[0]).putFloat(f[1]).putFloat(f[2]);
            }
            b.putShort((short) words[i]);
        }
        return b.array();
    }

    static String ascii(List<Tri> tris, String name) {
        StringBuilder s = new StringBuilder("solid ").append(name).append('\n');
        for (Tri t : tris) {
            s.append("  facet normal ").append(t.n[0]).append(' ').append(t.n[1]).append(' ').append(t.n[2]).append('\n');
            s.append("    outer loop\n");
            for (int k = 0; k < 3; k++) {
                float[] c = t.corner(k);
                s.append("      vertex ").append(c[0]).append(' ').append(c[1]).append(' ').append(c[2]).append('\n');
            }
            s.append("    endloop\n  endfacet\n");
        }
        return s.append("endsolid ").append(name).append('\n').toString();
    }

    static SessionValue value(byte[] file) {
        SessionValue v = CODEC.decode(Payload.ofBytes(file), context(Long.MAX_VALUE));
        assertEquals(SessionValue.KIND_MESH, v.kind());
        return v;
    }

    static Mesh decode(byte[] file) {
        return (Mesh) value(file).value();
    }

    static Mesh decode(String file) {
        return decode(file.getBytes(StandardCharsets.UTF_8));
    }

    /** @return the warnings of the put's summary (empty when it has none) */
    @SuppressWarnings("unchecked")
    static List<String> warnings(byte[] file) {
        return (List<String>) value(file).summary().getOrDefault("warnings", List.of());
    }

    static MeshportException fails(byte[] file, ErrorCode code) {
        MeshportException e = assertThrows(MeshportException.class, () -> CODEC.decode(Payload.ofBytes(file), context(Long.MAX_VALUE)));
        assertEquals(code, e.code(), e.getMessage());
        assertTrue(LOCATED.matcher(e.getMessage()).matches(), e.getMessage());
        return e;
    }

    static String fails(byte[] file) {
        return fails(file, ErrorCode.DECODE_FAILED).getMessage();
    }

    static String fails(String file) {
        return fails(file.getBytes(StandardCharsets.UTF_8));
    }

    static void failsWith(String file, String part) {
        String m = fails(file);
        assertTrue(m.contains(part), "'" + part + "' in: " + m);
    }

    static float[] floats(Attribute a) {
        float[] f = new float[a.elementCount()];
        a.floats().get(f);
        return f;
    }

    /** Checks that every triangle's corners and normal are where the file put them. */
    static void sameTriangles(List<Tri> tris, Mesh m) {
        assertEquals(tris.size(), m.faceCount());
        assertTrue(m.isTriangles());
        int[] idx = new int[m.vertexCount()];
        m.indices().get(idx);
        float[] xyz = m.positions(new float[3 * m.pointCount()]);
        Attribute n = m.attribute("N");
        assertEquals(AttributeOwner.FACE, n.owner());
        assertEquals(3, n.size());
        for (int t = 0; t < tris.size(); t++) {
            for (int k = 0; k < 3; k++) {
                int p = idx[3 * t + k];
                float[] c = tris.get(t).corner(k);
                for (int a = 0; a < 3; a++) {
                    assertEquals(c[a] + 0f, xyz[3 * p + a], "triangle " + t + " corner " + k);
                }
            }
            for (int a = 0; a < 3; a++) {
                assertEquals(tris.get(t).n[a], n.getFloat(t, a), "normal of " + t);
            }
        }
    }
}
