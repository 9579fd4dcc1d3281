package io.meshport.wire.mesh;

import io.meshport.wire.Cbor;
import io.meshport.wire.CborWriter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.meshport.mesh.Attribute;
import io.meshport.mesh.AttributeOwner;
import io.meshport.mesh.AttributeStorage;
import io.meshport.mesh.InvalidMeshException;
import io.meshport.mesh.Mesh;
import io.meshport.mesh.MeshReader;
import io.meshport.protocol.ErrorCode;
import io.meshport.protocol.MeshportException;

class MeshCborReaderTest {
    private final MeshCborReader reader = new MeshCborReader();

    private Mesh read(byte[] payload) {
        // Always read from inside a larger buffer, as the host does, to catch offset mistakes.
        byte[] framed = MeshPayloads.padded(payload, 7, 5);
        return reader.read(framed, 7, payload.length, MeshReader.NO_BASE);
    }

    private static byte[] map(int fields, Consumer<CborWriter> body) {
        CborWriter w = new CborWriter();
        w.mapHeader(fields);
        body.accept(w);
        return w.toByteArray();
    }

    private static final float[] QUAD = {0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0};

    @ParameterizedTest
    @EnumSource(TypedArray.class)
    void everyTypedArrayTagReadsAsPositions(TypedArray t) {
        double[] values = {0, 1, 2, 3, 4, 5, 6, 7, 8};
        byte[] payload = map(1, w -> {
            w.text("positions");
            MeshPayloads.typed(w, t, values);
        });
        Mesh m = read(payload);
        assertEquals(3, m.pointCount());
        float[] got = m.positions(new float[9]);
        assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5, 6, 7, 8}, got, t.describe());
    }

    @ParameterizedTest
    @EnumSource(TypedArray.class)
    void everyTypedArrayTagReadsAsIndices(TypedArray t) {
        byte[] payload = map(2, w -> {
            w.text("positions");
            MeshPayloads.typed(w, TypedArray.FLOAT32_LE, 0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 1, 0);
            w.text("indices");
            MeshPayloads.typed(w, t, 0, 1, 2, 2, 1, 3);
        });
        Mesh m = read(payload);
        assertEquals(2, m.faceCount());
        int[] idx = new int[6];
        m.indices().get(idx);
        assertArrayEquals(new int[] {0, 1, 2, 2, 1, 3}, idx, t.describe());
    }

    @Test
    void bigEndianAndLittleEndianGiveTheSameValues() {
        for (TypedArray[] pair : new TypedArray[][] {
                {TypedArray.FLOAT32_LE, TypedArray.FLOAT32_BE}, {TypedArray.FLOAT64_LE, TypedArray.FLOAT64_BE},
                {TypedArray.FLOAT16_LE, TypedArray.FLOAT16_BE}, {TypedArray.SINT16_LE, TypedArray.SINT16_BE}}) {
            double[] v = {-1.5, 0.25, 3, -4, 5.5, 6};
            if (!pair[0].floating()) {
                v = new double[] {-1, 2, -300, 4, 5, -6};
            }
            double[] values = v;
            float[] a = read(map(1, w -> { w.text("positions"); MeshPayloads.typed(w, pair[0], values); })).positions(new float[6]);
            float[] b = read(map(1, w -> { w.text("positions"); MeshPayloads.typed(w, pair[1], values); })).positions(new float[6]);
            assertArrayEquals(a, b, pair[0].describe());
            assertEquals((float) values[0], a[0]);
        }
    }

    @Test
    void plainArraysOfHalfSingleDoubleFloatsAndInts() {
        byte[] payload = map(2, w -> {
            w.text("positions").arrayHeader(9);
            MeshPayloads.half(w, 0.5f);
            w.float32(1.25f).float64(-2.75);
            w.integer(3).integer(-4).integer(100000);
            w.uint(5_000_000_000L); // a uint64 as a float position
            MeshPayloads.half(w, -0.0f);
            w.float64(1e-3);
            w.text("indices").arrayHeader(3).integer(0).float64(1.0).integer(2);
        });
        Mesh m = read(payload);
        float[] p = m.positions(new float[9]);
        assertArrayEquals(new float[] {0.5f, 1.25f, -2.75f, 3, -4, 100000, 5e9f, -0.0f, 1e-3f}, p);
        assertEquals(1, m.point(1));
    }

    /** An integer with a head of {@code bytes} bytes (1, 2, 4 or 8) whatever its size (RFC 8949 allows it). */
    private static void wide(CborWriter w, long v, int bytes) {
        int major = v < 0 ? 0x20 : 0;
        long arg = v < 0 ? -1 - v : v;
        byte[] b = new byte[1 + bytes];
        b[0] = (byte) (major | (bytes == 1 ? 24 : bytes == 2 ? 25 : bytes == 4 ? 26 : 27));
        for (int i = 0; i < bytes; i++) {
            b[bytes - i] = (byte) (arg >>> (8 * i));
        }
        w.raw(b, 0, b.length);
    }

    @Test
    void integersInWiderHeadsThanNeededAreReadExactlyWhereverNumbersAre() {
        byte[] payload = map(5, w -> {
            w.text("positions").arrayHeader(12);
            wide(w, 0, 8);
            wide(w, -1, 8);
            wide(w, 2, 4);
            wide(w, -300, 2);
            wide(w, 4, 1);
            wide(w, 16_777_217, 8); // rounds to the nearest float32
            w.integer(0).integer(0).integer(1);
            wide(w, -5_000_000_000L, 8);
            w.float32(0.5f);
            MeshPayloads.half(w, -2);
            w.text("indices").arrayHeader(6);
            wide(w, 0, 8);
            wide(w, 1, 8); // the case clients met: 1 as 0x1b 00 00 00 00 00 00 00 01
            wide(w, 2, 4);
            wide(w, 3, 2);
            wide(w, 0, 1);
            wide(w, 2, 8);
            w.text("faceCounts").arrayHeader(2);
            wide(w, 3, 8);
            wide(w, 3, 2);
            w.text("attributes").mapHeader(2);
            w.text("id").mapHeader(3).text("owner").text("face").text("size");
            wide(w, 1, 8);
            w.text("data").arrayHeader(2);
            wide(w, Integer.MAX_VALUE, 8);
            wide(w, Integer.MIN_VALUE, 8);
            w.text("w").mapHeader(4).text("owner").text("point").text("size").integer(1).text("type").text("float").text("data").arrayHeader(4);
            wide(w, -7, 8);
            MeshPayloads.half(w, 0.25f);
            w.float64(1e-3);
            wide(w, 1L << 40, 8);
            w.text("name").text("wide");
        });
        Mesh m = read(payload);
        assertArrayEquals(new float[] {0, -1, 2, -300, 4, 16_777_216, 0, 0, 1, -5e9f, 0.5f, -2}, m.positions(new float[12]));
        int[] idx = new int[6];
        m.indices().get(idx);
        assertArrayEquals(new int[] {0, 1, 2, 3, 0, 2}, idx);
        assertEquals(2, m.faceCount());
        assertEquals(Integer.MAX_VALUE, m.attribute("id").getInt(0, 0));
        assertEquals(Integer.MIN_VALUE, m.attribute("id").getInt(1, 0));
        assertArrayEquals(new float[] {-7, 0.25f, 1e-3f, 0x1p40f}, new float[] {m.attribute("w").getFloat(0, 0),
            m.attribute("w").getFloat(1, 0), m.attribute("w").getFloat(2, 0), m.attribute("w").getFloat(3, 0)});
        // base, as a version in eight bytes
        byte[] update = map(2, w -> {
            w.text("base");
            wide(w, 7, 8);
            w.text("positions").arrayHeader(12);
            for (int i = 0; i < 12; i++) {
                wide(w, i, 8);
            }
        });
        Mesh updated = reader.read(update, 0, update.length, v -> {
            assertEquals(7, v);
            return m;
        });
        assertEquals(11f, updated.positions().get(11));
    }

    @Test
    void intAttributesOutsideInt32AreRefusedWhateverTheirEncoding() {
        java.util.function.BiFunction<String, Consumer<CborWriter>, byte[]> intAttribute = (type, data) -> map(2, w -> {
            w.text("positions").value(new float[] {0, 0, 0});
            w.text("attributes").mapHeader(1).text("id").mapHeader(type == null ? 3 : 4).text("owner").text("point").text("size").integer(1);
            if (type != null) {
                w.text("type").text(type);
            }
            w.text("data");
            data.accept(w);
        });
        ByteBuffer u32 = ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt((int) 3_000_000_000L);
        ByteBuffer u64 = ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(1L << 40);
        for (String type : new String[] {"int", null}) {
            assertInvalid("attributes.id.data[0] = 3000000000 does not fit in int32", intAttribute.apply(type, w -> w.tag(70).bytes(u32.array())), this);
            assertInvalid("attributes.id.data[0] = 1099511627776 does not fit in int32", intAttribute.apply(type, w -> w.tag(71).bytes(u64.array())), this);
            assertInvalid("attributes.id.data[0] = 2147483648 does not fit in int32", intAttribute.apply(type, w -> w.arrayHeader(1).integer(1L << 31)), this);
            assertInvalid("attributes.id.data[0] = 1099511627776 does not fit in int32", intAttribute.apply(type, w -> w.arrayHeader(1).integer(1L << 40)), this);
            assertInvalid("attributes.id.data[0] = -2147483649 does not fit in int32", intAttribute.apply(type, w -> w.arrayHeader(1).integer(-(1L << 31) - 1)), this);
        }
        // Without a type, one float makes a float attribute: large integers are then floats, as sent.
        Mesh m = read(intAttribute.apply(null, w -> w.arrayHeader(1).float64(3e9)));
        assertEquals(3e9f, m.attribute("id").getFloat(0, 0));
    }

    @Test
    void indefiniteLengthArraysAndChunkedTypedArrays() {
        byte[] le = MeshPayloads.le(QUAD);
        byte[] payload = map(2, w -> {
            w.text("positions").tag(85);
            // An indefinite byte string whose chunks split floats in the middle.
            w.raw(new byte[] {0x5f}, 0, 1);
            w.bytes(java.util.Arrays.copyOfRange(le, 0, 5));
            w.bytes(java.util.Arrays.copyOfRange(le, 5, 22));
            w.bytes(java.util.Arrays.copyOfRange(le, 22, le.length));
            w.raw(new byte[] {(byte) 0xff}, 0, 1);
            w.text("indices").raw(new byte[] {(byte) 0x9f}, 0, 1);
            for (int i : new int[] {0, 1, 2, 0, 2, 3}) {
                w.integer(i);
            }
            w.raw(new byte[] {(byte) 0xff}, 0, 1);
        });
        Mesh m = read(payload);
        assertArrayEquals(QUAD, m.positions(new float[12]));
        assertEquals(2, m.faceCount());
    }

    @Test
    void polygonsWithFaceCountsAndAllTriangleCountsDropped() {
        Mesh quad = read(map(3, w -> {
            w.text("positions"); MeshPayloads.typed(w, TypedArray.FLOAT32_LE, toDoubles(QUAD));
            w.text("indices").value(new int[] {0, 1, 2, 3});
            w.text("faceCounts").value(new int[] {4});
        }));
        assertEquals(1, quad.faceCount());
        assertEquals(2, quad.triangleCount());
        assertEquals(false, quad.isTriangles());
        Mesh tris = read(map(3, w -> {
            w.text("positions"); MeshPayloads.typed(w, TypedArray.FLOAT32_LE, toDoubles(QUAD));
            w.text("indices").value(new int[] {0, 1, 2, 0, 2, 3});
            w.text("faceCounts").value(new int[] {3, 3});
        }));
        assertTrue(tris.isTriangles());
        assertNull(tris.faceCounts());
    }

    @Test
    void attributesOfEveryOwnerAndStorageWithTypeAfterData() {
        byte[] payload = map(4, w -> {
            w.text("positions"); MeshPayloads.typed(w, TypedArray.FLOAT32_LE, toDoubles(QUAD));
            w.text("indices").value(new int[] {0, 1, 2, 3});
            w.text("faceCounts").value(new int[] {4});
            w.text("attributes").mapHeader(5);
            w.text("Cd").mapHeader(3).text("data");
            MeshPayloads.typed(w, TypedArray.FLOAT32_LE, 1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1);
            w.text("owner").text("point").text("size").uint(3);
            w.text("uv").mapHeader(3).text("owner").text("vertex").text("size").uint(2)
                    .text("data").value(new float[] {0, 0, 1, 0, 1, 1, 0, 1});
            w.text("id").mapHeader(3).text("owner").text("face").text("size").uint(1).text("data").value(new int[] {42});
            // type after data: integral numbers but declared float
            w.text("w").mapHeader(4).text("data").value(new int[] {7}).text("owner").text("detail")
                    .text("size").uint(1).text("type").text("float");
            w.text("label").mapHeader(3).text("owner").text("face").text("size").uint(1).text("data").arrayHeader(1).text("front");
        });
        Mesh m = read(payload);
        assertEquals(AttributeStorage.FLOAT, m.attribute("Cd").storage());
        assertEquals(1f, m.attribute("Cd").getFloat(3, 2));
        assertEquals(AttributeOwner.VERTEX, m.attribute("uv").owner());
        assertEquals(AttributeStorage.INT, m.attribute("id").storage());
        assertEquals(42, m.attribute("id").getInt(0, 0));
        assertEquals(AttributeStorage.FLOAT, m.attribute("w").storage());
        assertEquals(7f, m.attribute("w").getFloat(0, 0));
        assertEquals("front", m.attribute("label").getString(0, 0));
    }

    @Test
    void untypedPlainArrayBecomesFloatAtTheFirstFloat() {
        Mesh m = read(map(2, w -> {
            w.text("positions").value(new float[] {0, 0, 0, 1, 1, 1});
            w.text("attributes").mapHeader(1).text("Alpha").mapHeader(3).text("owner").text("point").text("size").uint(1)
                    .text("data").arrayHeader(2).integer(1).float32(0.5f);
        }));
        Attribute a = m.attribute("Alpha");
        assertEquals(AttributeStorage.FLOAT, a.storage());
        assertEquals(1f, a.getFloat(0, 0));
        assertEquals(0.5f, a.getFloat(1, 0));
    }

    @Test
    void metaIsKeptByteForByteAndNameIsRead() {
        CborWriter metaW = new CborWriter();
        metaW.mapHeader(2).text("units").text("cm").text("tags").tag(1234).arrayHeader(2).integer(-1).float64(2.5);
        byte[] meta = metaW.toByteArray();
        Mesh m = read(map(3, w -> {
            w.text("meta").raw(meta, 0, meta.length);
            w.text("name").text("teapot");
            w.text("positions").value(new float[] {1, 2, 3});
        }));
        ByteBuffer got = m.meta();
        byte[] gotBytes = new byte[got.remaining()];
        got.get(gotBytes);
        assertArrayEquals(meta, gotBytes);
        assertEquals("teapot", m.name());
        assertTrue(m.isPointCloud());
    }

    @Test
    void unknownKeysAreIgnored() {
        Mesh m = read(map(2, w -> {
            w.text("future").mapHeader(1).text("x").arrayHeader(2).integer(1).integer(2);
            w.text("positions").value(new float[] {1, 2, 3});
        }));
        assertEquals(1, m.pointCount());
    }

    @Test
    void baseUpdateReusesIndicesAttributesAndName() {
        Mesh old = read(map(4, w -> {
            w.text("positions").value(QUAD);
            w.text("indices").value(new int[] {0, 1, 2, 0, 2, 3});
            w.text("name").text("grid");
            w.text("attributes").mapHeader(1).text("id").mapHeader(3).text("owner").text("point").text("size").uint(1)
                    .text("data").value(new int[] {1, 2, 3, 4});
        }));
        byte[] update = map(2, w -> {
            w.text("base").uint(7);
            w.text("positions").value(new float[] {9, 9, 9, 1, 0, 0, 1, 1, 0, 0, 1, 0});
        });
        byte[] framed = MeshPayloads.padded(update, 3, 0);
        Mesh m = reader.read(framed, 3, update.length, v -> {
            assertEquals(7, v);
            return old;
        });
        assertEquals(9f, m.position(0, new org.joml.Vector3f()).x);
        assertEquals(2, m.faceCount());
        assertEquals("grid", m.name());
        assertEquals(4, m.attribute("id").getInt(3, 0));
        // a wrong point count
        byte[] wrong = map(2, w -> { w.text("base").uint(7); w.text("positions").value(new float[] {1, 2, 3}); });
        InvalidMeshException e = assertThrows(InvalidMeshException.class, () -> reader.read(wrong, 0, wrong.length, v -> old));
        assertTrue(e.getMessage().contains("base mesh"), e.getMessage());
        // indices in an update
        byte[] withIndices = map(3, w -> { w.text("base").uint(7); w.text("positions").value(QUAD); w.text("indices").value(new int[] {0, 1, 2}); });
        e = assertThrows(InvalidMeshException.class, () -> reader.read(withIndices, 0, withIndices.length, v -> old));
        assertTrue(e.getMessage().startsWith("indices must be absent"), e.getMessage());
        // base without a base resolver
        e = assertThrows(InvalidMeshException.class, () -> read(update));
    }

    private static void assertInvalid(String expectedStart, byte[] payload, MeshCborReaderTest t) {
        MeshportException e = assertThrows(MeshportException.class, () -> t.read(payload));
        assertEquals(ErrorCode.INVALID_MESH, e.code(), e.getMessage());
        assertTrue(e.getMessage().startsWith(expectedStart), "expected '" + expectedStart + "...' but was: " + e.getMessage());
    }

    @Test
    void everyValidationErrorOfSectionSixNamesFieldAndElement() {
        assertInvalid("a mesh body must be a map", new CborWriter().arrayHeader(0).toByteArray(), this);
        assertInvalid("positions is missing", map(0, w -> { }), this);
        assertInvalid("positions has 4 numbers, not a multiple of 3", map(1, w -> w.text("positions").value(new float[] {1, 2, 3, 4})), this);
        assertInvalid("positions[4] is NaN", map(1, w -> w.text("positions").value(new float[] {1, 2, 3, 4, Float.NaN, 6})), this);
        assertInvalid("positions[2] is Infinity", map(1, w -> w.text("positions").value(new float[] {1, 2, Float.POSITIVE_INFINITY})), this);
        assertInvalid("positions[1] = 1.0E300 does not fit in float32", map(1, w -> w.text("positions").arrayHeader(3).float64(0).float64(1e300).float64(0)), this);
        assertInvalid("positions[1] = 1.0E300 does not fit in float32", map(1, w -> { w.text("positions"); MeshPayloads.typed(w, TypedArray.FLOAT64_LE, 0, 1e300, 0); }), this);
        assertInvalid("positions[1] is text", map(1, w -> w.text("positions").arrayHeader(3).integer(0).text("x").integer(0)), this);
        assertInvalid("positions must be an array", map(1, w -> w.text("positions").text("oops")), this);
        assertInvalid("positions is a byte string without a typed-array tag", map(1, w -> w.text("positions").bytes(new byte[12])), this);
        assertInvalid("positions has tag 1, which is not a supported typed array", map(1, w -> w.text("positions").tag(1).bytes(new byte[12])), this);
        assertInvalid("positions is a float32 LE typed array of 10 bytes, not a multiple of its element size 4",
                map(1, w -> w.text("positions").tag(85).bytes(new byte[10])), this);
        assertInvalid("indices[4] = 9 is out of range [0, 4)", map(2, w -> { w.text("positions").value(QUAD); w.text("indices").value(new int[] {0, 1, 2, 3, 9, 0}); }), this);
        assertInvalid("indices[1] = -1 is out of range [0, 4)", map(2, w -> { w.text("positions").value(QUAD); w.text("indices").value(new int[] {0, -1, 2}); }), this);
        assertInvalid("indices has 4 entries, not a multiple of 3", map(2, w -> { w.text("positions").value(QUAD); w.text("indices").value(new int[] {0, 1, 2, 3}); }), this);
        assertInvalid("indices[1] = 1.5 is not an int32", map(2, w -> { w.text("positions").value(QUAD); w.text("indices").arrayHeader(3).integer(0).float64(1.5).integer(2); }), this);
        assertInvalid("indices[0] = 4294967295 does not fit in int32", map(2, w -> { w.text("positions").value(QUAD); w.text("indices").arrayHeader(3).uint(0xffffffffL).integer(1).integer(2); }), this);
        assertInvalid("indices[1] = 4294967295 does not fit in int32", map(2, w -> { w.text("positions").value(QUAD); w.text("indices"); MeshPayloads.typed(w, TypedArray.UINT32_LE, 0, 0xffffffffL, 2); }), this);
        assertInvalid("indices[2] = 5000000000 does not fit in int32", map(2, w -> { w.text("positions").value(QUAD); w.text("indices"); MeshPayloads.typed(w, TypedArray.SINT64_LE, 0, 1, 5_000_000_000L); }), this);
        assertInvalid("indices[1] = 0.5 is not an int32", map(2, w -> { w.text("positions").value(QUAD); w.text("indices"); MeshPayloads.typed(w, TypedArray.FLOAT32_LE, 0, 0.5, 1); }), this);
        assertInvalid("faceCounts[1] = 2; a face has at least 3 vertices", map(3, w -> { w.text("positions").value(QUAD); w.text("indices").value(new int[] {0, 1, 2, 3, 0}); w.text("faceCounts").value(new int[] {3, 2}); }), this);
        assertInvalid("faceCounts sum to 5, but indices has 4 entries", map(3, w -> { w.text("positions").value(QUAD); w.text("indices").value(new int[] {0, 1, 2, 3}); w.text("faceCounts").value(new int[] {5}); }), this);
        assertInvalid("faceCounts is given without indices", map(2, w -> { w.text("positions").value(QUAD); w.text("faceCounts").value(new int[] {3}); }), this);
        assertInvalid("attributes.Cd.data has 6 elements, expected 12 (4 points x size 3)", map(2, w -> { w.text("positions").value(QUAD);
            w.text("attributes").mapHeader(1).text("Cd").mapHeader(3).text("owner").text("point").text("size").uint(3).text("data").value(new float[6]); }), this);
        assertInvalid("attributes.uv.data has 2 elements, expected 0 (0 vertices x size 2)", map(2, w -> { w.text("positions").value(QUAD);
            w.text("attributes").mapHeader(1).text("uv").mapHeader(3).text("owner").text("vertex").text("size").uint(2).text("data").value(new float[2]); }), this);
        assertInvalid("attributes.x.size is 17, outside 1..16", map(2, w -> { w.text("positions").value(QUAD);
            w.text("attributes").mapHeader(1).text("x").mapHeader(3).text("owner").text("point").text("size").uint(17).text("data").value(new float[0]); }), this);
        assertInvalid("attributes.x.size is 0, outside 1..16", map(2, w -> { w.text("positions").value(QUAD);
            w.text("attributes").mapHeader(1).text("x").mapHeader(3).text("owner").text("point").text("size").uint(0).text("data").value(new float[0]); }), this);
        assertInvalid("attributes.x.owner 'prim' is not one of point, vertex, face, detail", map(2, w -> { w.text("positions").value(QUAD);
            w.text("attributes").mapHeader(1).text("x").mapHeader(3).text("owner").text("prim").text("size").uint(1).text("data").value(new float[4]); }), this);
        assertInvalid("attributes.x.owner is missing", map(2, w -> { w.text("positions").value(QUAD);
            w.text("attributes").mapHeader(1).text("x").mapHeader(2).text("size").uint(1).text("data").value(new float[4]); }), this);
        assertInvalid("attributes.x.size is missing", map(2, w -> { w.text("positions").value(QUAD);
            w.text("attributes").mapHeader(1).text("x").mapHeader(2).text("owner").text("point").text("data").value(new float[4]); }), this);
        assertInvalid("attributes.x.data is missing", map(2, w -> { w.text("positions").value(QUAD);
            w.text("attributes").mapHeader(1).text("x").mapHeader(2).text("owner").text("point").text("size").uint(1); }), this);
        assertInvalid("attributes: name '1x' does not match", map(2, w -> { w.text("positions").value(QUAD);
            w.text("attributes").mapHeader(1).text("1x").mapHeader(3).text("owner").text("point").text("size").uint(1).text("data").value(new float[4]); }), this);
        assertInvalid("attributes.x.type 'double' is not one of float, int, string", map(2, w -> { w.text("positions").value(QUAD);
            w.text("attributes").mapHeader(1).text("x").mapHeader(4).text("owner").text("point").text("size").uint(1).text("type").text("double").text("data").value(new float[4]); }), this);
        assertInvalid("attributes.x.data[1] = 0.5 is not an int32", map(2, w -> { w.text("positions").value(QUAD);
            w.text("attributes").mapHeader(1).text("x").mapHeader(4).text("data").value(new float[] {1, 0.5f, 2, 3}).text("owner").text("point").text("size").uint(1).text("type").text("int"); }), this);
        assertInvalid("attributes.x.data[2] is a number, expected text", map(2, w -> { w.text("positions").value(QUAD);
            w.text("attributes").mapHeader(1).text("x").mapHeader(3).text("owner").text("point").text("size").uint(1).text("data").arrayHeader(4).text("a").text("b").integer(1).text("d"); }), this);
        assertInvalid("meta must be a map", map(2, w -> { w.text("positions").value(QUAD); w.text("meta").arrayHeader(0); }), this);
        assertInvalid("name must be text", map(2, w -> { w.text("positions").value(QUAD); w.text("name").integer(3); }), this);
        assertInvalid("'positions' is given twice", map(2, w -> { w.text("positions").value(QUAD); w.text("positions").value(QUAD); }), this);
    }

    @Test
    void malformedCborIsDecodeFailed() {
        byte[] good = map(1, w -> w.text("positions").value(QUAD));
        byte[] truncated = java.util.Arrays.copyOf(good, good.length - 3);
        MeshportException e = assertThrows(MeshportException.class, () -> read(truncated));
        assertEquals(ErrorCode.DECODE_FAILED, e.code(), e.getMessage());
        byte[] trailing = java.util.Arrays.copyOf(good, good.length + 1);
        e = assertThrows(MeshportException.class, () -> read(trailing));
        assertEquals(ErrorCode.DECODE_FAILED, e.code(), e.getMessage());
        byte[] truncatedTyped = map(1, w -> w.text("positions").tag(85).header(Cbor.MAJOR_BYTES, 48).raw(new byte[12], 0, 12));
        e = assertThrows(MeshportException.class, () -> read(truncatedTyped));
        assertEquals(ErrorCode.DECODE_FAILED, e.code(), e.getMessage());
    }

    @Test
    void aHugeDeclaredCountDoesNotAllocate() {
        byte[] payload = map(1, w -> w.text("positions").header(Cbor.MAJOR_ARRAY, Integer.MAX_VALUE - 8).integer(1));
        MeshportException e = assertThrows(MeshportException.class, () -> read(payload));
        assertEquals(ErrorCode.DECODE_FAILED, e.code(), e.getMessage());
    }

    @Test
    void writerOutputReadsBackIdentical() {
        float[] pos = new float[3 * 50];
        for (int i = 0; i < pos.length; i++) {
            pos[i] = (float) Math.sin(i);
        }
        int[] idx = new int[3 * 40];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = (i * 7) % 50;
        }
        Mesh mesh = Mesh.builder().positions(pos).indices(idx).name("n")
                .attribute(Attribute.ofInts("id", AttributeOwner.FACE, 1, new int[40]))
                .attribute(Attribute.ofStrings("s", AttributeOwner.DETAIL, 2, new String[] {"a", "b"}))
                .attribute(Attribute.ofFloats("N", AttributeOwner.VERTEX, 3, new float[360]))
                .meta(new CborWriter().mapHeader(1).text("k").integer(-3).toByteArray())
                .build();
        byte[] bytes = concat(MeshCborWriter.encode(mesh));
        assertEquals(mesh, read(bytes));
        // and the typed arrays have the tags the protocol says get returns
        String hex = toHex(bytes);
        assertTrue(hex.contains("d855"), "float32 LE tag 85");
        assertTrue(hex.contains("d846"), "uint32 LE tag 70");
        assertTrue(hex.contains("d84e"), "sint32 LE tag 78");
    }

    static byte[] concat(java.util.List<ByteBuffer> parts) {
        ByteBuffer all = ByteBuffer.allocate((int) MeshCborWriter.length(parts));
        for (ByteBuffer b : parts) {
            all.put(b.duplicate());
        }
        return all.array();
    }

    private static String toHex(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (byte x : b) {
            s.append(String.format("%02x", x));
        }
        return s.toString();
    }

    private static double[] toDoubles(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

}
