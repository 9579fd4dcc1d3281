package io.meshport.samples.scatter;

import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.List;

import io.meshport.mesh.Attribute;
import io.meshport.mesh.AttributeOwner;
import io.meshport.mesh.AttributeStorage;
import io.meshport.mesh.Mesh;

/**
 * Turns {@link Samples} into the output point cloud: the normal, the carried source attributes and
 * the trace-back attributes. Each attribute is one pass over the samples in their (triangle) order,
 * writing one new flat array that the output mesh adopts without a copy.
 */
final class SampleAttributes {
    private SampleAttributes() {
    }

    /**
     * @param source the sampled mesh
     * @param table its table
     * @param s the samples, whose arrays the output adopts
     * @param carry which source attributes to carry
     * @param detail an extra detail attribute for the output, or null
     * @return the point cloud
     */
    static Mesh build(Mesh source, SurfaceTable table, Samples s, AttributeSelection carry, Attribute detail) {
        Mesh.Builder b = Mesh.builder().positions(s.xyz);
        b.attribute(Attribute.ofFloats(Scatter.NORMAL, AttributeOwner.POINT, 3, normals(source, table, s)));
        for (Attribute a : source.attributes().values()) {
            if (!Scatter.isReserved(a.name()) && carry.matches(a.name())) {
                b.attribute(carry(a, source, table, s));
            }
        }
        b.attribute(Attribute.ofInts(Scatter.SOURCE_FACE, AttributeOwner.POINT, 1, s.face));
        b.attribute(Attribute.ofFloats(Scatter.SOURCE_UV, AttributeOwner.POINT, 2, s.uv));
        int[] corners = table.triangleCorners();
        if (corners != null) {
            int[] fan = new int[s.count];
            for (int k = 0; k < s.count; k++) {
                int t = s.triangle[k];
                fan[k] = corners[3 * t + 1] - corners[3 * t] - 1;
            }
            b.attribute(Attribute.ofInts(Scatter.SOURCE_FAN, AttributeOwner.POINT, 1, fan));
        }
        if (detail != null) {
            b.attribute(detail);
        }
        return b.build();
    }

    /** Vertex {@code i} (0, 1, 2) of fan triangle {@code t}. */
    private static int vertex(int[] corners, int t, int i) {
        return corners == null ? 3 * t + i : corners[3 * t + i];
    }

    /**
     * Smooth normals where the source has them (a point or vertex {@code N} of three floats), since a
     * scatter on a smooth-shaded surface should not show its facets; otherwise, or where the
     * interpolated normals cancel out, the triangle's own normal.
     */
    private static float[] normals(Mesh source, SurfaceTable table, Samples s) {
        int n = s.count;
        float[] out = new float[3 * n];
        Attribute sourceN = source.attribute(Scatter.NORMAL);
        boolean smooth = sourceN != null && sourceN.storage() == AttributeStorage.FLOAT && sourceN.size() == 3
                && (sourceN.owner() == AttributeOwner.POINT || sourceN.owner() == AttributeOwner.VERTEX);
        boolean perPoint = smooth && sourceN.owner() == AttributeOwner.POINT;
        FloatBuffer nf = smooth ? sourceN.floats() : null;
        FloatBuffer p = source.positions();
        IntBuffer idx = source.indices();
        int[] corners = table.triangleCorners();
        int[] tri = s.triangle;
        float[] uv = s.uv;
        for (int k = 0; k < n; k++) {
            int t = tri[k];
            int v0 = vertex(corners, t, 0), v1 = vertex(corners, t, 1), v2 = vertex(corners, t, 2);
            double nx = 0, ny = 0, nz = 0, len2 = 0;
            if (smooth) {
                double u = uv[2 * k], v = uv[2 * k + 1], w = 1 - u - v;
                int e0 = 3 * (perPoint ? idx.get(v0) : v0);
                int e1 = 3 * (perPoint ? idx.get(v1) : v1);
                int e2 = 3 * (perPoint ? idx.get(v2) : v2);
                nx = w * nf.get(e0) + u * nf.get(e1) + v * nf.get(e2);
                ny = w * nf.get(e0 + 1) + u * nf.get(e1 + 1) + v * nf.get(e2 + 1);
                nz = w * nf.get(e0 + 2) + u * nf.get(e1 + 2) + v * nf.get(e2 + 2);
                len2 = nx * nx + ny * ny + nz * nz;
            }
            if (!(len2 > 0)) {
                int i0 = 3 * idx.get(v0), i1 = 3 * idx.get(v1), i2 = 3 * idx.get(v2);
                double x0 = p.get(i0), y0 = p.get(i0 + 1), z0 = p.get(i0 + 2);
                double ax = p.get(i1) - x0, ay = p.get(i1 + 1) - y0, az = p.get(i1 + 2) - z0;
                double bx = p.get(i2) - x0, by = p.get(i2 + 1) - y0, bz = p.get(i2 + 2) - z0;
                nx = ay * bz - az * by;
                ny = az * bx - ax * bz;
                nz = ax * by - ay * bx;
                len2 = nx * nx + ny * ny + nz * nz;
            }
            // A sampled triangle has a positive area, so len2 > 0 here; the guard only avoids NaN.
            double inv = len2 > 0 ? 1 / Math.sqrt(len2) : 0;
            out[3 * k] = (float) (nx * inv);
            out[3 * k + 1] = (float) (ny * inv);
            out[3 * k + 2] = (float) (nz * inv);
        }
        return out;
    }

    private static Attribute carry(Attribute a, Mesh source, SurfaceTable table, Samples s) {
        switch (a.owner()) {
            case DETAIL:
                return a; // immutable: shared, not copied
            case FACE:
                return copyFaceTuples(a, s);
            default:
                return a.storage() == AttributeStorage.FLOAT ? interpolate(a, source, table, s)
                        : nearestCorner(a, source, table, s);
        }
    }

    /** Barycentric interpolation: exact for any attribute that is linear over each triangle. */
    private static Attribute interpolate(Attribute a, Mesh source, SurfaceTable table, Samples s) {
        int size = a.size();
        int n = s.count;
        float[] out = new float[n * size];
        FloatBuffer data = a.floats();
        IntBuffer idx = source.indices();
        boolean perPoint = a.owner() == AttributeOwner.POINT;
        int[] corners = table.triangleCorners();
        int[] tri = s.triangle;
        float[] uv = s.uv;
        for (int k = 0, o = 0; k < n; k++) {
            int t = tri[k];
            int v0 = vertex(corners, t, 0), v1 = vertex(corners, t, 1), v2 = vertex(corners, t, 2);
            int e0 = size * (perPoint ? idx.get(v0) : v0);
            int e1 = size * (perPoint ? idx.get(v1) : v1);
            int e2 = size * (perPoint ? idx.get(v2) : v2);
            double u = uv[2 * k], v = uv[2 * k + 1], w = 1 - u - v;
            if (size == 3) {
                // Colours, rest positions, velocities: unrolled, which here halves the time of the pass
                out[o] = (float) (w * data.get(e0) + u * data.get(e1) + v * data.get(e2));
                out[o + 1] = (float) (w * data.get(e0 + 1) + u * data.get(e1 + 1) + v * data.get(e2 + 1));
                out[o + 2] = (float) (w * data.get(e0 + 2) + u * data.get(e1 + 2) + v * data.get(e2 + 2));
                o += 3;
                continue;
            }
            for (int c = 0; c < size; c++, o++) {
                out[o] = (float) (w * data.get(e0 + c) + u * data.get(e1 + c) + v * data.get(e2 + c));
            }
        }
        return Attribute.ofFloats(a.name(), AttributeOwner.POINT, size, out);
    }

    /**
     * Ints and text cannot be blended (an id or a name halfway between two is meaningless), so a
     * sample takes the whole tuple of the corner it is nearest to in barycentric terms; ties go to
     * the earlier corner.
     */
    private static Attribute nearestCorner(Attribute a, Mesh source, SurfaceTable table, Samples s) {
        int size = a.size();
        int n = s.count;
        IntBuffer idx = source.indices();
        boolean perPoint = a.owner() == AttributeOwner.POINT;
        int[] corners = table.triangleCorners();
        int[] tri = s.triangle;
        float[] uv = s.uv;
        int[] element = new int[n];
        for (int k = 0; k < n; k++) {
            float u = uv[2 * k], v = uv[2 * k + 1], w = 1 - u - v;
            int corner = w >= u && w >= v ? 0 : u >= v ? 1 : 2;
            int vtx = vertex(corners, tri[k], corner);
            element[k] = perPoint ? idx.get(vtx) : vtx;
        }
        return gather(a, element, n);
    }

    private static Attribute copyFaceTuples(Attribute a, Samples s) {
        return gather(a, s.face, s.count);
    }

    /** A point attribute whose tuple {@code k} is tuple {@code element[k]} of {@code a}. */
    private static Attribute gather(Attribute a, int[] element, int n) {
        int size = a.size();
        switch (a.storage()) {
            case FLOAT: {
                FloatBuffer data = a.floats();
                float[] out = new float[n * size];
                for (int k = 0, o = 0; k < n; k++) {
                    for (int c = 0, e = element[k] * size; c < size; c++) {
                        out[o++] = data.get(e + c);
                    }
                }
                return Attribute.ofFloats(a.name(), AttributeOwner.POINT, size, out);
            }
            case INT: {
                IntBuffer data = a.ints();
                int[] out = new int[n * size];
                for (int k = 0, o = 0; k < n; k++) {
                    for (int c = 0, e = element[k] * size; c < size; c++) {
                        out[o++] = data.get(e + c);
                    }
                }
                return Attribute.ofInts(a.name(), AttributeOwner.POINT, size, out);
            }
            default: {
                List<String> data = a.strings();
                String[] out = new String[n * size];
                for (int k = 0, o = 0; k < n; k++) {
                    for (int c = 0, e = element[k] * size; c < size; c++) {
                        out[o++] = data.get(e + c);
                    }
                }
                return Attribute.ofStrings(a.name(), AttributeOwner.POINT, size, out);
            }
        }
    }
}
