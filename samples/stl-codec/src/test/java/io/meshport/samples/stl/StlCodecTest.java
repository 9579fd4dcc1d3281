package io.meshport.samples.stl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.meshport.codec.DecodeContext;
import io.meshport.codec.Payload;
import io.meshport.mesh.Attribute;
import io.meshport.mesh.AttributeOwner;
import io.meshport.mesh.Mesh;
import io.meshport.protocol.ErrorCode;
import io.meshport.protocol.MeshportException;
import io.meshport.session.SessionEntry;
import io.meshport.session.SessionValue;

class StlCodecTest {
    static final Pattern LOCATED = Pattern.compile("^stl: (byte \\d+|line \\d+ \\(byte \\d+\\)): .+", Pattern.DOTALL);

    private final StlCodec codec = new StlCodec();

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

    static byte[] binary(List<Tri> tris, String header) {
        ByteBuffer b = ByteBuffer.allocate(84 + 50 * tris.size()).order(ByteOrder.LITTLE_ENDIAN);
        byte[] h = Arrays.copyOf(header.getBytes(StandardCharsets.US_ASCII), 80);
        b.put(h).putInt(tris.size());
        for (Tri t : tris) {
            for (float[] f : new float[][] {t.n, t.a, t.b, t.c}) {
                b.putFloat(f[0]).putFloat(f[1]).putFloat(f[2]);
            }
            b.putShort((short) 0x1234);
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

    Mesh decode(byte[] file) {
        SessionValue v = codec.decode(Payload.ofBytes(file), context(Long.MAX_VALUE));
        assertEquals(SessionValue.KIND_MESH, v.kind());
        return (Mesh) v.value();
    }

    Mesh decode(String file) {
        return decode(file.getBytes(StandardCharsets.UTF_8));
    }

    MeshportException fails(byte[] file, ErrorCode code) {
        MeshportException e = assertThrows(MeshportException.class, () -> codec.decode(Payload.ofBytes(file), context(Long.MAX_VALUE)));
        assertEquals(code, e.code(), e.getMessage());
        assertTrue(LOCATED.matcher(e.getMessage()).matches(), e.getMessage());
        return e;
    }

    String fails(byte[] file) {
        return fails(file, ErrorCode.DECODE_FAILED).getMessage();
    }

    String fails(String file) {
        return fails(file.getBytes(StandardCharsets.UTF_8));
    }

    void failsWith(String file, String part) {
        String m = fails(file);
        assertTrue(m.contains(part), "'" + part + "' in: " + m);
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

    @Test
    void binaryCubeIsWeldedToEightPoints() {
        Mesh m = decode(binary(cube(), "a binary cube"));
        assertEquals(8, m.pointCount());
        assertEquals(12, m.faceCount());
        assertEquals(36, m.vertexCount());
        assertEquals(List.of("N"), List.copyOf(m.attributes().keySet()));
        sameTriangles(cube(), m);
        assertNull(m.name());
    }

    @Test
    void asciiCubeGivesTheSameMeshAsBinary() {
        Mesh b = decode(binary(cube(), ""));
        Mesh a = decode(ascii(cube(), "cube"));
        assertEquals("cube", a.name());
        assertEquals(b, a.toBuilder().name(null).build());
        Mesh unnamed = decode(ascii(cube(), ""));
        assertNull(unnamed.name());
        assertEquals(b, unnamed);
    }

    @Test
    void asciiKeywordsIgnoreCaseAndWhitespace() {
        String text = "\uFEFF  \r\nSOLID  My Part  \r\n\tFACET NORMAL 0 0 1.0E+00\r\nOuter Loop\r\n"
                + "VERTEX 0 0 0 vertex 1.5e0 0 0\n\n vertex\t0\t2.5\t-0\nENDLOOP\nEndFacet\nENDSOLID My Part";
        Mesh m = decode(text);
        assertEquals("My Part", m.name());
        assertEquals(3, m.pointCount());
        assertArrayEquals(new float[] {0, 0, 0, 1.5f, 0, 0, 0, 2.5f, 0}, m.positions(new float[9]));
        assertEquals(1f, m.attribute("N").getFloat(0, 2));
    }

    @Test
    void aBinaryHeaderThatStartsWithSolidIsStillBinary() {
        byte[] file = binary(cube(), "solid exported by a CAD program that writes binary STL");
        Mesh m = decode(file);
        assertEquals(8, m.pointCount());
        sameTriangles(cube(), m);
    }

    @Test
    void severalSolidsMakeOneMesh() {
        List<Tri> first = cube().subList(0, 6);
        List<Tri> second = cube().subList(6, 12);
        Mesh m = decode(ascii(first, "bottom half") + "\n" + ascii(second, "top half"));
        assertEquals("bottom half", m.name());
        assertEquals(12, m.faceCount());
        assertEquals(8, m.pointCount(), "welded across solids");
        sameTriangles(cube(), m);
        failsWith(ascii(first, "a") + "facet normal 0 0 1\n", "expected another 'solid' or the end of the file after 'endsolid', found 'facet'");
    }

    @Test
    void emptyFiles() {
        Mesh b = decode(binary(List.of(), "nothing"));
        assertEquals(0, b.pointCount());
        assertEquals(0, b.faceCount());
        Mesh a = decode("solid empty\nendsolid empty\n");
        assertEquals(0, a.pointCount());
        assertEquals("empty", a.name());
        failsWith("solid", "the file ends inside solid '' after 0 facets");
    }

    @Test
    void theSizeOfABinaryFileMustMatchItsCount() {
        byte[] file = binary(cube(), "binary");
        byte[] cut = Arrays.copyOf(file, file.length - 50);
        assertEquals("stl: byte 80: the binary header declares 12 triangles, so the file should have 84 + 50 × 12 = 684 bytes,"
                + " but it has 634 (50 missing: the file looks cut off)", fails(cut));
        byte[] longer = Arrays.copyOf(file, file.length + 2);
        assertTrue(fails(longer).endsWith("but it has 686 (2 too many)"));
        byte[] lying = file.clone();
        lying[80] = lying[81] = lying[82] = lying[83] = (byte) 0xff;
        assertTrue(fails(lying).contains("declares 4294967295 triangles"));
        assertEquals("stl: byte 0: 83 bytes are too few for binary STL (an 80-byte header and a 4-byte triangle count at least),"
                + " and they do not start with 'solid' as ASCII STL does", fails(Arrays.copyOf(file, 83)));
        assertTrue(fails(new byte[0]).startsWith("stl: byte 0: the payload is empty"));
        // "solid" at the start, the wrong size for binary, and binary inside: the message says both.
        byte[] solid = binary(cube(), "solid part");
        String m = fails(Arrays.copyOf(solid, solid.length - 1));
        assertTrue(m.contains("is not text: this file starts with 'solid' as ASCII STL does, but it is not ASCII STL,"
                + " and its size 683 does not match binary STL with the 12 triangles that bytes 80-83 would declare (684 bytes)"), m);
    }

    @Test
    void aBinaryFileCutAnywhereFails() {
        byte[] file = binary(cube(), "cube");
        for (int cut = 0; cut < file.length; cut++) {
            fails(Arrays.copyOf(file, cut));
        }
        byte[] solid = binary(cube(), "solid cube");
        for (int cut = 0; cut < solid.length; cut++) {
            fails(Arrays.copyOf(solid, cut));
        }
    }

    @Test
    void anAsciiFileCutAnywhereBeforeItsLastEndsolidFails() {
        String text = ascii(cube().subList(0, 3), "a") + ascii(cube().subList(3, 5), "b");
        int last = text.lastIndexOf("endsolid") + "endsolid".length();
        // Cut between the two solids, the file is one whole solid: that is a valid file.
        int firstEnd = text.indexOf("endsolid") + "endsolid".length();
        int second = text.indexOf("solid b");
        for (int cut = 0; cut < last; cut++) {
            if (cut >= firstEnd && cut <= second) {
                assertEquals(3, decode(text.substring(0, cut)).faceCount(), "one solid of 3 triangles");
                continue;
            }
            fails(text.substring(0, cut));
        }
        decode(text.substring(0, last));
    }

    @Test
    void asciiMistakesAreNamedWithTheirLine() {
        String one = "solid t\nfacet normal 0 0 1\nouter loop\nvertex 0 0 0\nvertex 1 0 0\nvertex 0 1 0\nendloop\nendfacet\nendsolid t\n";
        decode(one);
        assertEquals("stl: line 2 (byte 23): facet 0: expected the normal's y, a number, found 'a'",
                fails(one.replace("normal 0 0 1", "normal 0 a 1")));
        failsWith(one.replace("outer loop", "outer"), "line 4 (byte 33): facet 0: expected 'loop', found 'vertex'");
        failsWith(one.replace("vertex 1 0 0", "vertex 1 0"), "facet 0: expected the z of vertex 1, a number, found 'vertex'");
        failsWith(one.replace("endloop", "vertex 1 1 0\nendloop"),
                "facet 0: expected 'endloop' after 3 vertices (STL facets are triangles), found 'vertex'");
        failsWith(one.replace("facet normal", "facet"), "facet 0: expected 'normal', found '0'");
        failsWith(one.replace("endfacet", ""), "facet 0: expected 'endfacet', found 'endsolid'");
        failsWith(one.replace("facet normal 0 0 1", "facets normal 0 0 1"), "expected 'facet' or 'endsolid', found 'facets'");
        failsWith(one + "garbage", "expected another 'solid' or the end of the file after 'endsolid', found 'garbage'");
        failsWith(one.replace("endsolid t\n", ""), "the file ends inside solid 't' after 1 facets: expected 'facet' or 'endsolid'");
        failsWith(one.replace("vertex 0 1 0", "vertex 0 1 0x"), "found '0x'");
        failsWith(one.replace("vertex 0 1 0", "vertex 0 1 nan"), "found 'nan'");
        failsWith("solid x\n\u0001", "byte 0x01 is not text");
        MeshportException nan = fails(one.replace("vertex 0 1 0", "vertex 0 NaN 0").getBytes(StandardCharsets.US_ASCII),
                ErrorCode.INVALID_MESH);
        assertTrue(nan.getMessage().contains("vertex 2 of facet 0 is (0.0, NaN, 0.0); positions must be finite"), nan.getMessage());
        Mesh normalNaN = decode(one.replace("normal 0 0 1", "normal NaN 0 1"));
        assertTrue(Float.isNaN(normalNaN.attribute("N").getFloat(0, 0)), "normals are kept as given");
    }

    @Test
    void nonFiniteBinaryCornersAreInvalid() {
        List<Tri> tris = new ArrayList<>(cube());
        tris.set(5, new Tri(v(0, 0, 1), v(0, 0, 0), v(Float.POSITIVE_INFINITY, 0, 0), v(0, 1, 0)));
        MeshportException e = fails(binary(tris, "inf"), ErrorCode.INVALID_MESH);
        assertEquals("stl: byte " + (84 + 5 * 50 + 24) + ": vertex 1 of triangle 5 is (Infinity, 0.0, 0.0); positions must be finite",
                e.getMessage());
    }

    @Test
    void weldingIsByExactPositionWithNegativeZeroAsZero() {
        Random r = new Random(3);
        List<float[]> pool = new ArrayList<>();
        for (int i = 0; i < 6000; i++) {
            float x = r.nextInt(50) / 4f;
            pool.add(switch (i % 4) {
                case 0 -> v(x, r.nextFloat(), 0f);
                case 1 -> v(x, -0f, r.nextInt(10));
                case 2 -> v(Math.nextUp(x), 0f, r.nextInt(10)); // next to another point, not on it
                default -> v((float) r.nextGaussian(), (float) r.nextGaussian(), (float) r.nextGaussian());
            });
        }
        List<Tri> tris = new ArrayList<>();
        for (int t = 0; t < 20000; t++) {
            tris.add(new Tri(v(r.nextFloat(), 0, 0), pool.get(r.nextInt(pool.size())), pool.get(r.nextInt(pool.size())),
                    pool.get(r.nextInt(pool.size()))));
        }
        Map<List<Float>, Integer> reference = new HashMap<>();
        for (Tri t : tris) {
            for (int k = 0; k < 3; k++) {
                float[] c = t.corner(k);
                reference.putIfAbsent(List.of(c[0] + 0f, c[1] + 0f, c[2] + 0f), reference.size());
            }
        }
        Mesh b = decode(binary(tris, "random"));
        assertEquals(reference.size(), b.pointCount());
        sameTriangles(tris, b);
        int[] idx = new int[b.vertexCount()];
        b.indices().get(idx);
        for (int t = 0; t < tris.size(); t++) {
            for (int k = 0; k < 3; k++) {
                float[] c = tris.get(t).corner(k);
                assertEquals(reference.get(List.of(c[0] + 0f, c[1] + 0f, c[2] + 0f)), idx[3 * t + k], "points in first-seen order");
            }
        }
        Mesh a = decode(ascii(tris, ""));
        assertEquals(b, a, "ASCII written with Float.toString reads back to the same mesh");
        assertNotEquals(b.pointCount(), 3 * tris.size());
    }

    @Test
    void aMeshTooLargeForTheSessionIsOverloaded() {
        byte[] file = binary(cube(), "");
        MeshportException e = assertThrows(MeshportException.class, () -> codec.decode(Payload.ofBytes(file), context(200)));
        assertEquals(ErrorCode.OVERLOADED, e.code());
        byte[] text = ascii(cube(), "").getBytes(StandardCharsets.US_ASCII);
        e = assertThrows(MeshportException.class, () -> codec.decode(Payload.ofBytes(text), context(200)));
        assertEquals(ErrorCode.OVERLOADED, e.code());
        assertEquals(8, ((Mesh) codec.decode(Payload.ofBytes(file), context(24 * 12 + 36)).value()).pointCount());
    }

    @Test
    void theBodyMustBeAByteStringAndOnlyItsWindowIsRead() {
        byte[] file = binary(cube(), "");
        MeshportException e = assertThrows(MeshportException.class,
                () -> codec.decode(new Payload(file, 0, file.length, false), context(Long.MAX_VALUE)));
        assertEquals(ErrorCode.BAD_REQUEST, e.code());
        byte[] frame = new byte[file.length + 30];
        Arrays.fill(frame, (byte) 7);
        System.arraycopy(file, 0, frame, 11, file.length);
        assertEquals(8, ((Mesh) codec.decode(new Payload(frame, 11, file.length, true), context(Long.MAX_VALUE)).value()).pointCount());
        byte[] text = ascii(cube(), "w").getBytes(StandardCharsets.US_ASCII);
        frame = new byte[text.length + 30];
        Arrays.fill(frame, (byte) 'x');
        System.arraycopy(text, 0, frame, 5, text.length);
        assertEquals(12, ((Mesh) codec.decode(new Payload(frame, 5, text.length, true), context(Long.MAX_VALUE)).value()).faceCount());
    }

    @Test
    void randomDamageGivesOnlyMeshportErrors() {
        Random r = new Random(11);
        byte[][] goods = {binary(cube().subList(0, 4), "damaged"), binary(cube().subList(0, 4), "solid damaged"),
            ascii(cube().subList(0, 3), "damaged").getBytes(StandardCharsets.US_ASCII)};
        String noise = "0123456789 -.\n\rexfacetloopvertexsolid";
        for (byte[] good : goods) {
            for (int round = 0; round < 3000; round++) {
                byte[] bad = good.clone();
                int changes = 1 + r.nextInt(4);
                for (int c = 0; c < changes; c++) {
                    bad[r.nextInt(bad.length)] = r.nextInt(3) == 0 ? (byte) r.nextInt(256) : (byte) noise.charAt(r.nextInt(noise.length()));
                }
                if (r.nextInt(5) == 0) {
                    bad = Arrays.copyOf(bad, r.nextInt(bad.length + 8));
                }
                try {
                    decode(bad);
                } catch (MeshportException e) {
                    assertTrue(e.code() == ErrorCode.DECODE_FAILED || e.code() == ErrorCode.INVALID_MESH, e.getMessage());
                    assertTrue(LOCATED.matcher(e.getMessage()).matches(), e.getMessage());
                }
            }
        }
    }
}
