package io.meshport.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.meshport.mesh.Mesh;
import io.meshport.wire.mesh.MeshCborReader;
import io.meshport.wire.mesh.MeshCborWriter;

/** A typed array converted while it is written gives exactly the bytes of converting it at once. */
class WireArrayTest {

    private static byte[] written(WireArray a, int scratchBytes) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        a.writeTo(out, new byte[scratchBytes]);
        return out.toByteArray();
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    @Test
    void floatsAndIntsComeOutLittleEndianWhateverThePieceSize() throws Exception {
        for (int n : new int[] {0, 1, 2, 3, 4, 5, 31, 32, 33, 1000, 100_003}) {
            float[] f = new float[n];
            int[] i = new int[n];
            for (int k = 0; k < n; k++) {
                f[k] = k * 0.37f - 11f;
                i[k] = k * 2_654_435 - 7;
            }
            for (int scratch : new int[] {4, 8, 12, 128, 128 * 1024}) {
                WireArray wf = WireArray.of(FloatBuffer.wrap(f));
                WireArray wi = WireArray.of(IntBuffer.wrap(i));
                assertEquals(4L * n, wf.byteLength());
                byte[] fb = written(wf, scratch);
                assertArrayEquals(bytes(wf.toByteBuffer()), fb, "floats, n=" + n + ", scratch=" + scratch);
                assertArrayEquals(bytes(wi.toByteBuffer()), written(wi, scratch), "ints, n=" + n + ", scratch=" + scratch);
                assertArrayEquals(fb, written(wf, scratch), "written again (a resend) the same");
                ByteBuffer le = ByteBuffer.wrap(fb).order(ByteOrder.LITTLE_ENDIAN);
                for (int k = 0; k < n; k++) {
                    assertEquals(f[k], le.getFloat(4 * k));
                }
            }
        }
    }

    @Test
    void aMeshEncodedLazilyIsTheSameBytesAsEncodedAtOnce() throws Exception {
        float[] p = {0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0};
        Mesh quad = Mesh.builder().positions(p).indices(new int[] {0, 1, 2, 3}).faceCounts(new int[] {4}).build();
        ByteArrayOutputStream lazily = new ByteArrayOutputStream();
        for (Object part : MeshCborWriter.encodeLazily(quad)) {
            if (part instanceof WireArray) {
                ((WireArray) part).writeTo(lazily, new byte[8]);
            } else {
                lazily.write(bytes((ByteBuffer) part));
            }
        }
        ByteArrayOutputStream atOnce = new ByteArrayOutputStream();
        List<ByteBuffer> parts = MeshCborWriter.encode(quad);
        for (ByteBuffer b : parts) {
            atOnce.write(bytes(b));
        }
        assertArrayEquals(atOnce.toByteArray(), lazily.toByteArray());
        assertEquals(quad, new MeshCborReader().read(lazily.toByteArray(), 0, lazily.size(), io.meshport.mesh.MeshReader.NO_BASE));
    }

    @Test
    void anyRangeReadsTheSameBytesAsTheWhole() {
        float[] f = new float[37];
        int[] n = new int[37];
        for (int i = 0; i < f.length; i++) {
            f[i] = i * 1.25f - 7;
            n[i] = i * 0x01020304;
        }
        for (WireArray a : new WireArray[] {WireArray.of(java.nio.FloatBuffer.wrap(f)), WireArray.of(java.nio.IntBuffer.wrap(n))}) {
            byte[] whole = a.toByteBuffer().array();
            for (int from = 0; from <= whole.length; from++) {
                for (int len = 0; from + len <= whole.length; len += 1 + len / 3) {
                    byte[] got = new byte[len + 2];
                    a.read(from, got, 1, len);
                    org.junit.jupiter.api.Assertions.assertArrayEquals(java.util.Arrays.copyOfRange(whole, from, from + len),
                            java.util.Arrays.copyOfRange(got, 1, 1 + len), "bytes " + from + "+" + len);
                    org.junit.jupiter.api.Assertions.assertEquals(0, got[0], "nothing written before");
                    org.junit.jupiter.api.Assertions.assertEquals(0, got[len + 1], "nothing written after");
                }
            }
        }
    }

    @Test
    void sameBytesMeansBitForBitTheSameBytesWritten() throws Exception {
        float[] f = {1f, -0f, Float.intBitsToFloat(0x7fc00001), 3.5f};
        float[] sameBits = f.clone();
        float[] plusZero = f.clone();
        plusZero[1] = 0f; // equal as floats, not as bytes
        float[] otherNaN = f.clone();
        otherNaN[2] = Float.intBitsToFloat(0x7fc00002);
        WireArray a = WireArray.of(FloatBuffer.wrap(f));
        assertTrue(a.sameBytes(WireArray.of(FloatBuffer.wrap(sameBits))));
        for (float[] other : new float[][] {plusZero, otherNaN, {1f, -0f, f[2]}}) {
            WireArray b = WireArray.of(FloatBuffer.wrap(other));
            assertFalse(a.sameBytes(b));
            assertEquals(java.util.Arrays.equals(written(a, 8), written(b, 8)), a.sameBytes(b));
        }
        int[] i = {1, 2, 3, 4};
        assertTrue(WireArray.of(IntBuffer.wrap(i)).sameBytes(WireArray.of(IntBuffer.wrap(i.clone()))));
        assertFalse(WireArray.of(IntBuffer.wrap(i)).sameBytes(WireArray.of(IntBuffer.wrap(new int[] {1, 2, 3, 5}))));
        assertFalse(WireArray.of(IntBuffer.wrap(new int[] {Float.floatToRawIntBits(1f)})).sameBytes(WireArray.of(FloatBuffer.wrap(new float[] {1f}))),
                "ints and floats are tagged differently, whatever their bits");
        assertTrue(WireArray.of(IntBuffer.wrap(new int[] {9, 1, 2, 9}, 1, 2)).sameBytes(WireArray.of(IntBuffer.wrap(new int[] {1, 2}))),
                "from a buffer's position to its limit");
    }
}
