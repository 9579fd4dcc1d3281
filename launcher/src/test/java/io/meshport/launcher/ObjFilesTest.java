package io.meshport.launcher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;

import io.meshport.mesh.Attribute;
import io.meshport.mesh.AttributeOwner;
import io.meshport.mesh.Mesh;

/**
 * The OBJ reader of {@code meshport send}: the cases of javagl's Obj tests (whose parser it replaces), the
 * corner forms that parser refused, colours, groups, lines, and a refusal for each kind of mistake.
 */
class ObjFilesTest {
    @TempDir
    Path dir;

    private final List<String> warnings = new ArrayList<>();

    Mesh read(String text) throws IOException {
        warnings.clear();
        Path f = dir.resolve("test.obj");
        Files.write(f, text.getBytes(StandardCharsets.UTF_8));
        return ObjFiles.read(f, warnings::add);
    }

    String fails(String text) {
        IOException e = assertThrows(IOException.class, () -> read(text));
        assertTrue(e.getMessage().matches("cannot read test\\.obj as OBJ: line \\d+: .+"), e.getMessage());
        return e.getMessage().substring("cannot read test.obj as OBJ: ".length());
    }

    static int[] ints(Mesh m) {
        int[] i = new int[m.vertexCount()];
        m.indices().get(i);
        return i;
    }

    static float[] floats(Attribute a) {
        float[] f = new float[a.elementCount()];
        a.floats().get(f);
        return f;
    }

    static int[] ints(Attribute a) {
        int[] i = new int[a.elementCount()];
        a.ints().get(i);
        return i;
    }

    /** @return the mesh's meta as plain Java values (maps, lists, strings, numbers) */
    static Map<String, Object> meta(Mesh m) throws IOException {
        ByteBuffer b = m.meta();
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        try (JsonParser p = new CBORFactory().createParser(bytes)) {
            p.nextToken();
            @SuppressWarnings("unchecked")
            Map<String, Object> map = (Map<String, Object>) value(p);
            return map;
        }
    }

    private static Object value(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.START_OBJECT) {
            Map<String, Object> m = new LinkedHashMap<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String k = p.currentName();
                p.nextToken();
                m.put(k, value(p));
            }
            return m;
        }
        if (t == JsonToken.START_ARRAY) {
            List<Object> l = new ArrayList<>();
            while (p.nextToken() != JsonToken.END_ARRAY) {
                l.add(value(p));
            }
            return l;
        }
        return t == JsonToken.VALUE_STRING ? p.getText() : p.getNumberValue();
    }

    static final String SQUARE_AND_TRIANGLE = "v 0.0 0.0 0.0\nv 4.0 0.0 0.0\nv 4.0 4.0 0.0\nv 0.0 4.0 0.0\nv 2.0 6.0 0.0\n";

    @Test
    void squareAndTriangleWithAbsoluteAndRelativeNumbers() throws IOException {
        Mesh m = read(SQUARE_AND_TRIANGLE + "f 1 2 3 4\nf 4 3 5\n");
        assertEquals(5, m.pointCount());
        assertEquals(2, m.faceCount());
        assertArrayEquals(new int[] {0, 1, 2, 3, 3, 2, 4}, ints(m));
        assertEquals("test.obj", m.name());
        assertTrue(m.attributes().isEmpty());
        assertNull(m.meta(), "nothing to say");
        assertEquals(List.of(), warnings);
        assertEquals(m, read(SQUARE_AND_TRIANGLE + "f 1 -4 -3 4\nf -2 3 5\n"), "negative numbers count back from the last");
    }

    @Test
    void everyCornerFormAndUvAndNormalsPerCorner() throws IOException {
        String head = SQUARE_AND_TRIANGLE + "vt 0 0\nvt 1 0\nvt 1 1 0\nvn 0 0 1\nvn 0 0 -1\n";
        Mesh m = read(head + "f 1/1/1 2/2/1 3/3/1 4/1/1\nf 4/1/2 3/2/2 5/3/2\n");
        assertEquals(List.of("uv", "N"), List.copyOf(m.attributes().keySet()));
        Attribute uv = m.attribute("uv");
        assertEquals(AttributeOwner.VERTEX, uv.owner());
        assertArrayEquals(new float[] {0, 0, 1, 0, 1, 1, 0, 0, 0, 0, 1, 0, 1, 1}, floats(uv));
        assertArrayEquals(new float[] {0, 0, -1}, new float[] {m.attribute("N").getFloat(6, 0), m.attribute("N").getFloat(6, 1),
            m.attribute("N").getFloat(6, 2)});
        // v//vn and v/vt/ (javagl's parser refused both), v// and v/
        Mesh normalsOnly = read(head + "f 1//1 2//1 3//1 4//1\nf 4//2 3//2 5//2\n");
        assertEquals(List.of("N"), List.copyOf(normalsOnly.attributes().keySet()));
        assertEquals(List.of("the 3 vt not carried: no face corner uses them"), warnings);
        Mesh uvOnly = read(head + "f 1/1/ 2/2/ 3/3/ 4/1/\nf\t4/1/  3/2/\t5/3/   \n");
        assertEquals(List.of("uv"), List.copyOf(uvOnly.attributes().keySet()));
        assertEquals(uv, uvOnly.attribute("uv"));
        Mesh bare = read(head + "f 1// 2// 3// 4/\nf 4 3 5\n");
        assertArrayEquals(ints(m), ints(bare));
        assertTrue(bare.attributes().isEmpty());
    }

    @Test
    void missingTexCoordsOrNormalsKeepTheGeometryAndDropTheAttribute() throws IOException {
        Mesh m = read(SQUARE_AND_TRIANGLE + "vt 0 0\nvn 0 0 1\nf 1/1/1 2/5/1 3/1/1 4/1/1\nf 4/1/1 3/1/7 5/1/1\n");
        assertEquals(2, m.faceCount());
        assertTrue(m.attributes().isEmpty(), m.attributes().toString());
        assertEquals(List.of("uv left out: line 8: a face refers to texture coordinate 5, but the file has 1",
                "N left out: line 9: a face refers to normal 7, but the file has 1"), warnings);
        assertEquals(warnings, meta(m).get("warnings"), "the mesh keeps what was said");
        read(SQUARE_AND_TRIANGLE + "vt 0 0\nf 1/1 2/-3 3/1\n");
        assertEquals(List.of("uv left out: line 7: a face refers to a texture coordinate before the first (counting back too far)"),
                warnings);
        read(SQUARE_AND_TRIANGLE + "vt 0 0\nf 1/1 2/1 3\n");
        assertEquals(List.of("uv left out: 1 of 3 face corners have no texture coordinate"), warnings);
    }

    @Test
    void vertexColorsEvenNotFiniteOnesAndWeights() throws IOException {
        Mesh m = read("v 0 0 0 1 0 0\nv 1 0 0 0 1 0\nv 0 1 0 nan inf -1.#IND\nv 1 1 0 0.5 -INF +NaN\nf 1 2 3\n");
        Attribute cd = m.attribute("Cd");
        assertEquals(AttributeOwner.POINT, cd.owner());
        float[] c = floats(cd);
        assertArrayEquals(new float[] {1, 0, 0, 0, 1, 0}, java.util.Arrays.copyOf(c, 6));
        assertTrue(Float.isNaN(c[6]) && c[7] == Float.POSITIVE_INFINITY && Float.isNaN(c[8]) && c[10] == Float.NEGATIVE_INFINITY);
        assertEquals(List.of(), warnings);
        read("v 0 0 0\nv 1 0 0 1 1 1\nv 0 1 0\nf 1 2 3\n");
        assertEquals(List.of("Cd left out: 1 of 3 vertices have a colour (v x y z r g b)"), warnings);
        Mesh w = read("v 0 0 0 1\nv 1 0 0 0.5\nv 0 1 0 1.0\n");
        assertTrue(w.isPointCloud());
        assertEquals(List.of("1 vertices have a weight w other than 1 (the first on line 2): the weights are not carried"), warnings);
    }

    @Test
    void groupsObjectsMaterialsAndSmoothingAreFaceAttributesWithTheirNamesInMeta() throws IOException {
        Mesh m = read("mtllib twoMaterialsA.mtl\n" + SQUARE_AND_TRIANGLE + "v 8 0 0\n"
                + "f 1 2 3\no part\nf 1 3 4\ng group1 \nusemtl material0\ns 1\nf 2 5 6\ng group0 group1\nusemtl material1\ns off\nf 2 6 3\n"
                + "g\nusemtl material0\nf 1 2 4\n");
        assertEquals(List.of("group", "object", "material", "smooth"), List.copyOf(m.attributes().keySet()));
        assertArrayEquals(new int[] {-1, -1, 0, 1, 2}, ints(m.attribute("group")));
        assertArrayEquals(new int[] {-1, 0, 0, 0, 0}, ints(m.attribute("object")));
        assertArrayEquals(new int[] {-1, -1, 0, 1, 0}, ints(m.attribute("material")));
        assertArrayEquals(new int[] {0, 0, 1, 0, 0}, ints(m.attribute("smooth")));
        Map<String, Object> meta = meta(m);
        assertEquals(List.of("group1", "group0 group1", "default"), meta.get("groups"));
        assertEquals(List.of("part"), meta.get("objects"));
        assertEquals(List.of("material0", "material1"), meta.get("materials"));
        assertEquals(List.of("twoMaterialsA.mtl"), meta.get("mtllib"));
        assertEquals(List.of(), warnings);
    }

    @Test
    void linesArePointListsInMetaAndOtherStatementsAreReported() throws IOException {
        Mesh m = read("v 0.0 0.0 0.0\nv 4.0 0.0 0.0\nv 4.0 4.0 0.0\nv 6.0 0.0 0.0\nv 6.0 4.0 0.0\n\nf 1 2 3\nf 2 4\nf 3 5\n"
                + "l 1/1 2 -1\np 1 2\ncstype bspline\ndeg 3\ncurv 0 1 1 2 3 4\nvp 0.5\np 3\n");
        assertEquals(1, m.faceCount());
        assertEquals(List.of(List.of(1, 3), List.of(2, 4), List.of(0, 1, 4)), meta(m).get("lines"));
        assertEquals(List.of("2 faces 'f' have fewer than 3 vertices (the first on line 8): kept with the lines 'l', not as faces",
                "2 'p' statements (point elements: their vertices are points of the mesh anyway) not carried (the first on line 11)",
                "1 'cstype' statement not carried (the first on line 12)", "1 'deg' statement not carried (the first on line 13)",
                "1 'curv' statement not carried (the first on line 14)",
                "1 'vp' statement (vertices in a curve's parameter space) not carried (the first on line 15)"), warnings);
    }

    @Test
    void lineEndsContinuationsCommentsAndEmptyFiles() throws IOException {
        Mesh reference = read(SQUARE_AND_TRIANGLE + "f 1 2 3 4\nf 4 3 5\n");
        for (String nl : new String[] {"\r\n", "\r"}) {
            String text = ("# a comment\n" + SQUARE_AND_TRIANGLE + "f 1 2 \\\n 3 4   # the square\n\n\t\nf 4 3 5").replace("\n", nl);
            assertEquals(reference, read(text), nl.replace("\r", "CR").replace("\n", "LF"));
            assertEquals("line 13: expected the y of vertex 6, a number, found 'x'", fails(text + nl + "# c" + nl + "v 1 x 2"));
        }
        assertEquals(0, read("").pointCount());
        assertEquals(0, read("# only a comment\n\n").pointCount());
        assertTrue(read("v 1 2 3").isPointCloud(), "no final line end");
    }

    @Test
    void randomDamageGivesOnlyLocatedRefusals() throws IOException {
        String good = "mtllib a.mtl\n" + SQUARE_AND_TRIANGLE + "v 1 1 1 0.5 0.5 0.5\nvt 0 0\nvt 1 0 0\nvn 0 0 1\ng a b\nusemtl m\ns 2\n"
                + "f 1/1/1 2/2/1 3/1/1 4/2/1\nf -1//1 -2//1 -3//1\nl 1 2 3\no x\nf 5/1 4/2 3/1\np 1\n";
        read(good);
        java.util.Random r = new java.util.Random(5);
        String noise = "0123456789 -./\\\n\r#vfltngesopx";
        for (int round = 0; round < 3000; round++) {
            char[] bad = good.toCharArray();
            for (int c = 1 + r.nextInt(4); c > 0; c--) {
                bad[r.nextInt(bad.length)] = noise.charAt(r.nextInt(noise.length()));
            }
            String text = new String(bad, 0, r.nextInt(6) == 0 ? r.nextInt(bad.length) : bad.length);
            try {
                read(text);
            } catch (IOException e) {
                assertTrue(e.getMessage().matches("cannot read test\\.obj as OBJ: line \\d+: .+"), e.getMessage());
            }
        }
    }

    @Test
    void everyMistakeIsNamedWithItsLine() {
        String v3 = "v 0 0 0\nv 1 0 0\nv 0 1 0\n";
        assertEquals("line 4: face refers to vertex 4, but the file has 3 vertices", fails(v3 + "f 1 2 4\n"));
        assertEquals("line 4: face refers to a vertex before the first (counting back too far)", fails(v3 + "f -4 1 2\n"));
        assertEquals("line 4: line refers to vertex 9, but the file has 3 vertices", fails(v3 + "l 1 9\n"));
        assertEquals("line 4: corner '0': vertex number 0 (OBJ counts from 1, or back from -1)", fails(v3 + "f 0 1 2\n"));
        assertEquals("line 4: corner '1/x': expected the number of a texture coordinate, found 'x'", fails(v3 + "f 1/x 2 3\n"));
        assertEquals("line 4: corner 'a': expected the number of a vertex, found 'a'", fails(v3 + "f a 2 3\n"));
        assertEquals("line 4: corner '99999999999': vertex number 99999999999 is too large", fails(v3 + "f 99999999999 2 3\n"));
        assertEquals("line 2: vertex 2 has x = +inf, which is non-finite: positions must be finite", fails("v 0 0 0\nv +inf 0 0\n"));
        assertEquals("line 1: vertex 1 has z = nan, which is non-finite: positions must be finite", fails("v 0 0 nan"));
        assertEquals("line 1: expected the z of vertex 1, a number, found '1,5'", fails("v 0 0 1,5\n"));
        assertEquals("line 1: a vertex 'v' has 5 numbers: expected 3 (x y z), 4 (x y z w) or 6 (x y z r g b)",
                fails("v 0 0 0 1 1\n"));
        assertEquals("line 2: a normal 'vn' has 2 numbers: expected 3 (x y z)", fails("v 0 0 0\nvn 0 1\n"));
        assertEquals("line 1: expected u, a number, found 'u'", fails("vt u v\n"));
        assertEquals("line 4: a face 'f' without vertices", fails(v3 + "f\n"));
        assertEquals("line 1: expected the smoothing group, a number, found 'on'", fails("s on\n"));
    }
}
