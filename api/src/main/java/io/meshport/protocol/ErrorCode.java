package io.meshport.protocol;

/**
 * The error codes of the Meshport protocol (docs/protocol.md section 9). The wire name of each code is its
 * {@link #name()}.
 */
public enum ErrorCode {
    /** The frame could not be read as one CBOR map; the connection is closed. */
    BAD_FRAME,
    /** The frame's length is above the host's {@code maxFrameBytes}; the connection is closed. */
    FRAME_TOO_LARGE,
    /** A field is missing or has the wrong type. */
    BAD_REQUEST,
    /** The {@code op} is not one this host knows. */
    UNKNOWN_OP,
    /** A key does not follow the key syntax. */
    BAD_KEY,
    /** The key (or node, or service object) does not exist. */
    NOT_FOUND,
    /** A conditional write found another version than the one it expected. */
    CONFLICT,
    /** No codec with that id is installed, or it cannot encode that kind of value. */
    NO_CODEC,
    /** The codec could not decode the payload. */
    DECODE_FAILED,
    /** A mesh payload broke a rule of the mesh model. */
    INVALID_MESH,
    /** Missing or wrong token; the connection is closed. */
    UNAUTHORIZED,
    /** No exported service with that name. */
    NO_SERVICE,
    /** The service has no callable method with that name. */
    NO_METHOD,
    /** Wrong number or types of call arguments. */
    BAD_ARGS,
    /** The called method failed. */
    CALL_FAILED,
    /** A limit was reached; the request changed nothing and may be retried later. */
    OVERLOADED,
    /** The host is stopping. */
    SHUTTING_DOWN,
    /** A fault inside the host; the request changed nothing. */
    INTERNAL,
    /**
     * The session's backing store cannot be reached now (a shared store's server is down); nothing was
     * changed; retry later (docs/protocol.md section 11).
     *
     * @since 1.1
     */
    UNAVAILABLE;

    /**
     * Returns the code with this wire name.
     *
     * @param name a wire name such as {@code "CONFLICT"}
     * @return the code, or {@link #INTERNAL} for a name this version does not know (a newer host may
     *         send codes an older client has never seen)
     */
    public static ErrorCode fromWire(String name) {
        for (ErrorCode c : values()) {
            if (c.name().equals(name)) {
                return c;
            }
        }
        return INTERNAL;
    }
}
