package io.meshport.samples.ply;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.meshport.mesh.Attribute;
import io.meshport.mesh.AttributeOwner;
import io.meshport.mesh.Mesh;
import io.meshport.protocol.ErrorCode;
import io.meshport.protocol.MeshportException;
import io.meshport.samples.ply.PlyHeader.Element;
import io.meshport.samples.ply.PlyHeader.Property;

/**
 * Reads a whole PLY file into a {@link Mesh}, in one pass over the bytes, straight into flat arrays.
 *
 * <p>Element {@code vertex} gives the points: {@code x y z} the positions, {@code nx ny nz} the point
 * attribute {@code N}, {@code red green blue} (or {@code diffuse_red ...}) the point attribute {@code Cd}
 * (integers scaled to 0..1), {@code alpha} the point attribute {@code Alpha}, and every other scalar
 * property whose name is a valid attribute name a float point attribute of that name. Element
 * {@code face} gives the polygons through its list {@code vertex_indices} (or {@code vertex_index}).
 * Other elements and properties are skipped.
 *
 * <p>Before anything is allocated, the counts the header declares are checked against the bytes that
 * follow it (each instance needs a least size) and against the session's free memory, so a lying header
 * fails at once.
 */
final class PlyReader {
    private static final String[] NORMAL = {"nx", "ny", "nz"};
    private static final String[] COLOR = {"red", "green", "blue"};
    private static final String[] DIFFUSE = {"diffuse_red", "diffuse_green", "diffuse_blue"};

    private PlyReader() {
    }

    /**
     * Where one vertex property goes: component {@code component} of a tuple of {@code stride} floats of
     * an attribute (null: the positions), divided by {@code divisor}.
     */
    private static final class Slot {
        final String attribute;
        final int stride;
        final int component;
        final double divisor;
        float[] data;

        Slot(String attribute, int stride, int component, double divisor) {
            this.attribute = attribute;
            this.stride = stride;
            this.component = component;
            this.divisor = divisor;
        }
    }

    /**
     * @param b the payload's array
     * @param off where the payload starts
     * @param len its length
     * @param availableBytes how much the session can still take
     * @return the mesh
     * @throws MeshportException {@code DECODE_FAILED} naming the byte (or line) and what was expected;
     *         {@code OVERLOADED} when the mesh would not fit in the session; {@code INVALID_MESH} when
     *         the values break a rule of the mesh model (a non-finite position)
     */
    static Mesh read(byte[] b, int off, int len, long availableBytes) {
        PlyHeader h = PlyHeader.parse(b, off, len);
        Element vertex = h.element("vertex");
        if (vertex == null) {
            throw PlyErrors.at(h.dataStart, "the header declares no element 'vertex'");
        }
        for (String axis : new String[] {"x", "y", "z"}) {
            Property p = vertex.property(axis);
            if (p == null || p.isList()) {
                throw PlyErrors.line(vertex.line, lineOffset(b, off, vertex.line), "element 'vertex' has no scalar property '"
                        + axis + "'");
            }
        }
        Element face = h.element("face");
        Property indexList = null;
        if (face != null) {
            indexList = face.property("vertex_indices");
            if (indexList == null) {
                indexList = face.property("vertex_index");
            }
            if (indexList == null || !indexList.isList() || !indexList.type.integral) {
                throw PlyErrors.line(face.line, lineOffset(b, off, face.line),
                        "element 'face' has no list of integers 'vertex_indices' (or 'vertex_index')");
            }
        }
        checkDeclaredSize(h, face, indexList, len);

        // Where each vertex property goes.
        int points = vertex.count;
        Map<String, Integer> sizes = new LinkedHashMap<>(); // attribute name -> tuple size, in order
        Slot[] slots = new Slot[vertex.properties.size()];
        slots[index(vertex, "x")] = new Slot(null, 3, 0, 1);
        slots[index(vertex, "y")] = new Slot(null, 3, 1, 1);
        slots[index(vertex, "z")] = new Slot(null, 3, 2, 1);
        if (allScalars(vertex, NORMAL)) {
            tuple(vertex, NORMAL, "N", false, slots, sizes);
        }
        if (allScalars(vertex, COLOR)) {
            tuple(vertex, COLOR, "Cd", true, slots, sizes);
        } else if (allScalars(vertex, DIFFUSE)) {
            tuple(vertex, DIFFUSE, "Cd", true, slots, sizes);
        }
        String alpha = scalar(vertex, "alpha") ? "alpha" : scalar(vertex, "diffuse_alpha") ? "diffuse_alpha" : null;
        if (alpha != null) {
            tuple(vertex, new String[] {alpha}, "Alpha", true, slots, sizes);
        }
        for (int k = 0; k < slots.length; k++) {
            Property p = vertex.properties.get(k);
            if (slots[k] != null || p.isList() || Attribute.nameProblem(p.name) != null || sizes.containsKey(p.name)
                    || p.name.equals("N") || p.name.equals("Cd")) {
                continue; // used already, a list, or no valid or free attribute name: skipped
            }
            tuple(vertex, new String[] {p.name}, p.name, false, slots, sizes);
        }
        long attributeFloats = 0;
        for (int size : sizes.values()) {
            attributeFloats += size;
        }
        long faces = face == null ? 0 : face.count;
        long needed = 4L * (3 + attributeFloats) * points + 16L * faces;
        if (needed > availableBytes) {
            throw new MeshportException(ErrorCode.OVERLOADED, "ply: the mesh needs at least " + needed
                    + " bytes of session memory (" + points + " vertices, " + faces + " faces), but the session can take "
                    + availableBytes + " more");
        }
        float[] positions = new float[3 * points];
        Map<String, float[]> floats = new LinkedHashMap<>();
        for (Map.Entry<String, Integer> e : sizes.entrySet()) {
            floats.put(e.getKey(), new float[e.getValue() * points]);
        }
        for (Slot slot : slots) {
            if (slot != null) {
                slot.data = slot.attribute == null ? positions : floats.get(slot.attribute);
            }
        }

        PlyBody body = PlyBody.of(h, b, off, len);
        Faces polygons = null;
        for (Element e : h.elements) {
            if (e == vertex) {
                readVertices(body, vertex, slots);
            } else if (e == face) {
                polygons = readFaces(body, face, indexList, points, availableBytes);
            } else {
                body.skipElement(e);
            }
        }
        body.finish();

        Mesh.Builder m = Mesh.builder().positions(positions);
        if (polygons != null && polygons.faces > 0) {
            m.indices(polygons.indices()).faceCounts(polygons.counts);
        }
        for (Map.Entry<String, float[]> e : floats.entrySet()) {
            m.attribute(Attribute.ofFloats(e.getKey(), AttributeOwner.POINT, sizes.get(e.getKey()), e.getValue()));
        }
        return m.build();
    }

    private static void tuple(Element vertex, String[] names, String attribute, boolean color, Slot[] slots,
            Map<String, Integer> sizes) {
        for (int c = 0; c < names.length; c++) {
            Property p = vertex.property(names[c]);
            slots[index(vertex, names[c])] = new Slot(attribute, names.length, c, color ? p.type.colorScale() : 1);
        }
        sizes.put(attribute, names.length);
    }

    private static boolean allScalars(Element e, String[] names) {
        for (String n : names) {
            if (!scalar(e, n)) {
                return false;
            }
        }
        return true;
    }

    private static boolean scalar(Element e, String name) {
        Property p = e.property(name);
        return p != null && !p.isList();
    }

    private static int index(Element e, String name) {
        return e.properties.indexOf(e.property(name));
    }

    /** @return the byte offset where header line {@code line} starts, for messages */
    private static int lineOffset(byte[] b, int off, int line) {
        int p = off;
        for (int l = 1; l < line; l++) {
            while (b[p] != '\n' && b[p] != '\r') {
                p++;
            }
            p += b[p] == '\r' && b[p + 1] == '\n' ? 2 : 1;
        }
        return p - off;
    }

    /**
     * Fails at once when the counts the header declares need more bytes than follow it: each instance
     * takes at least the size of its scalars and list counts (binary) or two bytes per value (ASCII),
     * and each face at least three indices.
     */
    private static void checkDeclaredSize(PlyHeader h, Element face, Property indexList, int len) {
        boolean ascii = h.format == PlyHeader.Format.ASCII;
        long total = 0;
        List<String> parts = new ArrayList<>();
        for (Element e : h.elements) {
            long each;
            if (ascii) {
                each = 2L * (e.minValues() + (e == face ? 3 : 0));
            } else {
                each = e.minBinaryBytes() + (e == face ? 3L * indexList.type.size : 0);
            }
            if (e.count > 0 && each > 0) {
                total += each * e.count;
                parts.add(e.count + " '" + e.name + "' (at least " + each + " bytes each)");
            }
        }
        long available = len - h.dataStart;
        if (total > available) {
            throw PlyErrors.at(h.dataStart, "the header declares " + String.join(", ", parts) + ": at least " + total
                    + " bytes of " + h.format.name + " data, but " + available + " bytes follow the header");
        }
    }

    private static void readVertices(PlyBody body, Element vertex, Slot[] slots) {
        List<Property> props = vertex.properties;
        Property[] p = props.toArray(new Property[0]);
        for (int v = 0; v < vertex.count; v++) {
            body.begin(vertex, v);
            for (int k = 0; k < p.length; k++) {
                Property q = p[k];
                if (q.isList()) {
                    body.skipItems(q, body.count(q));
                    continue;
                }
                Slot s = slots[k];
                if (s == null) {
                    body.skipScalar(q);
                } else {
                    double value = body.scalar(q);
                    s.data[v * s.stride + s.component] = (float) (s.divisor == 1 ? value : value / s.divisor);
                }
            }
            body.finishInstance();
        }
    }

    /** The faces read: the vertex list and the vertices per face. */
    private static final class Faces {
        int[] indices;
        int size;
        final int[] counts;
        final int faces;

        Faces(int faces, int capacity) {
            this.faces = faces;
            this.counts = new int[faces];
            this.indices = new int[capacity];
        }

        void ensure(int more, long availableBytes) {
            long want = (long) size + more;
            if (want > indices.length) {
                if (4L * want + 4L * faces > availableBytes) {
                    throw new MeshportException(ErrorCode.OVERLOADED, "ply: the faces need more than " + (4L * want + 4L * faces)
                            + " bytes of session memory, but the session can take " + availableBytes + " more");
                }
                long grown = Math.max(want, indices.length + (indices.length >> 1) + 16);
                indices = Arrays.copyOf(indices, (int) Math.min(grown, Integer.MAX_VALUE - 16));
                if (indices.length < want) {
                    throw new MeshportException(ErrorCode.OVERLOADED, "ply: more than " + indices.length
                            + " face vertices");
                }
            }
        }

        int[] indices() {
            return size == indices.length ? indices : Arrays.copyOf(indices, size);
        }
    }

    private static Faces readFaces(PlyBody body, Element face, Property indexList, int points, long availableBytes) {
        Faces f = new Faces(face.count, (int) Math.min(3L * face.count, Integer.MAX_VALUE - 16));
        for (int i = 0; i < face.count; i++) {
            body.begin(face, i);
            for (Property q : face.properties) {
                if (q == indexList) {
                    int n = body.count(q);
                    if (n < 3) {
                        throw body.errorAt(body.valueStart, body.where() + " has " + n + (n == 1 ? " vertex" : " vertices")
                                + ": a face needs at least 3");
                    }
                    f.ensure(n, availableBytes);
                    for (int k = 0; k < n; k++) {
                        long index = body.integerItem(q, k);
                        if (index < 0 || index >= points) {
                            String what = body.where() + " refers to vertex " + index + ", but the file has " + points
                                    + (points == 1 ? " vertex" : " vertices");
                            throw body.errorAt(body.valueStart, what);
                        }
                        f.indices[f.size++] = (int) index;
                    }
                    f.counts[i] = n;
                } else if (q.isList()) {
                    body.skipItems(q, body.count(q));
                } else {
                    body.skipScalar(q);
                }
            }
            body.finishInstance();
        }
        return f;
    }
}
