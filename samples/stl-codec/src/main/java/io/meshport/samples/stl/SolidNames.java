package io.meshport.samples.stl;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes the names of an ASCII file's solids as the mesh's {@code meta}, one CBOR map (RFC 8949)
 * {@code {"solids": ["name", ...]}}: the face attribute {@code solid} numbers the solids in this list. A
 * map of one array of text needs three kinds of CBOR head only, so it is written here by hand rather
 * than with a library the bundle would have to embed.
 */
final class SolidNames {
    private static final int ARRAY = 4;
    private static final int TEXT = 3;
    private static final int MAP = 5;

    private SolidNames() {
    }

    /**
     * @param names the solids' names, in the order of the file
     * @return the encoded map
     */
    static byte[] meta(List<String> names) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        head(out, MAP, 1);
        text(out, "solids");
        head(out, ARRAY, names.size());
        for (String n : names) {
            text(out, n);
        }
        return out.toByteArray();
    }

    private static void text(ByteArrayOutputStream out, String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        head(out, TEXT, utf8.length);
        out.writeBytes(utf8);
    }

    /** Writes a CBOR head: the major type in the top three bits, then the length in the shortest form. */
    private static void head(ByteArrayOutputStream out, int major, long n) {
        int type = major << 5;
        if (n < 24) {
            out.write(type | (int) n);
        } else if (n < 0x100) {
            out.write(type | 24);
            out.write((int) n);
        } else if (n < 0x10000) {
            out.write(type | 25);
            out.write((int) (n >> 8));
            out.write((int) n);
        } else {
            out.write(type | 26);
            for (int shift = 24; shift >= 0; shift -= 8) {
                out.write((int) (n >> shift));
            }
        }
    }
}
