package io.meshport.wire.call;

import static io.meshport.wire.call.CallValuesReadTest.MESHES;
import static io.meshport.wire.call.CallValuesReadTest.TRIANGLE;
import static io.meshport.wire.call.CallValuesReadTest.concat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.meshport.mesh.Mesh;
import io.meshport.wire.CborFormatException;
import io.meshport.wire.CborTagged;
import io.meshport.wire.CborValues;
import io.meshport.wire.call.CallValues.MappingException;
import io.meshport.wire.call.CallValuesReadTest.Outer;
import io.meshport.wire.call.CallValuesReadTest.Point;
import io.meshport.wire.call.CallValuesReadTest.Shade;
import io.meshport.wire.call.CallValuesReadTest.Shape;
import io.meshport.wire.call.CallValuesReadTest.Unit;

/** Java to CBOR: {@link CallValues#write} and {@link CallValues.Out}, and what reads back. */
class CallValuesWriteTest {
    private static byte[] encode(Object v, CallValues.Meshes meshes) {
        CallValues.Out out = new CallValues.Out();
        CallValues.write(out, v, meshes);
        return concat(out.parts());
    }

    private static Object written(Object v) throws CborFormatException {
        return CborValues.decode(encode(v, MESHES));
    }

    private static String refused(Object v) {
        return assertThrows(MappingException.class, () -> encode(v, MESHES)).getMessage();
    }

    private static ByteBuffer little(int bytes) {
        return ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void plainValuesAsTheyAre() throws Exception {
        assertEquals(null, written(null));
        assertEquals("héllo", written("héllo"));
        assertEquals(true, written(true));
        assertEquals(5L, written(5));
        assertEquals(-5L, written((short) -5));
        assertEquals(2.5, written(2.5));
        assertEquals(1.5, written(1.5f));
        assertArrayEquals(new byte[] {1, 2}, (byte[]) written(new byte[] {1, 2}));
        CborTagged t = new CborTagged(1, 1000L);
        assertEquals(t, written(t));
    }

    @Test
    void optionalsEnumsAndWireValues() throws Exception {
        assertEquals("x", written(Optional.of("x")));
        assertEquals(null, written(Optional.empty()));
        assertEquals("DARK", written(Shade.DARK));
        assertEquals("ft", written(Unit.FOOT), "a WireValue by its wire value");
        assertEquals(List.of("m", 2L), written(List.of(Unit.METRE, Optional.of(2L))));
    }

    @Test
    void primitiveArraysAsLittleEndianTypedArrays() throws Exception {
        CborTagged f = assertInstanceOf(CborTagged.class, written(new float[] {1.5f, -2f}));
        assertEquals(85L, f.tag());
        assertArrayEquals(little(8).putFloat(1.5f).putFloat(-2f).array(), (byte[]) f.value());
        CborTagged i = assertInstanceOf(CborTagged.class, written(new int[] {7, -1}));
        assertEquals(78L, i.tag());
        assertArrayEquals(little(8).putInt(7).putInt(-1).array(), (byte[]) i.value());
        CborTagged d = assertInstanceOf(CborTagged.class, written(new double[] {0.1}));
        assertEquals(86L, d.tag());
        assertArrayEquals(little(8).putDouble(0.1).array(), (byte[]) d.value());
        assertEquals(List.of(1L, 2L), written(new long[] {1, 2}), "other primitive arrays as arrays");
        assertEquals(List.of(true), written(new boolean[] {true}));
        assertEquals(List.of("a", List.of()), written(new Object[] {"a", List.of()}));
    }

    @Test
    void collectionsAndMapsInTheirOrderWithKeysAsTextOrNumbers() throws Exception {
        assertEquals(List.of("b", "a"), written(new LinkedHashSet<>(List.of("b", "a"))));
        Map<Object, Object> m = new LinkedHashMap<>();
        m.put("z", 1L);
        m.put(2L, List.of(Shade.LIGHT));
        m.put(Shade.DARK, Optional.empty());
        m.put(null, "n");
        Map<?, ?> back = assertInstanceOf(Map.class, written(m));
        assertEquals(Arrays.asList("z", 2L, "DARK", "null"), new ArrayList<>(back.keySet()));
        assertEquals(List.of("LIGHT"), back.get(2L));
        assertEquals(null, back.get("DARK"));
    }

    @Test
    void recordsAsMapsOfTheirComponentsAndBackAgain() throws Exception {
        Outer outer = new Outer(new Point(1, 2, "a"), Optional.of(Shade.DARK), List.of(new Point(3, 4, null)));
        Map<?, ?> back = assertInstanceOf(Map.class, written(outer));
        assertEquals(List.of("at", "shade", "more"), new ArrayList<>(back.keySet()));
        assertEquals(Map.of("x", 1.0, "y", 2.0, "label", "a"), back.get("at"));
        assertEquals("DARK", back.get("shade"));
        byte[] encoded = encode(outer, MESHES);
        assertEquals(outer, CallValues.read(encoded, 0, encoded.length, Outer.class, MESHES));
    }

    @Test
    void aMeshGoesInAsItsEncodedPartsWithoutACopy() throws Exception {
        ByteBuffer part = ByteBuffer.wrap(new byte[] {(byte) 0xa0}); // an empty map stands in for the mesh
        CallValues.Meshes stub = new CallValues.Meshes() {
            @Override
            public Mesh read(byte[] b, int off, int len) {
                throw new AssertionError("not read");
            }

            @Override
            public List<ByteBuffer> write(Mesh mesh) {
                return List.of(part);
            }
        };
        CallValues.Out out = new CallValues.Out();
        CallValues.write(out, List.of("before", TRIANGLE, "after"), stub);
        List<ByteBuffer> parts = out.parts();
        assertEquals(3, parts.size(), "the bytes before, the mesh's part, the bytes after");
        assertSame(part, parts.get(1));
        assertEquals(List.of("before", Map.of(), "after"), CborValues.decode(concat(parts)));

        byte[] alone = encode(TRIANGLE, MESHES);
        assertEquals(TRIANGLE, CallValues.read(alone, 0, alone.length, Mesh.class, MESHES));
        byte[] shape = encode(new Shape("tri", TRIANGLE), MESHES);
        assertEquals(new Shape("tri", TRIANGLE), CallValues.read(shape, 0, shape.length, Shape.class, MESHES));
        assertTrue(new CallValues.Out().parts().isEmpty(), "nothing written, no parts");
    }

    @Test
    void theWriterKeepsGoingAfterAPartIsTaken() {
        CallValues.Out out = new CallValues.Out();
        out.writer().text("a");
        List<ByteBuffer> first = new ArrayList<>(out.parts());
        out.writer().text("b");
        List<ByteBuffer> all = out.parts();
        assertEquals(1, first.size());
        assertEquals(2, all.size());
        assertArrayEquals(new byte[] {0x61, 'a', 0x61, 'b'}, concat(all));
    }

    record Broken(int n) {
        @Override
        public int n() {
            throw new IllegalStateException("no n");
        }
    }

    @Test
    void aRecordWhoseAccessorFailsIsNamed() {
        assertEquals("cannot read Broken.n: java.lang.reflect.InvocationTargetException", refused(new Broken(1)));
    }

    @Test
    void valuesThatCannotTravelAreNamed() {
        assertEquals("a java.lang.Thread cannot travel in a call (not a record, enum, collection, map, mesh or WireValue)",
                refused(Thread.currentThread()));
        assertEquals("a java.lang.Object cannot travel in a call (not a record, enum, collection, map, mesh or WireValue)",
                refused(List.of(Map.of("k", new Object()))));
    }

    @Test
    void nestingIsLimitedAndACycleIsCaught() throws Exception {
        Object ok = 1L;
        for (int i = 0; i < CallValues.MAX_DEPTH; i++) {
            ok = List.of(ok);
        }
        assertEquals(ok, written(ok));
        assertEquals("a value nested more than 64 deep (a cycle?)", refused(List.of(ok)));
        List<Object> cycle = new ArrayList<>();
        cycle.add(cycle);
        assertEquals("a value nested more than 64 deep (a cycle?)", refused(cycle));
        Object optionals = "x";
        for (int i = 0; i < CallValues.MAX_DEPTH + 1; i++) {
            optionals = Optional.of(optionals);
        }
        assertEquals("a value nested more than 64 deep (a cycle?)", refused(optionals), "each Optional counts");
    }
}
