package io.meshport.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.meshport.mesh.Attribute;
import io.meshport.mesh.AttributeOwner;
import io.meshport.mesh.Mesh;

/**
 * Compares a mesh Meshport read with what meshio or Open3D read from the same file (see
 * {@link IndependentReaders}), value by value; each comparison returns how many values it compared.
 * Where a reader is known to read differently, the difference is written down here: meshio 5.0 reads a
 * binary PLY's {@code uchar} as a signed byte (so its values are compared modulo 256); Open3D reads OBJ
 * through Assimp, one vertex per corner, and ASCII STL one solid at a time (so those are compared as
 * sets of triangles by their corners' values, not by index); Assimp reads bit 15 of a Magics facet
 * colour the other way round from the convention Meshport follows (so Magics colours are not compared
 * with it).
 */
final class Agreement {
    private final String what;
    private final Mesh m;
    private int compared;
    private boolean colors;

    private Agreement(String what, Mesh m) {
        this.what = what;
        this.m = m;
    }

    /**
     * @param format "ply", "stl" or "obj"
     * @param reader "meshio" or "open3d", or "open3d:points" to compare the points only, "open3d:geometry" the
     *        triangles without their colours
     * @param reading what the reader read
     * @param m what Meshport read
     * @param what the case, for messages
     * @return how many values were compared
     */
    static int compare(String format, String reader, Map<String, Object> reading, Mesh m, String what) {
        assertTrue(!reading.containsKey("error"), what + ": " + reader + " could not read it: " + reading.get("error"));
        Agreement a = new Agreement(what + " (" + reader + ")", m);
        a.colors = !reader.endsWith(":geometry");
        if (reader.endsWith(":points")) {
            a.positions(reading.get("vertices"));
            return a.compared;
        }
        switch (format + " " + reader.split(":")[0]) {
            case "ply meshio": a.plyMeshio(reading); break;
            case "ply open3d": a.plyOpen3d(reading); break;
            case "stl meshio": a.polygons(reading); a.positions(reading.get("points")); break;
            case "obj meshio": a.objMeshio(reading); break;
            default: a.corners(reading); break; // STL and OBJ with Open3D
        }
        assertTrue(a.compared > 0 || m.pointCount() == 0, what + ": nothing compared");
        return a.compared;
    }

    // ---------------------------------------------------------------- values

    static double[] flat(Object nested) {
        List<Double> out = new ArrayList<>();
        flatten(nested, out);
        double[] d = new double[out.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = out.get(i);
        }
        return d;
    }

    private static void flatten(Object o, List<Double> out) {
        if (o instanceof List) {
            for (Object e : (List<?>) o) {
                flatten(e, out);
            }
        } else {
            out.add(((Number) o).doubleValue());
        }
    }

    private static boolean same(double theirs, double ours) {
        if (Double.isNaN(theirs) || Double.isNaN(ours)) {
            return Double.isNaN(theirs) && Double.isNaN(ours);
        }
        return theirs == ours || Math.abs(theirs - ours) <= 1e-6 * Math.max(1, Math.abs(theirs));
    }

    private void same(String field, double[] theirs, double[] ours) {
        assertEquals(theirs.length, ours.length, what + ": the number of values of " + field);
        for (int i = 0; i < ours.length; i++) {
            if (!same(theirs[i], ours[i])) {
                throw new AssertionError(what + ": " + field + "[" + i + "] is " + ours[i] + ", the independent reader has " + theirs[i]);
            }
        }
        compared += ours.length;
    }

    private static double[] doubles(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    /** @return component {@code c} of every tuple of attribute {@code name} (which must exist), times {@code scale} */
    private double[] component(String name, int c, double scale) {
        Attribute a = m.attribute(name);
        assertNotNull(a, what + ": Meshport has no attribute " + name + ": " + m.attributes().keySet());
        double[] d = new double[a.tupleCount()];
        for (int t = 0; t < d.length; t++) {
            d[t] = a.getFloat(t, c) * scale;
        }
        return d;
    }

    private void positions(Object theirs) {
        double[] xyz = flat(theirs);
        same("positions", xyz, doubles(m.positions(new float[3 * m.pointCount()])));
    }

    /** Compares the polygons, in order: a reader's cell blocks, one after the other, hold them in the file's order. */
    private void polygons(Map<String, Object> r) {
        List<Integer> theirs = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        for (Object block : (List<?>) r.get("cells")) {
            for (Object cell : (List<?>) ((List<?>) block).get(1)) {
                sizes.add(((List<?>) cell).size());
                for (double v : flat(cell)) {
                    theirs.add((int) v);
                }
            }
        }
        List<Integer> ours = new ArrayList<>();
        List<Integer> ourSizes = new ArrayList<>();
        for (int f = 0; f < m.faceCount(); f++) {
            ourSizes.add(m.faceVertexCount(f));
            for (int k = 0; k < m.faceVertexCount(f); k++) {
                ours.add(m.point(m.faceStart(f) + k));
            }
        }
        assertEquals(sizes, ourSizes, what + ": the faces' sizes");
        assertEquals(theirs, ours, what + ": the faces' points");
        compared += ours.size();
    }

    // ---------------------------------------------------------------- PLY

    /** Where a PLY vertex or face property is in Meshport's mesh: the attribute, the component, the scale. */
    private double[] property(String name, boolean face, boolean uchar) {
        String suffix = face && m.attribute("Cd_face") != null ? "_face" : "";
        switch (name) {
            case "nx": case "ny": case "nz": return component("N", name.charAt(1) - 'x', 1);
            case "red": return component("Cd" + suffix, 0, uchar ? 255 : 1);
            case "green": return component("Cd" + suffix, 1, uchar ? 255 : 1);
            case "blue": return component("Cd" + suffix, 2, uchar ? 255 : 1);
            case "s": case "u": case "texture_u": return component("uv", 0, 1);
            case "t": case "v": case "texture_v": return component("uv", 1, 1);
            default: return component(face && m.attribute(name + "_face") != null ? name + "_face" : name, 0, 1);
        }
    }

    private void plyMeshio(Map<String, Object> r) {
        positions(r.get("points"));
        polygons(r);
        @SuppressWarnings("unchecked")
        Map<String, Object> points = (Map<String, Object>) r.get("point_data");
        for (Map.Entry<String, Object> e : points.entrySet()) {
            boolean color = List.of("red", "green", "blue").contains(e.getKey());
            double[] theirs = flat(e.getValue());
            if (color) {
                for (int i = 0; i < theirs.length; i++) {
                    theirs[i] = Math.floorMod((long) theirs[i], 256); // meshio reads a binary uchar as int8
                }
            }
            double[] ours = property(e.getKey(), false, true);
            if (color) {
                for (int i = 0; i < ours.length; i++) {
                    ours[i] = Math.round(ours[i]);
                }
            }
            same("vertex property " + e.getKey(), theirs, ours);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> faces = (Map<String, Object>) r.get("cell_data");
        for (Map.Entry<String, Object> e : faces.entrySet()) {
            double[] ours = property(e.getKey(), true, true);
            for (int i = 0; i < ours.length; i++) {
                ours[i] = List.of("red", "green", "blue").contains(e.getKey()) ? Math.round(ours[i]) : ours[i];
            }
            same("face property " + e.getKey(), flat(e.getValue()), ours);
        }
    }

    private void plyOpen3d(Map<String, Object> r) {
        positions(r.get("vertices"));
        List<Double> tris = new ArrayList<>();
        m.forEachTriangle((face, a, b, c) -> {
            tris.add((double) m.point(a));
            tris.add((double) m.point(b));
            tris.add((double) m.point(c));
        });
        same("triangles (fanned)", flat(r.get("triangles")), tris.stream().mapToDouble(Double::doubleValue).toArray());
        double[] colors = flat(r.get("vertex_colors"));
        if (colors.length > 0) {
            same("vertex colours", colors, doubles(floats(m.attribute("Cd"))));
        }
        double[] normals = flat(r.get("vertex_normals"));
        if (normals.length > 0 && m.attribute("N") != null && m.attribute("N").owner() == AttributeOwner.POINT) {
            same("vertex normals", normals, doubles(floats(m.attribute("N"))));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> attributes = (Map<String, Object>) r.get("attributes");
        if (attributes == null) {
            assertEquals(0, m.pointCount(), what + ": Open3D's tensor reader failed: " + r.get("attributes_error"));
            return;
        }
        for (Map.Entry<String, Object> e : attributes.entrySet()) {
            same("vertex property " + e.getKey(), flat(e.getValue()), property(e.getKey(), false, false));
        }
    }

    private static float[] floats(Attribute a) {
        assertNotNull(a, "an attribute that the independent reader has");
        float[] f = new float[a.elementCount()];
        a.floats().get(f);
        return f;
    }

    // ---------------------------------------------------------------- OBJ and STL

    private void objMeshio(Map<String, Object> r) {
        List<?> points = (List<?>) r.get("points");
        int columns = points.isEmpty() ? 3 : ((List<?>) points.get(0)).size();
        double[] all = flat(points);
        double[] xyz = new double[3 * points.size()];
        double[] rgb = new double[columns == 6 ? 3 * points.size() : 0];
        for (int i = 0; i < points.size(); i++) {
            System.arraycopy(all, columns * i, xyz, 3 * i, 3);
            if (columns == 6) {
                System.arraycopy(all, columns * i + 3, rgb, 3 * i, 3);
            }
        }
        same("positions", xyz, doubles(m.positions(new float[3 * m.pointCount()])));
        if (columns == 6) {
            same("vertex colours", rgb, doubles(floats(m.attribute("Cd"))));
        }
        polygons(r);
    }

    /**
     * Compares the triangles as a set, each by its corners' values (position, and uv, normal and colour
     * where the reader has them per corner), for a reader that keeps one vertex per corner.
     */
    private void corners(Map<String, Object> r) {
        double[] v = flat(r.get("vertices"));
        double[] t = flat(r.get("triangles"));
        double[] uv = flat(r.get("triangle_uvs"));
        double[] n = flat(r.get("vertex_normals"));
        double[] c = flat(r.get("vertex_colors"));
        boolean withUv = uv.length > 0 && m.attribute("uv") != null;
        boolean withN = n.length > 0 && m.attribute("N") != null && m.attribute("N").owner() == AttributeOwner.VERTEX;
        boolean withC = colors && c.length > 0 && m.attribute("Cd") != null && m.attribute("Cd").owner() == AttributeOwner.POINT;
        List<String> theirs = new ArrayList<>();
        for (int i = 0; i < t.length; i += 3) {
            StringBuilder tri = new StringBuilder();
            for (int k = 0; k < 3; k++) {
                int p = (int) t[i + k];
                tri.append(key(v, 3 * p, 3)).append(withUv ? key(uv, 2 * (i + k), 2) : "").append(withN ? key(n, 3 * p, 3) : "")
                        .append(withC ? key(c, 3 * p, 3) : "").append(" | ");
            }
            theirs.add(tri.toString());
        }
        double[] xyz = doubles(m.positions(new float[3 * m.pointCount()]));
        double[] ourUv = withUv ? doubles(floats(m.attribute("uv"))) : null;
        double[] ourN = withN ? doubles(floats(m.attribute("N"))) : null;
        double[] ourC = withC ? doubles(floats(m.attribute("Cd"))) : null;
        List<String> ours = new ArrayList<>();
        m.forEachTriangle((face, a, b, cc) -> {
            StringBuilder tri = new StringBuilder();
            for (int corner : new int[] {a, b, cc}) {
                int p = m.point(corner);
                tri.append(key(xyz, 3 * p, 3)).append(withUv ? key(ourUv, 2 * corner, 2) : "")
                        .append(withN ? key(ourN, 3 * corner, 3) : "").append(withC ? key(ourC, 3 * p, 3) : "").append(" | ");
            }
            ours.add(tri.toString());
        });
        Collections.sort(theirs);
        Collections.sort(ours);
        assertEquals(theirs, ours, what + ": the triangles, each by its corners' values");
        compared += ours.size() * 3 * (3 + (withUv ? 2 : 0) + (withN ? 3 : 0) + (withC ? 3 : 0));
        if (colors && c.length > 0 && m.attribute("Cd") != null && m.attribute("Cd").owner() == AttributeOwner.FACE) {
            faceColorsAtFirstUse(v, c);
        }
    }

    /**
     * Open3D reads an STL's facet colours onto its welded vertices, each vertex taking the colour of the
     * first facet that uses it: Meshport's face {@code Cd} must give the same colours that way.
     */
    private void faceColorsAtFirstUse(double[] v, double[] c) {
        double[] xyz = doubles(m.positions(new float[3 * m.pointCount()]));
        double[] cd = doubles(floats(m.attribute("Cd")));
        java.util.Map<String, String> first = new java.util.HashMap<>();
        for (int f = 0; f < m.faceCount(); f++) {
            for (int k = 0; k < m.faceVertexCount(f); k++) {
                first.putIfAbsent(key(xyz, 3 * m.point(m.faceStart(f) + k), 3), key(cd, 3 * f, 3));
            }
        }
        for (int p = 0; p < v.length / 3; p++) {
            assertEquals(first.get(key(v, 3 * p, 3)), key(c, 3 * p, 3), what + ": the colour of Open3D's vertex " + p);
        }
        compared += c.length;
    }

    private static String key(double[] a, int from, int count) {
        StringBuilder s = new StringBuilder("(");
        for (int i = from; i < from + count; i++) {
            s.append(Double.isNaN(a[i]) ? "nan" : Double.isInfinite(a[i]) ? (a[i] > 0 ? "inf" : "-inf")
                    : String.format(Locale.ROOT, "%.5f", a[i] == 0 ? 0 : a[i])).append(i + 1 < from + count ? " " : ")");
        }
        return s.toString();
    }
}
