package io.meshport.samples.ply;

import static io.meshport.samples.ply.PlyTesting.ascii;
import static io.meshport.samples.ply.PlyTesting.decode;
import static io.meshport.samples.ply.PlyTesting.fails;
import static io.meshport.samples.ply.PlyTesting.positions;
import static io.meshport.samples.ply.PlyTesting.warnings;
import static io.meshport.samples.ply.PlyWriter.ASCII;
import static io.meshport.samples.ply.PlyWriter.FORMATS;
import static io.meshport.samples.ply.PlyWriter.list;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.meshport.mesh.Mesh;

/** The same mesh in every line end, with and without a last line end, and the empty files PLY allows. */
class PlyVariantsTest {

    static PlyWriter quadTriangleAndPentagon() {
        PlyWriter w = new PlyWriter().header("comment variants").header("obj_info made by PlyVariantsTest");
        w.element("vertex").prop("float", "x").prop("float", "y").prop("float", "z").prop("uchar", "red").prop("uchar", "green")
                .prop("uchar", "blue").prop("float", "s").prop("float", "t")
                .row(0, 0, 0, 255, 0, 0, 0, 0).row(1, 0, 0, 0, 255, 0, 1, 0).row(1, 1, 0, 0, 0, 255, 1, 1)
                .row(0, 1, 0, 10, 20, 30, 0, 1).row(0.5, 2, 0.25, 1, 2, 3, 0.5, 2);
        w.element("face").list("uchar", "int", "vertex_indices").prop("uchar", "red").prop("uchar", "green").prop("uchar", "blue")
                .row(list(0, 1, 2, 3), 1, 2, 3).row(list(3, 2, 4), 4, 5, 6).row(list(0, 1, 4, 2, 3), 7, 8, 9);
        return w;
    }

    @Test
    void everyLineEndWithOrWithoutALastOneGivesTheSameMesh() {
        for (String format : FORMATS) {
            Mesh reference = decode(quadTriangleAndPentagon().bytes(format));
            assertEquals(3, reference.faceCount());
            assertEquals(List.of("Cd", "uv", "Cd_face"), List.copyOf(reference.attributes().keySet()));
            for (String newline : new String[] {"\n", "\r\n", "\r"}) {
                for (boolean last : new boolean[] {true, false}) {
                    PlyWriter w = quadTriangleAndPentagon().newline(newline);
                    if (!last) {
                        w.noFinalNewline();
                    }
                    byte[] file = w.bytes(format);
                    String what = format + " " + newline.replace("\r", "CR").replace("\n", "LF") + (last ? "" : " without the last");
                    assertEquals(reference, decode(file), what);
                    assertEquals(1, warnings(file).size(), what + ": " + warnings(file)); // Cd_face
                }
            }
        }
    }

    @Test
    void blankLinesAndTrailingBlanksInEveryLineEnd() {
        for (String nl : new String[] {"\n", "\r\n", "\r"}) {
            String text = String.join(nl, "ply", "format ascii 1.0", "element vertex 2", "property float x", "property float y",
                    "property float z", "end_header", "", "0 0 0 ", "\t", "1 2 3\t", "", "");
            assertArrayEquals(new float[] {0, 0, 0, 1, 2, 3}, positions(decode(ascii(text))), nl.replace("\r", "CR"));
            String cr = fails(ascii(text.replace("1 2 3", "1 2 3 4"))).getMessage();
            assertTrue(cr.matches("ply: line 11 \\(byte \\d+\\): vertex 1 has more values than its 3 properties: expected the end"
                    + " of the line, found '4'"), cr);
        }
    }

    @Test
    void headersWithoutElementsOrWithoutInstancesAreEmptyMeshes() {
        String[] empty = {
            "ply\nformat ascii 1.0\nend_header\n",
            "ply\nformat ascii 1.0\nend_header",
            "ply\r\nformat ascii 1.0\r\ncomment nothing here\r\nend_header\r\n",
            "ply\nformat binary_little_endian 1.0\nend_header\n",
            "ply\nformat binary_big_endian 1.0\nend_header\n",
            "ply\nformat ascii 1.0\nelement vertex 0\nend_header\n",
            "ply\nformat ascii 1.0\nelement vertex 0\nproperty float x\nproperty float y\nproperty float z\n"
                + "element face 0\nproperty list uchar int vertex_indices\nend_header\n",
            "ply\nformat binary_little_endian 1.0\nelement face 0\nproperty list uchar int vertex_indices\nend_header\n",
            "ply\nformat ascii 1.0\nelement face 0\nend_header\n",
        };
        for (String text : empty) {
            Mesh m = decode(ascii(text));
            assertEquals(0, m.pointCount(), text);
            assertTrue(m.isPointCloud(), text);
            assertTrue(m.attributes().isEmpty(), text);
            assertEquals(List.of(), warnings(ascii(text)), text);
        }
        List<String> w = warnings(ascii("ply\nformat ascii 1.0\nelement camera 1\nproperty float fov\nend_header\n45\n"));
        assertEquals(List.of("element 'camera' (1 instance) not carried: only vertex, face and tristrips have a place in the mesh"), w);
    }

    @Test
    void pointCloudsInEveryFormat() {
        for (String format : FORMATS) {
            PlyWriter w = new PlyWriter();
            w.element("vertex").prop("double", "x").prop("double", "y").prop("double", "z").prop("float", "nx").prop("float", "ny")
                    .prop("float", "nz").prop("float", "intensity")
                    .row(0.5, -1.25, 3, 0, 0, 1, 0.75).row(1e-3, 2e5, -7, 1, 0, 0, 0);
            Mesh m = decode(w.bytes(format));
            assertTrue(m.isPointCloud());
            assertArrayEquals(new float[] {0.5f, -1.25f, 3, 1e-3f, 2e5f, -7}, positions(m), format);
            assertEquals(List.of("N", "intensity"), List.copyOf(m.attributes().keySet()));
            if (format.equals(ASCII)) {
                assertEquals(m, decode(w.noFinalNewline().bytes(format)));
            }
            w.element("face").list("uchar", "int", "vertex_indices").list("uchar", "float", "texcoord").prop("uchar", "red")
                    .prop("uchar", "green").prop("uchar", "blue");
            Mesh noFaces = decode(w.bytes(format));
            assertTrue(noFaces.isPointCloud());
            assertEquals(List.of("N", "intensity"), List.copyOf(noFaces.attributes().keySet()), "no face attributes without faces");
        }
    }
}
