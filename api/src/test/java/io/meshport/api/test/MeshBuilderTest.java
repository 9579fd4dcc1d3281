package io.meshport.api.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import io.meshport.mesh.Attribute;
import io.meshport.mesh.AttributeOwner;
import io.meshport.mesh.InvalidMeshException;
import io.meshport.mesh.Mesh;
import io.meshport.protocol.ErrorCode;
import io.meshport.protocol.MeshportException;

/**
 * Validation done by {@link Mesh.Builder#build()} and the {@link Attribute} factories (docs/protocol.md
 * section 6). Every message must name the field and the first bad element, so messages are compared
 * exactly.
 */
class MeshBuilderTest {

    /** Three points: a unit triangle in the xy plane. */
    private static float[] threePoints() {
        return new float[] {0, 0, 0, 1, 0, 0, 0, 1, 0};
    }

    /** Four points: a unit square in the xy plane. */
    private static float[] fourPoints() {
        return new float[] {0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0};
    }

    private static InvalidMeshException invalid(Mesh.Builder builder) {
        InvalidMeshException e = assertThrows(InvalidMeshException.class, builder::build);
        assertSame(ErrorCode.INVALID_MESH, e.code());
        return e;
    }

    private static void assertInvalid(String message, Mesh.Builder builder) {
        assertEquals(message, invalid(builder).getMessage());
    }

    // --- positions ---------------------------------------------------------------------------

    @Test
    void missingPositions() {
        assertInvalid("positions is missing", Mesh.builder());
        assertInvalid("positions is missing", Mesh.builder().indices(new int[] {0, 0, 0}));
    }

    @Test
    void positionsLengthNotMultipleOf3() {
        assertInvalid("positions has 4 numbers, not a multiple of 3 (x y z per point)",
                Mesh.builder().positions(new float[4]));
        assertInvalid("positions has 1 numbers, not a multiple of 3 (x y z per point)",
                Mesh.builder().positions(new float[1]));
        assertInvalid("positions has 8 numbers, not a multiple of 3 (x y z per point)",
                Mesh.builder().positions(new float[8]));
    }

    @Test
    void positionsLengthCheckedBeforeFiniteness() {
        assertInvalid("positions has 2 numbers, not a multiple of 3 (x y z per point)",
                Mesh.builder().positions(new float[] {Float.NaN, 0}));
    }

    @Test
    void nanPositionNamesTheFirstIndex() {
        float[] p = fourPoints();
        p[4] = Float.NaN;
        p[10] = Float.NaN;
        assertInvalid("positions[4] is NaN (point 1); positions must be finite", Mesh.builder().positions(p));
    }

    @Test
    void infinitePositionsNameTheFirstIndex() {
        float[] p = fourPoints();
        p[0] = Float.POSITIVE_INFINITY;
        assertInvalid("positions[0] is Infinity (point 0); positions must be finite", Mesh.builder().positions(p));

        p = fourPoints();
        p[11] = Float.NEGATIVE_INFINITY;
        assertInvalid("positions[11] is -Infinity (point 3); positions must be finite",
                Mesh.builder().positions(p));

        p = fourPoints();
        p[8] = Float.NEGATIVE_INFINITY;
        p[9] = Float.NaN;
        assertInvalid("positions[8] is -Infinity (point 2); positions must be finite",
                Mesh.builder().positions(p));
    }

    @Test
    void extremeFinitePositionsAreAccepted() {
        Mesh m = Mesh.builder().positions(new float[] {Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_VALUE}).build();
        assertEquals(1, m.pointCount());
    }

    @Test
    void positionsAreCheckedEvenWithoutIndices() {
        float[] p = threePoints();
        p[2] = Float.NaN;
        assertInvalid("positions[2] is NaN (point 0); positions must be finite",
                Mesh.builder().positions(p).indices(null));
    }

    // --- indices -----------------------------------------------------------------------------

    @Test
    void indexAtPointCountIsOutOfRange() {
        assertInvalid("indices[2] = 3 is out of range [0, 3)",
                Mesh.builder().positions(threePoints()).indices(new int[] {0, 1, 3}));
    }

    @Test
    void negativeIndexIsOutOfRange() {
        assertInvalid("indices[1] = -1 is out of range [0, 3)",
                Mesh.builder().positions(threePoints()).indices(new int[] {0, -1, 2, 0, 1, 7}));
    }

    @Test
    void extremeIndicesAreOutOfRange() {
        assertInvalid("indices[0] = -2147483648 is out of range [0, 3)",
                Mesh.builder().positions(threePoints()).indices(new int[] {Integer.MIN_VALUE, 1, 2}));
        assertInvalid("indices[2] = 2147483647 is out of range [0, 3)",
                Mesh.builder().positions(threePoints()).indices(new int[] {0, 1, Integer.MAX_VALUE}));
    }

    @Test
    void firstOutOfRangeIndexIsNamed() {
        assertInvalid("indices[4] = 4 is out of range [0, 4)",
                Mesh.builder().positions(fourPoints()).indices(new int[] {0, 1, 2, 0, 4, -5}));
    }

    @Test
    void indicesWithoutPointsAreOutOfRange() {
        assertInvalid("indices[0] = 0 is out of range [0, 0)",
                Mesh.builder().positions(new float[0]).indices(new int[] {0, 0, 0}));
    }

    @Test
    void lastPointIsInRange() {
        Mesh m = Mesh.builder().positions(fourPoints()).indices(new int[] {3, 3, 3}).build();
        assertEquals(1, m.faceCount());
    }

    @Test
    void indicesNotMultipleOf3WithoutFaceCounts() {
        assertInvalid("indices has 4 entries, not a multiple of 3 (without faceCounts every face is a triangle)",
                Mesh.builder().positions(fourPoints()).indices(new int[] {0, 1, 2, 3}));
        assertInvalid("indices has 1 entries, not a multiple of 3 (without faceCounts every face is a triangle)",
                Mesh.builder().positions(fourPoints()).indices(new int[] {0}));
    }

    @Test
    void rangeIsCheckedBeforeTheTriangleCount() {
        assertInvalid("indices[3] = 9 is out of range [0, 4)",
                Mesh.builder().positions(fourPoints()).indices(new int[] {0, 1, 2, 9}));
    }

    // --- faceCounts --------------------------------------------------------------------------

    @Test
    void faceCountBelow3() {
        assertInvalid("faceCounts[1] = 2; a face has at least 3 vertices",
                Mesh.builder().positions(fourPoints()).indices(new int[] {0, 1, 2, 3, 0}).faceCounts(new int[] {3, 2}));
        assertInvalid("faceCounts[0] = 0; a face has at least 3 vertices",
                Mesh.builder().positions(fourPoints()).indices(new int[] {0, 1, 2}).faceCounts(new int[] {0, 3}));
        assertInvalid("faceCounts[2] = -4; a face has at least 3 vertices",
                Mesh.builder().positions(fourPoints()).indices(new int[] {0, 1, 2, 0, 1, 2})
                        .faceCounts(new int[] {3, 3, -4, 4}));
    }

    @Test
    void faceCountsSumMismatch() {
        assertInvalid("faceCounts sum to 6, but indices has 7 entries",
                Mesh.builder().positions(fourPoints()).indices(new int[] {0, 1, 2, 3, 0, 1, 2})
                        .faceCounts(new int[] {3, 3}));
        assertInvalid("faceCounts sum to 8, but indices has 7 entries",
                Mesh.builder().positions(fourPoints()).indices(new int[] {0, 1, 2, 3, 0, 1, 2})
                        .faceCounts(new int[] {4, 4}));
        assertInvalid("faceCounts sum to 0, but indices has 3 entries",
                Mesh.builder().positions(fourPoints()).indices(new int[] {0, 1, 2}).faceCounts(new int[0]));
    }

    @Test
    void faceCountsSumDoesNotOverflow() {
        int big = Integer.MAX_VALUE;
        assertInvalid("faceCounts sum to 4294967294, but indices has 3 entries",
                Mesh.builder().positions(fourPoints()).indices(new int[] {0, 1, 2}).faceCounts(new int[] {big, big}));
    }

    @Test
    void faceCountsWithoutIndices() {
        assertInvalid("faceCounts is given without indices (a point cloud has no faces)",
                Mesh.builder().positions(fourPoints()).faceCounts(new int[] {4}));
    }

    @Test
    void faceCountsMakeAnyIndexCountValid() {
        Mesh m = Mesh.builder().positions(fourPoints()).indices(new int[] {0, 1, 2, 3}).faceCounts(new int[] {4}).build();
        assertEquals(1, m.faceCount());
        assertEquals(4, m.vertexCount());
    }

    // --- attribute element counts ------------------------------------------------------------

    @Test
    void pointAttributeCount() {
        assertInvalid("attributes.Cd.data has 6 elements, expected 9 (3 points x size 3)",
                Mesh.builder().positions(threePoints())
                        .attribute(Attribute.ofFloats("Cd", AttributeOwner.POINT, 3, new float[6])));
        Mesh ok = Mesh.builder().positions(threePoints())
                .attribute(Attribute.ofFloats("Cd", AttributeOwner.POINT, 3, new float[9])).build();
        assertEquals(3, ok.attribute("Cd").tupleCount());
    }

    @Test
    void vertexAttributeCount() {
        Mesh.Builder quad = Mesh.builder().positions(fourPoints()).indices(new int[] {0, 1, 2, 3}).faceCounts(new int[] {4});
        assertInvalid("attributes.uv.data has 6 elements, expected 8 (4 vertices x size 2)",
                quad.attribute(Attribute.ofFloats("uv", AttributeOwner.VERTEX, 2, new float[6])));
        Mesh ok = quad.attribute(Attribute.ofFloats("uv", AttributeOwner.VERTEX, 2, new float[8])).build();
        assertEquals(4, ok.attribute("uv").tupleCount());
    }

    @Test
    void vertexAttributeOnAPointCloud() {
        assertInvalid("attributes.uv.data has 2 elements, expected 0 (0 vertices x size 2)",
                Mesh.builder().positions(threePoints())
                        .attribute(Attribute.ofFloats("uv", AttributeOwner.VERTEX, 2, new float[2])));
        Mesh ok = Mesh.builder().positions(threePoints())
                .attribute(Attribute.ofFloats("uv", AttributeOwner.VERTEX, 2, new float[0])).build();
        assertEquals(0, ok.attribute("uv").tupleCount());
    }

    @Test
    void faceAttributeCount() {
        // a quad and a triangle: 2 faces, 7 vertices
        Mesh.Builder b = Mesh.builder().positions(fourPoints()).indices(new int[] {0, 1, 2, 3, 0, 2, 3})
                .faceCounts(new int[] {4, 3});
        assertInvalid("attributes.id.data has 7 elements, expected 2 (2 faces x size 1)",
                b.attribute(Attribute.ofInts("id", AttributeOwner.FACE, 1, new int[7])));
        assertEquals(2, b.attribute(Attribute.ofInts("id", AttributeOwner.FACE, 1, new int[] {5, 6})).build()
                .attribute("id").tupleCount());
    }

    @Test
    void faceAttributeCountOfATriangleMesh() {
        Mesh.Builder b = Mesh.builder().positions(fourPoints()).indices(new int[] {0, 1, 2, 0, 2, 3})
                .faceCounts(new int[] {3, 3});
        assertInvalid("attributes.id.data has 3 elements, expected 2 (2 faces x size 1)",
                b.attribute(Attribute.ofInts("id", AttributeOwner.FACE, 1, new int[3])));
    }

    @Test
    void detailAttributeCount() {
        assertInvalid("attributes.tag.data has 2 elements, expected 1 (1 detail x size 1)",
                Mesh.builder().positions(threePoints())
                        .attribute(Attribute.ofStrings("tag", AttributeOwner.DETAIL, 1, new String[] {"a", "b"})));
        assertInvalid("attributes.c.data has 0 elements, expected 4 (1 detail x size 4)",
                Mesh.builder().positions(new float[0])
                        .attribute(Attribute.ofFloats("c", AttributeOwner.DETAIL, 4, new float[0])));
        Mesh ok = Mesh.builder().positions(new float[0])
                .attribute(Attribute.ofFloats("c", AttributeOwner.DETAIL, 4, new float[] {1, 2, 3, 4})).build();
        assertEquals(4f, ok.attribute("c").getFloat(0, 3));
    }

    @Test
    void firstBadAttributeInOrderIsNamed() {
        Mesh.Builder b = Mesh.builder().positions(threePoints())
                .attribute(Attribute.ofFloats("good", AttributeOwner.POINT, 1, new float[3]))
                .attribute(Attribute.ofFloats("bad1", AttributeOwner.POINT, 1, new float[2]))
                .attribute(Attribute.ofFloats("bad2", AttributeOwner.POINT, 1, new float[1]));
        assertInvalid("attributes.bad1.data has 2 elements, expected 3 (3 points x size 1)", b);
    }

    @Test
    void replacedAndRemovedAttributesAreNotChecked() {
        Mesh.Builder b = Mesh.builder().positions(threePoints())
                .attribute(Attribute.ofFloats("a", AttributeOwner.POINT, 1, new float[2]))
                .attribute(Attribute.ofFloats("b", AttributeOwner.POINT, 1, new float[5]));
        b.attribute(Attribute.ofFloats("a", AttributeOwner.POINT, 1, new float[3])).removeAttribute("b");
        Mesh m = b.build();
        assertEquals(1, m.attributes().size());
        assertEquals(3, m.attribute("a").elementCount());
        assertNull(m.attribute("b"));
    }

    // --- attribute factories ------------------------------------------------------------------

    private static void assertAttributeInvalid(String message, org.junit.jupiter.api.function.Executable factory) {
        InvalidMeshException e = assertThrows(InvalidMeshException.class, factory);
        assertEquals(message, e.getMessage());
        assertSame(ErrorCode.INVALID_MESH, e.code());
    }

    @Test
    void attributeNamePattern() {
        assertAttributeInvalid("attributes: name '1a' does not match [A-Za-z_][A-Za-z0-9_]* (character 0)",
                () -> Attribute.ofFloats("1a", AttributeOwner.POINT, 1, new float[0]));
        assertAttributeInvalid("attributes: name 'a-b' does not match [A-Za-z_][A-Za-z0-9_]* (character 1)",
                () -> Attribute.ofInts("a-b", AttributeOwner.POINT, 1, new int[0]));
        assertAttributeInvalid("attributes: name 'uv.x' does not match [A-Za-z_][A-Za-z0-9_]* (character 2)",
                () -> Attribute.ofStrings("uv.x", AttributeOwner.POINT, 1, new String[0]));
        assertAttributeInvalid("attributes: name 'a b' does not match [A-Za-z_][A-Za-z0-9_]* (character 1)",
                () -> Attribute.ofFloats("a b", AttributeOwner.POINT, 1, new float[0]));
        assertAttributeInvalid("attributes: name 'n\u00e9' does not match [A-Za-z_][A-Za-z0-9_]* (character 1)",
                () -> Attribute.ofFloats("n\u00e9", AttributeOwner.POINT, 1, new float[0]));
        assertAttributeInvalid("attributes: an attribute name is empty",
                () -> Attribute.ofFloats("", AttributeOwner.POINT, 1, new float[0]));
        assertAttributeInvalid("attributes: an attribute name is empty",
                () -> Attribute.ofFloats(null, AttributeOwner.POINT, 1, new float[0]));
    }

    @Test
    void validAttributeNames() {
        for (String name : new String[] {"N", "Cd", "uv", "Alpha", "_", "_0", "a1_B2", "Z9"}) {
            assertNull(Attribute.nameProblem(name), name);
            assertEquals(name, Attribute.ofFloats(name, AttributeOwner.DETAIL, 1, new float[1]).name());
        }
        assertEquals("attributes: name '9' does not match [A-Za-z_][A-Za-z0-9_]* (character 0)",
                Attribute.nameProblem("9"));
    }

    @Test
    void attributeSizeRange() {
        assertAttributeInvalid("attributes.N.size is 0, outside 1..16",
                () -> Attribute.ofFloats("N", AttributeOwner.POINT, 0, new float[0]));
        assertAttributeInvalid("attributes.N.size is 17, outside 1..16",
                () -> Attribute.ofFloats("N", AttributeOwner.POINT, 17, new float[17]));
        assertAttributeInvalid("attributes.i.size is -1, outside 1..16",
                () -> Attribute.ofInts("i", AttributeOwner.POINT, -1, new int[0]));
        assertAttributeInvalid("attributes.s.size is 17, outside 1..16",
                () -> Attribute.ofStrings("s", AttributeOwner.POINT, 17, new String[0]));
        assertEquals(1, Attribute.ofFloats("a", AttributeOwner.POINT, 1, new float[2]).size());
        assertEquals(16, Attribute.ofFloats("m", AttributeOwner.POINT, 16, new float[32]).size());
        assertEquals(16, Attribute.MAX_SIZE);
    }

    @Test
    void attributeDataLengthMultipleOfSize() {
        assertAttributeInvalid("attributes.N.data has 4 elements, not a multiple of its size 3",
                () -> Attribute.ofFloats("N", AttributeOwner.POINT, 3, new float[4]));
        assertAttributeInvalid("attributes.i.data has 3 elements, not a multiple of its size 2",
                () -> Attribute.ofInts("i", AttributeOwner.POINT, 2, new int[3]));
        assertAttributeInvalid("attributes.s.data has 1 elements, not a multiple of its size 2",
                () -> Attribute.ofStrings("s", AttributeOwner.POINT, 2, new String[] {"x"}));
    }

    @Test
    void attributeMissingOwnerOrData() {
        assertAttributeInvalid("attributes.N.owner is missing", () -> Attribute.ofFloats("N", null, 3, new float[3]));
        assertAttributeInvalid("attributes.N.data is missing",
                () -> Attribute.ofFloats("N", AttributeOwner.POINT, 3, null));
        assertAttributeInvalid("attributes.i.data is missing", () -> Attribute.ofInts("i", AttributeOwner.POINT, 1, null));
        assertAttributeInvalid("attributes.s.data is missing",
                () -> Attribute.ofStrings("s", AttributeOwner.POINT, 1, null));
    }

    @Test
    void nullStringElementNamesTheFirstIndex() {
        assertAttributeInvalid("attributes.s.data[1] is null",
                () -> Attribute.ofStrings("s", AttributeOwner.POINT, 1, new String[] {"a", null, null}));
        assertAttributeInvalid("attributes.pair.data[0] is null",
                () -> Attribute.ofStrings("pair", AttributeOwner.POINT, 2, new String[] {null, "b"}));
    }

    @Test
    void invalidMeshExceptionIsAMeshportException() {
        MeshportException e = new InvalidMeshException("m");
        assertSame(ErrorCode.INVALID_MESH, e.code());
        assertEquals("m", e.getMessage());
        assertEquals(0, e.detail().size());
    }
}
