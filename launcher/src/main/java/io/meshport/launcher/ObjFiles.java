package io.meshport.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import io.meshport.mesh.Mesh;

/**
 * Reads Wavefront OBJ files for {@code meshport send}: the statements with {@link ObjParser}, the mesh
 * with {@link ObjMesh} (OBJ vertices become points, face corners vertices, {@code vt} and {@code vn} the
 * vertex attributes {@code uv} and {@code N}, groups and materials face attributes). A file without
 * faces gives a point cloud. What the file held that the mesh does not carry is reported, and kept in
 * the mesh's {@code meta} under {@code warnings}.
 */
final class ObjFiles {
    private ObjFiles() {
    }

    /**
     * @param file an OBJ file
     * @param warnings receives what was left out and why
     * @return the mesh, named after the file
     * @throws IOException when the file cannot be read, or is not OBJ (the message names the line and
     *         what was wrong)
     */
    static Mesh read(Path file, Consumer<String> warnings) throws IOException {
        if (Files.size(file) > Integer.MAX_VALUE - 16) {
            throw new IOException("cannot read " + file.getFileName() + " as OBJ: " + Files.size(file)
                    + " bytes is more than it reads (2 GB)");
        }
        byte[] bytes = Files.readAllBytes(file);
        List<String> said = new ArrayList<>();
        Mesh mesh;
        try {
            ObjData d = ObjParser.parse(bytes, said);
            mesh = ObjMesh.build(d, file.getFileName().toString(), said);
        } catch (IOException e) {
            throw new IOException("cannot read " + file.getFileName() + " as OBJ: " + e.getMessage(), e);
        }
        said.forEach(warnings);
        return mesh;
    }
}
