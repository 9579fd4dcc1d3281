package io.meshport.launcher;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;

import io.meshport.mesh.Attribute;
import io.meshport.mesh.AttributeOwner;
import io.meshport.mesh.Mesh;

/**
 * Makes a mesh of what {@link ObjParser} read, as Houdini does: OBJ vertices become points (with
 * {@code Cd} from {@code v x y z r g b}), face corners become vertices with the vertex attributes
 * {@code uv} and {@code N} from the corners' {@code vt} and {@code vn}; {@code g}, {@code o},
 * {@code usemtl} and {@code s} become the face attributes {@code group}, {@code object},
 * {@code material} (numbers into the names, -1 before the first statement) and {@code smooth}. The
 * names, the {@code mtllib} files, the lines ({@code l}, as lists of point numbers) and the warnings go
 * into the mesh's {@code meta} map. An attribute that only some vertices or corners have, or that names
 * entries the file lacks, is left out, and the warnings say which and where.
 */
final class ObjMesh {
    private final ObjData d;
    private final List<String> warnings;

    private ObjMesh(ObjData d, List<String> warnings) {
        this.d = d;
        this.warnings = warnings;
    }

    /**
     * @param d what the file holds
     * @param name the mesh's name
     * @param warnings what was left out so far; this adds to it
     * @return the mesh
     * @throws IOException when a face or line refers to a vertex the file does not have
     */
    static Mesh build(ObjData d, String name, List<String> warnings) throws IOException {
        return new ObjMesh(d, warnings).build(name);
    }

    private Mesh build(String name) throws IOException {
        int points = d.vertices();
        checkVertices(d.cornerV, d.faceCounts, d.faceLine, "face");
        checkVertices(d.linePoints, d.lineCounts, d.lineLine, "line");
        Mesh.Builder m = Mesh.builder().positions(d.positions.toArray()).name(name);
        if (d.coloredVertices == points && points > 0) {
            m.attribute(Attribute.ofFloats("Cd", AttributeOwner.POINT, 3, d.colors.toArray()));
        } else if (d.coloredVertices > 0) {
            warnings.add("Cd left out: " + d.coloredVertices + " of " + points + " vertices have a colour (v x y z r g b)");
        }
        if (d.faces() > 0) {
            m.indices(d.cornerV.toArray()).faceCounts(d.faceCounts.toArray());
            perCorner(m, "uv", d.cornerT, d.texcoords, 2, "texture coordinate");
            perCorner(m, "N", d.cornerN, d.normals, 3, "normal");
            perFace(m, "group", d.faceGroup, d.groups.used);
            perFace(m, "object", d.faceObject, d.objects.used);
            perFace(m, "material", d.faceMaterial, d.materials.used);
            boolean smooth = false;
            for (int f = 0; f < d.faces() && !smooth; f++) {
                smooth = d.faceSmooth.get(f) != 0;
            }
            perFace(m, "smooth", d.faceSmooth, smooth);
        } else if (d.texcoords.size > 0 || d.normals.size > 0) {
            warnings.add("the " + (d.texcoords.size / 2) + " vt and " + (d.normals.size / 3) + " vn not carried: no face uses them");
        }
        return m.meta(meta()).build();
    }

    /** Checks that every corner names a vertex the file has, else fails naming the line. */
    private void checkVertices(ObjData.Ints corners, ObjData.Ints counts, ObjData.Ints lines, String what) throws IOException {
        int points = d.vertices();
        for (int i = 0, c = 0; i < counts.size; i++) {
            for (int k = 0; k < counts.get(i); k++, c++) {
                int v = corners.get(c);
                if (v < 0 || v >= points) {
                    throw new IOException("line " + lines.get(i) + ": " + what + " refers to " + (v < 0
                            ? "a vertex before the first (counting back too far)" : "vertex " + (v + 1) + ", but the file has "
                            + points + (points == 1 ? " vertex" : " vertices")));
                }
            }
        }
    }

    /**
     * Adds a vertex attribute from the corners' references into {@code values}, when every corner has one
     * that exists; else says why it is left out.
     */
    private void perCorner(Mesh.Builder m, String name, ObjData.Ints refs, ObjData.Floats values, int size, String what) {
        int entries = values.size / size;
        int corners = refs.size;
        float[] out = new float[size * corners];
        int without = 0;
        for (int f = 0, c = 0; f < d.faces(); f++) {
            for (int k = 0; k < d.faceCounts.get(f); k++, c++) {
                int r = refs.get(c);
                if (r == ObjData.NONE) {
                    without++;
                    continue;
                }
                if (r < 0 || r >= entries) {
                    warnings.add(name + " left out: line " + d.faceLine.get(f) + ": a face refers to " + (r < 0 ? "a " + what
                            + " before the first (counting back too far)" : what + " " + (r + 1) + ", but the file has " + entries));
                    return;
                }
                System.arraycopy(values.a, size * r, out, size * c, size);
            }
        }
        if (without == corners) {
            if (entries > 0) {
                warnings.add("the " + entries + " " + (size == 2 ? "vt" : "vn") + " not carried: no face corner uses them");
            }
            return;
        }
        if (without > 0) {
            warnings.add(name + " left out: " + without + " of " + corners + " face corners have no " + what);
            return;
        }
        m.attribute(Attribute.ofFloats(name, AttributeOwner.VERTEX, size, out));
    }

    private void perFace(Mesh.Builder m, String name, ObjData.Ints values, boolean used) {
        if (used) {
            m.attribute(Attribute.ofInts(name, AttributeOwner.FACE, 1, values.toArray()));
        }
    }

    /**
     * @return the meta map, one CBOR map: {@code groups}, {@code objects}, {@code materials} (the names the
     *         face attributes number), {@code mtllib}, {@code lines} (each a list of point numbers) and
     *         {@code warnings}, each only when there is something to say; null when there is nothing
     */
    private byte[] meta() throws IOException {
        boolean lines = d.lineCounts.size > 0;
        if (!d.groups.used && !d.objects.used && !d.materials.used && d.mtllibs.isEmpty() && !lines && warnings.isEmpty()) {
            return null;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = new CBORFactory().createGenerator(out)) {
            g.writeStartObject();
            names(g, "groups", d.groups.used ? d.groups.list() : null);
            names(g, "objects", d.objects.used ? d.objects.list() : null);
            names(g, "materials", d.materials.used ? d.materials.list() : null);
            names(g, "mtllib", d.mtllibs.isEmpty() ? null : d.mtllibs);
            if (lines) {
                g.writeFieldName("lines");
                g.writeStartArray();
                for (int i = 0, c = 0; i < d.lineCounts.size; i++) {
                    g.writeStartArray();
                    for (int k = 0; k < d.lineCounts.get(i); k++, c++) {
                        g.writeNumber(d.linePoints.get(c));
                    }
                    g.writeEndArray();
                }
                g.writeEndArray();
            }
            names(g, "warnings", warnings.isEmpty() ? null : warnings);
            g.writeEndObject();
        }
        return out.toByteArray();
    }

    private static void names(JsonGenerator g, String field, List<String> names) throws IOException {
        if (names == null) {
            return;
        }
        g.writeFieldName(field);
        g.writeStartArray();
        for (String n : names) {
            g.writeString(n);
        }
        g.writeEndArray();
    }
}
