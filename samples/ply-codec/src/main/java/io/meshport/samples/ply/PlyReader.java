package io.meshport.samples.ply;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.meshport.samples.text.Warnings;
import io.meshport.mesh.AttributeOwner;
import io.meshport.mesh.Mesh;
import io.meshport.protocol.ErrorCode;
import io.meshport.protocol.MeshportException;
import io.meshport.samples.ply.PlyHeader.Element;
import io.meshport.samples.ply.PlyHeader.Property;

/**
 * Reads a whole PLY file into a {@link Mesh}, in one pass over the bytes, straight into flat arrays.
 *
 * <p>Element {@code vertex} gives the points and their attributes, element {@code face} the polygons and
 * theirs ({@link Columns} says which property becomes what, {@link FaceReader} reads the faces), element
 * {@code tristrips} more triangles ({@link StripReader}). Whatever else the file holds (other elements,
 * list properties, names that are no attribute names, bytes after the last element) is skipped and
 * reported in {@code warnings}. A header that declares no elements at all is an empty mesh. In a binary
 * file, the usual layouts take loops of their own ({@link BinaryColumns}, {@link BinaryFaceList}), fast
 * from a fresh host's first file on; everything else, refusals included, is read value by value here.
 *
 * <p>Before anything is allocated, the counts the header declares are checked against the bytes that
 * follow it (each instance needs a least size) and against the session's free memory, so a lying header
 * fails at once.
 */
final class PlyReader {
    private PlyReader() {
    }

    /**
     * @param b the payload's array
     * @param off where the payload starts
     * @param len its length
     * @param availableBytes how much the session can still take
     * @param warnings receives what the file held that the mesh does not carry
     * @return the mesh
     * @throws MeshportException {@code DECODE_FAILED} naming the byte (or line) and what was expected;
     *         {@code OVERLOADED} when the mesh would not fit in the session; {@code INVALID_MESH} naming
     *         the byte (or line) of a position that is not finite
     */
    static Mesh read(byte[] b, int off, int len, long availableBytes, Warnings warnings) {
        PlyHeader h = PlyHeader.parse(b, off, len);
        Element vertex = vertexElement(h, b, off);
        Element face = h.element("face");
        Property indexList = face == null ? null : FaceReader.indexList(face);
        if (face != null && indexList == null) {
            if (face.count > 0) {
                throw PlyErrors.line(face.line, lineOffset(b, off, face.line),
                        "element 'face' has no list of integers 'vertex_indices' (or 'vertex_index')");
            }
            face = null; // no faces, and nothing to say about them
        }
        Element strips = h.element("tristrips");
        Property stripList = strips == null ? null : FaceReader.indexList(strips);
        if (stripList == null) {
            strips = null;
        }
        int points = vertex == null ? 0 : vertex.count;
        if (vertex == null && (face != null && face.count > 0 || strips != null && strips.count > 0)) {
            Element e = face != null && face.count > 0 ? face : strips;
            throw PlyErrors.line(e.line, lineOffset(b, off, e.line), "element '" + e.name + "' has " + e.count
                    + (e.count == 1 ? " instance" : " instances") + ", but the header declares no element 'vertex' for "
                    + (e.count == 1 ? "it" : "them") + " to refer to");
        }
        checkDeclaredSize(h, face, indexList, len);

        // Where each property goes; what has no place is said now.
        Set<String> taken = new HashSet<>();
        Columns vertices = vertex == null ? null : Columns.plan(vertex, AttributeOwner.POINT, taken, Set.of(), warnings);
        FaceReader faces = face == null ? null : new FaceReader(face, taken, warnings);
        StripReader stripReader = strips == null ? null : new StripReader(strips, stripList);
        for (Element e : h.elements) {
            if (e != vertex && e != face && e != strips && e.count > 0) {
                warnings.add("element '" + PlyHeader.clip(e.name) + "' (" + e.count + (e.count == 1 ? " instance" : " instances")
                        + ") not carried: only vertex, face and tristrips have a place in the mesh");
            }
            if (e == strips) {
                for (Property p : e.properties) {
                    if (p != stripList) {
                        warnings.add("tristrips property '" + PlyHeader.clip(p.name) + "' not carried");
                    }
                }
            }
        }

        long faceCount = face == null ? 0 : face.count;
        long needed = 4L * (3 + (vertices == null ? 0 : vertices.floatsPerInstance())) * points + 16L * faceCount
                + 4L * (faces == null ? 0 : faces.floatsPerFace()) * faceCount;
        if (needed > availableBytes) {
            throw new MeshportException(ErrorCode.OVERLOADED, "ply: the mesh needs at least " + needed
                    + " bytes of session memory (" + points + " vertices, " + faceCount + " faces), but the session can take "
                    + availableBytes + " more");
        }
        if (vertices != null) {
            vertices.allocate();
        }
        if (faces != null) {
            faces.columns.allocate();
        }
        Polygons polygons = new Polygons((int) faceCount, faces != null && faces.texcoord != null, availableBytes);

        PlyBody body = PlyBody.of(h, b, off, len);
        for (Element e : h.elements) {
            if (e == vertex) {
                if (!(body instanceof BinaryBody bin && BinaryColumns.read(bin, vertices))) {
                    readVertices(body, vertices);
                }
            } else if (e == face) {
                if (!(body instanceof BinaryBody bin && BinaryFaceList.read(bin, faces, points, polygons))) {
                    faces.read(body, points, polygons);
                }
            } else if (e == strips) {
                stripReader.read(body, points, polygons);
            } else {
                body.skipElement(e);
            }
        }
        String trailing = body.trailing();
        if (trailing != null) {
            warnings.add(trailing);
        }
        return build(vertices, faces, stripReader, polygons, taken, warnings);
    }

    /** @return the element that gives the points, checked, or null when there are none */
    private static Element vertexElement(PlyHeader h, byte[] b, int off) {
        Element vertex = h.element("vertex");
        if (vertex == null) {
            return null;
        }
        for (String axis : new String[] {"x", "y", "z"}) {
            Property p = vertex.property(axis);
            if (p == null || p.isList()) {
                if (vertex.count == 0) {
                    return null; // no points, and no coordinates to say what they would be: nothing is lost
                }
                throw PlyErrors.line(vertex.line, lineOffset(b, off, vertex.line), "element 'vertex' has no scalar property '"
                        + axis + "'");
            }
        }
        return vertex;
    }

    private static Mesh build(Columns vertices, FaceReader faces, StripReader strips, Polygons polygons, Set<String> taken,
            Warnings warnings) {
        Mesh.Builder m = Mesh.builder().positions(vertices == null ? new float[0] : vertices.positions());
        if (vertices != null) {
            vertices.addTo(m, warnings);
        }
        if (polygons.faces() > 0) {
            m.indices(polygons.indices()).faceCounts(polygons.counts());
        }
        if (faces != null && polygons.faces() > 0) {
            boolean faceData = faces.columns.hasAttributes() || faces.texcoord != null;
            if (faces.face.count == polygons.faces()) {
                faces.addTo(m, polygons.uv(), taken, warnings);
            } else if (faceData) {
                int more = polygons.faces() - faces.face.count;
                warnings.add("the face element's attributes and uv not carried: the tristrips add " + more
                        + (more == 1 ? " triangle" : " triangles") + " they say nothing about");
            }
        }
        if (strips != null && strips.degenerate() > 0) {
            warnings.add("tristrips: " + strips.degenerate() + " triangles that repeat a vertex (no area: strips are"
                    + " stitched with them) not carried");
        }
        return m.build();
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
     * takes at least the size of its scalars and list counts (binary) or two bytes per value (ASCII, the
     * last line's line end may be missing), and each face at least three indices.
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
        long available = len - h.dataStart + (ascii ? 1 : 0);
        if (total > available) {
            throw PlyErrors.at(h.dataStart, "the header declares " + String.join(", ", parts) + ": at least " + total
                    + " bytes of " + h.format.name + " data, but " + (len - h.dataStart) + " bytes follow the header");
        }
    }

    /** Reads every vertex into the arrays of {@code columns}. */
    private static void readVertices(PlyBody body, Columns columns) {
        Element vertex = columns.element;
        Property[] p = vertex.properties.toArray(new Property[0]);
        for (int v = 0; v < vertex.count; v++) {
            body.begin(vertex, v);
            for (int k = 0; k < p.length; k++) {
                Property q = p[k];
                if (q.isList()) {
                    body.skipItems(q, body.count(q));
                    continue;
                }
                Columns.Slot s = columns.slot(k);
                if (s == null) {
                    body.skipScalar(q);
                } else {
                    double value = body.scalar(q);
                    if (!s.store(v, value)) {
                        throw body.invalidValue(body.where() + ": property '" + q.name + "' is " + nonFinite(value)
                                + ": positions must be finite");
                    }
                }
            }
            body.finishInstance();
        }
    }

    /** @return a value that is no finite float, for messages: "+inf (non-finite)" */
    static String nonFinite(double value) {
        if (Double.isNaN(value)) {
            return "NaN (non-finite)";
        }
        if (Double.isInfinite(value)) {
            return (value > 0 ? "+inf" : "-inf") + " (non-finite)";
        }
        return value + ", beyond the range of a float (non-finite as a float)";
    }
}
