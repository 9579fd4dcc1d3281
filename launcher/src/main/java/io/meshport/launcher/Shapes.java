package io.meshport.launcher;

import io.meshport.mesh.Attribute;
import io.meshport.mesh.AttributeOwner;
import io.meshport.mesh.Mesh;

/** Generated test geometry (the demo and the benchmarks use it). */
public final class Shapes {
    private Shapes() {
    }

    /**
     * A torus of quads with point normals {@code N} and colours {@code Cd}.
     *
     * @param rings segments around the ring
     * @param sides segments around the tube
     * @param major ring radius
     * @param minor tube radius
     * @return the mesh
     */
    public static Mesh torus(int rings, int sides, float major, float minor) {
        int points = rings * sides;
        float[] p = new float[3 * points];
        float[] n = new float[3 * points];
        float[] cd = new float[3 * points];
        for (int i = 0; i < rings; i++) {
            double u = 2 * Math.PI * i / rings;
            for (int j = 0; j < sides; j++) {
                double v = 2 * Math.PI * j / sides;
                int k = 3 * (i * sides + j);
                float nx = (float) (Math.cos(v) * Math.cos(u));
                float ny = (float) (Math.cos(v) * Math.sin(u));
                float nz = (float) Math.sin(v);
                p[k] = (float) (major * Math.cos(u)) + minor * nx;
                p[k + 1] = (float) (major * Math.sin(u)) + minor * ny;
                p[k + 2] = minor * nz;
                n[k] = nx;
                n[k + 1] = ny;
                n[k + 2] = nz;
                cd[k] = (float) (0.5 + 0.5 * Math.cos(u));
                cd[k + 1] = (float) (0.5 + 0.5 * Math.sin(v));
                cd[k + 2] = 0.8f;
            }
        }
        int[] idx = new int[4 * points];
        int[] counts = new int[points];
        for (int i = 0, f = 0; i < rings; i++) {
            for (int j = 0; j < sides; j++, f++) {
                int a = i * sides + j;
                int b = ((i + 1) % rings) * sides + j;
                int c = ((i + 1) % rings) * sides + (j + 1) % sides;
                int d = i * sides + (j + 1) % sides;
                idx[4 * f] = a;
                idx[4 * f + 1] = b;
                idx[4 * f + 2] = c;
                idx[4 * f + 3] = d;
                counts[f] = 4;
            }
        }
        return Mesh.builder().positions(p).indices(idx).faceCounts(counts).name("torus")
                .attribute(Attribute.ofFloats("N", AttributeOwner.POINT, 3, n))
                .attribute(Attribute.ofFloats("Cd", AttributeOwner.POINT, 3, cd))
                .build();
    }

    /**
     * A height field over the unit square, {@code side x side} points, two triangles per cell: smooth
     * waves plus a small deterministic jitter, so that triangle areas differ and no two are coplanar;
     * point colours {@code Cd}. {@code side = 1000} gives 1,000,000 points and 1,996,002 triangles.
     *
     * @param side points along each side, at least 2
     * @return the mesh
     */
    public static Mesh displacedGrid(int side) {
        float[] p = new float[3 * side * side];
        float[] cd = new float[3 * side * side];
        double step = 1.0 / (side - 1);
        long h = 0x9E3779B97F4A7C15L;
        for (int j = 0, i = 0; j < side; j++) {
            for (int k = 0; k < side; k++, i++) {
                h = h * 6364136223846793005L + 1442695040888963407L;
                double jitter = ((h >>> 11) * 0x1.0p-53 - 0.5) * 0.3 * step;
                double x = k * step + (k > 0 && k < side - 1 ? jitter : 0);
                double y = j * step;
                double z = 0.05 * Math.sin(7 * x) * Math.cos(5 * y) + 0.01 * Math.sin(40 * x + 13 * y);
                p[3 * i] = (float) x;
                p[3 * i + 1] = (float) y;
                p[3 * i + 2] = (float) z;
                cd[3 * i] = (float) x;
                cd[3 * i + 1] = (float) y;
                cd[3 * i + 2] = (float) (0.5 + 5 * z);
            }
        }
        int cells = side - 1;
        int[] idx = new int[6 * cells * cells];
        for (int j = 0, o = 0; j < cells; j++) {
            for (int k = 0; k < cells; k++) {
                int a = j * side + k, b = a + 1, c = a + side, d = c + 1;
                idx[o++] = a;
                idx[o++] = b;
                idx[o++] = d;
                idx[o++] = a;
                idx[o++] = d;
                idx[o++] = c;
            }
        }
        return Mesh.builder().positions(p).indices(idx)
                .attribute(Attribute.ofFloats("Cd", AttributeOwner.POINT, 3, cd)).build();
    }
}
