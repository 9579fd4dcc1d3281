package io.meshport.samples.ply;

import static io.meshport.samples.ply.PlyWriter.ASCII;
import static io.meshport.samples.ply.PlyWriter.BE;
import static io.meshport.samples.ply.PlyWriter.FORMATS;
import static io.meshport.samples.ply.PlyWriter.LE;
import static io.meshport.samples.ply.PlyWriter.list;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
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

class PlyCodecTest {
    static final String[] TYPES = {"char", "uchar", "short", "ushort", "int", "uint", "float", "double",
        "int8", "uint8", "int16", "uint16", "int32", "uint32", "float32", "float64"};
    /** Where every error points: "ply: byte N: " or "ply: line L (byte N): ". */
    static final Pattern LOCATED = Pattern.compile("^ply: (byte \\d+|line \\d+ \\(byte \\d+\\)): .+", Pattern.DOTALL);

    private final PlyCodec codec = new PlyCodec();

    static DecodeContext context(long available) {
        return new DecodeContext() {
            @Override
            public String key() {
                return "test/ply";
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

    Mesh decode(byte[] file) {
        SessionValue v = codec.decode(Payload.ofBytes(file), context(Long.MAX_VALUE));
        assertEquals(SessionValue.KIND_MESH, v.kind());
        return (Mesh) v.value();
    }

    MeshportException fails(byte[] file) {
        return fails(file, ErrorCode.DECODE_FAILED);
    }

    MeshportException fails(byte[] file, ErrorCode code) {
        MeshportException e = assertThrows(MeshportException.class, () -> codec.decode(Payload.ofBytes(file), context(Long.MAX_VALUE)));
        assertEquals(code, e.code(), e.getMessage());
        if (code == ErrorCode.DECODE_FAILED) {
            assertTrue(LOCATED.matcher(e.getMessage()).matches(), e.getMessage());
        }
        return e;
    }

    void failsWith(byte[] file, String part) {
        String m = fails(file).getMessage();
        assertTrue(m.contains(part), "'" + part + "' in: " + m);
    }

    static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    static float[] positions(Mesh m) {
        return m.positions(new float[3 * m.pointCount()]);
    }

    static float[] floats(Attribute a) {
        float[] f = new float[a.elementCount()];
        a.floats().get(f);
        return f;
    }

    static int[] indices(Mesh m) {
        int[] i = new int[m.vertexCount()];
        m.indices().get(i);
        return i;
    }

    /** A tetrahedron whose coordinates every type can hold (negative ones only for signed types). */
    static PlyWriter tetrahedron(String type) {
        boolean signed = !type.startsWith("u");
        double n = signed ? -1 : 3;
        PlyWriter w = new PlyWriter();
        w.element("vertex").prop(type, "x").prop(type, "y").prop(type, "z")
                .row(0, 0, 0).row(2, 0, n).row(0, 2, 1).row(1, 1, 2);
        w.element("face").list("uchar", "int", "vertex_indices")
                .row(list(0, 2, 1)).row(list(0, 1, 3)).row(list(1, 2, 3)).row(list(0, 3, 2));
        return w;
    }

    @Test
    void everyCoordinateTypeInEveryFormat() {
        for (String format : FORMATS) {
            for (String type : TYPES) {
                Mesh m = decode(tetrahedron(type).bytes(format));
                float n = type.startsWith("u") ? 3 : -1;
                assertArrayEquals(new float[] {0, 0, 0, 2, 0, n, 0, 2, 1, 1, 1, 2}, positions(m), format + " " + type);
                assertEquals(4, m.faceCount());
                assertTrue(m.isTriangles());
                assertNull(m.faceCounts(), "triangles only: no face counts");
                assertArrayEquals(new int[] {0, 2, 1, 0, 1, 3, 1, 2, 3, 0, 3, 2}, indices(m));
                assertTrue(m.attributes().isEmpty(), m.attributes().toString());
            }
        }
    }

    @Test
    void extremeValuesOfEachTypeSurviveInBinaryAndAscii() {
        double[][] values = {
            {-128, 127}, {0, 255}, {-32768, 32767}, {0, 65535},
            {Integer.MIN_VALUE, Integer.MAX_VALUE}, {0, 4294967295.0}, {-3.4e38, 1.17549435e-38}, {-1e300, 4.9e-324}};
        String[] types = {"char", "uchar", "short", "ushort", "int", "uint", "float", "double"};
        for (String format : FORMATS) {
            for (int t = 0; t < types.length; t++) {
                PlyWriter w = new PlyWriter();
                w.element("vertex").prop("float", "x").prop("float", "y").prop("float", "z").prop(types[t], "value")
                        .row(0, 0, 0, values[t][0]).row(1, 0, 0, values[t][1]);
                Mesh m = decode(w.bytes(format));
                float[] got = floats(m.attribute("value"));
                assertEquals((float) values[t][0], got[0], format + " " + types[t]);
                assertEquals((float) values[t][1], got[1], format + " " + types[t]);
            }
        }
    }

    @Test
    void normalsColorsAndAlphaBecomeNCdAndAlpha() {
        for (String format : FORMATS) {
            PlyWriter w = new PlyWriter();
            w.element("vertex").prop("float", "x").prop("float", "y").prop("float", "z")
                    .prop("float", "nx").prop("float", "ny").prop("float", "nz")
                    .prop("uchar", "red").prop("uchar", "green").prop("uchar", "blue").prop("uchar", "alpha")
                    .row(0, 0, 0, 0, 0, 1, 255, 0, 0, 255)
                    .row(1, 0, 0, 0, 0.6, 0.8, 0, 128, 0, 51)
                    .row(0, 1, 0, -1, 0, 0, 0, 0, 255, 0);
            w.element("face").list("uchar", "uint", "vertex_indices").row(list(0, 1, 2));
            Mesh m = decode(w.bytes(format));
            assertEquals(List.of("N", "Cd", "Alpha"), List.copyOf(m.attributes().keySet()));
            Attribute n = m.attribute("N");
            assertEquals(AttributeOwner.POINT, n.owner());
            assertEquals(3, n.size());
            assertArrayEquals(new float[] {0, 0, 1, 0, 0.6f, 0.8f, -1, 0, 0}, floats(n), format);
            Attribute cd = m.attribute("Cd");
            assertEquals(3, cd.size());
            assertArrayEquals(new float[] {1, 0, 0, 0, 128 / 255f, 0, 0, 0, 1}, floats(cd), format);
            Attribute alpha = m.attribute("Alpha");
            assertEquals(1, alpha.size());
            assertArrayEquals(new float[] {1, 0.2f, 0}, floats(alpha), format);
        }
    }

    @Test
    void floatSixteenBitAndDiffuseColors() {
        for (String format : FORMATS) {
            PlyWriter w = new PlyWriter();
            w.element("vertex").prop("double", "x").prop("double", "y").prop("double", "z")
                    .prop("float", "red").prop("float", "green").prop("float", "blue")
                    .row(0, 0, 0, 0.25, 0.5, 1).row(1, 1, 1, 0, 0, 0);
            Mesh m = decode(w.bytes(format));
            assertArrayEquals(new float[] {0.25f, 0.5f, 1, 0, 0, 0}, floats(m.attribute("Cd")), format);

            w = new PlyWriter();
            w.element("vertex").prop("float", "x").prop("float", "y").prop("float", "z")
                    .prop("ushort", "red").prop("ushort", "green").prop("ushort", "blue")
                    .row(0, 0, 0, 65535, 0, 13107);
            assertArrayEquals(new float[] {1, 0, 0.2f}, floats(decode(w.bytes(format)).attribute("Cd")), format);

            w = new PlyWriter();
            w.element("vertex").prop("float", "x").prop("float", "y").prop("float", "z")
                    .prop("uint8", "diffuse_red").prop("uint8", "diffuse_green").prop("uint8", "diffuse_blue")
                    .prop("uint8", "diffuse_alpha")
                    .row(0, 0, 0, 255, 51, 0, 255);
            Mesh d = decode(w.bytes(format));
            assertArrayEquals(new float[] {1, 0.2f, 0}, floats(d.attribute("Cd")), format);
            assertArrayEquals(new float[] {1}, floats(d.attribute("Alpha")), format);
        }
    }

    @Test
    void incompleteNormalsOrColorsStayPlainAttributes() {
        PlyWriter w = new PlyWriter();
        w.element("vertex").prop("float", "x").prop("float", "y").prop("float", "z")
                .prop("float", "nx").prop("float", "ny").prop("uchar", "red").prop("uchar", "green")
                .row(0, 0, 0, 0.5, 0.25, 255, 3);
        Mesh m = decode(w.bytes(LE));
        assertEquals(List.of("nx", "ny", "red", "green"), List.copyOf(m.attributes().keySet()));
        assertArrayEquals(new float[] {255}, floats(m.attribute("red")), "not scaled: not a color");
    }

    @Test
    void quadsAndPolygonsWithEveryListType() {
        String[][] listTypes = {{"uchar", "int"}, {"uchar", "uint"}, {"ushort", "int"}, {"int", "int"}, {"uint", "uint"},
            {"uint8", "int32"}, {"char", "uchar"}, {"short", "ushort"}, {"uint16", "int16"}, {"int8", "uint8"}};
        for (String format : FORMATS) {
            for (String[] lt : listTypes) {
                for (String listName : new String[] {"vertex_indices", "vertex_index"}) {
                    PlyWriter w = new PlyWriter();
                    w.element("vertex").prop("float", "x").prop("float", "y").prop("float", "z")
                            .row(0, 0, 0).row(1, 0, 0).row(1, 1, 0).row(0, 1, 0).row(2, 0.5, 0).row(0.5, 2, 0);
                    w.element("face").list(lt[0], lt[1], listName)
                            .row(list(0, 1, 2, 3)).row(list(1, 4, 2)).row(list(3, 2, 4, 5, 0));
                    Mesh m = decode(w.bytes(format));
                    String what = format + " " + String.join("/", lt) + " " + listName;
                    assertEquals(3, m.faceCount(), what);
                    assertEquals(12, m.vertexCount(), what);
                    assertEquals(4, m.faceVertexCount(0), what);
                    assertEquals(3, m.faceVertexCount(1), what);
                    assertEquals(5, m.faceVertexCount(2), what);
                    assertEquals(2 + 1 + 3, m.triangleCount(), what);
                    assertArrayEquals(new int[] {0, 1, 2, 3, 1, 4, 2, 3, 2, 4, 5, 0}, indices(m), what);
                }
            }
        }
    }

    @Test
    void unknownElementsAndPropertiesAreSkippedInAnyOrder() {
        for (String format : FORMATS) {
            PlyWriter w = new PlyWriter();
            w.element("material").prop("uchar", "r").list("uint", "float", "weights").prop("double", "shine")
                    .row(1, list(0.5, 0.25, 0.125), 2.5).row(2, list(), 3.5);
            w.element("face").prop("uchar", "flags").list("uchar", "int", "vertex_indices").list("uchar", "float", "texcoord")
                    .prop("float", "quality")
                    .row(7, list(0, 1, 2), list(0, 0, 1, 0, 0, 1), 0.5)
                    .row(8, list(0, 2, 3), list(), 1.5);
            w.element("edge").prop("int", "vertex1").prop("int", "vertex2").prop("uchar", "red")
                    .row(0, 1, 255).row(1, 2, 0).row(2, 0, 9);
            w.element("vertex").prop("float", "x").list("uchar", "float", "extra").prop("float", "y").prop("float", "z")
                    .row(0, list(9, 9), 0, 0).row(1, list(), 0, 0).row(1, list(1), 1, 0).row(0, list(1, 2, 3), 1, 0);
            w.element("tristrips").list("int", "int", "vertex_indices").row(list(0, 1, 2, -1, 3));
            Mesh m = decode(w.bytes(format));
            assertArrayEquals(new float[] {0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0}, positions(m), format);
            assertArrayEquals(new int[] {0, 1, 2, 0, 2, 3}, indices(m), format);
            assertTrue(m.attributes().isEmpty(), "a vertex list property is skipped: " + m.attributes());
        }
    }

    @Test
    void elementsWithoutPropertiesTakeNoRoom() {
        for (String format : FORMATS) {
            PlyWriter w = new PlyWriter();
            w.element("nothing").declare(2_000_000_000);
            w.element("vertex").prop("float", "x").prop("float", "y").prop("float", "z").row(1, 2, 3);
            assertArrayEquals(new float[] {1, 2, 3}, positions(decode(w.bytes(format))), format);
        }
    }

    @Test
    void commentsObjInfoBlankLinesAndCrlf() {
        for (String format : FORMATS) {
            PlyWriter w = new PlyWriter().crlf()
                    .header("comment made by a scanner: element vertex 99 property list")
                    .header("obj_info num_cols 640")
                    .header("comment")
                    .header("");
            w.element("vertex").prop("float", "x").prop("float", "y").prop("float", "z")
                    .row(0, 0, 0).row(1, 0, 0).row(0, 1, 0);
            w.element("face").list("uchar", "int", "vertex_indices").row(list(0, 1, 2));
            byte[] file = w.bytes(format);
            Mesh m = decode(file);
            assertEquals(3, m.pointCount(), format);
            assertEquals(1, m.faceCount(), format);
        }
        String text = "ply\nformat ascii 1.0\ncomment first\nelement vertex 2\ncomment between\nproperty float x\n"
                + "obj_info in the middle\nproperty float y\nproperty float z\ncomment last\nend_header\n"
                + "0 0 0\n\n  \t\n1.5\t2.5   3.5  \n\n";
        assertArrayEquals(new float[] {0, 0, 0, 1.5f, 2.5f, 3.5f}, positions(decode(ascii(text))), "blank lines and tabs");
    }

    @Test
    void pointCloudsAndZeroFaces() {
        for (String format : FORMATS) {
            PlyWriter w = new PlyWriter();
            w.element("vertex").prop("float", "x").prop("float", "y").prop("float", "z")
                    .prop("float", "confidence").prop("uchar", "intensity")
                    .row(0, 0, 0, 0.5, 10).row(1, 2, 3, 0.75, 200);
            Mesh cloud = decode(w.bytes(format));
            assertTrue(cloud.isPointCloud());
            assertEquals(2, cloud.pointCount());
            assertArrayEquals(new float[] {0.5f, 0.75f}, floats(cloud.attribute("confidence")));
            assertArrayEquals(new float[] {10, 200}, floats(cloud.attribute("intensity")), "other integers are not scaled");
            w.element("face").list("uchar", "int", "vertex_indices");
            Mesh none = decode(w.bytes(format));
            assertEquals(0, none.faceCount());
            assertEquals(2, none.pointCount());
        }
        assertEquals(0, decode(ascii("ply\nformat ascii 1.0\nelement vertex 0\nproperty float x\nproperty float y\n"
                + "property float z\nend_header\n")).pointCount());
    }

    @Test
    void otherScalarsBecomeFloatAttributesWhenTheirNameIsValid() {
        PlyWriter w = new PlyWriter();
        w.element("vertex").prop("float", "x").prop("float", "y").prop("float", "z")
                .prop("float", "quality").prop("short", "scalar_Intensity2").prop("float", "1st").prop("float", "a-b")
                .prop("float", "N").prop("float", "Cd").prop("int", "_id")
                .row(0, 0, 0, 0.5, -7, 1, 2, 3, 4, 42);
        Mesh m = decode(w.bytes(BE));
        assertEquals(List.of("quality", "scalar_Intensity2", "_id"), List.copyOf(m.attributes().keySet()));
        assertArrayEquals(new float[] {-7}, floats(m.attribute("scalar_Intensity2")));
        assertArrayEquals(new float[] {42}, floats(m.attribute("_id")));
    }

    @Test
    void binaryAndAsciiOfManyRandomValuesAgree() {
        Random r = new Random(7);
        PlyWriter w = new PlyWriter();
        PlyWriter.Element v = w.element("vertex").prop("float", "x").prop("float", "y").prop("float", "z")
                .prop("double", "nx").prop("double", "ny").prop("double", "nz");
        int n = 3000;
        float[] xyz = new float[3 * n];
        for (int i = 0; i < n; i++) {
            float x = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(12) - 6));
            float y = r.nextFloat();
            float z = (float) r.nextInt(1000) / 8;
            xyz[3 * i] = x;
            xyz[3 * i + 1] = y;
            xyz[3 * i + 2] = z;
            v.row(x, y, z, r.nextDouble(), r.nextGaussian() * 1e-9, 1.0 / (i + 1));
        }
        PlyWriter.Element f = w.element("face").list("uchar", "int", "vertex_indices");
        for (int i = 0; i + 3 < n; i += 2) {
            f.row(i % 3 == 0 ? list(i, i + 1, i + 2, i + 3) : list(i, i + 2, i + 1));
        }
        Mesh a = decode(w.bytes(ASCII));
        Mesh le = decode(w.bytes(LE));
        Mesh be = decode(w.bytes(BE));
        assertArrayEquals(xyz, positions(a), "ASCII floats written by Float.toString read back exactly");
        assertEquals(a, le);
        assertEquals(le, be);
    }

    @Test
    void truncatedFilesFailAtEveryCutWithTheOffset() {
        PlyWriter w = new PlyWriter().header("comment cut me anywhere");
        w.element("vertex").prop("float", "x").prop("float", "y").prop("float", "z")
                .prop("float", "nx").prop("float", "ny").prop("float", "nz")
                .prop("uchar", "red").prop("uchar", "green").prop("uchar", "blue")
                .row(0, 0, 0, 0, 0, 1, 255, 0, 0).row(1, 0, 0, 0, 0, 1, 0, 255, 0)
                .row(1, 1, 0, 0, 0, 1, 0, 0, 255).row(0, 1, 0, 0, 0, 1, 9, 9, 9);
        w.element("face").list("uchar", "int", "vertex_indices").prop("uchar", "flags")
                .row(list(0, 1, 2, 3), 1).row(list(0, 2, 3), 2);
        w.element("extra").list("ushort", "double", "data").prop("int", "n").row(list(1.5, 2.5), 3).row(list(), 4);
        for (String format : FORMATS) {
            byte[] file = w.bytes(format);
            decode(file);
            for (int cut = 0; cut < file.length; cut++) {
                byte[] prefix = java.util.Arrays.copyOf(file, cut);
                MeshportException e = fails(prefix);
                assertFalse(e.getMessage().isBlank());
            }
        }
    }

    @Test
    void aCutBinaryFileSaysWhichValueIsMissing() {
        PlyWriter w = new PlyWriter();
        w.element("vertex").prop("float", "x").prop("float", "y").prop("float", "z")
                .row(0, 0, 0).row(1, 0, 0).row(0, 1, 0);
        byte[] file = w.bytes(LE);
        int header = file.length - 36;
        // A header that promises 3 vertices, 34 of 36 bytes: z of vertex 2 has 2 of its 4 bytes.
        byte[] cut = java.util.Arrays.copyOf(file, file.length - 2);
        String m = fails(cut).getMessage();
        assertTrue(m.startsWith("ply: byte " + header + ":"), m + " (the size check points at the data's start)");
        // With a declared count that fits, the read itself finds the gap.
        w = new PlyWriter();
        w.element("vertex").prop("float", "x").prop("float", "y").prop("float", "z").prop("float", "w")
                .row(0, 0, 0, 0).row(1, 0, 0, 0);
        w.element("face").list("uchar", "int", "vertex_indices").row(list(0, 1, 0, 1, 0, 1, 0, 1, 0, 1));
        file = w.bytes(LE);
        cut = java.util.Arrays.copyOf(file, file.length - 2);
        int listAt = file.length - 41;
        m = fails(cut).getMessage();
        assertEquals("ply: byte " + (listAt + 1) + ": face 0 ends the file early: its list 'vertex_indices' has 10 items of int"
                + " (40 bytes), 38 bytes remain", m);
        cut = java.util.Arrays.copyOf(file, listAt);
        m = fails(cut).getMessage();
        assertTrue(m.contains("bytes follow the header"), m);
    }

    @Test
    void lyingHeadersFailFastWithoutAllocating() {
        for (String format : FORMATS) {
            String head = "ply\nformat " + format + " 1.0\n";
            String xyz = "property float x\nproperty float y\nproperty float z\n";
            String tail = "end_header\n0 0 0\n";
            fails(ascii(head + "element vertex 2147483647\n" + xyz + tail));
            fails(ascii(head + "element vertex 1\n" + xyz + "element face 2000000000\nproperty list uchar int vertex_indices\n" + tail));
            fails(ascii(head + "element vertex 1\n" + xyz + "element junk 2147483647\nproperty double a\n" + tail));
            fails(ascii(head + "element vertex 1\n" + xyz + "element junk 2147483647\nproperty list uint double a\n" + tail));
            String big = fails(ascii(head + "element vertex 99999999999\n" + xyz + tail)).getMessage();
            assertTrue(big.contains("a whole number from 0 to 2147483647"), big);
            fails(ascii(head + "element vertex -1\n" + xyz + tail));
        }
        // A list count far beyond the payload, in the data itself.
        PlyWriter w = new PlyWriter();
        w.element("vertex").prop("float", "x").prop("float", "y").prop("float", "z").row(0, 0, 0).row(1, 0, 0).row(0, 1, 0);
        w.element("face").list("int", "int", "vertex_indices").row(list(0, 1, 2));
        w.element("junk").list("uint", "double", "a").row(list(1));
        byte[] file = w.bytes(LE);
        int junkCount = file.length - 12;
        file[junkCount] = file[junkCount + 1] = file[junkCount + 2] = file[junkCount + 3] = (byte) 0xff;
        String m = fails(file).getMessage();
        assertTrue(m.contains("has 4294967295 items of double"), m);
        int faceCount = junkCount - 16;
        file = w.bytes(LE);
        file[faceCount + 3] = 0x7f;
        file[faceCount] = file[faceCount + 1] = file[faceCount + 2] = (byte) 0xff;
        m = fails(file).getMessage();
        assertTrue(m.contains("has 2147483647 items of int"), m);
        file[faceCount + 3] = (byte) 0xff;
        m = fails(file).getMessage();
        assertTrue(m.contains("list 'vertex_indices' has count -1: expected 0 or more"), m);
        file = w.bytes(ASCII);
        String text = new String(file, StandardCharsets.US_ASCII);
        assertTrue(text.endsWith("\n1 1.0\n"), text);
        text = text.substring(0, text.length() - 6) + "2000000000 1.0\n";
        m = fails(ascii(text)).getMessage();
        assertTrue(m.contains("has 2000000000 items, more than the"), m);
    }

    @Test
    void aMeshTooLargeForTheSessionIsOverloadedBeforeDecoding() {
        PlyWriter w = tetrahedron("float");
        byte[] file = w.bytes(LE);
        MeshportException e = assertThrows(MeshportException.class, () -> codec.decode(Payload.ofBytes(file), context(100)));
        assertEquals(ErrorCode.OVERLOADED, e.code());
        assertTrue(e.getMessage().contains("the session can take 100 more"), e.getMessage());
        assertEquals(4, ((Mesh) codec.decode(Payload.ofBytes(file), context(4 * 12 + 4 * 16)).value()).pointCount());
        // A polygon of 300 corners: more than the three per face the first estimate counts.
        PlyWriter p = new PlyWriter();
        p.element("vertex").prop("float", "x").prop("float", "y").prop("float", "z").row(0, 0, 0).row(1, 0, 0).row(0, 1, 0);
        double[] corners = new double[300];
        for (int i = 0; i < corners.length; i++) {
            corners[i] = i % 3;
        }
        p.element("face").list("ushort", "int", "vertex_indices").row(corners);
        for (String format : FORMATS) {
            byte[] polygon = p.bytes(format);
            e = assertThrows(MeshportException.class, () -> codec.decode(Payload.ofBytes(polygon), context(100)));
            assertEquals(ErrorCode.OVERLOADED, e.code(), e.getMessage());
            assertEquals(300, ((Mesh) codec.decode(Payload.ofBytes(polygon), context(2000)).value()).vertexCount());
        }
    }

    @Test
    void badTokensInAsciiAreNamedWithTheirLine() {
        String head = "ply\nformat ascii 1.0\nelement vertex 3\nproperty float x\nproperty float y\nproperty float z\n"
                + "property uchar red\nproperty uchar green\nproperty uchar blue\n"
                + "element face 1\nproperty list uchar int vertex_indices\nend_header\n";
        String good = "0 0 0 1 2 3\n1 0 0 4 5 6\n0 1 0 7 8 9\n3 0 1 2    \n";
        decode(ascii(head + good));
        assertEquals("ply: line 14 (byte 228): vertex 1: expected property 'y', a float, found 'abc'",
                fails(ascii(head + good.replace("1 0 0 4", "1 abc 0 4"))).getMessage());
        failsWith(ascii(head + good.replace("1 2 3", "1 2.5 3")), "line 13 (byte 222)");
        assertTrue(fails(ascii(head + good.replace("1 2 3", "1 2.5 3"))).getMessage()
                .endsWith("vertex 0: expected property 'green', a uchar (a whole number from 0 to 255), found '2.5'"));
        failsWith(ascii(head + good.replace("7 8 9", "7 8 256")), "found '256'");
        failsWith(ascii(head + good.replace("7 8 9", "7 -8 9")), "found '-8'");
        failsWith(ascii(head + good.replace("3 0 1 2", "3 0 1 3")),
                "face 0 refers to vertex 3, but the file has 3 vertices");
        failsWith(ascii(head + good.replace("3 0 1 2", "3 0 -1 2")), "face 0 refers to vertex -1");
        failsWith(ascii(head + good.replace("3 0 1 2", "2 0 1") + "      \n"), "face 0 has 2 vertices: a face needs at least 3");
        failsWith(ascii(head + good.replace("3 0 1 2", "0") + "      \n"), "face 0 has 0 vertices");
        failsWith(ascii(head + good.replace("1 0 0 4 5 6", "1 0 0 4 5 6 7")),
                "vertex 1 has more values than its 6 properties: expected the end of the line, found '7'");
        failsWith(ascii(head + good.replace("1 0 0 4 5 6", "1 0 0 4 5") + "      \n"),
                "vertex 1 ends early: expected property 'blue' (uchar) before the end of the line");
        failsWith(ascii(head + good.substring(0, good.length() - 1)),
                "face 0 has no line end after it: the file looks cut off");
        failsWith(ascii(head + good + "0 0 0\n"), "data after the last element: '0'");
        failsWith(ascii(head + good.replace("3 0 1 2", "3 0 1 2.0")), "item 2 of list 'vertex_indices', a int");
        decode(ascii(head + good.replace("0 1 0 7", "-0.0 1e0 +0 7")));
    }

    @Test
    void nonNumbersAreAcceptedOnlyAsTheJdkReadsThem() {
        String head = "ply\nformat ascii 1.0\nelement vertex 1\nproperty float x\nproperty float y\nproperty float z\n"
                + "property float q\nend_header\n";
        Mesh m = decode(ascii(head + "1e-3 -2.5E+2 0x1p3 NaN\n"));
        assertArrayEquals(new float[] {0.001f, -250, 8}, positions(m));
        assertTrue(Float.isNaN(floats(m.attribute("q"))[0]), "an attribute may be NaN");
        for (String bad : new String[] {"1..2", "--1", "1e", ".", "e5", "1,5", "0x", "inf"}) {
            String msg = fails(ascii(head + "0 0 " + bad + " 0\n")).getMessage();
            assertTrue(msg.endsWith("found '" + bad + "'"), msg);
        }
        MeshportException nan = fails(ascii(head + "NaN 0 0 0\n"), ErrorCode.INVALID_MESH);
        assertTrue(nan.getMessage().contains("positions[0] is NaN"), nan.getMessage());
    }

    @Test
    void binaryTrailingBytesAndNonFinitePositions() {
        PlyWriter w = tetrahedron("float");
        byte[] file = w.bytes(LE);
        byte[] longer = java.util.Arrays.copyOf(file, file.length + 3);
        assertTrue(fails(longer).getMessage().endsWith("3 bytes follow the last element (face): the header declares less data"
                + " than the file holds"));
        w = new PlyWriter();
        w.element("vertex").prop("float", "x").prop("float", "y").prop("float", "z").row(0, 0, Float.POSITIVE_INFINITY);
        fails(w.bytes(BE), ErrorCode.INVALID_MESH);
    }

    @Test
    void headerMistakesAreNamedWithTheirLine() {
        String xyz = "element vertex 1\nproperty float x\nproperty float y\nproperty float z\n";
        String data = "end_header\n0 0 0\n";
        String[][] cases = {
            {"", "ply: byte 0: the payload is empty"},
            {"PLY\n", "ply: byte 0: expected a PLY file, which starts with the line 'ply', found 'PLY\\x0a'"},
            {"solid cube\n", "ply: byte 0: expected a PLY file"},
            {"plyx\nformat ascii 1.0\n", "ply: line 1 (byte 0): expected the line 'ply', found 'plyx'"},
            {"ply\n" + xyz + data, "ply: line 6 (byte 72): the header has no 'format' line"},
            {"ply\nformat ascii 2.0\n" + xyz + data, "ply: line 2 (byte 4): format version '2.0'"},
            {"ply\nformat binary 1.0\n" + xyz + data, "ply: line 2 (byte 4): unknown format 'binary'"},
            {"ply\nformat ascii 1.0\nformat ascii 1.0\n" + data, "ply: line 3 (byte 21): a second 'format' line"},
            {"ply\nformat ascii 1.0\nproperty float x\n" + data, "ply: line 3 (byte 21): a property before any element"},
            {"ply\nformat ascii 1.0\nelement vertex 1\nproperty float32x x\n" + data, "unknown type 'float32x'"},
            {"ply\nformat ascii 1.0\nelement vertex 1\nproperty list float int x\n" + data,
                "list 'x' has a count of type float: expected an integer type"},
            {"ply\nformat ascii 1.0\nelement vertex 1\nproperty float\n" + data, "expected 'property TYPE NAME'"},
            {"ply\nformat ascii 1.0\nelement vertex\n" + data, "expected 'element NAME COUNT'"},
            {"ply\nformat ascii 1.0\n" + xyz + "element vertex 1\n" + data, "a second element 'vertex'"},
            {"ply\nformat ascii 1.0\n" + xyz + "property float x\n" + data, "a second property 'x' in element 'vertex'"},
            {"ply\nformat ascii 1.0\n" + xyz + "elemnet face 1\n" + data, "line 7 (byte 89): unknown keyword 'elemnet'"},
            {"ply\nformat ascii 1.0\n" + xyz + "end_header extra\n0 0 0\n", "expected nothing after 'end_header'"},
            {"ply\nformat ascii 1.0\n" + xyz, "ply: byte 89: the file ends inside the header (line 7)"},
            {"ply\nformat ascii 1.0\n" + xyz + "end_header", "the file ends inside the header"},
            {"ply\nformat ascii 1.0\nelement face 0\nproperty list uchar int vertex_indices\n" + data,
                "the header declares no element 'vertex'"},
            {"ply\nformat ascii 1.0\nelement vertex 1\nproperty float x\nproperty float y\n" + data,
                "ply: line 3 (byte 21): element 'vertex' has no scalar property 'z'"},
            {"ply\nformat ascii 1.0\n" + xyz + "element face 0\nproperty list uchar float vertex_indices\n" + data,
                "ply: line 7 (byte 89): element 'face' has no list of integers 'vertex_indices'"},
            {"ply\nformat ascii 1.0\n" + xyz + "element face 0\nproperty int vertex_indices\n" + data,
                "element 'face' has no list of integers"},
        };
        for (String[] c : cases) {
            String m = fails(ascii(c[0])).getMessage();
            assertTrue(m.contains(c[1]), c[1] + " in: " + m);
        }
        StringBuilder huge = new StringBuilder("ply\nformat ascii 1.0\n");
        while (huge.length() <= PlyHeader.MAX_HEADER_BYTES) {
            huge.append("comment a header that never ends ............................................\n");
        }
        String m = fails(ascii(huge + xyz + data)).getMessage();
        assertEquals("ply: byte " + PlyHeader.MAX_HEADER_BYTES + ": the header is longer than " + PlyHeader.MAX_HEADER_BYTES
                + " bytes without 'end_header'", m);
    }

    @Test
    void theBodyMustBeAByteString() {
        byte[] file = tetrahedron("float").bytes(LE);
        MeshportException e = assertThrows(MeshportException.class,
                () -> codec.decode(new Payload(file, 0, file.length, false), context(Long.MAX_VALUE)));
        assertEquals(ErrorCode.BAD_REQUEST, e.code());
    }

    @Test
    void theCodecReadsItsWindowOfALargerBuffer() {
        byte[] file = tetrahedron("float").bytes(BE);
        byte[] frame = new byte[file.length + 20];
        java.util.Arrays.fill(frame, (byte) 0x5a);
        System.arraycopy(file, 0, frame, 7, file.length);
        Mesh m = (Mesh) codec.decode(new Payload(frame, 7, file.length, true), context(Long.MAX_VALUE)).value();
        assertEquals(4, m.pointCount());
        byte[] ascii = tetrahedron("float").bytes(ASCII);
        frame = new byte[ascii.length + 20];
        System.arraycopy(ascii, 0, frame, 13, ascii.length);
        frame[13 + ascii.length] = '7'; // beyond the window: not read
        assertEquals(4, ((Mesh) codec.decode(new Payload(frame, 13, ascii.length, true), context(Long.MAX_VALUE)).value()).faceCount());
        MeshportException e = assertThrows(MeshportException.class,
                () -> codec.decode(new Payload(file, 0, file.length - 1, true), context(Long.MAX_VALUE)));
        assertTrue(e.getMessage().startsWith("ply: byte "), "offsets are relative to the payload: " + e.getMessage());
    }

    @Test
    void randomDamageGivesOnlyMeshportErrors() {
        Random r = new Random(42);
        PlyWriter w = new PlyWriter();
        w.element("vertex").prop("float", "x").prop("float", "y").prop("float", "z")
                .prop("uchar", "red").prop("uchar", "green").prop("uchar", "blue")
                .row(0, 0, 0, 1, 2, 3).row(1, 0, 0, 4, 5, 6).row(1, 1, 0, 7, 8, 9).row(0, 1, 0, 1, 1, 1);
        w.element("face").list("uchar", "int", "vertex_indices").row(list(0, 1, 2, 3)).row(list(0, 2, 3));
        w.element("junk").list("uchar", "short", "s").row(list(1, 2));
        for (String format : FORMATS) {
            byte[] good = w.bytes(format);
            for (int round = 0; round < 3000; round++) {
                byte[] bad = good.clone();
                int changes = 1 + r.nextInt(4);
                for (int c = 0; c < changes; c++) {
                    int at = r.nextInt(bad.length);
                    String noise = "0123456789 -.\n\rex";
                    bad[at] = r.nextInt(3) == 0 ? (byte) r.nextInt(256) : (byte) noise.charAt(r.nextInt(noise.length()));
                }
                try {
                    decode(bad);
                } catch (MeshportException e) {
                    assertTrue(e.code() == ErrorCode.DECODE_FAILED || e.code() == ErrorCode.INVALID_MESH,
                            e.code() + " " + e.getMessage());
                    if (e.code() == ErrorCode.DECODE_FAILED) {
                        assertTrue(LOCATED.matcher(e.getMessage()).matches(), e.getMessage());
                    }
                }
            }
        }
    }
}
