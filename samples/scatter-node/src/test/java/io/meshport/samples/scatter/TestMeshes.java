package io.meshport.samples.scatter;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import io.meshport.mesh.Mesh;

/** Meshes and geometry helpers shared by the tests. */
final class TestMeshes {
    private TestMeshes() {
    }

    /**
     * A curved, randomly perturbed height field of {@code nx x ny} points, two triangles per cell
     * (diagonals alternating), so that no two triangles are coplanar and their areas differ.
     */
    static Mesh.Builder perturbedTriangles(int nx, int ny, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] p = grid(nx, ny, r);
        int[] idx = new int[6 * (nx - 1) * (ny - 1)];
        int o = 0;
        for (int j = 0; j < ny - 1; j++) {
            for (int i = 0; i < nx - 1; i++) {
                int a = j * nx + i, b = a + 1, c = a + nx, d = c + 1;
                if ((i + j) % 2 == 0) {
                    o = put(idx, o, a, b, d, a, d, c);
                } else {
                    o = put(idx, o, a, b, c, b, d, c);
                }
            }
        }
        return Mesh.builder().positions(p).indices(idx);
    }

    /**
     * A curved, perturbed grid whose cells are, in turn, a pentagon (an extra point pushed out of
     * the cell's plane on its lower edge), a non-planar quad, and two triangles.
     */
    static Mesh.Builder perturbedPolygons(int nx, int ny, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] grid = grid(nx, ny, r);
        List<Float> extra = new ArrayList<>();
        List<Integer> idx = new ArrayList<>();
        List<Integer> counts = new ArrayList<>();
        int next = nx * ny;
        for (int j = 0; j < ny - 1; j++) {
            for (int i = 0; i < nx - 1; i++) {
                int a = j * nx + i, b = a + 1, c = a + nx, d = c + 1;
                switch ((i + 3 * j) % 3) {
                    case 0: {
                        for (int k = 0; k < 3; k++) {
                            extra.add((grid[3 * a + k] + grid[3 * b + k]) / 2 + (float) (r.nextDouble() - 0.5) * 0.05f);
                        }
                        int e = next++;
                        idx.addAll(List.of(a, e, b, d, c));
                        counts.add(5);
                        break;
                    }
                    case 1:
                        idx.addAll(List.of(a, b, d, c));
                        counts.add(4);
                        break;
                    default:
                        idx.addAll(List.of(a, b, d, a, d, c));
                        counts.add(3);
                        counts.add(3);
                        break;
                }
            }
        }
        float[] p = new float[grid.length + extra.size()];
        System.arraycopy(grid, 0, p, 0, grid.length);
        for (int k = 0; k < extra.size(); k++) {
            p[grid.length + k] = extra.get(k);
        }
        return Mesh.builder().positions(p).indices(idx.stream().mapToInt(Integer::intValue).toArray())
                .faceCounts(counts.stream().mapToInt(Integer::intValue).toArray());
    }

    private static float[] grid(int nx, int ny, SplittableRandom r) {
        float[] p = new float[3 * nx * ny];
        for (int j = 0, i = 0; j < ny; j++) {
            for (int k = 0; k < nx; k++, i++) {
                double x = k + (r.nextDouble() - 0.5) * 0.4;
                double y = j + (r.nextDouble() - 0.5) * 0.4;
                double z = 0.8 * Math.sin(0.5 * x) * Math.cos(0.4 * y) + (r.nextDouble() - 0.5) * 0.3;
                p[3 * i] = (float) x;
                p[3 * i + 1] = (float) y;
                p[3 * i + 2] = (float) z;
            }
        }
        return p;
    }

    /** The unit square, flat, as {@code side x side} points and two triangles per cell. */
    static Mesh unitSquare(int side) {
        float[] p = new float[3 * side * side];
        for (int j = 0, i = 0; j < side; j++) {
            for (int k = 0; k < side; k++, i++) {
                p[3 * i] = (float) k / (side - 1);
                p[3 * i + 1] = (float) j / (side - 1);
            }
        }
        int[] idx = new int[6 * (side - 1) * (side - 1)];
        for (int j = 0, o = 0; j < side - 1; j++) {
            for (int k = 0; k < side - 1; k++) {
                int a = j * side + k, b = a + 1, c = a + side, d = c + 1;
                o = put(idx, o, a, b, d, a, d, c);
            }
        }
        return Mesh.builder().positions(p).indices(idx).build();
    }

    /** A unit sphere as a latitude-longitude mesh of triangles. */
    static Mesh sphere(int rings, int segments) {
        int points = (rings - 1) * segments + 2;
        float[] p = new float[3 * points];
        for (int r = 1, i = 0; r < rings; r++) {
            double theta = Math.PI * r / rings;
            for (int s = 0; s < segments; s++, i++) {
                double phi = 2 * Math.PI * s / segments;
                p[3 * i] = (float) (Math.sin(theta) * Math.cos(phi));
                p[3 * i + 1] = (float) (Math.sin(theta) * Math.sin(phi));
                p[3 * i + 2] = (float) Math.cos(theta);
            }
        }
        int north = points - 2, south = points - 1;
        p[3 * north + 2] = 1;
        p[3 * south + 2] = -1;
        List<Integer> idx = new ArrayList<>();
        for (int s = 0; s < segments; s++) {
            int s1 = (s + 1) % segments;
            idx.addAll(List.of(north, s, s1));
            for (int r = 0; r < rings - 2; r++) {
                int a = r * segments + s, b = r * segments + s1, c = a + segments, d = b + segments;
                idx.addAll(List.of(a, c, d, a, d, b));
            }
            int last = (rings - 2) * segments;
            idx.addAll(List.of(last + s, south, last + s1));
        }
        return Mesh.builder().positions(p).indices(idx.stream().mapToInt(Integer::intValue).toArray()).build();
    }

    private static int put(int[] a, int o, int... v) {
        System.arraycopy(v, 0, a, o, v.length);
        return o + v.length;
    }

    /** Vertex number of corner {@code corner} (0, 1, 2) of fan triangle {@code fan} of {@code face}. */
    static int fanVertex(Mesh m, int face, int fan, int corner) {
        return m.faceStart(face) + (corner == 0 ? 0 : fan + corner);
    }

    static double[] point(Mesh m, int point) {
        return new double[] {m.positions().get(3 * point), m.positions().get(3 * point + 1),
            m.positions().get(3 * point + 2)};
    }

    static double[] sub(double[] a, double[] b) {
        return new double[] {a[0] - b[0], a[1] - b[1], a[2] - b[2]};
    }

    static double dot(double[] a, double[] b) {
        return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
    }

    static double[] cross(double[] a, double[] b) {
        return new double[] {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
    }

    static double norm(double[] a) {
        return Math.sqrt(dot(a, a));
    }

    static double diagonal(Mesh m) {
        org.joml.primitives.AABBf b = m.bounds(new org.joml.primitives.AABBf());
        double dx = b.maxX - b.minX, dy = b.maxY - b.minY, dz = b.maxZ - b.minZ;
        return Math.sqrt(dx * dx + dy * dy + dz * dz);
    }

    /**
     * Distance from {@code p} to triangle {@code a b c} (closest point by Voronoi regions, Ericson,
     * Real-Time Collision Detection, 5.1.5), independent of any barycentric bookkeeping of the code
     * under test.
     */
    static double pointTriangleDistance(double[] p, double[] a, double[] b, double[] c) {
        double[] ab = sub(b, a), ac = sub(c, a), ap = sub(p, a);
        double d1 = dot(ab, ap), d2 = dot(ac, ap);
        if (d1 <= 0 && d2 <= 0) {
            return norm(ap);
        }
        double[] bp = sub(p, b);
        double d3 = dot(ab, bp), d4 = dot(ac, bp);
        if (d3 >= 0 && d4 <= d3) {
            return norm(bp);
        }
        double vc = d1 * d4 - d3 * d2;
        if (vc <= 0 && d1 >= 0 && d3 <= 0) {
            double v = d1 / (d1 - d3);
            return norm(sub(p, new double[] {a[0] + v * ab[0], a[1] + v * ab[1], a[2] + v * ab[2]}));
        }
        double[] cp = sub(p, c);
        double d5 = dot(ab, cp), d6 = dot(ac, cp);
        if (d6 >= 0 && d5 <= d6) {
            return norm(cp);
        }
        double vb = d5 * d2 - d1 * d6;
        if (vb <= 0 && d2 >= 0 && d6 <= 0) {
            double w = d2 / (d2 - d6);
            return norm(sub(p, new double[] {a[0] + w * ac[0], a[1] + w * ac[1], a[2] + w * ac[2]}));
        }
        double va = d3 * d6 - d5 * d4;
        if (va <= 0 && (d4 - d3) >= 0 && (d5 - d6) >= 0) {
            double w = (d4 - d3) / ((d4 - d3) + (d5 - d6));
            double[] bc = sub(c, b);
            return norm(sub(p, new double[] {b[0] + w * bc[0], b[1] + w * bc[1], b[2] + w * bc[2]}));
        }
        double denom = 1 / (va + vb + vc);
        double v = vb * denom, w = vc * denom;
        return norm(sub(p, new double[] {a[0] + ab[0] * v + ac[0] * w, a[1] + ab[1] * v + ac[1] * w,
            a[2] + ab[2] * v + ac[2] * w}));
    }

    /** Brute-force smallest distance between two of {@code n} points. */
    static double bruteMinDistance(float[] xyz, int n) {
        double best = Double.POSITIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double dx = xyz[3 * i] - xyz[3 * j], dy = xyz[3 * i + 1] - xyz[3 * j + 1],
                        dz = xyz[3 * i + 2] - xyz[3 * j + 2];
                best = Math.min(best, dx * dx + dy * dy + dz * dz);
            }
        }
        return Math.sqrt(best);
    }

    static float[] positions(Mesh m) {
        return m.positions(new float[3 * m.pointCount()]);
    }

    static float[] floats(Mesh m, String name) {
        java.nio.FloatBuffer b = m.attribute(name).floats();
        float[] a = new float[b.remaining()];
        b.get(a);
        return a;
    }

    static int[] ints(Mesh m, String name) {
        java.nio.IntBuffer b = m.attribute(name).ints();
        int[] a = new int[b.remaining()];
        b.get(a);
        return a;
    }
}
