package io.meshport.client;

import io.meshport.mesh.Mesh;

/**
 * A mesh read with {@code get}.
 *
 * @param key the key
 * @param version the version of the entry
 * @param mesh the mesh
 */
public record MeshEntry(String key, long version, Mesh mesh) {
}
