package io.meshport.samples.ply;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import io.meshport.samples.text.Warnings;
import io.meshport.mesh.Attribute;
import io.meshport.mesh.AttributeOwner;
import io.meshport.mesh.Mesh;
import io.meshport.samples.ply.PlyHeader.Element;
import io.meshport.samples.ply.PlyHeader.Property;

/**
 * Reads the instances of element {@code face}: its list {@code vertex_indices} (or {@code vertex_index})
 * gives a polygon's corners, a list {@code texcoord} (or {@code texcoords}: u v per corner, as MeshLab
 * writes) the corners' {@code uv}, and its scalars the face attributes ({@link Columns}).
 */
final class FaceReader {
    private static final String[] INDEX_LISTS = {"vertex_indices", "vertex_index"};
    private static final String[] TEXCOORD_LISTS = {"texcoord", "texcoords"};

    final Element face;
    final Property indexList;
    final Property texcoord;
    final Columns columns;
    /** Why the uv cannot be kept (a face whose texcoord list does not match its corners), or null. */
    private String uvProblem;
    private long uvMismatches;

    /**
     * @param face the element
     * @param taken the attribute names used so far (the vertex's)
     * @param warnings receives what is not carried
     */
    FaceReader(Element face, Set<String> taken, Warnings warnings) {
        this.face = face;
        this.indexList = list(face, INDEX_LISTS);
        this.texcoord = list(face, TEXCOORD_LISTS);
        Set<Property> handled = new HashSet<>();
        handled.add(indexList);
        handled.add(texcoord);
        this.columns = Columns.plan(face, AttributeOwner.FACE, taken, handled, warnings);
    }

    /** @return the first list property of {@code e} with one of these names, or null */
    static Property list(Element e, String[] names) {
        for (String n : names) {
            Property p = e.property(n);
            if (p != null) {
                return p.isList() ? p : null;
            }
        }
        return null;
    }

    /** @return the element's list of vertex numbers, or null when it has none (or not of integers) */
    static Property indexList(Element e) {
        Property p = list(e, INDEX_LISTS);
        return p != null && p.type.integral ? p : null;
    }

    /** Reads every face into {@code out} and the face attributes' arrays (allocated already). */
    void read(PlyBody body, int points, Polygons out) {
        float[] tc = new float[16];
        for (int i = 0; i < face.count; i++) {
            body.begin(face, i);
            int at = body.pos;
            int start = out.corners();
            int n = 0;
            int values = -1;
            for (int k = 0; k < face.properties.size(); k++) {
                Property q = face.properties.get(k);
                if (q == indexList) {
                    n = corners(body, q, points, out);
                } else if (q == texcoord) {
                    values = body.count(q);
                    if (values > tc.length) {
                        tc = Arrays.copyOf(tc, Math.max(values, 2 * tc.length));
                    }
                    for (int j = 0; j < values; j++) {
                        tc[j] = (float) body.item(q, j);
                    }
                } else if (q.isList()) {
                    body.skipItems(q, body.count(q));
                } else if (columns.slot(k) == null) {
                    body.skipScalar(q);
                } else {
                    columns.slot(k).store(i, body.scalar(q));
                }
            }
            out.endFace(n);
            if (texcoord != null) {
                if (values == 2 * n) {
                    for (int c = 0; c < n; c++) {
                        out.uv(start + c, tc[2 * c], tc[2 * c + 1]);
                    }
                } else if (uvMismatches++ == 0) {
                    uvProblem = body.location(at) + ": " + body.where() + " has " + values + " values in its list '"
                            + texcoord.name + "' for " + n + " corners (expected " + 2 * n + ")";
                }
            }
            body.finishInstance();
        }
    }

    /** Reads a face's list of vertex numbers into {@code out}; @return how many corners it has */
    private static int corners(PlyBody body, Property q, int points, Polygons out) {
        int n = body.count(q);
        if (n < 3) {
            throw body.errorAt(body.valueStart, body.where() + " has " + n + (n == 1 ? " vertex" : " vertices")
                    + ": a face needs at least 3");
        }
        out.ensure(n);
        for (int k = 0; k < n; k++) {
            long index = body.integerItem(q, k);
            if (index < 0 || index >= points) {
                throw body.errorAt(body.valueStart, body.where() + " refers to vertex " + index + ", but the file has "
                        + points + (points == 1 ? " vertex" : " vertices"));
            }
            out.corner((int) index);
        }
        return n;
    }

    /**
     * Adds the face attributes and the corners' uv to {@code m}, or says why they are left out.
     *
     * @param m the mesh being built, whose faces are exactly this element's
     * @param uv the uv per corner read, or null
     * @param taken the attribute names used so far
     */
    void addTo(Mesh.Builder m, float[] uv, Set<String> taken, Warnings warnings) {
        columns.addTo(m, warnings);
        if (texcoord == null) {
            return;
        }
        if (uvProblem != null) {
            warnings.add("face list '" + texcoord.name + "' not carried as uv: " + uvProblem
                    + (uvMismatches > 1 ? " (and " + (uvMismatches - 1) + " more faces)" : ""));
            return;
        }
        String name = "uv";
        if (taken.contains(name)) {
            name = "uv_face";
            if (taken.contains(name)) {
                warnings.add("face list '" + texcoord.name + "' not carried: attributes 'uv' and 'uv_face' exist already");
                return;
            }
            warnings.add("face list '" + texcoord.name + "' carried as vertex attribute '" + name
                    + "': the name 'uv' is taken");
        }
        taken.add(name);
        m.attribute(Attribute.ofFloats(name, AttributeOwner.VERTEX, 2, uv));
    }

    /** @return how many floats per face the attributes need, at least (a texcoord's uv: 6 per triangle) */
    long floatsPerFace() {
        return columns.floatsPerInstance() + (texcoord == null ? 0 : 6);
    }
}
