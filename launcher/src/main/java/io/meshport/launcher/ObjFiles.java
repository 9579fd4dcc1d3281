package io.meshport.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import de.javagl.obj.FloatTuple;
import de.javagl.obj.Obj;
import de.javagl.obj.ObjFace;
import de.javagl.obj.ObjReader;

import io.meshport.mesh.Attribute;
import io.meshport.mesh.AttributeOwner;
import io.meshport.mesh.Mesh;

/**
 * Reads Wavefront OBJ files with javagl's parser into the mesh model, as Houdini does: OBJ vertices
 * become points, face corners become vertices, and {@code vt} and {@code vn} become the vertex
 * attributes {@code uv} and {@code N} (they are indexed per corner in OBJ, so they belong to vertices).
 * A face list of all triangles gives a triangle mesh; a file without faces gives a point cloud.
 */
final class ObjFiles {
    private ObjFiles() {
    }

    /**
     * @param file an OBJ file
     * @param warnings receives what was left out and why
     * @return the mesh
     * @throws IOException when the file cannot be read or refers to data it does not have
     */
    static Mesh read(Path file, java.util.function.Consumer<String> warnings) throws IOException {
        Obj obj;
        try (InputStream in = Files.newInputStream(file)) {
            obj = ObjReader.read(in);
        } catch (RuntimeException e) {
            throw new IOException("cannot parse " + file + " as OBJ: " + e.getMessage(), e);
        }
        int points = obj.getNumVertices();
        float[] positions = new float[3 * points];
        for (int i = 0; i < points; i++) {
            FloatTuple v = obj.getVertex(i);
            positions[3 * i] = v.getX();
            positions[3 * i + 1] = v.getY();
            positions[3 * i + 2] = v.getZ();
        }
        Mesh.Builder b = Mesh.builder().positions(positions).name(file.getFileName().toString());
        int faces = obj.getNumFaces();
        if (faces == 0) {
            return b.build();
        }
        int vertices = 0;
        boolean allUv = true;
        boolean allN = true;
        for (int f = 0; f < faces; f++) {
            ObjFace face = obj.getFace(f);
            vertices += face.getNumVertices();
            allUv &= face.containsTexCoordIndices();
            allN &= face.containsNormalIndices();
        }
        int[] indices = new int[vertices];
        int[] counts = new int[faces];
        float[] uv = allUv ? new float[2 * vertices] : null;
        float[] n = allN ? new float[3 * vertices] : null;
        int v = 0;
        for (int f = 0; f < faces; f++) {
            ObjFace face = obj.getFace(f);
            counts[f] = face.getNumVertices();
            for (int k = 0; k < face.getNumVertices(); k++, v++) {
                indices[v] = face.getVertexIndex(k);
                if (uv != null) {
                    FloatTuple t = tuple(obj.getNumTexCoords(), face.getTexCoordIndex(k), f, "texture coordinate", obj, true);
                    uv[2 * v] = t.getX();
                    uv[2 * v + 1] = t.getDimensions() > 1 ? t.getY() : 0;
                }
                if (n != null) {
                    FloatTuple t = tuple(obj.getNumNormals(), face.getNormalIndex(k), f, "normal", obj, false);
                    n[3 * v] = t.getX();
                    n[3 * v + 1] = t.getY();
                    n[3 * v + 2] = t.getZ();
                }
            }
        }
        b.indices(indices).faceCounts(counts);
        if (uv != null) {
            b.attribute(Attribute.ofFloats("uv", AttributeOwner.VERTEX, 2, uv));
        } else if (obj.getNumTexCoords() > 0) {
            warnings.accept("uv left out: some faces have texture coordinates and some do not");
        }
        if (n != null) {
            b.attribute(Attribute.ofFloats("N", AttributeOwner.VERTEX, 3, n));
        } else if (obj.getNumNormals() > 0) {
            warnings.accept("N left out: some faces have normals and some do not");
        }
        return b.build();
    }

    private static FloatTuple tuple(int count, int index, int face, String what, Obj obj, boolean tex) throws IOException {
        if (index < 0 || index >= count) {
            throw new IOException("face " + (face + 1) + " refers to " + what + " " + (index + 1) + ", but the file has "
                    + count);
        }
        return tex ? obj.getTexCoord(index) : obj.getNormal(index);
    }
}
