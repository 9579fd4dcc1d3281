package io.meshport.client;

import java.util.Map;

import io.meshport.protocol.ErrorCode;
import io.meshport.protocol.MeshportException;

/**
 * The host answered a request with an error. {@link #code()} is the protocol's error code (a code
 * this client does not know yet reads as {@link ErrorCode#INTERNAL}; {@link #wireCode()} keeps its
 * name), the message is the host's.
 */
public class MeshportClientException extends MeshportException {
    private static final long serialVersionUID = 1L;

    private final String wireCode;

    /**
     * @param wireCode the code as the host sent it
     * @param message the host's message
     * @param detail the error's detail, may be empty
     */
    public MeshportClientException(String wireCode, String message, Map<String, ?> detail) {
        super(ErrorCode.fromWire(wireCode), wireCode + ": " + message, detail);
        this.wireCode = wireCode;
    }

    /** @return the code as the host sent it */
    public String wireCode() {
        return wireCode;
    }
}
