/**
 * The mesh model: immutable geometry held in flat primitive arrays, with JOML at the surface,
 * and the {@link io.meshport.mesh.MeshReader} service that turns a {@code mesh} payload into it.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.3.0")
package io.meshport.mesh;
