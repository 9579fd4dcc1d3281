package io.meshport.benchmarks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the PLY files the {@code files} benchmark puts: the wavy sheet of {@link Meshes#sheet}, as
 * scanners and exporters write it (float {@code x y z} per vertex, a {@code uchar}-counted list of
 * {@code int} per face), in binary little endian or in ASCII with six decimals.
 */
final class PlyFiles {
    private PlyFiles() {
    }

    /** @return the bytes of a binary little-endian PLY of the sheet: 12 bytes per point, 13 per triangle */
    static byte[] binary(int points, int triangles) {
        byte[] head = header("binary_little_endian", points, triangles);
        long size = head.length + 12L * points + 13L * triangles;
        if (size > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("a PLY of " + size + " bytes does not fit in an array");
        }
        ByteBuffer b = ByteBuffer.allocate((int) size).order(ByteOrder.LITTLE_ENDIAN);
        b.put(head);
        int side = side(points);
        for (int i = 0; i < points; i++) {
            float x = (float) (i % side) / side;
            float y = (float) (i / side) / side;
            b.putFloat(x).putFloat(y).putFloat(z(x, y));
        }
        int[] t = new int[3];
        for (int f = 0; f < triangles; f++) {
            triangle(f, points, side, t);
            b.put((byte) 3).putInt(t[0]).putInt(t[1]).putInt(t[2]);
        }
        return b.array();
    }

    /** @return the bytes of an ASCII PLY of the same sheet, LF line ends, six decimals per coordinate */
    static byte[] ascii(int points, int triangles) {
        byte[] head = header("ascii", points, triangles);
        // At most 3 x 10 bytes per point line, 4 + 3 x 11 per face line.
        long bound = head.length + 30L * points + 37L * triangles;
        if (bound > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("an ASCII PLY of up to " + bound + " bytes does not fit in an array");
        }
        byte[] out = new byte[(int) bound];
        System.arraycopy(head, 0, out, 0, head.length);
        int p = head.length;
        int side = side(points);
        for (int i = 0; i < points; i++) {
            float x = (float) (i % side) / side;
            float y = (float) (i / side) / side;
            p = fixed6(out, p, x);
            out[p++] = ' ';
            p = fixed6(out, p, y);
            out[p++] = ' ';
            p = fixed6(out, p, z(x, y));
            out[p++] = '\n';
        }
        int[] t = new int[3];
        for (int f = 0; f < triangles; f++) {
            triangle(f, points, side, t);
            out[p++] = '3';
            for (int k = 0; k < 3; k++) {
                out[p++] = ' ';
                p = digits(out, p, t[k]);
            }
            out[p++] = '\n';
        }
        return java.util.Arrays.copyOf(out, p);
    }

    /** Writes {@code bytes} to {@code file}: the benchmark sends what it reads back, as {@code send} does. */
    static Path write(Path file, byte[] bytes) throws IOException {
        return Files.write(file, bytes);
    }

    private static byte[] header(String format, int points, int triangles) {
        return ("ply\nformat " + format + " 1.0\ncomment meshport bench: a wavy sheet\nelement vertex " + points
                + "\nproperty float x\nproperty float y\nproperty float z\nelement face " + triangles
                + "\nproperty list uchar int vertex_indices\nend_header\n").getBytes(StandardCharsets.US_ASCII);
    }

    private static int side(int points) {
        return Math.max(2, (int) Math.round(Math.sqrt(points)));
    }

    private static float z(float x, float y) {
        return (float) (0.05 * Math.sin(7 * x) * Math.cos(5 * y));
    }

    /** Triangle {@code t} of the sheet, as {@link Meshes#sheet} makes it. */
    private static void triangle(int t, int points, int side, int[] out) {
        int c = (t >> 1) % points;
        int b = (c + 1) % points;
        int d = (c + side) % points;
        int e = (c + side + 1) % points;
        out[0] = c;
        out[1] = (t & 1) == 0 ? b : e;
        out[2] = (t & 1) == 0 ? e : d;
    }

    /** Writes {@code v} with six decimals ({@code -0.012345}); @return the next position */
    private static int fixed6(byte[] out, int p, float v) {
        long scaled = Math.round(Math.abs((double) v) * 1e6);
        if (v < 0 && scaled != 0) {
            out[p++] = '-';
        }
        p = digits(out, p, (int) (scaled / 1_000_000));
        out[p++] = '.';
        int frac = (int) (scaled % 1_000_000);
        for (int d = 100_000; d > 0; d /= 10) {
            out[p++] = (byte) ('0' + frac / d % 10);
        }
        return p;
    }

    /** Writes a non-negative integer in decimal; @return the next position */
    private static int digits(byte[] out, int p, int v) {
        int n = 1;
        for (int x = v; x >= 10; x /= 10) {
            n++;
        }
        for (int k = n - 1; k >= 0; k--) {
            out[p + k] = (byte) ('0' + v % 10);
            v /= 10;
        }
        return p + n;
    }
}
