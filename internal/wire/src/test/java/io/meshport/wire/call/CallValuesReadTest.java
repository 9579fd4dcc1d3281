package io.meshport.wire.call;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.reflect.Type;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.meshport.mesh.Mesh;
import io.meshport.mesh.MeshReader;
import io.meshport.protocol.WireValue;
import io.meshport.wire.CborFormatException;
import io.meshport.wire.CborTagged;
import io.meshport.wire.CborWriter;
import io.meshport.wire.call.CallValues.MappingException;
import io.meshport.wire.mesh.MeshCborReader;
import io.meshport.wire.mesh.MeshCborWriter;
import io.meshport.wire.mesh.TypedArray;

/** CBOR to Java: {@link CallValues#read} and {@link CallValues#convert}, their conversions and their messages. */
class CallValuesReadTest {
    static final CallValues.Meshes MESHES = new CallValues.Meshes() {
        private final MeshCborReader reader = new MeshCborReader();

        @Override
        public Mesh read(byte[] b, int off, int len) {
            return reader.read(b, off, len, MeshReader.NO_BASE);
        }

        @Override
        public List<ByteBuffer> write(Mesh mesh) {
            return MeshCborWriter.encode(mesh);
        }
    };

    static final Mesh TRIANGLE = Mesh.builder().positions(new float[] {0, 0, 0, 1, 0, 0, 0, 1, 0}).indices(new int[] {0, 1, 2})
            .build();

    enum Shade { LIGHT, DARK }

    enum Unit implements WireValue {
        METRE("m"), FOOT("ft");

        private final String symbol;

        Unit(String symbol) {
            this.symbol = symbol;
        }

        @Override
        public Object toWire() {
            return symbol;
        }
    }

    record Point(double x, double y, String label) {
    }

    record Positive(int n) {
        Positive {
            if (n <= 0) {
                throw new IllegalArgumentException("n must be positive, got " + n);
            }
        }
    }

    record Outer(Point at, Optional<Shade> shade, List<Point> more) {
    }

    record Shape(String name, Mesh mesh) {
    }

    /** A value type of its own shape: "r,g,b". */
    static final class Colour {
        final String rgb;

        private Colour(String rgb) {
            this.rgb = rgb;
        }

        public static Colour fromWire(Object v) {
            if (!(v instanceof String) || ((String) v).split(",").length != 3) {
                throw new IllegalArgumentException("three components expected: " + v);
            }
            return new Colour((String) v);
        }
    }

    /** Generic types to convert to, read from these fields. */
    @SuppressWarnings("unused")
    private static final class Types<T extends Number> {
        List<Integer> ints;
        Set<String> names;
        Iterable<Long> longs;
        Map<String, Integer> counts;
        Map<Long, List<Shade>> shadesByNumber;
        Optional<String> maybe;
        Optional<Mesh> maybeMesh;
        List<int[]> rows;
        List<String>[] listArray;
        T[] boundArray;
        List<? extends Number> someNumbers;
        List<?> anything;
        List raw;
        T bound;
    }

    static Type type(String field) {
        try {
            return Types.class.getDeclaredField(field).getGenericType();
        } catch (NoSuchFieldException e) {
            throw new AssertionError(e);
        }
    }

    static Object convert(Object v, Type type) {
        return CallValues.convert(v, type, MESHES);
    }

    static String refused(Object v, Type type) {
        return assertThrows(MappingException.class, () -> convert(v, type)).getMessage();
    }

    static CborTagged typed(TypedArray t, ByteBuffer bytes) {
        return new CborTagged(t.tag(), Arrays.copyOf(bytes.array(), bytes.position()));
    }

    /** @return {@code v} encoded, between 3 bytes before and 2 after, read as {@code type} */
    static Object read(Object v, Type type) throws CborFormatException {
        return read(new CborWriter().value(v).toByteArray(), type);
    }

    static Object read(byte[] item, Type type) throws CborFormatException {
        byte[] framed = new byte[item.length + 5];
        Arrays.fill(framed, (byte) 0xff);
        System.arraycopy(item, 0, framed, 3, item.length);
        return CallValues.read(framed, 3, 3 + item.length, type, MESHES);
    }

    @Test
    void wholeNumbersMustFitTheirTypeAndIntegralFloatsCount() {
        assertEquals(5L, convert(5L, long.class));
        assertEquals(21, convert(21.0, int.class), "an integral float is a whole number");
        assertEquals(-7, convert(-7L, Integer.class));
        assertEquals((short) 300, convert(300L, short.class));
        assertEquals((byte) -128, convert(-128L, Byte.class));
        assertEquals("a whole number between -2147483648 and 2147483647 expected, got 4294967296", refused(4294967296L, int.class));
        assertEquals("a whole number between -128 and 127 expected, got 128", refused(128L, byte.class));
        assertEquals("a whole number between -32768 and 32767 expected, got -32769", refused(-32769L, short.class));
        assertEquals("a whole number between -2147483648 and 2147483647 expected, got 2.5", refused(2.5, int.class));
        assertEquals("a whole number between -9223372036854775808 and 9223372036854775807 expected, got NaN",
                refused(Double.NaN, long.class));
        assertEquals("a whole number between -9223372036854775808 and 9223372036854775807 expected, got 1.0E19",
                refused(1e19, long.class));
        assertEquals("a whole number between -9223372036854775808 and 9223372036854775807 expected, got 18446744073709551616",
                refused(BigInteger.TWO.pow(64), long.class));
        String huge = BigInteger.TEN.pow(60).toString();
        assertEquals("a whole number between -9223372036854775808 and 9223372036854775807 expected, got "
                + huge.substring(0, 40) + "... (61 characters)", refused(BigInteger.TEN.pow(60), long.class),
                "a client's bignum is cut like text");
        assertEquals("a whole number expected, got text 'x'", refused("x", long.class));
        assertEquals("a whole number expected, got a boolean true", refused(true, int.class));
    }

    @Test
    void floatsTakeAnyNumber() {
        assertEquals(2.5, convert(2.5, double.class));
        assertEquals(3.0, convert(3L, Double.class));
        assertEquals(1.5f, convert(1.5, float.class));
        assertEquals(1.8446744073709552E19, convert(BigInteger.TWO.pow(64), double.class));
        assertEquals("a number expected, got text '1.5'", refused("1.5", double.class));
        assertEquals(7L, convert(7L, Number.class));
        assertEquals("a number expected, got a list", refused(List.of(), Number.class));
    }

    @Test
    void nullIsNullExceptForPrimitivesAndOptionals() {
        assertNull(convert(null, String.class));
        assertNull(convert(null, Long.class));
        assertNull(convert(null, Point.class));
        assertEquals("long expected, got null", refused(null, long.class));
        assertEquals("boolean expected, got null", refused(null, boolean.class));
        assertEquals(Optional.empty(), convert(null, type("maybe")));
        assertEquals(Optional.of("a"), convert("a", type("maybe")));
        assertEquals("text expected, got number 3", refused(3L, type("maybe")));
    }

    @Test
    void textBooleansAndByteStrings() {
        assertEquals("héllo", convert("héllo", String.class));
        assertEquals("text expected, got number 3", refused(3L, String.class));
        assertEquals("text expected, got a map", refused(Map.of(), String.class));
        assertEquals(true, convert(true, boolean.class));
        assertEquals(false, convert(false, Boolean.class));
        assertEquals("true or false expected, got text 'yes'", refused("yes", boolean.class));
        byte[] bytes = {1, 2, 3};
        assertArrayEquals(bytes, (byte[]) convert(bytes, byte[].class));
        assertArrayEquals(bytes, (byte[]) convert(new CborTagged(64, bytes), byte[].class), "a uint8 typed array");
        assertEquals("a byte string expected, got a list", refused(List.of(1L), byte[].class));
        assertEquals("a byte string expected, got a tagged item", refused(new CborTagged(1, 5L), byte[].class));
        assertEquals("a whole number expected, got text '" + "x".repeat(40) + "'... (50 characters)", refused("x".repeat(50), long.class),
                "a client's text is quoted short");
    }

    @Test
    void enumsByNameInAnyCaseOrByTheirWireValue() {
        assertEquals(Shade.DARK, convert("DARK", Shade.class));
        assertEquals(Shade.LIGHT, convert("light", Shade.class));
        assertEquals(Unit.FOOT, convert("ft", Unit.class));
        assertEquals(Unit.METRE, convert("metre", Unit.class), "or by the constant's name");
        assertEquals("one of [LIGHT, DARK] expected, got 'grey'", refused("grey", Shade.class));
        assertEquals("one of [m, ft] expected, got 'inch'", refused("inch", Unit.class));
        assertEquals("one of [LIGHT, DARK] expected, got number 1", refused(1L, Shade.class));
        assertEquals("one of [LIGHT, DARK] expected, got 'a\\nb'", refused("a\nb", Shade.class));
    }

    @Test
    void listsBecomeArraysListsAndSets() {
        assertArrayEquals(new int[] {1, 2, 3}, (int[]) convert(List.of(1L, 2L, 3.0), int[].class));
        assertArrayEquals(new String[] {"a", "b"}, (String[]) convert(List.of("a", "b"), String[].class));
        List<?> ints = assertInstanceOf(List.class, convert(List.of(1L, 2L), type("ints")));
        assertEquals(List.of(1, 2), ints);
        assertThrows(UnsupportedOperationException.class, () -> ((List<Object>) ints).add(3));
        Set<?> names = assertInstanceOf(Set.class, convert(List.of("b", "a", "b"), type("names")));
        assertEquals(List.of("b", "a"), new ArrayList<>(names), "in order, once each");
        assertThrows(UnsupportedOperationException.class, () -> ((Set<Object>) names).add("c"));
        assertEquals(List.of(4L), convert(List.of(4L), type("longs")));
        assertEquals(List.of(List.of(1L)), convert(List.of(List.of(1L)), type("raw")));
        assertEquals(List.of(1L, 2.5), convert(List.of(1L, 2.5), type("someNumbers")));
        assertEquals(List.of("x"), convert(List.of("x"), type("anything")));
        Object rows = convert(List.of(List.of(1L, 2L), List.of()), type("rows"));
        assertArrayEquals(new int[] {1, 2}, ((List<int[]>) rows).get(0));
        List<String>[] listArray = (List<String>[]) convert(List.of(List.of("p")), type("listArray"));
        assertEquals(List.of("p"), listArray[0]);
        Number[] bound = (Number[]) convert(List.of(1L, 2.0), type("boundArray"));
        assertArrayEquals(new Number[] {1L, 2.0}, bound);
        assertEquals("a list expected, got number 3", refused(3L, type("ints")));
        assertEquals("a list expected, got a map", refused(Map.of(), int[].class));
        assertEquals("a whole number expected, got text 'x'", refused(List.of(1L, "x"), int[].class));
    }

    @Test
    void typedArraysAreListsOfNumbers() {
        ByteBuffer f = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(1.5f).putFloat(-2f);
        assertArrayEquals(new double[] {1.5, -2}, (double[]) convert(typed(TypedArray.FLOAT32_LE, f), double[].class));
        assertArrayEquals(new float[] {1.5f, -2f}, (float[]) convert(typed(TypedArray.FLOAT32_LE, f), float[].class));
        ByteBuffer u = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(7).putInt(-1);
        assertEquals(List.of(7, -1), convert(typed(TypedArray.SINT32_LE, u), type("ints")));
        assertEquals("a whole number between -2147483648 and 2147483647 expected, got 4294967295",
                refused(typed(TypedArray.UINT32_LE, u), type("ints")), "uint32 0xffffffff does not fit an int");
        assertEquals(List.of(7L, 4294967295L), convert(typed(TypedArray.UINT32_LE, u), type("longs")));
    }

    @Test
    void parametersTypedObjectGetPlainValuesWithTypedArraysAsJavaArrays() {
        Map<Object, Object> m = new LinkedHashMap<>();
        m.put("k", List.of(1L, "two"));
        assertEquals(m, convert(m, Object.class));
        assertEquals(7L, convert(7L, type("bound")), "a type variable is its bound");
        assertEquals("a number expected, got text 's'", refused("s", type("bound")));
        ByteBuffer f16 = ByteBuffer.allocate(4).order(ByteOrder.BIG_ENDIAN).putShort((short) 0x3c00).putShort((short) 0xc000);
        assertArrayEquals(new double[] {1, -2}, (double[]) convert(typed(TypedArray.FLOAT16_BE, f16), Object.class));
        ByteBuffer f64 = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(0.1);
        assertArrayEquals(new double[] {0.1}, (double[]) convert(typed(TypedArray.FLOAT64_LE, f64), Object.class));
        ByteBuffer b8 = ByteBuffer.allocate(2).put((byte) -1).put((byte) 2);
        assertArrayEquals(new long[] {255, 2}, (long[]) convert(typed(TypedArray.UINT8, b8), Object.class));
        assertArrayEquals(new long[] {-1, 2}, (long[]) convert(typed(TypedArray.SINT8, b8), Object.class));
        ByteBuffer s16 = ByteBuffer.allocate(4).order(ByteOrder.BIG_ENDIAN).putShort((short) -2).putShort((short) 3);
        assertArrayEquals(new long[] {-2, 3}, (long[]) convert(typed(TypedArray.SINT16_BE, s16), Object.class));
        assertArrayEquals(new long[] {65534, 3}, (long[]) convert(typed(TypedArray.UINT16_BE, s16), Object.class));
        ByteBuffer s64 = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(Long.MIN_VALUE);
        assertArrayEquals(new long[] {Long.MIN_VALUE}, (long[]) convert(typed(TypedArray.SINT64_LE, s64), Object.class));
        List<?> nested = (List<?>) convert(List.of(Map.of("p", typed(TypedArray.SINT64_LE, s64))), Object.class);
        assertArrayEquals(new long[] {Long.MIN_VALUE}, (long[]) ((Map<?, ?>) nested.get(0)).get("p"), "in lists and maps too");
        CborTagged other = new CborTagged(1, 5L);
        assertEquals(other, convert(other, Object.class), "another tag stays as it is");
        CborTagged notBytes = new CborTagged(85, "x");
        assertEquals(notBytes, convert(notBytes, Object.class));
        assertEquals("a float32 LE typed array of 5 bytes, not a multiple of 4",
                refused(new CborTagged(85, new byte[5]), Object.class));
    }

    @Test
    void mapsConvertTheirKeysAndValues() {
        Map<Object, Object> m = new LinkedHashMap<>();
        m.put("b", 2L);
        m.put("a", 1.0);
        Map<?, ?> counts = assertInstanceOf(Map.class, convert(m, type("counts")));
        assertEquals(List.of("b", "a"), new ArrayList<>(counts.keySet()), "in order");
        assertEquals(Map.of("b", 2, "a", 1), counts);
        assertThrows(UnsupportedOperationException.class, () -> ((Map<Object, Object>) counts).clear());
        assertEquals(Map.of(3L, List.of(Shade.DARK)), convert(Map.of(3L, List.of("dark")), type("shadesByNumber")));
        assertEquals("a map expected, got a list", refused(List.of(), type("counts")));
        assertEquals("a whole number between -2147483648 and 2147483647 expected, got 1.5",
                refused(Map.of("x", 1.5), type("counts")));
    }

    @Test
    void recordsAreMapsOfTheirComponents() {
        assertEquals(new Point(1, 2, "a|b"), convert(Map.of("x", 1L, "y", 2.0, "label", "a|b"), Point.class));
        assertEquals(new Point(1, 2, null), convert(Map.of("x", 1L, "y", 2L, "extra", true), Point.class),
                "a missing component is null, an unknown key is ignored");
        Map<String, Object> outer = Map.of("at", Map.of("x", 0L, "y", 0L), "more", List.of(Map.of("x", 1L, "y", 1L)));
        assertEquals(new Outer(new Point(0, 0, null), Optional.empty(), List.of(new Point(1, 1, null))), convert(outer, Outer.class));
        assertEquals("field 'x': a number expected, got text 'zero'", refused(Map.of("x", "zero", "y", 0L), Point.class));
        assertEquals("field 'y': double expected, got null", refused(Map.of("x", 1L), Point.class));
        assertEquals("field 'more': field 'x': double expected, got null",
                refused(Map.of("at", Map.of("x", 0L, "y", 0L), "more", List.of(Map.of())), Outer.class));
        assertEquals("a map of Point's fields expected, got text 'p'", refused("p", Point.class));
        assertEquals("not a valid Positive: n must be positive, got -1", refused(Map.of("n", -1L), Positive.class));
        assertEquals("not a valid Positive: n must be positive, got -1", refused(Map.of("n", -1.0), Positive.class));
    }

    @Test
    void typesWithFromWireReadTheirPlainShape() {
        assertEquals("1,2,3", ((Colour) convert("1,2,3", Colour.class)).rgb);
        assertEquals("not a valid Colour: three components expected: red", refused("red", Colour.class));
        String cause = "three components expected: " + "y".repeat(200);
        assertEquals("not a valid Colour: " + cause.substring(0, 200) + "... (227 characters)", refused("y".repeat(200), Colour.class),
                "the message is bounded");
        assertEquals("values of type java.lang.Thread cannot travel in a call", refused("t", Thread.class));
        assertEquals("values of type java.lang.StringBuilder cannot travel in a call", refused("t", StringBuilder.class));
    }

    @Test
    void meshesAreReadInBulkAtTheTopLevelAndThroughAMapWhenNested() throws Exception {
        byte[] encoded = concat(MeshCborWriter.encode(TRIANGLE));
        assertEquals(TRIANGLE, read(encoded, Mesh.class));
        assertEquals(Optional.of(TRIANGLE), read(encoded, type("maybeMesh")));
        assertNull(read(new byte[] {(byte) 0xf6}, Mesh.class));
        assertNull(read(new byte[] {(byte) 0xf7}, Mesh.class), "undefined is null too");
        assertEquals(Optional.empty(), read(new byte[] {(byte) 0xf6}, type("maybeMesh")));
        Map<String, Object> shape = new LinkedHashMap<>();
        shape.put("name", "tri");
        shape.put("mesh", io.meshport.wire.CborValues.decode(encoded));
        assertEquals(new Shape("tri", TRIANGLE), read(shape, Shape.class));
        assertEquals(new Shape("tri", TRIANGLE), convert(shape, Shape.class));
        assertEquals(TRIANGLE, convert(shape.get("mesh"), Mesh.class));
        assertEquals("field 'mesh': a mesh map expected, got text 'm'", refused(Map.of("mesh", "m"), Shape.class));
    }

    @Test
    void readDecodesThenConverts() throws Exception {
        assertEquals(new Point(1, 2, "p"), read(Map.of("x", 1L, "y", 2L, "label", "p"), Point.class));
        assertEquals(List.of(1, 2), read(List.of(1L, 2L), type("ints")));
        assertNull(read((Object) null, String.class));
        assertEquals("true or false expected, got text 'yes'",
                assertThrows(MappingException.class, () -> read("yes", boolean.class)).getMessage());
        assertThrows(CborFormatException.class, () -> read(new byte[] {(byte) 0x82, 1}, Object.class), "a truncated array");
    }

    @Test
    void argumentsMayNestAsDeepAsResults() throws Exception {
        assertEquals(64, CallValues.MAX_DEPTH);
        Object ok = 1L;
        for (int i = 0; i < 64; i++) {
            ok = List.of(ok);
        }
        assertEquals(ok, read(ok, Object.class));
        Object deep = List.of(ok);
        assertEquals("a value nested more than 64 deep",
                assertThrows(MappingException.class, () -> read(deep, Object.class)).getMessage());
        Object deepMap = Map.of("k", ok);
        assertEquals("a value nested more than 64 deep",
                assertThrows(MappingException.class, () -> read(deepMap, Object.class)).getMessage());
        Object deepTag = new CborTagged(1, ok);
        assertEquals("a value nested more than 64 deep",
                assertThrows(MappingException.class, () -> read(deepTag, Object.class)).getMessage());
    }

    @Test
    void describeNamesTheCborTypeAndShortValues() {
        assertEquals("null", CallValues.describe(null));
        assertEquals("text 'a'", CallValues.describe("a"));
        assertEquals("text '" + "z".repeat(40) + "'... (41 characters)", CallValues.describe("z".repeat(41)));
        assertEquals("a boolean false", CallValues.describe(false));
        assertEquals("number 2.5", CallValues.describe(2.5));
        assertEquals("number 3", CallValues.describe(BigInteger.valueOf(3)));
        assertEquals("a list", CallValues.describe(List.of(1L)));
        assertEquals("a map", CallValues.describe(Map.of()));
        assertEquals("a byte string", CallValues.describe(new byte[2]));
        assertEquals("a tagged item", CallValues.describe(new CborTagged(85, new byte[0])));
        assertEquals("Thread", CallValues.describe(Thread.currentThread()));
    }

    @Test
    void rawClassOfEachKindOfType() {
        assertEquals(String.class, CallValues.rawClass(String.class));
        assertEquals(List.class, CallValues.rawClass(type("ints")));
        assertEquals(List[].class, CallValues.rawClass(type("listArray")));
        assertEquals(Number[].class, CallValues.rawClass(type("boundArray")));
        assertEquals(Number.class, CallValues.rawClass(type("bound")));
        assertEquals(Number.class, CallValues.rawClass(
                ((java.lang.reflect.ParameterizedType) type("someNumbers")).getActualTypeArguments()[0]));
        assertEquals(Object.class, CallValues.rawClass(
                ((java.lang.reflect.ParameterizedType) type("anything")).getActualTypeArguments()[0]));
        assertEquals(Object.class, CallValues.rawClass(new Type() {
        }), "a kind of type it does not know");
    }

    static byte[] concat(List<ByteBuffer> parts) {
        int n = 0;
        for (ByteBuffer p : parts) {
            n += p.remaining();
        }
        ByteBuffer all = ByteBuffer.allocate(n);
        for (ByteBuffer p : parts) {
            all.put(p.duplicate());
        }
        return all.array();
    }
}
