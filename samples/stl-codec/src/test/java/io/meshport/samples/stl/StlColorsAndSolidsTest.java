package io.meshport.samples.stl;

import static io.meshport.samples.stl.StlTesting.ascii;
import static io.meshport.samples.stl.StlTesting.binary;
import static io.meshport.samples.stl.StlTesting.cube;
import static io.meshport.samples.stl.StlTesting.decode;
import static io.meshport.samples.stl.StlTesting.fails;
import static io.meshport.samples.stl.StlTesting.floats;
import static io.meshport.samples.stl.StlTesting.sameTriangles;
import static io.meshport.samples.stl.StlTesting.warnings;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.meshport.mesh.Attribute;
import io.meshport.mesh.AttributeOwner;
import io.meshport.mesh.Mesh;

/** Facet colours of binary STL (VisCAM/SolidView and Magics), and the solids of ASCII STL. */
class StlColorsAndSolidsTest {
    private static final byte[] NO_HEADER = new byte[0];

    /** @return a 15-bit colour word, the first component in bits 0-4 */
    static int word(int low, int mid, int high, boolean bit15) {
        return low | mid << 5 | high << 10 | (bit15 ? 0x8000 : 0);
    }

    static int[] words(int... w) {
        int[] all = new int[12];
        System.arraycopy(w, 0, all, 0, w.length);
        return all;
    }

    @Test
    void visCamColorsAreBlueInTheLowBitsAndValidWithBit15() {
        int[] w = new int[12];
        for (int t = 0; t < 12; t++) {
            w[t] = word(31, t, 0, true); // blue 31, green t, red 0
        }
        byte[] file = binary(cube(), "binary with colours".getBytes(StandardCharsets.US_ASCII), w);
        Mesh m = decode(file);
        assertEquals(List.of("N", "Cd"), List.copyOf(m.attributes().keySet()));
        Attribute cd = m.attribute("Cd");
        assertEquals(AttributeOwner.FACE, cd.owner());
        for (int t = 0; t < 12; t++) {
            assertArrayEquals(new float[] {0, t / 31f, 1}, new float[] {cd.getFloat(t, 0), cd.getFloat(t, 1), cd.getFloat(t, 2)});
        }
        assertEquals(List.of(), warnings(file));
        sameTriangles(cube(), m);
        // Some facets without a colour: white, and said.
        w[3] = 0;
        w[7] = word(1, 2, 3, false);
        file = binary(cube(), NO_HEADER, w);
        cd = decode(file).attribute("Cd");
        assertArrayEquals(new float[] {1, 1, 1}, new float[] {cd.getFloat(7, 0), cd.getFloat(7, 1), cd.getFloat(7, 2)});
        assertEquals(List.of("2 of 12 facets have no colour (VisCAM/SolidView bit 15 clear): Cd (1, 1, 1) given to them"),
                warnings(file));
    }

    @Test
    void magicsColorsAreRedInTheLowBitsAndThePartsColorWithBit15() {
        ByteArrayOutputStream h = new ByteArrayOutputStream();
        h.writeBytes("Magics export COLOR=".getBytes(StandardCharsets.US_ASCII));
        h.writeBytes(new byte[] {(byte) 255, 0, 51, (byte) 128});
        byte[] header = h.toByteArray();
        byte[] file = binary(cube(), header, words(word(31, 0, 0, false), word(0, 31, 31, false), 0x8000, 0x8000 | 0x7fff));
        Mesh m = decode(file);
        assertEquals(List.of("N", "magics_color", "Cd"), List.copyOf(m.attributes().keySet()));
        assertEquals(AttributeOwner.DETAIL, m.attribute("magics_color").owner());
        assertArrayEquals(new float[] {1, 0, 0.2f, 128 / 255f}, floats(m.attribute("magics_color")));
        float[] cd = floats(m.attribute("Cd"));
        assertArrayEquals(new float[] {1, 0, 0, 0, 1, 1, 1, 0, 0.2f, 1, 0, 0.2f, 0, 0, 0}, java.util.Arrays.copyOf(cd, 15),
                "own colours (bit 15 clear, red low), then the part's colour; 0 is black, a colour of its own");
        assertEquals(List.of(), warnings(file));

        // MATERIAL= after COLOR=: its diffuse colour is the part's colour.
        h.writeBytes(",MATERIAL=".getBytes(StandardCharsets.US_ASCII));
        h.writeBytes(new byte[] {0, (byte) 255, 0, (byte) 255, 1, 2, 3, 4, 5, 6, 7, 8});
        file = binary(cube(), h.toByteArray(), words(0x8000));
        m = decode(file);
        assertEquals(List.of("N", "magics_color", "magics_material", "Cd"), List.copyOf(m.attributes().keySet()));
        assertEquals(12, m.attribute("magics_material").size());
        assertArrayEquals(new float[] {0, 1, 0}, java.util.Arrays.copyOf(floats(m.attribute("Cd")), 3));
        assertEquals(8 / 255f, m.attribute("magics_material").getFloat(0, 11));
    }

    @Test
    void wordsOfNoColourConventionAreKeptAsTheyAre() {
        byte[] file = binary(cube(), NO_HEADER, words(0x1234, 0, 0x7fff));
        Mesh m = decode(file);
        assertEquals(List.of("N", "stl_attribute"), List.copyOf(m.attributes().keySet()));
        Attribute raw = m.attribute("stl_attribute");
        assertEquals(0x1234, raw.getInt(0, 0));
        assertEquals(0x7fff, raw.getInt(2, 0));
        assertTrue(warnings(file).get(0).startsWith("the facets' attribute bytes follow no colour convention"), warnings(file).toString());
        // A header too short for its colour is no Magics header.
        byte[] cut = "x".repeat(71).concat("COLOR=abc").getBytes(StandardCharsets.US_ASCII);
        assertEquals(List.of("N"), List.copyOf(decode(binary(cube(), cut, new int[12])).attributes().keySet()));
    }

    @Test
    void severalSolidsAreNumberedAndNamed() {
        String text = ascii(cube().subList(0, 5), "bottom") + ascii(cube().subList(5, 7), "") + ascii(cube().subList(7, 12), "top ü");
        Mesh m = decode(text);
        assertEquals("bottom", m.name());
        assertEquals(8, m.pointCount(), "welded across solids");
        Attribute solid = m.attribute("solid");
        assertEquals(AttributeOwner.FACE, solid.owner());
        int[] got = new int[12];
        solid.ints().get(got);
        assertArrayEquals(new int[] {0, 0, 0, 0, 0, 1, 1, 2, 2, 2, 2, 2}, got);
        byte[] meta = new byte[m.meta().remaining()];
        m.meta().get(meta);
        ByteArrayOutputStream cbor = new ByteArrayOutputStream();
        cbor.writeBytes(new byte[] {(byte) 0xa1, 0x66});
        cbor.writeBytes("solids".getBytes(StandardCharsets.US_ASCII));
        cbor.writeBytes(new byte[] {(byte) 0x83, 0x66});
        cbor.writeBytes("bottom".getBytes(StandardCharsets.US_ASCII));
        cbor.write(0x60);
        cbor.write(0x66);
        cbor.writeBytes("top ü".getBytes(StandardCharsets.UTF_8));
        assertArrayEquals(cbor.toByteArray(), meta, "{\"solids\": [\"bottom\", \"\", \"top ü\"]}");
        assertEquals(List.of(), warnings(text.getBytes(StandardCharsets.UTF_8)));

        Mesh one = decode(ascii(cube(), "only"));
        assertNull(one.attribute("solid"), "one solid: its name is the mesh's");
        assertNull(one.meta());
    }

    @Test
    void longSolidNamesHaveLongerCborHeads() {
        String name = "n".repeat(200);
        String text = ascii(cube().subList(0, 1), name) + ascii(cube().subList(1, 2), "é".repeat(256));
        byte[] meta = new byte[decode(text).meta().remaining()];
        ByteBuffer.wrap(meta);
        decode(text).meta().get(meta);
        assertEquals(0x78, meta[9] & 0xff, "a text of 200 bytes: one length byte");
        assertEquals(200, meta[10] & 0xff);
        int second = 11 + 200;
        assertEquals(0x79, meta[second] & 0xff, "a text of 512 bytes: two length bytes");
        assertEquals(512, (meta[second + 1] & 0xff) << 8 | (meta[second + 2] & 0xff));
        assertEquals(second + 3 + 512, meta.length);
    }

    @Test
    void asciiInEveryLineEnd() {
        String lf = ascii(cube(), "ends");
        Mesh reference = decode(lf);
        for (String nl : new String[] {"\r\n", "\r"}) {
            assertEquals(reference, decode(lf.replace("\n", nl)), nl.replace("\r", "CR").replace("\n", "LF"));
            String broken = lf.replace("vertex 1.0 1.0 0.0", "vertex 1.0 x 0.0").replace("\n", nl);
            String m = fails(broken);
            assertTrue(m.startsWith("stl: line 6 (byte "), nl.replace("\r", "CR") + ": " + m);
        }
    }
}
