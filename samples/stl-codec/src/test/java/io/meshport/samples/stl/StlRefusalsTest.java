package io.meshport.samples.stl;

import static io.meshport.samples.stl.StlTesting.LOCATED;
import static io.meshport.samples.stl.StlTesting.Tri;
import static io.meshport.samples.stl.StlTesting.ascii;
import static io.meshport.samples.stl.StlTesting.binary;
import static io.meshport.samples.stl.StlTesting.cube;
import static io.meshport.samples.stl.StlTesting.decode;
import static io.meshport.samples.stl.StlTesting.fails;
import static io.meshport.samples.stl.StlTesting.failsWith;
import static io.meshport.samples.stl.StlTesting.v;
import static io.meshport.samples.stl.StlTesting.warnings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.meshport.mesh.Mesh;
import io.meshport.protocol.ErrorCode;
import io.meshport.protocol.MeshportException;

/** The STL codec refuses broken files with a message that says where and what, and never anything else. */
class StlRefusalsTest {

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
    void anAsciiFileCutAnywhereFailsUnlessItEndsAfterAWholeFacet() {
        String text = ascii(cube().subList(0, 3), "a") + ascii(cube().subList(3, 5), "b");
        int last = text.lastIndexOf("endsolid") + "endsolid".length();
        // Cut between the two solids, the file is one whole solid: that is a valid file.
        int firstEnd = text.indexOf("endsolid") + "endsolid".length();
        int second = text.indexOf("solid b");
        int whole = 0;
        for (int cut = 0; cut < last; cut++) {
            String prefix = text.substring(0, cut);
            if (cut >= firstEnd && cut <= second) {
                assertEquals(3, decode(prefix).faceCount(), "one solid of 3 triangles");
                continue;
            }
            if (prefix.strip().endsWith("endfacet")) {
                // Only 'endsolid' is missing: read, and said.
                List<String> w = warnings(prefix.getBytes(StandardCharsets.US_ASCII));
                assertTrue(w.size() == 1 && w.get(0).contains("the file ends without the 'endsolid' of solid"), w.toString());
                whole++;
                continue;
            }
            fails(prefix);
        }
        assertTrue(whole > 5, "cuts after whole facets were tried: " + whole);
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
        assertEquals(decode(one), decode(one.replace("endsolid t\n", "")), "a missing last endsolid is read as if it were there");
        assertEquals(List.of("line 9 (byte 94): the file ends without the 'endsolid' of solid 't': read as if it were there"),
                warnings(one.replace("endsolid t\n", "").getBytes(StandardCharsets.US_ASCII)));
        failsWith(one.replace("vertex 0 1 0", "vertex 0 1 0x"), "found '0x'");
        failsWith(one.replace("vertex 0 1 0", "vertex 0 1 nan0"), "found 'nan0'");
        assertEquals("stl: line 6 (byte 71): vertex 2 of facet 0 is (0.0, 1.0, NaN), which is non-finite: positions must be finite",
                fails(one.replace("vertex 0 1 0", "vertex 0 1 nan").getBytes(StandardCharsets.US_ASCII), ErrorCode.INVALID_MESH)
                        .getMessage());
        assertEquals("stl: line 6 (byte 71): vertex 2 of facet 0 is (Infinity, 1.0, 0.0), which is non-finite: positions must be"
                + " finite", fails(one.replace("vertex 0 1 0", "vertex +inf 1 0").getBytes(StandardCharsets.US_ASCII),
                        ErrorCode.INVALID_MESH).getMessage());
        failsWith("solid x\n\u0001", "byte 0x01 is not text");
        MeshportException nan = fails(one.replace("vertex 0 1 0", "vertex 0 NaN 0").getBytes(StandardCharsets.US_ASCII),
                ErrorCode.INVALID_MESH);
        assertTrue(nan.getMessage().contains("vertex 2 of facet 0 is (0.0, NaN, 0.0), which is non-finite"), nan.getMessage());
        Mesh normalNaN = decode(one.replace("normal 0 0 1", "normal NaN 0 1"));
        assertTrue(Float.isNaN(normalNaN.attribute("N").getFloat(0, 0)), "normals are kept as given");
    }

    @Test
    void nonFiniteBinaryCornersAreInvalid() {
        List<Tri> tris = new ArrayList<>(cube());
        tris.set(5, new Tri(v(0, 0, 1), v(0, 0, 0), v(Float.POSITIVE_INFINITY, 0, 0), v(0, 1, 0)));
        MeshportException e = fails(binary(tris, "inf"), ErrorCode.INVALID_MESH);
        assertEquals("stl: byte " + (84 + 5 * 50 + 24) + ": vertex 1 of triangle 5 is (Infinity, 0.0, 0.0), which is non-finite: positions must be finite",
                e.getMessage());
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
