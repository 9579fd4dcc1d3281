package io.meshport.session;

import io.meshport.protocol.ErrorCode;
import io.meshport.protocol.MeshportException;

/**
 * Thrown by a write carrying a request token the session has seen applied already: the write is not
 * applied again, and {@link #write()} is what the first one did, to be answered as its result.
 */
public class AlreadyAppliedException extends MeshportException {
    private static final long serialVersionUID = 1L;

    private final transient SessionWrite write;

    /** @param write what the first write with this token did */
    public AlreadyAppliedException(SessionWrite write) {
        super(ErrorCode.CONFLICT, "this request was applied already, as version " + write.version());
        this.write = write;
    }

    /** @return what the first write with this token did */
    public SessionWrite write() {
        return write;
    }
}
