package io.meshport.samples.ply;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * The small PLY files {@link PlyWarmUp} decodes: a 64 × 64 grid of points, in the layouts real files
 * use most, so that the code compiled for them is the code real files take. Binary little endian with
 * float coordinates, float normals and uchar colours, faces a {@code uchar}-counted list of {@code int};
 * binary big endian with double coordinates and a list of {@code uint}; ASCII with colours, triangles and
 * quads, its numbers spelled in the ways writers spell them (a spelling the warm-up never read sends
 * the compiled number parser back to the interpreter when the real file has it).
 */
final class WarmUpFiles {
    /** Points per side of the grid: 4,096 points, 7,938 triangles (or quads and triangles). */
    static final int SIDE = 64;

    private WarmUpFiles() {
    }

    /** @return the files, each a whole PLY file */
    static List<byte[]> all() {
        return List.of(binary(ByteOrder.LITTLE_ENDIAN), binary(ByteOrder.BIG_ENDIAN), ascii());
    }

    private static byte[] binary(ByteOrder order) {
        boolean little = order == ByteOrder.LITTLE_ENDIAN;
        int points = SIDE * SIDE;
        int triangles = 2 * (SIDE - 1) * (SIDE - 1);
        String vertex = little
                ? "property float x\nproperty float y\nproperty float z\nproperty float nx\nproperty float ny\nproperty float nz\n"
                        + "property uchar red\nproperty uchar green\nproperty uchar blue\nproperty uchar alpha\n"
                : "property double x\nproperty double y\nproperty double z\n";
        byte[] header = header(little ? "binary_little_endian" : "binary_big_endian", points, vertex, triangles,
                little ? "list uchar int" : "list uchar uint");
        ByteBuffer b = ByteBuffer.allocate(header.length + points * (little ? 28 : 24) + triangles * 13).order(order);
        b.put(header);
        for (int i = 0; i < points; i++) {
            float x = x(i);
            float y = y(i);
            if (little) {
                b.putFloat(x).putFloat(y).putFloat(z(i)).putFloat(0).putFloat(0).putFloat(1);
                b.put((byte) (i * 37)).put((byte) (i * 11)).put((byte) (i * 5)).put((byte) 255);
            } else {
                b.putDouble(x).putDouble(y).putDouble(z(i));
            }
        }
        for (int r = 0; r < SIDE - 1; r++) {
            for (int c = 0; c < SIDE - 1; c++) {
                int a = r * SIDE + c;
                b.put((byte) 3).putInt(a).putInt(a + 1).putInt(a + SIDE + 1);
                b.put((byte) 3).putInt(a).putInt(a + SIDE + 1).putInt(a + SIDE);
            }
        }
        return b.array();
    }

    private static byte[] ascii() {
        int points = SIDE * SIDE;
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < points; i++) {
            // Numbers spelled as writers spell them: shortest ("-0.25", "1.0E-5") and fixed ("0.015625"), both signs.
            float[] xyz = {x(i) - 0.5f, 0.5f - y(i), (i % 7 == 0 ? 1e-5f : 1) * (z(i) - 0.2f)};
            for (float v : xyz) {
                body.append(i % 2 == 0 ? Float.toString(v) : String.format(Locale.ROOT, "%.6f", v)).append(' ');
            }
            body.append(i * 37 & 255).append(' ').append(i * 11 & 255).append(' ').append(i * 5 & 255).append('\n');
        }
        int faces = 0;
        for (int r = 0; r < SIDE - 1; r++) {
            for (int c = 0; c < SIDE - 1; c++) {
                int a = r * SIDE + c;
                if (r % 2 == 1) { // a row of quads, then a row of triangle pairs
                    body.append("4 ").append(a).append(' ').append(a + 1).append(' ').append(a + SIDE + 1).append(' ').append(a + SIDE).append('\n');
                    faces++;
                } else {
                    body.append("3 ").append(a).append(' ').append(a + 1).append(' ').append(a + SIDE + 1).append('\n');
                    body.append("3 ").append(a).append(' ').append(a + SIDE + 1).append(' ').append(a + SIDE).append('\n');
                    faces += 2;
                }
            }
        }
        byte[] header = header("ascii", points, "property float x\nproperty float y\nproperty float z\n"
                + "property uchar red\nproperty uchar green\nproperty uchar blue\n", faces, "list uchar int");
        byte[] text = body.toString().getBytes(StandardCharsets.US_ASCII);
        return ByteBuffer.allocate(header.length + text.length).put(header).put(text).array();
    }

    private static byte[] header(String format, int points, String vertexProperties, int faces, String list) {
        return ("ply\nformat " + format + " 1.0\ncomment the ply codec's warm-up\nelement vertex " + points + "\n" + vertexProperties
                + "element face " + faces + "\nproperty " + list + " vertex_indices\nend_header\n").getBytes(StandardCharsets.US_ASCII);
    }

    private static float x(int i) {
        return (float) (i % SIDE) / SIDE;
    }

    private static float y(int i) {
        return (float) (i / SIDE) / SIDE;
    }

    private static float z(int i) {
        return (i * 7 % 5) / 10f;
    }
}
