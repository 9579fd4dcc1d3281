package io.meshport.samples.ply;

import static io.meshport.samples.ply.PlyTesting.LOCATED;
import static io.meshport.samples.ply.PlyTesting.ascii;
import static io.meshport.samples.ply.PlyTesting.decode;
import static io.meshport.samples.ply.PlyTesting.fails;
import static io.meshport.samples.ply.PlyTesting.failsWith;
import static io.meshport.samples.ply.PlyTesting.floats;
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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.meshport.mesh.Mesh;
import io.meshport.protocol.ErrorCode;
import io.meshport.protocol.MeshportException;

/** The PLY codec refuses broken files with a message that says where and what, and never anything else. */
class PlyRefusalsTest {
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
                if (format.equals(ASCII) && cut == file.length - 1) {
                    assertEquals(decode(file), decode(prefix), "only the last line end is missing: a valid file");
                    continue;
                }
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
        assertEquals(decode(ascii(head + good)), decode(ascii(head + good.substring(0, good.length() - 1))),
                "the last line needs no line end");
        warns(ascii(head + good + "\n \n0 0 0\n"), "line 19 (byte 265): 6 bytes of data follow the elements the header"
                + " declares, starting with '0'; not read");
        assertEquals(List.of(), warnings(ascii(head + good + "\n \t\r\n\n")), "blank lines at the end are no data");
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
        for (String bad : new String[] {"1..2", "--1", "1e", ".", "e5", "1,5", "0x", "infinit", "nanx", "1.#", "1.#INFx", "++inf"}) {
            String msg = fails(ascii(head + "0 0 " + bad + " 0\n")).getMessage();
            assertTrue(msg.endsWith("vertex 0: expected property 'z', a float, found '" + bad + "'"), msg);
        }
        assertEquals("ply: line 9 (byte 117): vertex 0: property 'x' is NaN (non-finite): positions must be finite",
                fails(ascii(head + "NaN 0 0 0\n"), ErrorCode.INVALID_MESH).getMessage());
        assertEquals("ply: line 9 (byte 121): vertex 0: property 'z' is +inf (non-finite): positions must be finite",
                fails(ascii(head + "0 0 +inf 0\n"), ErrorCode.INVALID_MESH).getMessage());
        assertEquals("ply: line 10 (byte 121): vertex 0: property 'y' is -inf (non-finite): positions must be finite",
                fails(ascii(head + "\r\n0 -1.#INF 0 0\n"), ErrorCode.INVALID_MESH).getMessage());
        String doubles = head.replace("float", "double");
        assertTrue(fails(ascii(doubles + "0 1e300 0 0\n"), ErrorCode.INVALID_MESH).getMessage()
                .endsWith("vertex 0: property 'y' is 1.0E300, beyond the range of a float (non-finite as a float): positions must be finite"));
        String[] spellings = {"inf", "-inf", "+INF", "Infinity", "-Infinity", "infinity", "nan", "-nan", "NAN", "nan(0x7)", "1.#INF",
            "-1.#INF00", "1.#QNAN", "-1.#IND"};
        for (String q : spellings) {
            float got = floats(decode(ascii(head + "0 0 0 " + q + "\n")).attribute("q"))[0];
            assertTrue(Float.isNaN(got) || Float.isInfinite(got), q + " is a float, not finite: " + got);
            assertEquals(q.startsWith("-") && !q.toLowerCase().contains("n") || q.equals("-inf") || q.equals("-Infinity")
                    || q.equals("-1.#INF00"), got < 0, q);
        }
    }

    @Test
    void binaryTrailingBytesAndNonFinitePositions() {
        PlyWriter w = tetrahedron("float");
        byte[] file = w.bytes(LE);
        byte[] longer = java.util.Arrays.copyOf(file, file.length + 3);
        assertEquals(decode(file), decode(longer), "bytes after the declared elements are not read");
        assertEquals(List.of("byte " + file.length + ": 3 bytes follow the elements the header declares; not read"),
                warnings(longer));
        w = new PlyWriter();
        w.element("vertex").prop("float", "x").prop("float", "y").prop("float", "z").prop("float", "q")
                .row(0, 0, 0, Float.NaN).row(0, 0, Float.POSITIVE_INFINITY, 0);
        byte[] inf = w.bytes(BE);
        int second = inf.length - 16;
        assertEquals("ply: byte " + (second + 8) + ": vertex 1: property 'z' is +inf (non-finite): positions must be finite",
                fails(inf, ErrorCode.INVALID_MESH).getMessage());
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
            {"ply\nformat ascii 1.0\n" + xyz + "end_header", "ply: byte 99: the header declares 1 'vertex' (at least 6 bytes"
                + " each): at least 6 bytes of ascii data, but 0 bytes follow the header"},
            {"ply\nformat ascii 1.0\n" + xyz + "end_heade", "the file ends inside the header"},
            {"ply\nformat ascii 1.0\nelement face 1\nproperty list uchar int vertex_indices\n" + data,
                "ply: line 3 (byte 21): element 'face' has 1 instance, but the header declares no element 'vertex' for it"},
            {"ply\nformat ascii 1.0\nelement tristrips 2\nproperty list int int vertex_indices\n" + data,
                "element 'tristrips' has 2 instances, but the header declares no element 'vertex' for them"},
            {"ply\nformat ascii 1.0\nelement vertex 1\nproperty float x\nproperty float y\n" + data,
                "ply: line 3 (byte 21): element 'vertex' has no scalar property 'z'"},
            {"ply\nformat ascii 1.0\n" + xyz + "element face 1\nproperty list uchar float vertex_indices\n" + data,
                "ply: line 7 (byte 89): element 'face' has no list of integers 'vertex_indices'"},
            {"ply\nformat ascii 1.0\n" + xyz + "element face 1\nproperty int vertex_indices\n" + data,
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
                    assertTrue(LOCATED.matcher(e.getMessage()).matches(), e.getMessage());
                }
            }
        }
    }
}
