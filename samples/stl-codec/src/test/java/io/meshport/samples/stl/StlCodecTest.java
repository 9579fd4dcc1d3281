package io.meshport.samples.stl;

import static io.meshport.samples.stl.StlTesting.Tri;
import static io.meshport.samples.stl.StlTesting.ascii;
import static io.meshport.samples.stl.StlTesting.binary;
import static io.meshport.samples.stl.StlTesting.context;
import static io.meshport.samples.stl.StlTesting.cube;
import static io.meshport.samples.stl.StlTesting.decode;
import static io.meshport.samples.stl.StlTesting.failsWith;
import static io.meshport.samples.stl.StlTesting.sameTriangles;
import static io.meshport.samples.stl.StlTesting.v;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.meshport.codec.Payload;
import io.meshport.mesh.Mesh;
import io.meshport.protocol.ErrorCode;
import io.meshport.protocol.MeshportException;

/** The STL codec reads binary and ASCII STL into welded triangle meshes. */
class StlCodecTest {
    private final StlCodec codec = new StlCodec();

    @Test
    void binaryCubeIsWeldedToEightPoints() {
        Mesh m = decode(binary(cube(), "a binary cube"));
        assertEquals(8, m.pointCount());
        assertEquals(12, m.faceCount());
        assertEquals(36, m.vertexCount());
        assertEquals(List.of("N"), List.copyOf(m.attributes().keySet()));
        sameTriangles(cube(), m);
        assertNull(m.name());
    }

    @Test
    void asciiCubeGivesTheSameMeshAsBinary() {
        Mesh b = decode(binary(cube(), ""));
        Mesh a = decode(ascii(cube(), "cube"));
        assertEquals("cube", a.name());
        assertEquals(b, a.toBuilder().name(null).build());
        Mesh unnamed = decode(ascii(cube(), ""));
        assertNull(unnamed.name());
        assertEquals(b, unnamed);
    }

    @Test
    void asciiKeywordsIgnoreCaseAndWhitespace() {
        String text = "\uFEFF  \r\nSOLID  My Part  \r\n\tFACET NORMAL 0 0 1.0E+00\r\nOuter Loop\r\n"
                + "VERTEX 0 0 0 vertex 1.5e0 0 0\n\n vertex\t0\t2.5\t-0\nENDLOOP\nEndFacet\nENDSOLID My Part";
        Mesh m = decode(text);
        assertEquals("My Part", m.name());
        assertEquals(3, m.pointCount());
        assertArrayEquals(new float[] {0, 0, 0, 1.5f, 0, 0, 0, 2.5f, 0}, m.positions(new float[9]));
        assertEquals(1f, m.attribute("N").getFloat(0, 2));
    }

    @Test
    void aBinaryHeaderThatStartsWithSolidIsStillBinary() {
        byte[] file = binary(cube(), "solid exported by a CAD program that writes binary STL");
        Mesh m = decode(file);
        assertEquals(8, m.pointCount());
        sameTriangles(cube(), m);
    }

    @Test
    void severalSolidsMakeOneMesh() {
        List<Tri> first = cube().subList(0, 6);
        List<Tri> second = cube().subList(6, 12);
        Mesh m = decode(ascii(first, "bottom half") + "\n" + ascii(second, "top half"));
        assertEquals("bottom half", m.name());
        assertEquals(12, m.faceCount());
        assertEquals(8, m.pointCount(), "welded across solids");
        sameTriangles(cube(), m);
        failsWith(ascii(first, "a") + "facet normal 0 0 1\n", "expected another 'solid' or the end of the file after 'endsolid', found 'facet'");
    }

    @Test
    void emptyFiles() {
        Mesh b = decode(binary(List.of(), "nothing"));
        assertEquals(0, b.pointCount());
        assertEquals(0, b.faceCount());
        Mesh a = decode("solid empty\nendsolid empty\n");
        assertEquals(0, a.pointCount());
        assertEquals("empty", a.name());
        failsWith("solid", "the file ends inside solid '' after 0 facets");
    }

    @Test
    void weldingIsByExactPositionWithNegativeZeroAsZero() {
        Random r = new Random(3);
        List<float[]> pool = new ArrayList<>();
        for (int i = 0; i < 6000; i++) {
            float x = r.nextInt(50) / 4f;
            pool.add(switch (i % 4) {
                case 0 -> v(x, r.nextFloat(), 0f);
                case 1 -> v(x, -0f, r.nextInt(10));
                case 2 -> v(Math.nextUp(x), 0f, r.nextInt(10)); // next to another point, not on it
                default -> v((float) r.nextGaussian(), (float) r.nextGaussian(), (float) r.nextGaussian());
            });
        }
        List<Tri> tris = new ArrayList<>();
        for (int t = 0; t < 20000; t++) {
            tris.add(new Tri(v(r.nextFloat(), 0, 0), pool.get(r.nextInt(pool.size())), pool.get(r.nextInt(pool.size())),
                    pool.get(r.nextInt(pool.size()))));
        }
        Map<List<Float>, Integer> reference = new HashMap<>();
        for (Tri t : tris) {
            for (int k = 0; k < 3; k++) {
                float[] c = t.corner(k);
                reference.putIfAbsent(List.of(c[0] + 0f, c[1] + 0f, c[2] + 0f), reference.size());
            }
        }
        Mesh b = decode(binary(tris, "random"));
        assertEquals(reference.size(), b.pointCount());
        sameTriangles(tris, b);
        int[] idx = new int[b.vertexCount()];
        b.indices().get(idx);
        for (int t = 0; t < tris.size(); t++) {
            for (int k = 0; k < 3; k++) {
                float[] c = tris.get(t).corner(k);
                assertEquals(reference.get(List.of(c[0] + 0f, c[1] + 0f, c[2] + 0f)), idx[3 * t + k], "points in first-seen order");
            }
        }
        Mesh a = decode(ascii(tris, ""));
        assertEquals(b, a, "ASCII written with Float.toString reads back to the same mesh");
        assertNotEquals(b.pointCount(), 3 * tris.size());
    }

    @Test
    void aMeshTooLargeForTheSessionIsOverloaded() {
        byte[] file = binary(cube(), "");
        MeshportException e = assertThrows(MeshportException.class, () -> codec.decode(Payload.ofBytes(file), context(200)));
        assertEquals(ErrorCode.OVERLOADED, e.code());
        byte[] text = ascii(cube(), "").getBytes(StandardCharsets.US_ASCII);
        e = assertThrows(MeshportException.class, () -> codec.decode(Payload.ofBytes(text), context(200)));
        assertEquals(ErrorCode.OVERLOADED, e.code());
        assertEquals(8, ((Mesh) codec.decode(Payload.ofBytes(file), context(24 * 12 + 36)).value()).pointCount());
    }

    @Test
    void theBodyMustBeAByteStringAndOnlyItsWindowIsRead() {
        byte[] file = binary(cube(), "");
        MeshportException e = assertThrows(MeshportException.class,
                () -> codec.decode(new Payload(file, 0, file.length, false), context(Long.MAX_VALUE)));
        assertEquals(ErrorCode.BAD_REQUEST, e.code());
        byte[] frame = new byte[file.length + 30];
        Arrays.fill(frame, (byte) 7);
        System.arraycopy(file, 0, frame, 11, file.length);
        assertEquals(8, ((Mesh) codec.decode(new Payload(frame, 11, file.length, true), context(Long.MAX_VALUE)).value()).pointCount());
        byte[] text = ascii(cube(), "w").getBytes(StandardCharsets.US_ASCII);
        frame = new byte[text.length + 30];
        Arrays.fill(frame, (byte) 'x');
        System.arraycopy(text, 0, frame, 5, text.length);
        assertEquals(12, ((Mesh) codec.decode(new Payload(frame, 5, text.length, true), context(Long.MAX_VALUE)).value()).faceCount());
    }
}
