package io.meshport.samples.stl;

import java.nio.charset.StandardCharsets;

import io.meshport.samples.text.Warnings;
import io.meshport.mesh.Attribute;
import io.meshport.mesh.AttributeOwner;
import io.meshport.mesh.Mesh;

/**
 * Reads the colours binary STL writers keep in each facet's two "attribute byte count" bytes (a
 * little-endian 16-bit word), by the two conventions in use, and adds them to the mesh as the face
 * attribute {@code Cd} (0..1):
 *
 * <ul>
 * <li><b>Materialise Magics</b>, told by {@code COLOR=} (four bytes R G B A follow) or {@code MATERIAL=}
 * (three colours of four bytes follow: diffuse, specular, ambient) in the 80-byte header. Bits 0-4 of a
 * word are red, 5-9 green, 10-14 blue (0..31); bit 15 clear means the facet has that colour of its own,
 * set means it has the part's colour: the material's diffuse colour, else {@code COLOR=}'s. The header's
 * colours are kept as the detail attributes {@code magics_color} (RGBA) and {@code magics_material}
 * (diffuse, specular, ambient RGBA), 0..1.</li>
 * <li><b>VisCAM and SolidView</b>, otherwise: bits 0-4 are blue, 5-9 green, 10-14 red; bit 15 set means
 * the colour is valid. When no word has it set, the file has no colours.</li>
 * </ul>
 *
 * <p>Facets without a colour of either kind get white (1, 1, 1), and the warnings say how many. Words that
 * follow neither convention (bit 15 clear everywhere, no Magics header, some word not zero) are kept as
 * they are, in the face attribute {@code stl_attribute}.
 */
final class FacetColors {
    private static final float FIVE_BITS = 31f;

    private FacetColors() {
    }

    /**
     * @param m the mesh being built, one face per facet
     * @param b the payload's array
     * @param off where the payload (and its 80-byte header) starts
     * @param words each facet's attribute word
     * @param warnings receives what is worth saying about them
     */
    static void addTo(Mesh.Builder m, byte[] b, int off, char[] words, Warnings warnings) {
        String header = new String(b, off, StlReader.HEADER, StandardCharsets.ISO_8859_1);
        int color = colorAt(header, "COLOR=", 4);
        int material = colorAt(header, "MATERIAL=", 12);
        if (color >= 0 || material >= 0) {
            magics(m, b, off, color, material, words, warnings);
            return;
        }
        boolean anyValid = false;
        boolean anyWord = false;
        for (char w : words) {
            anyValid |= (w & 0x8000) != 0;
            anyWord |= w != 0;
        }
        if (anyValid) {
            visCam(m, words, warnings);
        } else if (anyWord) {
            int[] raw = new int[words.length];
            for (int t = 0; t < raw.length; t++) {
                raw[t] = words[t];
            }
            m.attribute(Attribute.ofInts("stl_attribute", AttributeOwner.FACE, 1, raw));
            warnings.add("the facets' attribute bytes follow no colour convention (bit 15 is clear in all, and the header has"
                    + " no Magics COLOR= or MATERIAL=): carried as they are in the face attribute 'stl_attribute'");
        }
    }

    /** @return where the {@code bytes} bytes after {@code key} start in the header, or -1 when they are not all in it */
    private static int colorAt(String header, String key, int bytes) {
        int at = header.indexOf(key);
        return at >= 0 && at + key.length() + bytes <= StlReader.HEADER ? at + key.length() : -1;
    }

    private static void visCam(Mesh.Builder m, char[] words, Warnings warnings) {
        float[] cd = new float[3 * words.length];
        long none = 0;
        for (int t = 0; t < words.length; t++) {
            int w = words[t];
            if ((w & 0x8000) == 0) {
                none++;
                cd[3 * t] = cd[3 * t + 1] = cd[3 * t + 2] = 1;
            } else {
                cd[3 * t] = ((w >> 10) & 31) / FIVE_BITS;
                cd[3 * t + 1] = ((w >> 5) & 31) / FIVE_BITS;
                cd[3 * t + 2] = (w & 31) / FIVE_BITS;
            }
        }
        m.attribute(Attribute.ofFloats("Cd", AttributeOwner.FACE, 3, cd));
        if (none > 0) {
            warnings.add(none + " of " + words.length + " facets have no colour (VisCAM/SolidView bit 15 clear): Cd (1, 1, 1)"
                    + " given to them");
        }
    }

    private static void magics(Mesh.Builder m, byte[] b, int off, int color, int material, char[] words, Warnings warnings) {
        float[] part = null;
        if (color >= 0) {
            part = rgba(b, off + color, 1);
            m.attribute(Attribute.ofFloats("magics_color", AttributeOwner.DETAIL, 4, part));
        }
        if (material >= 0) {
            float[] all = rgba(b, off + material, 3);
            m.attribute(Attribute.ofFloats("magics_material", AttributeOwner.DETAIL, 12, all));
            part = all; // the diffuse colour comes first, and is preferred to COLOR=
        }
        float[] cd = new float[3 * words.length];
        for (int t = 0; t < words.length; t++) {
            int w = words[t];
            if ((w & 0x8000) != 0) {
                System.arraycopy(part, 0, cd, 3 * t, 3);
            } else {
                cd[3 * t] = (w & 31) / FIVE_BITS;
                cd[3 * t + 1] = ((w >> 5) & 31) / FIVE_BITS;
                cd[3 * t + 2] = ((w >> 10) & 31) / FIVE_BITS;
            }
        }
        m.attribute(Attribute.ofFloats("Cd", AttributeOwner.FACE, 3, cd));
    }

    /** @return {@code colors} colours of four bytes (R G B A, 0..255) at {@code at}, as floats 0..1 */
    private static float[] rgba(byte[] b, int at, int colors) {
        float[] f = new float[4 * colors];
        for (int i = 0; i < f.length; i++) {
            f[i] = (b[at + i] & 0xff) / 255f;
        }
        return f;
    }
}
