package io.meshport.samples.ply;

import static io.meshport.samples.ply.PlyTesting.TYPES;
import static io.meshport.samples.ply.PlyTesting.ascii;
import static io.meshport.samples.ply.PlyTesting.context;
import static io.meshport.samples.ply.PlyTesting.decode;
import static io.meshport.samples.ply.PlyTesting.floats;
import static io.meshport.samples.ply.PlyTesting.indices;
import static io.meshport.samples.ply.PlyTesting.positions;
import static io.meshport.samples.ply.PlyTesting.tetrahedron;
import static io.meshport.samples.ply.PlyTesting.warnings;
import static io.meshport.samples.ply.PlyTesting.warns;
import static io.meshport.samples.ply.PlyWriter.ASCII;
import static io.meshport.samples.ply.PlyWriter.BE;
import static io.meshport.samples.ply.PlyWriter.FORMATS;
import static io.meshport.samples.ply.PlyWriter.LE;
import static io.meshport.samples.ply.PlyWriter.list;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.meshport.codec.Payload;
import io.meshport.mesh.Attribute;
import io.meshport.mesh.AttributeOwner;
import io.meshport.mesh.Mesh;
import io.meshport.protocol.ErrorCode;
import io.meshport.protocol.MeshportException;

/** The PLY codec reads every format and type, and maps properties to the mesh's attributes. */
class PlyCodecTest {
    private final PlyCodec codec = new PlyCodec();

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
    void unknownElementsAndListsAreSkippedInAnyOrderAndReported() {
        for (String format : FORMATS) {
            PlyWriter w = new PlyWriter();
            w.element("material").prop("uchar", "r").list("uint", "float", "weights").prop("double", "shine")
                    .row(1, list(0.5, 0.25, 0.125), 2.5).row(2, list(), 3.5);
            w.element("face").prop("uchar", "flags").list("uchar", "int", "vertex_indices").list("uchar", "float", "texcoord")
                    .prop("float", "quality").list("uchar", "int", "neighbours")
                    .row(7, list(0, 1, 2), list(0, 0, 1, 0, 0, 1), 0.5, list(1))
                    .row(8, list(0, 2, 3), list(), 1.5, list());
            w.element("edge").prop("int", "vertex1").prop("int", "vertex2").prop("uchar", "red")
                    .row(0, 1, 255).row(1, 2, 0).row(2, 0, 9);
            w.element("vertex").prop("float", "x").list("uchar", "float", "extra").prop("float", "y").prop("float", "z")
                    .row(0, list(9, 9), 0, 0).row(1, list(), 0, 0).row(1, list(1), 1, 0).row(0, list(1, 2, 3), 1, 0);
            byte[] file = w.bytes(format);
            Mesh m = decode(file);
            assertArrayEquals(new float[] {0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0}, positions(m), format);
            assertArrayEquals(new int[] {0, 1, 2, 0, 2, 3}, indices(m), format);
            assertEquals(List.of("flags", "quality"), List.copyOf(m.attributes().keySet()), "the face scalars are carried");
            assertArrayEquals(new float[] {7, 8}, floats(m.attribute("flags")));
            assertEquals(AttributeOwner.FACE, m.attribute("quality").owner());
            List<String> w8 = warnings(file);
            assertEquals(5, w8.size(), w8.toString());
            warns(file, "element 'material' (2 instances) not carried");
            warns(file, "element 'edge' (3 instances) not carried");
            warns(file, "vertex property 'extra' (list uchar float) not carried");
            warns(file, "face property 'neighbours' (list uchar int) not carried");
            warns(file, "face list 'texcoord' not carried as uv: ");
            warns(file, "face 1 has 0 values in its list 'texcoord' for 3 corners (expected 6)");
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
    void otherScalarsBecomeFloatAttributesOrAreReported() {
        PlyWriter w = new PlyWriter();
        w.element("vertex").prop("float", "x").prop("float", "y").prop("float", "z")
                .prop("float", "quality").prop("short", "scalar_Intensity2").prop("float", "1st").prop("float", "a-b")
                .prop("float", "N").prop("float", "Cd").prop("int", "_id")
                .row(0, 0, 0, 0.5, -7, 1, 2, 3, 4, 42);
        byte[] file = w.bytes(BE);
        Mesh m = decode(file);
        assertEquals(List.of("quality", "scalar_Intensity2", "N_vertex", "Cd_vertex", "_id"), List.copyOf(m.attributes().keySet()));
        assertArrayEquals(new float[] {-7}, floats(m.attribute("scalar_Intensity2")));
        assertArrayEquals(new float[] {42}, floats(m.attribute("_id")));
        assertArrayEquals(new float[] {3}, floats(m.attribute("N_vertex")), "a plain N is no normal: renamed");
        warns(file, "vertex property '1st' not carried: not a valid attribute name");
        warns(file, "vertex property 'a-b' not carried");
        warns(file, "vertex property 'N' carried as point attribute 'N_vertex': the name 'N' is kept for its usual meaning");
    }

    @Test
    void integersAFloatCannotHoldAreReported() {
        PlyWriter w = new PlyWriter();
        w.element("vertex").prop("float", "x").prop("float", "y").prop("float", "z").prop("uint", "id")
                .row(0, 0, 0, 16777216).row(1, 0, 0, 16777217).row(0, 1, 0, 4294967295.0);
        for (String format : FORMATS) {
            byte[] file = w.bytes(format);
            assertArrayEquals(new float[] {16777216, 16777216, 4294967296f}, floats(decode(file).attribute("id")), format);
            warns(file, "vertex property 'id': 2 integer values beyond 2^24 were rounded to the nearest float");
        }
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
}
