package io.meshport.samples.ply;

import static io.meshport.samples.ply.PlyTesting.decode;
import static io.meshport.samples.ply.PlyTesting.fails;
import static io.meshport.samples.ply.PlyTesting.indices;
import static io.meshport.samples.ply.PlyTesting.value;
import static io.meshport.samples.ply.PlyTesting.warnings;
import static io.meshport.samples.ply.PlyWriter.ASCII;
import static io.meshport.samples.ply.PlyWriter.BE;
import static io.meshport.samples.ply.PlyWriter.LE;
import static io.meshport.samples.ply.PlyWriter.list;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.meshport.mesh.AttributeOwner;
import io.meshport.mesh.Mesh;
import io.meshport.protocol.ErrorCode;
import io.meshport.samples.text.Warnings;

/**
 * The binary fast paths ({@link BinaryColumns}, {@link BinaryFaceList}) read exactly what the general
 * reader reads (ASCII always takes the general reader), leave every refusal to it, and the warm-up's
 * files are read as they should be.
 */
class PlyFastPathsTest {
    private static final String[] SCALARS = {"char", "uchar", "short", "ushort", "int", "uint", "float", "double"};

    /** A vertex of every scalar type with values at their types' ends, colours, and faces of 3, 4 and 5 corners. */
    private static PlyWriter everyType(String indexType) {
        PlyWriter w = new PlyWriter();
        PlyWriter.Element v = w.element("vertex").prop("float", "x").prop("double", "y").prop("float", "z");
        for (String t : SCALARS) {
            v.prop(t, "a_" + t);
        }
        v.prop("uchar", "red").prop("uchar", "green").prop("uchar", "blue").prop("ushort", "alpha");
        v.row(0, 0, 0, -128, 255, -32768, 65535, Integer.MIN_VALUE, 4294967295L, -1.5, 1e300, 0, 128, 255, 65535)
                .row(1, 0, 0.5, 127, 0, 32767, 0, 16777217, 16777216, Float.NaN, -0.25, 255, 0, 1, 0)
                .row(1, 1e-7, 0, 0, 1, 1, 1, Integer.MAX_VALUE, 33554435, 3.5, Double.POSITIVE_INFINITY, 10, 20, 30, 40)
                .row(0, 1, -2, -1, 7, -1, 7, -7, 7, Float.POSITIVE_INFINITY, 1e-320, 1, 2, 3, 4)
                .row(0.5, 2, 0.25, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5);
        w.element("face").list("uchar", indexType, "vertex_indices")
                .row(list(0, 1, 2)).row(list(0, 1, 2, 3)).row(list(4, 3, 2, 1, 0)).row(list(2, 3, 4));
        return w;
    }

    @Test
    void binaryColumnsAndFaceListsReadWhatTheGeneralReaderReads() {
        for (String indexType : new String[] {"int", "uint"}) {
            PlyWriter w = everyType(indexType);
            Mesh general = decode(w.bytes(ASCII));
            List<String> generalWarnings = warnings(w.bytes(ASCII));
            assertTrue(generalWarnings.stream().anyMatch(s -> s.contains("rounded to the nearest float")), generalWarnings.toString());
            for (String format : new String[] {LE, BE}) {
                byte[] file = w.bytes(format);
                assertEquals(general, decode(file), format + " " + indexType);
                assertEquals(generalWarnings, warnings(file), format + " " + indexType);
                assertEquals(value(w.bytes(ASCII)).summary(), value(file).summary(), format + " " + indexType);
                assertTrue(takesTheFastPaths(file), format + " " + indexType);
            }
        }
    }

    /** @return whether both elements of the file are read by the fast paths, not left to the general reader */
    private static boolean takesTheFastPaths(byte[] file) {
        PlyHeader h = PlyHeader.parse(file, 0, file.length);
        Warnings warnings = new Warnings();
        Columns vertices = Columns.plan(h.element("vertex"), AttributeOwner.POINT, new HashSet<>(), Set.of(), warnings);
        vertices.allocate();
        FaceReader faces = new FaceReader(h.element("face"), new HashSet<>(), warnings);
        PlyBody body = PlyBody.of(h, file, 0, file.length);
        Polygons polygons = new Polygons(h.element("face").count, false, Long.MAX_VALUE);
        return BinaryColumns.read((BinaryBody) body, vertices) && BinaryFaceList.read((BinaryBody) body, faces, h.element("vertex").count,
                polygons) && body.trailing() == null;
    }

    /** Four points and the faces given, each a list of vertex numbers of type {@code indexType}. */
    private static PlyWriter faces(String indexType, double[]... faces) {
        PlyWriter w = new PlyWriter();
        w.element("vertex").prop("float", "x").prop("float", "y").prop("float", "z").row(0, 0, 0).row(1, 0, 0).row(1, 1, 0)
                .row(0, 1, 1);
        PlyWriter.Element f = w.element("face").list("uchar", indexType, "vertex_indices");
        for (double[] face : faces) {
            f.row(face);
        }
        return w;
    }

    @Test
    void aTriangleMeshHasNoFaceCountsAndPolygonsAfterTrianglesKeepThem() {
        for (String format : PlyWriter.FORMATS) {
            Mesh m = decode(faces("int", list(0, 2, 1), list(0, 1, 3), list(1, 2, 3)).bytes(format));
            assertTrue(m.isTriangles(), format);
            assertArrayEquals(new int[] {0, 2, 1, 0, 1, 3, 1, 2, 3}, indices(m), format);
            // Triangles first, then a quad: the counts kept from the quad on cover the triangles before it.
            Mesh late = decode(faces("int", list(0, 2, 1), list(0, 1, 3), list(0, 1, 2, 3), list(1, 2, 3)).bytes(format));
            assertEquals(4, late.faceCount(), format);
            assertEquals(13, late.vertexCount(), format);
            assertEquals(List.of(3, 3, 4, 3), faceSizes(late), format);
        }
    }

    private static List<Integer> faceSizes(Mesh m) {
        List<Integer> sizes = new java.util.ArrayList<>();
        for (int f = 0; f < m.faceCount(); f++) {
            sizes.add(m.faceVertexCount(f));
        }
        return sizes;
    }

    @Test
    void refusalsAreTheGeneralReadersInEveryByteOrder() {
        for (String format : new String[] {LE, BE}) {
            PlyTesting.failsWith(faces("int", list(0, 1, 2), list(0, 1, 4)).bytes(format),
                    "face 1 refers to vertex 4, but the file has 4 vertices");
            PlyTesting.failsWith(faces("int", list(0, 1, 2), list(0, 1, -1)).bytes(format),
                    "face 1 refers to vertex -1, but the file has 4 vertices");
            PlyTesting.failsWith(faces("uint", list(0, 1, 2), list(0, 1, 4294967295L)).bytes(format),
                    "face 1 refers to vertex 4294967295, but the file has 4 vertices");
            PlyTesting.failsWith(faces("int", list(0, 1, 2, 3), list(0, 1)).bytes(format), "face 1 has 2 vertices: a face needs at least 3");
            PlyWriter far = new PlyWriter();
            far.element("vertex").prop("double", "x").prop("double", "y").prop("double", "z").row(0, 0, 0).row(0, 1e300, 0);
            String m = fails(far.bytes(format), ErrorCode.INVALID_MESH).getMessage();
            assertTrue(m.endsWith("vertex 1: property 'y' is 1.0E300, beyond the range of a float (non-finite as a float): positions"
                    + " must be finite"), m);
            // A face list cut short (the header's least sizes still fit): the general reader says which face.
            byte[] whole = faces("int", list(0, 1, 2), list(0, 1, 2, 3)).bytes(format);
            String c = fails(java.util.Arrays.copyOf(whole, whole.length - 3)).getMessage();
            assertTrue(c.endsWith("face 1 ends the file early: its list 'vertex_indices' has 4 items of int (16 bytes), 13 bytes remain"), c);
        }
    }

    @Test
    void theWarmUpFilesAreReadWhole() {
        List<byte[]> files = WarmUpFiles.all();
        assertEquals(3, files.size());
        int points = WarmUpFiles.SIDE * WarmUpFiles.SIDE;
        int cells = (WarmUpFiles.SIDE - 1) * (WarmUpFiles.SIDE - 1);
        for (byte[] file : files) {
            Mesh m = decode(file);
            assertEquals(points, m.pointCount());
            assertEquals(List.of(), warnings(file));
        }
        assertEquals(List.of("N", "Cd", "Alpha"), List.copyOf(decode(files.get(0)).attributes().keySet()));
        assertEquals(2 * cells, decode(files.get(0)).faceCount());
        assertTrue(decode(files.get(1)).attributes().isEmpty());
        assertEquals(2 * cells, decode(files.get(1)).faceCount());
        Mesh ascii = decode(files.get(2));
        assertEquals(List.of("Cd"), List.copyOf(ascii.attributes().keySet()));
        assertTrue(!ascii.isTriangles() && ascii.faceCount() > cells && ascii.faceCount() < 2 * cells, "quads and triangles");
    }

    @Test
    void theWarmUpStopsWhenAsked() {
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            PlyWarmUp w = PlyWarmUp.start();
            w.stop();
        });
    }
}
