package io.meshport.mesh;

import io.meshport.protocol.ErrorCode;
import io.meshport.protocol.MeshportException;

/** A mesh broke a rule of the mesh model; the message names the field and the first bad element. */
public class InvalidMeshException extends MeshportException {
    private static final long serialVersionUID = 1L;

    /** @param message the field and the first bad element, for people */
    public InvalidMeshException(String message) {
        super(ErrorCode.INVALID_MESH, message);
    }
}
