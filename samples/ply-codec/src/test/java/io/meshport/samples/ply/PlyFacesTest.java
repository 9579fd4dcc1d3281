package io.meshport.samples.ply;

import static io.meshport.samples.ply.PlyTesting.decode;
import static io.meshport.samples.ply.PlyTesting.fails;
import static io.meshport.samples.ply.PlyTesting.floats;
import static io.meshport.samples.ply.PlyTesting.indices;
import static io.meshport.samples.ply.PlyTesting.warnings;
import static io.meshport.samples.ply.PlyTesting.warns;
import static io.meshport.samples.ply.PlyWriter.FORMATS;
import static io.meshport.samples.ply.PlyWriter.list;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.meshport.mesh.Attribute;
import io.meshport.mesh.AttributeOwner;
import io.meshport.mesh.Mesh;

/** Face properties (colours, scalars, normals, texcoord lists), tristrips, and the vertex's uv spellings. */
class PlyFacesTest {

    /** A unit square's corners and a fifth point, for quads, triangles and a pentagon. */
    static PlyWriter.Element fivePoints(PlyWriter w) {
        return w.element("vertex").prop("float", "x").prop("float", "y").prop("float", "z")
                .row(0, 0, 0).row(1, 0, 0).row(1, 1, 0).row(0, 1, 0).row(0.5, 2, 0);
    }

    @Test
    void faceColorsBecomeTheFaceAttributesCdAndAlpha() {
        for (String format : FORMATS) {
            for (String type : new String[] {"uchar", "float", "ushort"}) {
                double full = type.equals("uchar") ? 255 : type.equals("ushort") ? 65535 : 1;
                PlyWriter w = new PlyWriter();
                fivePoints(w);
                w.element("face").list("uchar", "int", "vertex_indices")
                        .prop(type, "red").prop(type, "green").prop(type, "blue").prop(type, "alpha")
                        .row(list(0, 1, 2, 3), full, 0, 0, full).row(list(3, 2, 4), 0, full, full * 0.2, 0);
                byte[] file = w.bytes(format);
                Mesh m = decode(file);
                String what = format + " " + type;
                assertEquals(List.of("Cd", "Alpha"), List.copyOf(m.attributes().keySet()), what);
                Attribute cd = m.attribute("Cd");
                assertEquals(AttributeOwner.FACE, cd.owner(), what);
                assertArrayEquals(new float[] {1, 0, 0, 0, 1, type.equals("float") ? 0.2f : (float) (Math.round(full * 0.2) / full)}, floats(cd), 1e-6f, what);
                assertArrayEquals(new float[] {1, 0}, floats(m.attribute("Alpha")), what);
                assertEquals(List.of(), warnings(file), what);
            }
        }
    }

    @Test
    void faceScalarsAndNormalsBecomeFaceAttributesRenamedWhenThePointsHaveTheName() {
        for (String format : FORMATS) {
            PlyWriter w = new PlyWriter();
            w.element("vertex").prop("float", "x").prop("float", "y").prop("float", "z")
                    .prop("uchar", "red").prop("uchar", "green").prop("uchar", "blue").prop("float", "quality")
                    .row(0, 0, 0, 255, 255, 255, 0.5).row(1, 0, 0, 0, 0, 0, 1).row(0, 1, 0, 0, 0, 0, 2);
            w.element("face").list("uchar", "uint", "vertex_indices").prop("float", "nx").prop("float", "ny").prop("float", "nz")
                    .prop("uchar", "red").prop("uchar", "green").prop("uchar", "blue").prop("float", "quality")
                    .prop("int", "material_index")
                    .row(list(0, 1, 2), 0, 0, 1, 0, 0, 255, 9.5, 3);
            byte[] file = w.bytes(format);
            Mesh m = decode(file);
            assertEquals(List.of("Cd", "quality", "N", "Cd_face", "quality_face", "material_index"),
                    List.copyOf(m.attributes().keySet()), format);
            assertEquals(AttributeOwner.POINT, m.attribute("Cd").owner());
            assertEquals(AttributeOwner.FACE, m.attribute("N").owner(), "N is free: the face normal takes it");
            assertArrayEquals(new float[] {0, 0, 1}, floats(m.attribute("Cd_face")));
            assertArrayEquals(new float[] {9.5f}, floats(m.attribute("quality_face")));
            assertArrayEquals(new float[] {3}, floats(m.attribute("material_index")));
            warns(file, "face property 'red green blue' carried as face attribute 'Cd_face': the name 'Cd' is taken");
            warns(file, "face property 'quality' carried as face attribute 'quality_face'");
        }
    }

    @Test
    void texcoordListsBecomeTheCornersUv() {
        for (String format : FORMATS) {
            PlyWriter w = new PlyWriter();
            fivePoints(w);
            w.element("face").list("uchar", "int", "vertex_indices").list("uchar", "float", "texcoord").prop("uchar", "texnumber")
                    .row(list(0, 1, 2, 3), list(0, 0, 1, 0, 1, 1, 0, 1), 0)
                    .row(list(3, 2, 4), list(0.25, 0.5, 0.75, 0.5, 0.5, 1), 1)
                    .row(list(0, 1, 4, 2, 3), list(1, 1, 2, 2, 3, 3, 4, 4, 5, 5), 0);
            byte[] file = w.bytes(format);
            Mesh m = decode(file);
            Attribute uv = m.attribute("uv");
            assertEquals(AttributeOwner.VERTEX, uv.owner(), format);
            assertEquals(2, uv.size());
            assertArrayEquals(new float[] {0, 0, 1, 0, 1, 1, 0, 1, 0.25f, 0.5f, 0.75f, 0.5f, 0.5f, 1, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5},
                    floats(uv), format);
            assertArrayEquals(new float[] {0, 1, 0}, floats(m.attribute("texnumber")));
            assertEquals(List.of(), warnings(file));
        }
        // The texcoord list before the vertex list, and a vertex uv too: the corners' uv is renamed.
        PlyWriter w = new PlyWriter();
        w.element("vertex").prop("float", "x").prop("float", "y").prop("float", "z").prop("float", "s").prop("float", "t")
                .row(0, 0, 0, 0.5, 0.5).row(1, 0, 0, 0.5, 0.5).row(0, 1, 0, 0.5, 0.5);
        w.element("face").list("uchar", "double", "texcoords").list("uchar", "int", "vertex_index")
                .row(list(0, 0, 1, 0, 0, 1), list(0, 1, 2));
        for (String format : FORMATS) {
            byte[] file = w.bytes(format);
            Mesh m = decode(file);
            assertEquals(AttributeOwner.POINT, m.attribute("uv").owner());
            assertArrayEquals(new float[] {0, 0, 1, 0, 0, 1}, floats(m.attribute("uv_face")), format);
            warns(file, "face list 'texcoords' carried as vertex attribute 'uv_face': the name 'uv' is taken");
        }
    }

    @Test
    void everyUvSpellingOfTheVertexBecomesUv() {
        String[][] spellings = {{"s", "t"}, {"u", "v"}, {"texture_u", "texture_v"}};
        for (String format : FORMATS) {
            for (String[] uv : spellings) {
                PlyWriter w = new PlyWriter();
                w.element("vertex").prop("float", "x").prop("float", "y").prop("float", "z")
                        .prop("float", uv[0]).prop("double", uv[1]).prop("float", "w")
                        .row(0, 0, 0, 0.125, 0.25, 7).row(1, 0, 0, 1, 0.75, 8);
                byte[] file = w.bytes(format);
                Mesh m = decode(file);
                String what = format + " " + uv[0];
                assertEquals(List.of("uv", "w"), List.copyOf(m.attributes().keySet()), what);
                assertEquals(AttributeOwner.POINT, m.attribute("uv").owner());
                assertArrayEquals(new float[] {0.125f, 0.25f, 1, 0.75f}, floats(m.attribute("uv")), what);
                assertEquals(List.of(), warnings(file), what);
            }
        }
    }

    @Test
    void tristripsBecomeTrianglesThatFaceOneWay() {
        for (String format : FORMATS) {
            PlyWriter w = new PlyWriter();
            PlyWriter.Element v = w.element("vertex").prop("float", "x").prop("float", "y").prop("float", "z");
            for (int i = 0; i < 8; i++) {
                v.row(i / 2, i % 2, 0);
            }
            // 0 1 2 3 4: three triangles; -1; 5 6 7 7 5: one, then two that repeat a vertex (skipped)
            w.element("tristrips").list("int", "int", "vertex_indices").row(list(0, 1, 2, 3, 4, -1, 5, 6, 7, 7, 5))
                    .row(list()).row(list(-1, 2, 4, 6, -1, -1));
            byte[] file = w.bytes(format);
            Mesh m = decode(file);
            assertArrayEquals(new int[] {0, 1, 2, 2, 1, 3, 2, 3, 4, 5, 6, 7, 2, 4, 6}, indices(m), format);
            assertNull(m.faceCounts(), "triangles");
            assertEquals(List.of("tristrips: 2 triangles that repeat a vertex (no area: strips are stitched with them) not carried"),
                    warnings(file), format);
        }
    }

    @Test
    void unsignedStripsEndAtTheirLargestValueAndAddToTheFaces() {
        for (String format : FORMATS) {
            PlyWriter w = new PlyWriter();
            fivePoints(w);
            w.element("face").list("uchar", "int", "vertex_indices").row(list(0, 1, 2, 3));
            w.element("tristrips").list("uchar", "uint", "vertex_indices").prop("uchar", "flags")
                    .row(list(0, 1, 4, 4294967295.0, 3, 2, 4), 1);
            byte[] file = w.bytes(format);
            Mesh m = decode(file);
            assertArrayEquals(new int[] {0, 1, 2, 3, 0, 1, 4, 3, 2, 4}, indices(m), format);
            assertEquals(3, m.faceCount());
            warns(file, "tristrips property 'flags' not carried");
        }
        // Face attributes cannot cover the strips' triangles: said, not guessed.
        PlyWriter w = new PlyWriter();
        fivePoints(w);
        w.element("tristrips").list("int", "int", "vertex_indices").row(list(0, 1, 4));
        w.element("face").list("uchar", "int", "vertex_indices").prop("float", "quality").row(list(0, 1, 2, 3), 2);
        for (String format : FORMATS) {
            byte[] file = w.bytes(format);
            Mesh m = decode(file);
            assertArrayEquals(new int[] {0, 1, 4, 0, 1, 2, 3}, indices(m), format);
            assertTrue(m.attributes().isEmpty());
            warns(file, "the face element's attributes and uv not carried: the tristrips add 1 triangle they say nothing about");
        }
    }

    @Test
    void aStripNamesItsBadVertex() {
        PlyWriter w = new PlyWriter();
        fivePoints(w);
        w.element("tristrips").list("int", "int", "vertex_indices").row(list(0, 1, 2, -2));
        String m = fails(w.bytes(PlyWriter.ASCII)).getMessage();
        assertEquals("ply: line 15 (byte 225): tristrips 0 refers to vertex -2, but the file has 5 vertices (-1 ends a strip)", m);
        w = new PlyWriter();
        fivePoints(w);
        w.element("tristrips").list("int", "uint", "vertex_indices").row(list(0, 1, 5));
        m = fails(w.bytes(PlyWriter.LE)).getMessage();
        assertTrue(m.endsWith("tristrips 0 refers to vertex 5, but the file has 5 vertices (4294967295 ends a strip)"), m);
    }
}
