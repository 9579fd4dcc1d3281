package io.meshport.api.test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.ReadOnlyBufferException;
import java.util.List;

import org.joml.Vector3f;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import io.meshport.mesh.Attribute;
import io.meshport.mesh.AttributeOwner;
import io.meshport.mesh.AttributeStorage;
import io.meshport.mesh.InvalidMeshException;

/** Reading {@link Attribute}s, storage checks and renaming. */
class AttributeTest {

    private static Attribute cd() {
        return Attribute.ofFloats("Cd", AttributeOwner.POINT, 3, new float[] {0.1f, 0.2f, 0.3f, 1, 2, 3});
    }

    private static Attribute ids() {
        return Attribute.ofInts("id", AttributeOwner.FACE, 2, new int[] {10, 11, 20, 21, 30, 31});
    }

    private static Attribute tags() {
        return Attribute.ofStrings("tag", AttributeOwner.DETAIL, 2, new String[] {"a", "b"});
    }

    private static void assertIllegalState(String message, Executable call) {
        assertEquals(message, assertThrows(IllegalStateException.class, call).getMessage());
    }

    @Test
    void floatAttribute() {
        Attribute a = cd();
        assertEquals("Cd", a.name());
        assertSame(AttributeOwner.POINT, a.owner());
        assertSame(AttributeStorage.FLOAT, a.storage());
        assertEquals(3, a.size());
        assertEquals(6, a.elementCount());
        assertEquals(2, a.tupleCount());
        assertEquals(0.1f, a.getFloat(0, 0));
        assertEquals(0.3f, a.getFloat(0, 2));
        assertEquals(2f, a.getFloat(1, 1));
        Vector3f dest = new Vector3f();
        assertSame(dest, a.get(1, dest));
        assertEquals(new Vector3f(1, 2, 3), dest);
        assertEquals(new Vector3f(0.1f, 0.2f, 0.3f), a.get(0, dest));
        assertEquals("Attribute[Cd, point, float[3] x 2]", a.toString());
    }

    @Test
    void getVectorReadsTheFirstThreeOfWiderTuples() {
        Attribute a = Attribute.ofFloats("q", AttributeOwner.POINT, 4, new float[] {1, 2, 3, 4, 5, 6, 7, 8});
        assertEquals(new Vector3f(5, 6, 7), a.get(1, new Vector3f()));
    }

    @Test
    void getOutOfRangeThrows() {
        Attribute a = cd();
        assertThrows(IndexOutOfBoundsException.class, () -> a.getFloat(2, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> a.get(2, new Vector3f()));
        assertThrows(IndexOutOfBoundsException.class, () -> ids().getInt(-1, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> tags().getString(1, 0));
    }

    @Test
    void intAttribute() {
        Attribute a = ids();
        assertSame(AttributeStorage.INT, a.storage());
        assertSame(AttributeOwner.FACE, a.owner());
        assertEquals(3, a.tupleCount());
        assertEquals(6, a.elementCount());
        assertEquals(10, a.getInt(0, 0));
        assertEquals(21, a.getInt(1, 1));
        assertEquals(30, a.getInt(2, 0));
        IntBuffer b = a.ints();
        assertTrue(b.isReadOnly());
        assertEquals(0, b.position());
        int[] all = new int[b.remaining()];
        b.get(all);
        assertArrayEquals(new int[] {10, 11, 20, 21, 30, 31}, all);
        assertThrows(ReadOnlyBufferException.class, () -> a.ints().put(0, 1));
        assertEquals("Attribute[id, face, int[2] x 3]", a.toString());
    }

    @Test
    void stringAttribute() {
        Attribute a = tags();
        assertSame(AttributeStorage.STRING, a.storage());
        assertSame(AttributeOwner.DETAIL, a.owner());
        assertEquals(1, a.tupleCount());
        assertEquals("a", a.getString(0, 0));
        assertEquals("b", a.getString(0, 1));
        assertEquals(List.of("a", "b"), a.strings());
        assertEquals("Attribute[tag, detail, string[2] x 1]", a.toString());
    }

    @Test
    void emptyStringsAreAllowed() {
        Attribute a = Attribute.ofStrings("s", AttributeOwner.POINT, 1, new String[] {"", "x"});
        assertEquals("", a.getString(0, 0));
    }

    @Test
    void stringsIsUnmodifiable() {
        List<String> s = tags().strings();
        assertThrows(UnsupportedOperationException.class, () -> s.set(0, "z"));
        assertThrows(UnsupportedOperationException.class, () -> s.add("z"));
        assertThrows(UnsupportedOperationException.class, () -> s.remove(0));
        assertThrows(UnsupportedOperationException.class, s::clear);
        assertEquals("a", tags().getString(0, 0));
    }

    @Test
    void floatsIsAReadOnlyView() {
        Attribute a = cd();
        FloatBuffer b = a.floats();
        assertTrue(b.isReadOnly());
        assertEquals(0, b.position());
        assertEquals(6, b.remaining());
        assertEquals(3f, b.get(5));
        assertThrows(ReadOnlyBufferException.class, () -> b.put(0, 9f));
        assertThrows(ReadOnlyBufferException.class, b::array);
    }

    @Test
    void wrongStorageThrowsIllegalState() {
        Attribute f = cd();
        Attribute i = ids();
        Attribute s = tags();
        assertIllegalState("attribute Cd is float, not int", () -> f.getInt(0, 0));
        assertIllegalState("attribute Cd is float, not string", () -> f.getString(0, 0));
        assertIllegalState("attribute Cd is float, not int", f::ints);
        assertIllegalState("attribute Cd is float, not string", f::strings);
        assertIllegalState("attribute id is int, not float", () -> i.getFloat(0, 0));
        assertIllegalState("attribute id is int, not float", () -> i.get(0, new Vector3f()));
        assertIllegalState("attribute id is int, not float", i::floats);
        assertIllegalState("attribute id is int, not string", () -> i.getString(0, 0));
        assertIllegalState("attribute id is int, not string", i::strings);
        assertIllegalState("attribute tag is string, not float", () -> s.getFloat(0, 0));
        assertIllegalState("attribute tag is string, not int", () -> s.getInt(0, 0));
        assertIllegalState("attribute tag is string, not float", () -> s.get(0, new Vector3f()));
        assertIllegalState("attribute tag is string, not float", s::floats);
        assertIllegalState("attribute tag is string, not int", s::ints);
    }

    @Test
    void getVectorNeedsThreeComponents() {
        Attribute uv = Attribute.ofFloats("uv", AttributeOwner.VERTEX, 2, new float[] {0, 1, 2, 3});
        Vector3f dest = new Vector3f(7, 7, 7);
        assertIllegalState("attribute uv has size 2, not 3", () -> uv.get(0, dest));
        assertEquals(new Vector3f(7, 7, 7), dest);
    }

    @Test
    void withNameKeepsTheData() {
        Attribute a = cd();
        Attribute b = a.withName("color");
        assertEquals("color", b.name());
        assertEquals("Cd", a.name());
        assertSame(a.owner(), b.owner());
        assertSame(a.storage(), b.storage());
        assertEquals(a.size(), b.size());
        assertEquals(a.elementCount(), b.elementCount());
        assertEquals(new Vector3f(1, 2, 3), b.get(1, new Vector3f()));
        assertNotEquals(a, b);
        assertEquals(a, b.withName("Cd"));

        assertEquals(List.of("a", "b"), tags().withName("t2").strings());
        assertEquals(31, ids().withName("ids").getInt(2, 1));
    }

    @Test
    void withNameChecksTheName() {
        InvalidMeshException e = assertThrows(InvalidMeshException.class, () -> cd().withName("2d"));
        assertEquals("attributes: name '2d' does not match [A-Za-z_][A-Za-z0-9_]* (character 0)", e.getMessage());
        e = assertThrows(InvalidMeshException.class, () -> cd().withName(""));
        assertEquals("attributes: an attribute name is empty", e.getMessage());
    }

    @Test
    void equalsAndHashCodeByContent() {
        assertEquals(cd(), cd());
        assertEquals(cd().hashCode(), cd().hashCode());
        assertEquals(ids(), ids());
        assertEquals(tags(), tags());
        assertEquals(tags().hashCode(), tags().hashCode());
        assertNotEquals(cd(), Attribute.ofFloats("Cd", AttributeOwner.POINT, 3, new float[] {0.1f, 0.2f, 0.3f, 1, 2, 4}));
        assertNotEquals(cd(), Attribute.ofFloats("Cd", AttributeOwner.VERTEX, 3, new float[] {0.1f, 0.2f, 0.3f, 1, 2, 3}));
        assertNotEquals(cd(), Attribute.ofFloats("Cd", AttributeOwner.POINT, 2, new float[] {0.1f, 0.2f, 0.3f, 1, 2, 3}));
        assertNotEquals(Attribute.ofFloats("a", AttributeOwner.POINT, 1, new float[] {1}),
                Attribute.ofInts("a", AttributeOwner.POINT, 1, new int[] {1}));
        assertNotEquals(tags(), Attribute.ofStrings("tag", AttributeOwner.DETAIL, 2, new String[] {"a", "c"}));
        assertNotEquals(cd(), null);
        assertNotEquals(cd(), "Cd");
    }

    @Test
    void ownerAndStorageWireNames() {
        assertEquals("point", AttributeOwner.POINT.wireName());
        assertEquals("vertex", AttributeOwner.VERTEX.wireName());
        assertEquals("face", AttributeOwner.FACE.wireName());
        assertEquals("detail", AttributeOwner.DETAIL.wireName());
        for (AttributeOwner o : AttributeOwner.values()) {
            assertSame(o, AttributeOwner.fromWire(o.wireName()));
        }
        assertNull(AttributeOwner.fromWire("POINT"));
        assertNull(AttributeOwner.fromWire("prim"));
        assertNull(AttributeOwner.fromWire(null));

        assertEquals("float", AttributeStorage.FLOAT.wireName());
        assertEquals("int", AttributeStorage.INT.wireName());
        assertEquals("string", AttributeStorage.STRING.wireName());
        for (AttributeStorage s : AttributeStorage.values()) {
            assertSame(s, AttributeStorage.fromWire(s.wireName()));
        }
        assertNull(AttributeStorage.fromWire("double"));
        assertNull(AttributeStorage.fromWire(null));
    }
}
